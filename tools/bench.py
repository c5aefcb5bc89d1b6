#!/usr/bin/env python3
"""meson compile -C build bench: print every benchmark as `BENCH name value unit`.

usage: bench.py --qemu QEMU --kernel KERNEL [--boot MODULES [--boot-args ARG... --end-boot-args]]...
                [--run CMD... --end-run]...

Each --boot boots the kernel with MODULES ('|'-separated, the first is the
root task) under `-icount shift=0,sleep=off`, where rdtsc deltas are exact guest
instruction counts, equal from run to run; the program prints its BENCH
lines; --boot-args adds qemu_tap_runner.py arguments to the boot before it
(e.g. a disk).  Each --run ... --end-run is a host command that prints BENCH lines
itself (e.g. the IDL loopback benchmark); it gets the BENCH lines printed
before it on its standard input (to compare with them), and what it writes
on its standard error is shown.  A benchmark that fails to run makes this
script fail: a missing figure is never silently skipped.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_tap_runner  # noqa: E402


def parse(argv):
    qemu = kernel = None
    boots, runs = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--qemu", "--kernel", "--boot"):
            value = argv[i + 1]
            if arg == "--qemu":
                qemu = value
            elif arg == "--kernel":
                kernel = value
            else:
                boots.append((value, []))
            i += 2
        elif arg == "--boot-args":
            end = argv.index("--end-boot-args", i)
            boots[-1] = (boots[-1][0], argv[i + 1:end])
            i = end + 1
        elif arg == "--run":
            end = argv.index("--end-run", i)
            runs.append(argv[i + 1:end])
            i = end + 1
        else:
            sys.exit(f"bench.py: unknown argument {arg}\n{__doc__}")
    if not qemu or not kernel:
        sys.exit(__doc__)
    return qemu, kernel, boots, runs


def bench_boot(qemu, kernel, modules, extra):
    argv = ["--qemu", qemu, "--kernel", kernel, "--icount", "--timeout", "300"] + extra
    for module in modules.split("|"):
        argv += ["--module", module]
    args = qemu_tap_runner.parse_args(argv)
    status, lines = qemu_tap_runner.run_qemu(args)
    problems = qemu_tap_runner.judge(args, status, lines)
    if problems:
        print("\n".join(lines), file=sys.stderr)
        sys.exit(f"bench.py: benchmark boot of {module} failed: {'; '.join(problems)}")
    return [line for line in lines if line.startswith("BENCH ")]


def main():
    qemu, kernel, boots, runs = parse(sys.argv[1:])
    failed = False
    printed = []
    for modules, extra in boots:
        for line in bench_boot(qemu, kernel, modules, extra):
            print(line, flush=True)
            printed.append(line)
    for command in runs:
        result = subprocess.run(command, input="".join(line + "\n" for line in printed),
                                capture_output=True, text=True)
        sys.stderr.write(result.stderr)
        for line in result.stdout.splitlines():
            if line.startswith("BENCH "):
                print(line, flush=True)
                printed.append(line)
        if result.returncode != 0:
            print(f"bench.py: {' '.join(command)} failed", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
