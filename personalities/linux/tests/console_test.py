#!/usr/bin/env python3
"""The Linux console in QEMU: busybox sh on the personality's tty, typed on through COM1.

    console_test.py --build BUILD [--busybox FILE] [--qemu PROGRAM] [--timeout S]

Boots linux_run (the boot list BUILD/personalities/linux/linux_run.boot) with a console run's
archive (tools/kumiki_run: rootfs with .kumiki/console), so the program, /bin/sh, has the tty
as standard input, output and error, and types on COM1 through QEMU's standard input
(tools/kumiki_run/console.py), as a user of `kumiki-run --console` would.  Each check is a TAP
point; every wait for output has --timeout seconds (the machine may be slow), and the
transcript is printed (as TAP comments) when a check fails.  Exit status 1 when any point is
"not ok".

Busybox's shell edits its own command line in raw mode (lineedit), so the tty's canonical
mode and echo are checked under `cat`, which reads the tty as it is; and in the shell after
`stty -echo`, where busybox falls back to reading lines in canonical mode.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True
SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tools"))

from kumiki_run import boot, console, rootfs  # noqa: E402

PROMPT = b"@> "
ENV = list(rootfs.DEFAULT_ENV) + ["PS1=@> "]
DEL, CTRL_C, CTRL_D, CTRL_H = b"\x7f", b"\x03", b"\x04", b"\x08"
QUIET_SECONDS = 1.5  # how long "nothing more comes" is watched
INTERRUPT_SECONDS = 5  # ^C must end `sleep 100` within this (the poll is every 20 ms)
POINTS = 17


class Timeout(Exception):
    pass


class Console:
    """The session plus expect-style waiting on its output."""

    def __init__(self, session, timeout):
        self.session = session
        self.timeout = timeout
        self.mark = 0  # output before this was matched already

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while self.session.status is None:
            left = end - time.monotonic()
            if left <= 0:
                break
            self.session.pump(min(left, 0.05))

    def since_mark(self):
        return bytes(self.session.output[self.mark:])

    def type(self, data):
        self.mark = len(self.session.output)
        self.session.type(data)

    def expect(self, pattern, timeout=None):
        """Waits for pattern (bytes regex) in the output after the mark; moves the mark past it."""
        regex = re.compile(pattern, re.DOTALL)
        end = time.monotonic() + (timeout or self.timeout)
        while True:
            found = regex.search(self.session.output, self.mark)
            if found:
                self.mark = found.end()
                return found
            if self.session.status is not None or time.monotonic() >= end:
                raise Timeout(f"no /{pattern.decode('latin-1')!s}/ in {self.since_mark()[-300:]!r}")
            self.session.pump(0.05)

    def prompt(self):
        return self.expect(re.escape(PROMPT))

    def command(self, line):
        """Types a command line at the prompt and waits for its echo (busybox's lineedit)."""
        self.type(line + b"\r")
        self.expect(re.escape(line) + rb"\r\n")


class Tap:
    def __init__(self, con):
        self.con = con
        self.number = 0
        self.failed = 0

    def check(self, description, test):
        """Runs test(); a point "ok" unless it returns a reason or raises Timeout."""
        self.number += 1
        try:
            reason = test()
        except Timeout as error:
            reason = str(error)
        if reason:
            self.failed += 1
            print(f"not ok {self.number} - {description} # {reason}", flush=True)
            return False
        print(f"ok {self.number} - {description}", flush=True)
        return True


def checks(con, tap, run_exit):
    """The console checks, in the order a user would meet them."""
    tap.check("the shell prompts on the console (plain: no '[con1] ' prefix)",
              lambda: None if con.prompt() and b"[con1]" not in con.session.output else "prefixed")

    def run_command():
        con.command(b"echo hello $((6*7))")
        con.expect(rb"hello 42\r\n")
        con.prompt()
    tap.check("a command typed at the prompt runs: echo hello $((6*7)) prints 'hello 42'", run_command)

    def tty_name():
        con.command(b"tty")
        found = con.expect(rb"([^\r\n]*)\r\n")
        con.prompt()
        name = found.group(1)
        return None if name == b"/dev/console" else f"tty printed {name!r}"
    tap.check("tty names the console /dev/console (isatty, ttyname through /dev)", tty_name)

    # Canonical mode and echo, through cat.
    con.command(b"cat")
    con.pump(1)

    def echo():
        con.type(b"abc")
        con.expect(b"abc")
        return None
    tap.check("cat: typed characters are echoed by the tty", echo)

    def not_before_enter():
        con.pump(QUIET_SECONDS)
        rest = con.since_mark()
        return None if rest == b"" else f"output before Enter: {rest!r}"
    tap.check("canonical mode: nothing reaches cat before Enter", not_before_enter)

    def erase_echo():
        con.type(b"x" + DEL)
        con.expect(re.escape(b"x\b \b"))
        return None
    tap.check("DEL erases the last character, echoing '\\b \\b'", erase_echo)

    def line_after_enter():
        con.type(b"d\r")
        con.expect(re.escape(b"d\r\nabcd\r\n"))
        return None
    tap.check("after Enter cat gets the edited line 'abcd'", line_after_enter)

    def eof_ends_cat():
        con.type(CTRL_D)
        con.prompt()
        return None
    tap.check("^D on an empty line is end of file: cat ends, the prompt comes back", eof_ends_cat)

    def erase_ctrl_h():
        con.command(b"stty erase ^H; cat")
        con.pump(1)
        con.type(b"ab" + CTRL_H + CTRL_H + b"xy\r")
        con.expect(re.escape(b"ab\b \b\b \bxy\r\nxy\r\n"))
        con.type(CTRL_D)
        con.prompt()
        con.command(b"stty erase ^?")
        con.prompt()
        return None
    tap.check("stty erase ^H (TCGETS/TCSETS): then ^H erases", erase_ctrl_h)

    def ctrl_h_is_data():
        con.command(b"read -r x; echo len=${#x}")  # the read builtin reads the tty as it is
        con.pump(1)
        con.type(b"a" + CTRL_H + b"b\r")
        con.expect(re.escape(b"a^Hb\r\nlen=3\r\n"))  # echoed as ^H (ECHOCTL), kept in the line
        con.prompt()
        return None
    tap.check("with erase DEL (the default, as on Linux), ^H is data", ctrl_h_is_data)

    def no_echo():
        con.command(b"stty -echo")
        con.prompt()
        con.type(b"echo se''cret\r")  # the shell now reads lines in canonical mode, unechoed
        con.expect(rb"secret\r\n")
        con.prompt()
        typed = con.session.output.count(b"se''cret")
        con.type(b"stty echo\r")
        con.prompt()
        return None if typed == 0 else "the command line was echoed"
    tap.check("stty -echo: typed lines are not echoed but still run", no_echo)

    def raw_mode():
        con.command(b"stty -icanon; cat")
        con.pump(1)
        con.type(b"q")
        con.expect(b"qq")  # the echo, then cat's copy: no Enter needed
        con.type(CTRL_C)
        con.expect(rb"\^C")
        con.prompt()
        con.command(b"stty icanon; echo raw done")
        con.expect(b"raw done")
        con.prompt()
        return None
    tap.check("stty -icanon: each byte reaches cat at once; ^C ends it", raw_mode)

    def interrupt_sleep():
        con.command(b"sleep 100")
        con.pump(1)
        started = time.monotonic()
        con.type(CTRL_C)
        con.expect(rb"\^C")
        con.prompt()
        took = time.monotonic() - started
        return None if took < INTERRUPT_SECONDS else f"the prompt came after {took:.1f} s"
    tap.check(f"^C interrupts sleep 100: the prompt is back within {INTERRUPT_SECONDS} s", interrupt_sleep)

    def status_130():
        con.command(b"echo status $?")
        found = con.expect(rb"status (\d+)\r\n")
        con.prompt()
        return None if found.group(1) == b"130" else f"$? was {found.group(1).decode()}"
    tap.check("the shell survived and $? is 130 (128 + SIGINT)", status_130)

    def ctrl_c_at_prompt():
        con.type(b"half a line" + CTRL_C)
        con.expect(rb"\^C")
        con.prompt()
        con.command(b"echo alive")
        con.expect(b"alive\r\n")
        con.prompt()
        return None
    tap.check("^C at the prompt drops the line and gives a new prompt; the shell lives on", ctrl_c_at_prompt)

    def background_stops():
        # A background job that reads the console gets SIGTTIN; with tostop, one that writes gets
        # SIGTTOU: both stop, as on Linux, and the shell says so.
        con.command(b"cat &")
        con.prompt()
        con.command(b"sleep 1; jobs")
        con.expect(rb"\[1\]\+ +Stopped \(tty input\) +cat\r\n")
        con.prompt()
        con.command(b"stty tostop; echo out &")
        con.prompt()
        con.command(b"sleep 1; jobs; stty -tostop")
        con.expect(rb"\[2\]\+ +Stopped \(tty output\) +echo out\r\n")
        con.prompt()
        con.command(b"kill -9 %1 %2; wait; echo killed")
        con.expect(rb"killed\r\n")
        con.prompt()
        return None
    tap.check("job control: background reads stop on SIGTTIN, writes with tostop on SIGTTOU", background_stops)

    def eof_exits():
        con.type(CTRL_D)
        end = time.monotonic() + con.timeout
        while con.session.status is None and time.monotonic() < end:
            con.session.pump(0.1)
        if con.session.status is None:
            return "the run did not end after ^D"
        outcome = run_exit()
        return None if outcome == "exited 0" else f"the run ended: {outcome}"
    tap.check("^D at the prompt ends the shell; the run ends with status 0", eof_exits)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", required=True)
    p.add_argument("--busybox", default="/bin/busybox")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--timeout", type=float, default=60, help="seconds each wait for output may take")
    args = p.parse_args(argv)
    with open(args.busybox, "rb") as f:
        busybox = f.read()
    kernel, modules = boot.read_boot_list(os.path.join(args.build, "personalities", "linux", "linux_run.boot"),
                                          args.build)
    workdir = tempfile.mkdtemp(prefix="linux-console-")
    archive = os.path.join(workdir, boot.ARCHIVE_NAME)
    with open(archive, "wb") as f:
        f.write(rootfs.build_archive(rootfs.base_tree(busybox) +
                                     rootfs.run_members(busybox, ["/bin/sh"], ENV, console=True)))
    cmd = boot.qemu_command(args.qemu, kernel, modules, archive, None, os.path.join(workdir, "hostlink"))
    print(f"1..{POINTS}", flush=True)
    session = console.Session(cmd, os.path.join(workdir, "hostlink"), os.path.join(workdir, "serial.log"),
                              os.path.join(workdir, "qemu.log"))
    con = Console(session, args.timeout)
    tap = Tap(con)

    def run_exit():
        if session.status != boot.QEMU_STATUS_DONE:
            return f"QEMU exit status {session.status}"
        try:
            return str(session.decoder.finish())
        except Exception as error:  # a malformed or cut host link stream
            return f"host link: {error}"

    try:
        checks(con, tap, run_exit)
    finally:
        session.close()
    if tap.number != POINTS:
        print(f"# {tap.number} points run, {POINTS} planned", flush=True)
        tap.failed += 1
    if tap.failed:
        print(f"# the console transcript (also in {workdir}/serial.log):")
        text = bytes(session.output).decode("utf-8", "backslashreplace")
        for line in text.split("\n")[-80:]:
            print("# " + repr(line.rstrip("\r"))[1:-1])
        return 1
    shutil.rmtree(workdir, ignore_errors=True)  # kept only when a check failed
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
