#!/usr/bin/env python3
"""Runs a libFuzzer binary for a bounded number of inputs under meson test.

usage: run_fuzzer.py FUZZER [-flag=value ...] CORPUS_DIR...

libFuzzer writes every new interesting input into the first corpus
directory it is given.  The committed seed corpus must stay read-only and
each run must start from the same inputs (so -seed makes it repeatable),
so a fresh temporary directory is put first and thrown away afterwards.
"""
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    fuzzer = sys.argv[1]
    flags = [a for a in sys.argv[2:] if a.startswith("-")]
    corpus_dirs = [a for a in sys.argv[2:] if not a.startswith("-")]
    with tempfile.TemporaryDirectory(prefix="kumiki-fuzz-") as new_inputs:
        result = subprocess.run([fuzzer, *flags, new_inputs, *corpus_dirs])
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
