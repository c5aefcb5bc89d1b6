#!/usr/bin/env python3
"""Check (--check) or apply (--fix) .clang-format to every C file we own.

usage: format_check.py --check|--fix CLANG_FORMAT SOURCE_ROOT

Files: what git tracks under SOURCE_ROOT ending in .c or .h (falling back
to a walk of the tree outside build directories when git is unavailable),
except expected outputs of generators kept for tests (*/expected/*), which
must stay byte for byte what the generator writes.
"""
import os
import subprocess
import sys


def c_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "*.c", "*.h"], check=True,
                             capture_output=True, text=True).stdout
        return [os.path.join(root, f) for f in out.split()]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if not x.startswith((".", "build"))]
            found += [os.path.join(d, f) for f in files if f.endswith((".c", ".h"))]
        return found


def is_generated_expectation(path):
    return "/expected/" in path.replace(os.sep, "/")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("--check", "--fix"):
        sys.exit(__doc__)
    mode, clang_format, root = sys.argv[1:]
    files = sorted(f for f in c_files(root) if not is_generated_expectation(f))
    flags = ["--dry-run", "--Werror"] if mode == "--check" else ["-i"]
    result = subprocess.run([clang_format, "--style=file", *flags, *files])
    if mode == "--check":
        print(f"format-check: {len(files)} files, "
              + ("all formatted" if result.returncode == 0 else "some need ./kumiki format"))
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
