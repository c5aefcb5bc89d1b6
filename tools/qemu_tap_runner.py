#!/usr/bin/env python3
"""Boot Kumiki in QEMU once and judge the TAP stream it prints on COM1.

Every in-QEMU test is one call of this script (see tests/qemu/meson.build).
The kernel prints a TAP plan and one test point per boot module, then exits
QEMU through isa-debug-exit.  The boot fails when:
  - QEMU does not exit within --timeout seconds (a hang),
  - the kernel panics (KERNEL PANIC line / exit status 35),
  - QEMU exits with status 0 (triple fault: -no-reboot turns the reset into
    an exit) or any status other than "done" (33),
  - the plan is missing, a test point is missing, duplicated or out of range,
  - a test point is "not ok" (unless named with --expect-not-ok), or a
    point named with --expect-not-ok is "ok",
  - an --expect-output pattern never appears in the log,
  - with --expect-audit FILE: the "AUDIT " lines of the log differ from
    those in FILE (what a deployment declared vs what the kernel holds).
With --expect-panic the boot must instead panic with a matching message;
with --expect-poweroff it must end by ACPI power-off (QEMU status 0), and
the TAP points are not required (the run ends before they are printed).
The whole serial log is printed when the boot fails.
"""
import argparse
import difflib
import os
import re
import selectors
import subprocess
import sys
import time

EXIT_DONE = 33   # kernel wrote EXIT_CODE_DONE (0x10): (0x10 << 1) | 1
EXIT_PANIC = 35  # kernel wrote EXIT_CODE_PANIC (0x11)

PLAN = re.compile(r"^1\.\.(\d+)\s*$")
POINT = re.compile(r"^(ok|not ok) (\d+)\b(.*)$")


def qemu_command(args):
    cmd = [args.qemu, "-machine", "pc", "-m", str(args.memory), "-display", "none",
           "-no-reboot", "-serial", "stdio", "-monitor", "none", "-nic", "none",
           "-rtc", "base=2024-01-01T00:00:00,clock=vm",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", args.kernel]
    if args.module:
        # QEMU splits -initrd at commas; a literal comma is written twice.
        cmd += ["-initrd", ",".join(m.replace(",", ",,") for m in args.module)]
    if args.append:
        cmd += ["-append", args.append]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    cmd += args.qemu_arg
    return cmd


def run_qemu(args):
    """Runs QEMU; returns (exit status or None on timeout, log lines)."""
    typing = args.serial_input is not None
    proc = subprocess.Popen(qemu_command(args),
                            stdin=subprocess.PIPE if typing else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if typing:
        # Typed on COM1 once the kernel has printed (its UART set up, FIFOs
        # cleared); QEMU holds it until the guest's UART takes it.
        typed = args.serial_input.encode("latin-1").decode("unicode_escape").encode("latin-1")
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + args.timeout
    data = b""
    status = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            break
        if selector.select(timeout=min(left, 0.5)):
            chunk = os.read(proc.stdout.fileno(), 65536)
            if chunk:
                data += chunk
                if typing and b"\n" in data:
                    proc.stdin.write(typed)
                    proc.stdin.flush()
                    typing = False
                continue
            status = proc.wait()
            break
    text = data.decode("utf-8", errors="replace").replace("\r", "")
    return status, text.split("\n")


def judge(args, status, lines):
    """Returns a list of reasons the boot failed (empty: it passed)."""
    log = "\n".join(lines)
    problems = []
    if status is None:
        return [f"timeout: QEMU still running after {args.timeout} s (hang?)"]
    for pattern in args.expect_output:
        if not re.search(pattern, log, re.MULTILINE):
            problems.append(f"expected output not found: /{pattern}/")
    if args.expect_audit:
        problems += compare_audit(args.expect_audit, lines)
    panic = next((l for l in lines if l.startswith("KERNEL PANIC")), None)
    if args.expect_panic is not None:
        if status != EXIT_PANIC or not panic:
            problems.append(f"expected a kernel panic, got exit status {status}")
        elif not re.search(args.expect_panic, panic):
            problems.append(f"panic message '{panic}' does not match /{args.expect_panic}/")
        return problems
    if panic:
        problems.append(panic)
    if args.expect_poweroff:
        if status != 0:
            problems.append(f"expected an ACPI power-off (QEMU exit status 0), got {status}")
        return problems
    if status == 0:
        problems.append("QEMU exited with status 0: triple fault or reset")
    elif status != EXIT_DONE:
        problems.append(f"QEMU exit status {status}, expected {EXIT_DONE} (kernel done)")

    plan = None
    results = {}
    for line in lines:
        m = PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        if line.startswith("Bail out!"):
            problems.append(line)
        m = POINT.match(line)
        if m:
            number = int(m.group(2))
            if number in results:
                problems.append(f"test point {number} reported twice")
            results[number] = (m.group(1) == "ok", line)
    if plan is None:
        problems.append("no TAP plan (1..N) on the serial console")
        return problems
    expect_not_ok = set(args.expect_not_ok)
    for number in range(1, plan + 1):
        if number not in results:
            problems.append(f"test point {number} missing")
            continue
        ok, line = results[number]
        if number in expect_not_ok:
            if ok:
                problems.append(f"test point {number} passed but must fail: {line}")
        elif not ok:
            problems.append(line)
    for number in results:
        if not 1 <= number <= plan:
            problems.append(f"test point {number} outside the plan 1..{plan}")
    return problems


def compare_audit(path, lines):
    """The AUDIT lines of the boot must be exactly those of the file."""
    with open(path, encoding="utf-8") as f:
        declared = [l.rstrip("\n") for l in f if l.startswith("AUDIT ")]
    actual = [l for l in lines if l.startswith("AUDIT ")]
    if declared == actual:
        return []
    diff = difflib.unified_diff(declared, actual, "declared", "actual (kernel)", lineterm="")
    return ["declared capabilities differ from the kernel's:\n" + "\n".join(diff)]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--kernel", required=True)
    p.add_argument("--module", action="append", default=[],
                   help="boot module: 'path [args...]' (repeatable, in order)")
    p.add_argument("--append", help="kernel command line")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--memory", default="128M")
    p.add_argument("--icount", action="store_true",
                   help="-icount shift=0,sleep=off (rdtsc counts instructions)")
    p.add_argument("--expect-not-ok", type=int, action="append", default=[],
                   help="this test point must be reported 'not ok'")
    p.add_argument("--expect-output", action="append", default=[],
                   help="regular expression that must match the log")
    p.add_argument("--expect-audit", metavar="FILE",
                   help="the boot's AUDIT lines must equal those in FILE")
    p.add_argument("--expect-poweroff", action="store_true",
                   help="the boot must end by ACPI power-off (QEMU exit status 0)")
    p.add_argument("--expect-panic", metavar="REGEX",
                   help="the boot must end in a kernel panic matching REGEX")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--serial-input", metavar="TEXT",
                   help="type TEXT on COM1 (QEMU's stdin) as the boot starts; "
                        "backslash escapes such as \\n and \\x01 are decoded")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    started = time.monotonic()
    status, lines = run_qemu(args)
    problems = judge(args, status, lines)
    print("\n".join(lines))
    print(f"# boot took {time.monotonic() - started:.2f} s, QEMU exit status {status}")
    if problems:
        print("# FAILED:", file=sys.stderr)
        for problem in problems:
            print(f"#   {problem}", file=sys.stderr)
        return 1
    print("# PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
