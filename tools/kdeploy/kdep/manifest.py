"""The compiled deployment: the binary manifest of lib/deploy/kumiki/manifest.h.

    struct kdm_header                         56 bytes at 0
    struct kdm_component[component_count]     32 bytes each
    struct kdm_cap[cap_count]                 40 bytes each
    struct kdm_shared[shared_count]           16 bytes each
    char strings[string_size]                 NUL-terminated, offset 0 is ""

All little endian, every array 8-byte aligned (the record sizes are
multiples of 8, and the string table is padded to one).  The constants
below mirror the header; tests/test_constants.py compares them with it.
"""
import struct

from kidl.diagnostics import fail

from .model import RESTART_ON_FAULT

MAGIC = 0x314E414D4B494D55  # "UMIKMAN1"
VERSION = 1
MAX_STRINGS = 16384

HEADER = struct.Struct("<QIIIIIIIIIIII")  # magic, version, total_size, then 10 words
COMPONENT = struct.Struct("<IIIBBBBIIII")
CAP = struct.Struct("<IIIIQQQ")
SHARED = struct.Struct("<IIQ")

RESTART = {False: 0, True: 1}  # KDM_RESTART_NEVER, KDM_RESTART_ON_FAULT
CAP_KINDS = {
    "endpoint": 1,      # a: endpoint index, b: badge, c: rights
    "ioport": 2,        # a: first port, b: last port
    "irq": 3,           # a: ISA line
    "mmio": 4,          # a: physical address, b: size, c: virtual address
    "dma": 5,           # a: size, c: virtual address
    "shared": 6,        # a: region index, b: rights, c: virtual address
    "notification": 7,  # a: 0
    "untyped": 8,       # a: log2 of its size
    "module": 9,        # a: the file name (string offset), b: max size, c: header page address
}


class _Strings:
    """The string table: each distinct string once; offset 0 is the empty string."""

    def __init__(self):
        self.data = bytearray(b"\0")
        self.offsets = {"": 0}

    def add(self, text):
        if text not in self.offsets:
            self.offsets[text] = len(self.data)
            self.data += text.encode("utf-8") + b"\0"
        return self.offsets[text]

    def padded(self):
        return bytes(self.data) + b"\0" * (-len(self.data) % 8)


def _cap_fields(cap, strings):
    """(a, b, c) of a capability record."""
    decl = cap.decl
    if cap.kind == "endpoint":
        return cap.endpoint.index, cap.badge, cap.rights
    if cap.kind == "ioport":
        return decl.first, decl.last, 0
    if cap.kind == "irq":
        return decl.line, 0, 0
    if cap.kind == "mmio":
        return decl.address, decl.size, decl.vaddr
    if cap.kind == "dma":
        return decl.size, 0, decl.vaddr
    if cap.kind == "shared":
        return cap.region.index, cap.rights, decl.vaddr
    if cap.kind == "untyped":
        return decl.size_bits, 0, 0
    if cap.kind == "module":
        return strings.add(decl.file), decl.size, decl.vaddr
    return 0, 0, 0


def encode(deployment, name_location):
    """The manifest's bytes.  name_location: where to point if the strings
    do not fit (they are the one limit only known here)."""
    strings = _Strings()
    deployment_name = strings.add(deployment.name)
    components, caps = [], []
    for instance in deployment.instances:
        first_cap = len(caps)
        for cap in instance.caps:
            a, b, c = _cap_fields(cap, strings)
            caps.append(CAP.pack(CAP_KINDS[cap.kind], cap.slot, strings.add(cap.name), 0, a, b, c))
        components.append(COMPONENT.pack(
            strings.add(instance.name), strings.add(instance.type.program),
            strings.add(instance.args), instance.priority,
            RESTART[instance.restart == RESTART_ON_FAULT], int(instance.type.foreign_abi),
            instance.radix, instance.memory_bits, first_cap, len(instance.caps), 0))
    shared = [SHARED.pack(strings.add(region.name), 0, region.size)
              for region in deployment.regions]
    table = strings.padded()
    if len(table) > MAX_STRINGS:
        fail(name_location, f"the names take {len(table)} bytes: a manifest holds at most "
             f"{MAX_STRINGS}")

    component_offset = HEADER.size
    cap_offset = component_offset + len(components) * COMPONENT.size
    shared_offset = cap_offset + len(caps) * CAP.size
    string_offset = shared_offset + len(shared) * SHARED.size
    total_size = string_offset + len(table)
    header = HEADER.pack(MAGIC, VERSION, total_size, len(components), component_offset,
                         len(caps), cap_offset, len(shared), shared_offset, len(table),
                         string_offset, len(deployment.endpoints), deployment_name)
    return header + b"".join(components) + b"".join(caps) + b"".join(shared) + table
