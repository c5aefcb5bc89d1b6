"""What kumiki-run accepts as the program: a static x86_64 Linux ELF executable.

The personality runs unmodified static binaries (non-PIE ET_EXEC or static-PIE ET_DYN without
an interpreter); anything else is refused on the host, before booting, with the reason.
"""
import struct

ELF_MAGIC = b"\x7fELF"
ELFCLASS64, ELFDATA2LSB, EM_X86_64 = 2, 1, 62
ET_EXEC, ET_DYN = 2, 3
PT_INTERP = 3
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")  # Elf64_Ehdr
PHDR_SIZE = 56                              # Elf64_Phdr: p_type is its first 4 bytes


class NotRunnable(ValueError):
    """Why the bytes are not a program the personality runs."""


def check_static_elf(data):
    """Returns 'static' (ET_EXEC) or 'static-pie' (ET_DYN), or raises NotRunnable."""
    if len(data) < EHDR.size or data[:4] != ELF_MAGIC:
        if data[:2] == b"#!":
            raise NotRunnable("a script ('#!'): give its interpreter and the script instead")
        raise NotRunnable("not an ELF file")
    ident, e_type, e_machine, _, _, e_phoff, _, _, _, e_phentsize, e_phnum, _, _, _ = EHDR.unpack_from(data)
    if ident[4] != ELFCLASS64 or ident[5] != ELFDATA2LSB or e_machine != EM_X86_64:
        raise NotRunnable("not a 64-bit little-endian x86_64 ELF file")
    if e_type not in (ET_EXEC, ET_DYN):
        raise NotRunnable(f"ELF type {e_type} is not an executable (2) or position-independent executable (3)")
    if e_phentsize != PHDR_SIZE or e_phnum == 0 or e_phoff + e_phnum * PHDR_SIZE > len(data):
        raise NotRunnable("its program headers are missing or lie outside the file")
    for i in range(e_phnum):
        (p_type,) = struct.unpack_from("<I", data, e_phoff + i * PHDR_SIZE)
        if p_type == PT_INTERP:
            raise NotRunnable("dynamically linked (it names an interpreter); Kumiki runs static programs "
                              "only (build with -static, e.g. musl-gcc -static)")
    return "static" if e_type == ET_EXEC else "static-pie"
