#!/usr/bin/env python3
"""Copy the first N bytes of a file: makes a truncated ELF for the loader tests."""
import sys

src, dst, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, "rb") as f:
    data = f.read(size)
with open(dst, "wb") as f:
    f.write(data)
