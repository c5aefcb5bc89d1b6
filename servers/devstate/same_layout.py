#!/usr/bin/env python3
"""Checks that component headers from two deployments lay a component out
the same (the same #define names and values; comments may differ).

A driver's program is built once, with the slot header of its own test
deployment; another deployment that runs the same program must give it the
same slots and addresses, or it would use the wrong capabilities.

usage: same_layout.py THEIRS.h OURS.h [THEIRS.h OURS.h ...]
"""
import re
import sys

DEFINE = re.compile(r"^#define\s+(\S+)\s+(\S+)")


def defines(path):
    with open(path, encoding="utf-8") as f:
        return [m.groups() for m in map(DEFINE.match, f) if m]


def main(argv):
    if len(argv) % 2 or not argv:
        print(__doc__, file=sys.stderr)
        return 2
    failures = 0
    for theirs, ours in zip(argv[0::2], argv[1::2]):
        a, b = defines(theirs), defines(ours)
        if a != b:
            failures += 1
            print(f"FAILED {ours} differs from {theirs}:")
            for line in sorted(set(a) ^ set(b)):
                print(f"    {'only in ' + ours if line in b else 'only in ' + theirs}: {' '.join(line)}")
        else:
            print(f"ok {ours}: {len(a)} definitions as in {theirs}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
