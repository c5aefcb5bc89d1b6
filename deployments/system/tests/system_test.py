#!/usr/bin/env python3
"""The default Linux system end to end (issue 9): boot it as `./kumiki run` does (the build's
<name>.run description) on a copy of the built ext2 image, use the shell on the console, change
the disk, `poweroff`; then on the host the image must be clean for `e2fsck -fn` and `debugfs`
must show the changes; a second boot must read them back and power off again.

    system_test.py --run-file BUILD/deployments/linux.run [--qemu QEMU] [--timeout S]

Prints TAP; exits 1 on any "not ok"."""
import argparse
import hashlib
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

PROMPT = "# "  # root's PS1 ends so (deployments/system/root/etc/profile)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

BOOT1 = [
    # (command, what the test keeps of its output)
    ("mkdir -p /root/work/deep && echo 'written by boot 1' > /root/work/deep/file", None),
    # 1.2 MB: past the direct blocks into the single indirect ones.
    ("dd if=/dev/urandom of=/root/work/random bs=4096 count=300 2>/dev/null; md5sum /root/work/random", "md5"),
    ("ln -s deep/file /root/work/link && cat /root/work/link", "link"),
    ("rm /etc/motd && mv /etc/hostname /etc/hostname.old && echo renamed > /etc/hostname", None),
    ("df / | tail -1 | awk '{print $1, $6}'", "df"),
    ("dmesg | grep -c 'root file system: ext2 on /dev/vda'", "dmesg"),  # syslog(2): the personality's log
    ("top -b -n 1 | grep -c '^CPU:'; grep -c '^btime ' /proc/stat", "top"),
    ("date +%s", "clock"),  # the CMOS clock's date (QEMU's is the host's)
    ("date -s '2030-01-02 03:04:05' >/dev/null && date -u '+%F %H'", "set clock"),
]
BOOT2 = [
    ("cat /root/work/link", "link"),
    ("md5sum /root/work/random", "md5"),
    ("ls /etc/motd 2>&1; cat /etc/hostname /etc/hostname.old; hostname", "renames"),
]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}", flush=True)
        if not ok:
            self.failed += 1
            for line in str(detail).splitlines()[-40:]:
                print(f"#   {line}")
        return ok


class ConsoleTimeout(Exception):
    pass


class Machine:
    """QEMU booted from the run file with COM1 on pipes; the disk is `image`."""

    def __init__(self, qemu, run_file, image, log_path):
        kernel, memory, modules = None, "128M", []
        with open(run_file, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition(" ")
                if key == "kernel":
                    kernel = value
                elif key == "memory":
                    memory = value
                elif key == "module":
                    modules.append(value)
        cmd = [qemu, "-machine", "pc", "-m", memory, "-display", "none", "-no-reboot", "-serial", "stdio",
               "-monitor", "none", "-nic", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-kernel", kernel, "-initrd", ",".join(modules),
               "-drive", f"file={image},if=none,id=d0,format=raw",
               "-device", "virtio-blk-pci,drive=d0,addr=0x5"]
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.text = ""  # everything COM1 said, \r\n made \n, escapes removed
        self.marks = 0

    def pump(self, seconds):
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        if not ready:
            return False
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return None
        chunk = ANSI.sub("", data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", ""))
        self.log.write(chunk)
        self.log.flush()
        self.text += chunk
        return True

    def expect(self, needle, start, timeout):
        deadline = time.monotonic() + timeout
        while needle not in self.text[start:]:
            if time.monotonic() >= deadline:
                raise ConsoleTimeout(f"no {needle!r} within {timeout} s")
            if self.pump(0.2) is None:
                raise ConsoleTimeout(f"COM1 closed before {needle!r}")
        return self.text.index(needle, start)

    def type(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def run(self, command, timeout):
        """Types command, returns its output (the lines between the echoed command and a marker
        the shell prints after it)."""
        self.marks += 1
        number = 1000 + self.marks
        marker = f"@@{number}@@"
        start = len(self.text)
        self.type(f"{command}; echo @@$(({number} + 0))@@\n")
        end = self.expect(marker, start, timeout)
        # The output starts after the echo of what was typed (line editing may
        # have redrawn it in pieces: its last piece ends the echo).
        echoed = self.text.rfind("))@@", start, end)
        first = self.text.find("\n", echoed, end) if echoed >= 0 else -1
        return self.text[first + 1:end] if first >= 0 else ""

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.pump(0.2)
        while self.pump(0) is True:
            pass
        return self.proc.poll()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


def boot(tap, args, image, log_path, commands, label, last="poweroff"):
    """Boots, runs commands at the prompt, then `last` (poweroff or reboot); returns {key: output} or
    None."""
    m = Machine(args.qemu, args.run_file, image, log_path)
    outputs = {}
    try:
        m.expect(PROMPT, 0, args.timeout)
        # A wide terminal: line editing does not wrap the typed commands.
        m.run("stty cols 250", args.timeout)
        tap.check("linux: root file system: ext2 on /dev/vda" in m.text, f"{label}: the root is the ext2 disk",
                  m.text)
        for command, key in commands:
            out = m.run(command, args.timeout)
            if key:
                outputs[key] = out
        start = len(m.text)
        m.type(last + "\n")
        status = m.wait_exit(args.timeout)
        tail = m.text[start:]
        if last == "reboot":
            # The ACPI table refuses a reset (it would take other systems down): the system
            # halts, as Linux does when no restart works; the kernel's halt is QEMU's 33.
            tap.check(status == 33 and "refuses a restart: system halted" in tail,
                      f"{label}: reboot is refused by devstate and the system halts (QEMU status {status})", tail)
            return outputs
        # QEMU's status 0 is ACPI S5 (isa-debug-exit gives odd statuses); the
        # acpi driver's own line may be cut by the power-off itself.
        tap.check(status == 0 and "linux: reboot: power down" in tail,
                  f"{label}: poweroff turns the machine off through devstate and ACPI (QEMU status {status})", tail)
        return outputs
    except ConsoleTimeout as error:
        tap.check(False, f"{label}: {error}", m.text)
        return None
    finally:
        m.close()


def debugfs(image, request):
    return subprocess.run(["debugfs", "-R", request, image], capture_output=True).stdout


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run-file", required=True)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--timeout", type=float, default=60)
    args = p.parse_args(argv)
    disk = None
    with open(args.run_file, encoding="utf-8") as f:
        for line in f:
            if line.startswith("disk "):
                disk = line[5:].rstrip("\n")
    tap = Tap()
    print("1..20", flush=True)
    work = tempfile.mkdtemp(prefix="kumiki-system-test-")
    image = os.path.join(work, "disk.img")
    shutil.copyfile(disk, image)

    first = boot(tap, args, image, os.path.join(work, "boot1.log"), BOOT1, "boot 1")
    if first is None:
        print(f"# logs kept in {work}")
        return 1
    md5 = first["md5"].split()[0] if first["md5"].split() else ""
    tap.check(first["link"].strip() == "written by boot 1", "boot 1: files, a symbolic link", first["link"])
    tap.check(first["df"].split() == ["/dev/vda", "/"], "boot 1: df names /dev/vda on /", first["df"])
    tap.check(first["dmesg"].split() == ["1"], "boot 1: dmesg shows the personality's log", first["dmesg"])
    tap.check(first["top"].split() == ["1", "1"], "boot 1: top runs on /proc/stat", first["top"])
    clock = first["clock"].strip()
    tap.check(clock.isdigit() and abs(int(clock) - time.time()) < 600,
              "boot 1: date tells the time the RTC holds (the host's, within minutes)", clock)
    tap.check(first["set clock"].strip() == "2030-01-02 03", "boot 1: date -s sets the wall clock",
              first["set clock"])

    fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    tap.check(fsck.returncode == 0, "after power-off: e2fsck -fn finds the image clean", fsck.stdout + fsck.stderr)
    tap.check(debugfs(image, "cat /root/work/deep/file") == b"written by boot 1\n",
              "after power-off: debugfs reads the file boot 1 wrote")
    random = debugfs(image, "cat /root/work/random")
    tap.check(len(random) == 300 * 4096 and hashlib.md5(random).hexdigest() == md5,
              "after power-off: debugfs reads the 1.2 MB file with the guest's md5", f"{len(random)} bytes")
    motd = subprocess.run(["debugfs", "-R", "stat /etc/motd", image], capture_output=True, text=True)
    tap.check("File not found" in motd.stderr + motd.stdout, "after power-off: the removed /etc/motd is gone",
              motd.stdout + motd.stderr)

    second = boot(tap, args, image, os.path.join(work, "boot2.log"), BOOT2, "boot 2")
    if second is None:
        print(f"# logs kept in {work}")
        return 1
    tap.check(second["link"].strip() == "written by boot 1" and second["md5"].split()[:1] == [md5],
              "boot 2: reads back the link and the 1.2 MB file", second)
    tap.check(second["renames"].split("\n")[:4] == ["ls: /etc/motd: No such file or directory", "renamed", "kumiki",
                                                      "renamed"],
              "boot 2: the removal and the rename stayed", second["renames"])
    fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    tap.check(fsck.returncode == 0, "after the second power-off: e2fsck -fn still clean", fsck.stdout)
    third = boot(tap, args, image, os.path.join(work, "boot3.log"),
                 [("echo 'before reboot' > /root/work/reboot", None)], "boot 3", last="reboot")
    reboot_file = debugfs(image, "cat /root/work/reboot")
    tap.check(third is not None and reboot_file == b"before reboot\n",
              "after reboot's halt: what boot 3 wrote is on the disk", reboot_file)
    if tap.failed:
        print(f"# logs kept in {work}")
        return 1
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
