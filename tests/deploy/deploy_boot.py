#!/usr/bin/env python3
"""A boot of the deployment root task (servers/root) that must end in a
failure of the root task itself, e.g. for an invalid manifest.
tools/qemu_tap_runner.py fails such a boot (exit status, no TAP plan), so
this script runs it and judges the log instead.

usage: deploy_boot.py --expect-halt CODE [--expect-line REGEX]... -- RUNNER_ARGS...

--expect-halt N   the root task must end the run with halt code N (0x11 = 17:
                  kumiki_exit(1))
--expect-line RE  must match a line of the log (repeatable)
No component may have reported an outcome (the run had to stop first).
"""
import argparse
import re
import subprocess
import sys


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--expect-halt", type=int, required=True)
    p.add_argument("--expect-line", action="append", default=[])
    args = p.parse_args(argv[:split])
    runner = argv[split + 1:]
    result = subprocess.run([sys.executable, *runner], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    log = result.stdout
    print(log)
    problems = []
    if not re.search(rf"halt requested by thread .* \(code {args.expect_halt}\)", log):
        problems.append(f"the root task did not halt with code {args.expect_halt}")
    for pattern in args.expect_line:
        if not re.search(pattern, log, re.MULTILINE):
            problems.append(f"expected output not found: /{pattern}/")
    if re.search(r"^(ok|not ok) \d+", log, re.MULTILINE):
        problems.append("components ran although the run had to stop first")
    for problem in problems:
        print(f"# FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
