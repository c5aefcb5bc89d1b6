"""The declared capabilities as AUDIT lines: the format at the end of
lib/deploy/kumiki/manifest.h, which the root task also prints at boot from
the kernel's real CSpaces, so "declared equals actual" is a comparison of
lines.

    AUDIT BEGIN <deployment>
    AUDIT <component> <slot> <type> <rights> <detail>     (slots ascending)
    AUDIT END

Slots 1..4 are the ones every program gets (lib/user/include/kumiki/program.h);
their rights are the root task's fixed choice (rights.SUPERVISOR, rights.SELF).
An MMIO, DMA or shared mapping is one frame capability in its slot (the
region's first page; the root task keeps the other pages' capabilities); a
module is its read-only header page, an untyped the untyped itself.
"""
from . import rights

# The kernel object type each kind of capability is, in lower case.
OBJECT_TYPES = {
    "endpoint": "endpoint",
    "notification": "notification",
    "ioport": "ioport",
    "irq": "irq_handler",
    "mmio": "frame",
    "dma": "frame",
    "shared": "frame",
    "untyped": "untyped",
    "module": "frame",
}


def _detail(cap):
    if cap.kind == "endpoint":
        return f"ep={cap.endpoint.index} badge=0x{cap.badge:x}"
    if cap.kind == "ioport":
        return f"ports=0x{cap.decl.first:x}-0x{cap.decl.last:x}"
    if cap.kind == "irq":
        return f"line={cap.decl.line}"
    if cap.kind == "mmio":
        return f"mmio=0x{cap.decl.address:x}"
    if cap.kind == "dma":
        return "dma"
    if cap.kind == "shared":
        return f"shared={cap.region.name}"
    if cap.kind == "untyped":
        return f"size=0x{cap.decl.size:x}"
    if cap.kind == "module":
        return f"module={cap.decl.file}"
    return "-"


def lines(deployment):
    """Every AUDIT line, in order, without newlines."""
    result = [f"AUDIT BEGIN {deployment.name}"]
    for instance in deployment.instances:
        name = instance.name
        result += [
            f"AUDIT {name} 1 endpoint {rights.letters(rights.SUPERVISOR)} supervisor "
            f"badge={instance.index + 1}",
            f"AUDIT {name} 2 tcb {rights.letters(rights.SELF)} self",
            f"AUDIT {name} 3 cnode {rights.letters(rights.SELF)} self",
            f"AUDIT {name} 4 pml4 {rights.letters(rights.SELF)} self",
        ]
        for cap in instance.caps:
            result.append(f"AUDIT {name} {cap.slot} {OBJECT_TYPES[cap.kind]} "
                          f"{rights.letters(cap.rights)} {_detail(cap)}")
    result.append("AUDIT END")
    return result
