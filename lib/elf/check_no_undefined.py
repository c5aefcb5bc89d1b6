#!/usr/bin/env python3
"""Fails if a static library or object needs any symbol it does not define.

usage: check_no_undefined.py NM LIBRARY

The ELF validator must link into a freestanding kernel as is: no libc, and
no memcpy/memset calls the compiler might emit for struct copies.
"""
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    nm, library = sys.argv[1:]
    undefined = subprocess.run([nm, "-u", library], check=True, capture_output=True,
                               text=True).stdout.split()
    # nm prints "U name" per symbol (and "member.o:" headers for archives).
    symbols = [word for word in undefined if word != "U" and not word.endswith(":")]
    if symbols:
        print("%s needs undefined symbols: %s" % (library, " ".join(symbols)))
        sys.exit(1)
    print("%s: no undefined symbols" % library)


if __name__ == "__main__":
    main()
