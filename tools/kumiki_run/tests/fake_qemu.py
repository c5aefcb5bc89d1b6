#!/usr/bin/env python3
"""A stand-in for qemu-system-x86_64 in kumiki-run's tests: it plays the Linux personality.

It takes kumiki-run's QEMU command line, finds the host link file (-chardev ...,path=),
the serial log (-serial file:) and the archive (the -initrd module named linux_root.tar),
and does what the program's argv[1] in the archive asks:

    echo ARGS...     stdout: argv joined by spaces and '\n'; stderr: the environment
                     entries joined by '\n'; then the stdin and cwd files (if any) on stdout
                     in separate frames; exits 0.  Also prints the -initrd value and the
                     extra arguments it saw to the serial log.
    ls               stdout: each archive member as 'MODE NAME' (octal mode), one a line
    exit N           exits with status N
    kill S           killed by signal S
    raw HEX QEMUSTATUS   writes the bytes HEX to the host link, then QEMU exits with QEMUSTATUS
    slow             stdout "a", waits until kumiki-run has relayed it (a marker file), "b"
    hang             writes nothing and never exits
    nohalt           exit frame with status 0, then never exits

With -serial stdio (kumiki-run --console) it plays a console instead, whatever argv asks:
it prints "fake kernel booting" on stdout (COM1) after FIRST_LINE_DELAY seconds, then
"console-file yes|no stdin-file yes|no" (what the archive has) and "ready", and answers each
line typed on stdin (ended by \r or \n) with "typed: LINE"; the line "exit N" ends the run
with status N, and "hang" makes it stop answering.  Bytes that come before its first line
are reported as "EARLY: ..." (kumiki-run must hold typed bytes until then), and a single
byte 0x1d (Ctrl-]) as "escape reached the guest".
"""
import os
import sys
import tarfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from kumiki_run import hostlink  # noqa: E402

DONE = 33
FIRST_LINE_DELAY = 0.5


def option(argv, name):
    return argv[argv.index(name) + 1]


def console(link_path, files):
    """The console mode (see the module docstring)."""
    import select
    out = sys.stdout.buffer
    time.sleep(FIRST_LINE_DELAY)
    ready, _, _ = select.select([0], [], [], 0)
    if ready:
        out.write(b"EARLY: " + os.read(0, 4096) + b"\n")
    out.write(b"fake kernel booting\n")
    out.write(b"console-file %s stdin-file %s\nready\n" % (
        b"yes" if ".kumiki/console" in files else b"no", b"yes" if ".kumiki/stdin" in files else b"no"))
    out.flush()
    line = b""
    while True:
        data = os.read(0, 1)
        if not data:
            time.sleep(3600)  # input ended: keep running, as QEMU does
        if data == b"\x1d":
            out.write(b"escape reached the guest\n")
            out.flush()
            continue
        if data not in b"\r\n":
            line += data
            continue
        out.write(b"typed: " + line + b"\r\n")
        out.flush()
        if line.startswith(b"exit "):
            with open(link_path, "ab", buffering=0) as link:
                link.write(hostlink.encode("X", bytes([0, int(line[5:])])))
            return DONE
        if line == b"hang":
            time.sleep(3600)
        line = b""


def main(argv):
    link_path = option(argv, "-chardev").split("path=", 1)[1].replace(",,", ",")
    if option(argv, "-serial") == "stdio":
        modules = option(argv, "-initrd").split(",")
        archive = next(m for m in modules if os.path.basename(m.split(" ")[0]) == "linux_root.tar")
        with tarfile.open(archive) as tar:
            files = {m.name for m in tar.getmembers() if m.isfile()}
        return console(link_path, files)
    serial = option(argv, "-serial").split("file:", 1)[1]
    modules = option(argv, "-initrd").split(",")
    archive = next(m for m in modules if os.path.basename(m.split(" ")[0]) == "linux_root.tar")
    with open(serial, "w", encoding="utf-8") as log:
        log.write("fake kernel booting\n")
        log.write(f"initrd {option(argv, '-initrd')}\n")
        log.write(f"argv {' '.join(argv[1:])}\n")
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        files = {m.name: tar.extractfile(m).read() for m in members if m.isfile()}
    args = [a.decode() for a in files[".kumiki/argv"].split(b"\0")[:-1]]
    env = [e.decode() for e in files[".kumiki/env"].split(b"\0")[:-1]]
    mode = args[1] if len(args) > 1 else "echo"
    with open(link_path, "ab", buffering=0) as link:
        def send(frame_type, payload):
            link.write(hostlink.encode(frame_type, payload))

        if mode == "echo":
            send("O", (" ".join(args) + "\n").encode())
            send("E", ("\n".join(env) + "\n").encode())
            for name in (".kumiki/stdin", ".kumiki/cwd"):
                if name in files:
                    send("O", files[name])
            send("X", bytes([0, 0]))
        elif mode == "ls":
            send("O", "".join(f"{m.mode:o} {m.name}\n" for m in members).encode())
            send("X", bytes([0, 0]))
        elif mode == "exit":
            send("X", bytes([0, int(args[2])]))
        elif mode == "kill":
            send("X", bytes([1, int(args[2])]))
        elif mode == "raw":
            link.write(bytes.fromhex(args[2]))
            return int(args[3])
        elif mode == "slow":
            send("O", b"a")
            marker = args[2]
            deadline = time.monotonic() + 10
            while not os.path.exists(marker) and time.monotonic() < deadline:
                time.sleep(0.01)
            send("O", b"b")
            send("X", bytes([0, 0]))
        elif mode == "hang":
            time.sleep(3600)
        elif mode == "nohalt":
            send("X", bytes([0, 0]))
            time.sleep(3600)
    return DONE


if __name__ == "__main__":
    sys.exit(main(sys.argv))
