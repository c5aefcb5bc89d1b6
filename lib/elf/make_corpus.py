#!/usr/bin/env python3
"""Writes the seed corpus for fuzz_elf64_image into lib/elf/corpus/.

Small hand-made ELF64 files, valid and invalid, each well under 4 KiB, so
the fuzzer starts from inputs that reach every check.  The output is
committed; rerun this script only to change the seeds:

    python3 lib/elf/make_corpus.py lib/elf/corpus
"""
import os
import struct
import sys

EHDR_SIZE, PHDR_SIZE = 64, 56
ET_EXEC, ET_DYN = 2, 3
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS = 1, 2, 3, 4, 6, 7
PT_GNU_STACK = 0x6474E551
R, W, X = 4, 2, 1


def elf(etype, entry, phdrs, size, payload=()):
    """phdrs: (type, flags, offset, vaddr, filesz, memsz, align) tuples.
    payload: (offset, bytes) pairs written into the file image."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header = ident + struct.pack("<HHIQQQIHHHHHH", etype, 62, 1, entry, EHDR_SIZE, 0,
                                 0, EHDR_SIZE, PHDR_SIZE, len(phdrs), 0, 0, 0)
    table = b"".join(struct.pack("<IIQQQQQQ", t, f, off, va, va, fs, ms, al)
                     for (t, f, off, va, fs, ms, al) in phdrs)
    image = bytearray(max(size, EHDR_SIZE + len(table)))
    image[0:EHDR_SIZE] = header
    image[EHDR_SIZE:EHDR_SIZE + len(table)] = table
    for offset, data in payload:
        image[offset:offset + len(data)] = data
    return bytes(image)


HLT_LOOP = b"\xf4\xeb\xfd"  # hlt; jmp .-1


def seeds():
    # Static ET_EXEC: headers + code (R X) in one page, data + bss after.
    yield "exec_minimal", elf(ET_EXEC, 0x400100, [
        (PT_LOAD, R | X, 0, 0x400000, 0x200, 0x200, 0x1000),
        (PT_LOAD, R | W, 0x200, 0x401200, 0x20, 0x1800, 0x1000),
        (PT_GNU_STACK, R | W, 0, 0, 0, 0, 16),
    ], 0x220, [(0x100, HLT_LOOP)])

    # Static-PIE: PT_PHDR, PT_DYNAMIC, PT_TLS, linked at 0.
    yield "dyn_phdr_tls", elf(ET_DYN, 0x180, [
        (PT_PHDR, R, EHDR_SIZE, EHDR_SIZE, 5 * PHDR_SIZE, 5 * PHDR_SIZE, 8),
        (PT_LOAD, R | X, 0, 0, 0x200, 0x200, 0x1000),
        (PT_LOAD, R | W, 0x200, 0x1200, 0x40, 0x100, 0x1000),
        (PT_DYNAMIC, R | W, 0x220, 0x1220, 0x20, 0x20, 8),
        (PT_TLS, R, 0x200, 0x1200, 0x10, 0x30, 16),
    ], 0x240, [(0x180, HLT_LOOP)])

    # Four segments sharing one page, as tiny max-page-size links make them.
    yield "shared_page", elf(ET_EXEC, 0x400200, [
        (PT_LOAD, R, 0, 0x400000, 0x1f0, 0x1f0, 0x40),
        (PT_LOAD, R | X, 0x200, 0x400200, 0x10, 0x10, 0x40),
        (PT_LOAD, R, 0x240, 0x400240, 0x20, 0x20, 0x40),
        (PT_LOAD, R | W, 0x280, 0x400280, 0x10, 0x1020, 0x40),
        (PT_NOTE, R, 0x1c0, 0x4001c0, 0x20, 0x20, 4),
    ], 0x290, [(0x200, HLT_LOOP)])

    # Unsorted table and a 2 MiB-aligned segment.
    yield "unsorted_big_align", elf(ET_EXEC, 0x600100, [
        (PT_LOAD, R | W, 0x200, 0x800200, 0x10, 0x10, 0x200000),
        (PT_LOAD, R | X, 0, 0x600000, 0x200, 0x200, 0x200000),
    ], 0x210, [(0x100, HLT_LOOP)])

    # Refused: needs a dynamic loader.
    yield "interp", elf(ET_DYN, 0x100, [
        (PT_PHDR, R, EHDR_SIZE, EHDR_SIZE, 3 * PHDR_SIZE, 3 * PHDR_SIZE, 8),
        (PT_INTERP, R, 0x100, 0x100, 0x1c, 0x1c, 1),
        (PT_LOAD, R | X, 0, 0, 0x200, 0x200, 0x1000),
    ], 0x200, [(0x100, b"/lib64/ld-linux-x86-64.so.2\0")])

    # Refused: overlapping segments.
    yield "overlap", elf(ET_EXEC, 0x400100, [
        (PT_LOAD, R | X, 0, 0x400000, 0x200, 0x200, 0x1000),
        (PT_LOAD, R | W, 0x100, 0x400100, 0x10, 0x10, 0x1000),
    ], 0x200, [(0x100, HLT_LOOP)])

    # Refused: file range wraps around (p_offset + p_filesz overflows).
    yield "offset_wraps", elf(ET_EXEC, 0x400100, [
        (PT_LOAD, R | X, 0xFFFFFFFFFFFFF000, 0x400000, 0x2000, 0x2000, 0x1000),
    ], 0x200)

    # Refused: program header table runs past the end of the file.
    truncated = bytearray(elf(ET_EXEC, 0x400100, [
        (PT_LOAD, R | X, 0, 0x400000, 0x100, 0x100, 0x1000),
    ], 0x100))
    struct.pack_into("<H", truncated, 56, 40)  # e_phnum
    yield "phdrs_truncated", bytes(truncated)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out_dir, exist_ok=True)
    for name, data in seeds():
        assert len(data) < 4096, name
        with open(os.path.join(out_dir, name + ".elf"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
