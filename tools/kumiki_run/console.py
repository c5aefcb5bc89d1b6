"""A console run: QEMU with COM1 on pipes, driven from the host.

In a console run (kumiki-run --console, rootfs's .kumiki/console) the program's standard input,
output and error are the Linux personality's tty, a virtual console of the serial driver, so
COM1 carries the kernel's and drivers' lines and then whatever the program writes, and what is
typed on COM1 is the program's input.  kumiki-run relays a terminal through a Session; the
Linux console test (personalities/linux/tests/console_test.py) types on one and reads back.

Everything COM1 prints is appended to a log file as it comes.  Typed bytes are held until COM1
has printed its first line: before that the kernel is still setting the UART up and could drop
them; after it, QEMU itself holds what the guest's UART cannot take yet (and the serial driver
queues up to 512 bytes for the console until the personality reads them).  How the program
ended comes, as in a normal run, from the host link's 'X' frame (hostlink.py).
"""
import os
import selectors
import subprocess

from . import hostlink


class SessionError(Exception):
    """QEMU could not be started."""


class Session:
    """QEMU running `cmd` (whose -serial is stdio: boot.qemu_command with serial_log None)."""

    def __init__(self, cmd, hostlink_path, serial_log_path, qemu_log_path):
        self.decoder = hostlink.Decoder()
        self.output = bytearray()  # everything COM1 printed
        self.typed = bytearray()   # typed, not yet written to QEMU
        self.ready = False         # COM1 has printed its first line
        self.status = None         # QEMU's exit status, once it exited
        self._log = open(serial_log_path, "wb")
        with open(hostlink_path, "wb"), open(qemu_log_path, "wb") as qemu_log:
            try:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=qemu_log)
            except OSError as error:
                self._log.close()
                raise SessionError(f"cannot start QEMU '{cmd[0]}': {error.strerror}") from None
        self._link = open(hostlink_path, "rb")
        self._out = self.proc.stdout.fileno()
        self._in = self.proc.stdin.fileno()
        os.set_blocking(self._out, False)
        os.set_blocking(self._in, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._out, selectors.EVENT_READ)

    def type(self, data):
        """Queues bytes for COM1 (written as QEMU takes them)."""
        self.typed += data
        self._write_typed()

    def _write_typed(self):
        if not (self.ready and self.typed and self._in is not None):
            return
        try:
            written = os.write(self._in, self.typed)
        except BlockingIOError:
            written = 0
        except BrokenPipeError:  # QEMU is gone; pump() notices
            self.typed.clear()
            return
        del self.typed[:written]

    def pump(self, timeout, also=()):
        """Waits up to `timeout` seconds for COM1 output, the host link, or one of the file
        descriptors `also`.  Returns (COM1 bytes, host link events, the `also` fds readable)."""
        for fd in also:
            self._selector.register(fd, selectors.EVENT_READ)
        want_write = bool(self.ready and self.typed)
        if want_write:
            self._selector.register(self._in, selectors.EVENT_WRITE)
        try:
            ready = self._selector.select(timeout) if self.status is None else []
        finally:
            for fd in also:
                self._selector.unregister(fd)
            if want_write:
                self._selector.unregister(self._in)
        readable = [key.fd for key, _ in ready if key.fd in also]
        data = self._read_serial()
        self._write_typed()
        events = self.decoder.feed(self._link.read())
        if self.status is None and self.proc.poll() is not None:
            # Exited: everything it wrote before is in the pipe and the file; take it all.
            self.status = self.proc.returncode
            data += self._read_serial()
            events += self.decoder.feed(self._link.read())
        return data, events, readable

    def _read_serial(self):
        chunks = []
        while True:
            try:
                chunk = os.read(self._out, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        if data:
            self.output += data
            self._log.write(data)
            self._log.flush()
            if not self.ready and b"\n" in self.output:
                self.ready = True
        return data

    def close(self):
        """Stops QEMU if it still runs; closes everything."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.status is None:
            self.status = self.proc.returncode
        self._selector.close()
        for f in (self.proc.stdin, self.proc.stdout, self._link, self._log):
            try:
                f.close()
            except OSError:
                pass
        self._in = None
