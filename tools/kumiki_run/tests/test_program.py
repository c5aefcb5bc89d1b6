#!/usr/bin/env python3
"""Which files kumiki-run accepts as the program: static x86_64 ELF executables (non-PIE or
static-PIE); dynamic ELFs, scripts, other machines and broken headers are refused with why."""
import os
import struct
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from kumiki_run import program  # noqa: E402
from kumiki_run.program import NotRunnable, check_static_elf  # noqa: E402

PT_LOAD = 1


def make_elf(e_type=2, machine=62, elf_class=2, data=1, segments=(PT_LOAD,), phentsize=56, phoff=64):
    """An ELF header and program headers of the given types (enough for check_static_elf)."""
    ident = b"\x7fELF" + bytes([elf_class, data, 1]) + bytes(9)
    header = program.EHDR.pack(ident, e_type, machine, 1, 0x401000, phoff, 0, 0, 64, phentsize,
                               len(segments), 64, 0, 0)
    phdrs = b"".join(struct.pack("<II", p_type, 0) + bytes(48) for p_type in segments)
    padding = bytes(phoff - len(header)) if phoff < 4096 else b""  # a far phoff: headers stay put
    return header + padding + phdrs


class Accepted(unittest.TestCase):
    def test_static(self):
        self.assertEqual(check_static_elf(make_elf(e_type=2)), "static")

    def test_static_pie(self):
        self.assertEqual(check_static_elf(make_elf(e_type=3, segments=(PT_LOAD, 2))), "static-pie")

    def test_debian_busybox_static(self):
        with open("/bin/busybox", "rb") as f:
            self.assertEqual(check_static_elf(f.read()), "static")


class Refused(unittest.TestCase):
    def refused(self, data, pattern):
        with self.assertRaisesRegex(NotRunnable, pattern):
            check_static_elf(data)

    def test_dynamic(self):
        self.refused(make_elf(e_type=3, segments=(6, 3, PT_LOAD)), "dynamically linked")
        with open(sys.executable, "rb") as f:  # the host's python3: a dynamic executable
            self.refused(f.read(), "dynamically linked")

    def test_not_elf(self):
        self.refused(b"#!/bin/sh\necho hi\n", "a script")
        self.refused(b"hello", "not an ELF file")
        self.refused(b"", "not an ELF file")
        self.refused(make_elf()[:40], "not an ELF file")

    def test_other_machines(self):
        self.refused(make_elf(machine=3), "not a 64-bit little-endian x86_64")
        self.refused(make_elf(elf_class=1), "not a 64-bit little-endian x86_64")
        self.refused(make_elf(data=2), "not a 64-bit little-endian x86_64")

    def test_not_an_executable(self):
        self.refused(make_elf(e_type=1), "ELF type 1 is not an executable")
        self.refused(make_elf(e_type=4), "ELF type 4 is not an executable")

    def test_broken_program_headers(self):
        self.refused(make_elf(segments=()), "program headers are missing")
        self.refused(make_elf(phentsize=32), "program headers are missing")
        self.refused(make_elf()[:-1], "outside the file")
        self.refused(make_elf(phoff=1 << 40), "outside the file")


if __name__ == "__main__":
    unittest.main()
