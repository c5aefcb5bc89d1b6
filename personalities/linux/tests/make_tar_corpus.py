#!/usr/bin/env python3
"""Writes the tar archives the boot-archive tests read, with Python's
tarfile as the independent writer:

  tar_corpus/{ustar,gnu,pax}.tar   one tree in the three formats, which
                                   test_tar loads and checks file by file
  tar_fuzz_corpus/*.tar            small seeds for fuzz_tar (end-of-archive
                                   padding trimmed so they stay small)

The output is committed; rerun only to change the seeds:

    python3 personalities/linux/tests/make_tar_corpus.py personalities/linux/tests
"""
import io
import os
import sys
import tarfile

DEEP = "tree" + "/directory-with-a-long-name" * 8 + "/file.txt"


def add(tar, name, kind, data=b"", mode=0o644, link=""):
    info = tarfile.TarInfo(name)
    info.mode, info.uid, info.gid, info.mtime = mode, 1000, 1000, 1700000000
    info.uname, info.gname = "user", "user"
    if kind == "dir":
        info.type = tarfile.DIRTYPE
    elif kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, link
    elif kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, link
    elif kind == "char":
        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
    else:
        info.size = len(data)
    tar.addfile(info, io.BytesIO(data) if kind == "file" else None)


def tree(tar, big=True):
    add(tar, "tree", "dir", mode=0o755)
    add(tar, "tree/hello.txt", "file", b"hello, world\n")
    add(tar, "tree/hard-hello", "hardlink", link="tree/hello.txt")
    add(tar, "tree/link-to-hello", "symlink", link="hello.txt", mode=0o777)
    add(tar, "tree/bin", "dir", mode=0o755)
    add(tar, "tree/bin/tool", "file", b"#!/bin/sh\n", mode=0o4755)
    add(tar, "tree/dev-null", "char", mode=0o666)
    add(tar, "tree/\u00fcn\u00efcode.txt", "file", b"u\n")
    add(tar, DEEP, "file", b"deep\n")
    if big:
        add(tar, "tree/big.bin", "file", bytes(i % 251 for i in range(70000)))


def archive(fmt, big=True):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt, encoding="utf-8") as tar:
        tree(tar, big)
    return out.getvalue()


def trimmed(data):
    """Only the two end-of-archive blocks after the last entry."""
    end = len(data)
    while end >= 512 and not any(data[end - 512:end]):
        end -= 512
    return data[:end] + bytes(1024)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    base = sys.argv[1]
    formats = {"ustar": tarfile.USTAR_FORMAT, "gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}
    for name, fmt in formats.items():
        with open(os.path.join(base, "tar_corpus", name + ".tar"), "wb") as f:
            f.write(archive(fmt))
        with open(os.path.join(base, "tar_fuzz_corpus", name + ".tar"), "wb") as f:
            f.write(trimmed(archive(fmt, big=False)))


if __name__ == "__main__":
    main()
