#!/usr/bin/env python3
"""Writes a boot module of SIZE bytes with a known pattern, for the
deployment test 'resources' (resources.kdep): byte i is
(i * 131 + (i >> 12) * 17 + 5) mod 256, so a page mapped twice, out of
order or cut short shows (resource_user.c computes the same bytes).

usage: make_pattern.py SIZE OUTPUT
"""
import sys


def pattern(size):
    return bytes((i * 131 + (i >> 12) * 17 + 5) & 0xFF for i in range(size))


def main(argv):
    if len(argv) != 2 or not argv[0].isdigit():
        sys.exit(__doc__)
    with open(argv[1], "wb") as output:
        output.write(pattern(int(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
