"""The human-readable audit: for each component, every capability it will
hold (slot, kernel object type, rights, badge, what it reaches), which
components can do DMA, and the policy assertions with their outcome.
"""
from . import rights
from .audit_lines import OBJECT_TYPES
from .model import MODULE_HEADER_SIZE, RESTART_ON_FAULT, size_text

DMA_WARNING = "DMA: can reach all RAM (no IOMMU)"


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def _address(vaddr):
    return f"0x{vaddr:016x}"


def _object(cap, deployment):
    """What the capability reaches, in words."""
    decl = cap.decl
    if cap.kind == "endpoint" and decl.kind == "uses":
        return (f"{cap.endpoint} ({decl.name}: uses {decl.interface}, "
                f"{rights.words(cap.rights)})")
    if cap.kind == "endpoint":
        clients = [str(c.client.name) + "." + c.used.name for c in deployment.connections
                   if c.endpoint is cap.endpoint]
        return (f"{cap.endpoint}, its own ({decl.name}: provides {decl.interface}; clients: "
                f"{', '.join(clients) or 'none'})")
    if cap.kind == "ioport":
        return f"ports 0x{decl.first:x}..0x{decl.last:x} ({decl.name})"
    if cap.kind == "irq":
        return f"IRQ {decl.line} ({decl.name})"
    if cap.kind == "notification" and decl.kind == "irq":
        return f"delivery of IRQ {decl.line} ({decl.name}_notification)"
    if cap.kind == "notification":
        return f"its own notification ({decl.name})"
    if cap.kind == "untyped":
        return (f"untyped memory, {size_text(decl.size)} (2^{decl.size_bits} bytes) for its own "
                f"objects ({decl.name})")
    if cap.kind == "module":
        return (f"boot module {decl.file}, read only, at most {size_text(decl.size)}: header page "
                f"at {_address(decl.vaddr)}, data from {_address(decl.vaddr + MODULE_HEADER_SIZE)} "
                f"({decl.name})")
    if cap.kind == "mmio":
        return (f"MMIO 0x{decl.address:x}..0x{decl.address + decl.size - 1:x}, "
                f"{size_text(decl.size)} uncached at {_address(decl.vaddr)} ({decl.name})")
    if cap.kind == "dma":
        return f"DMA memory, {size_text(decl.size)} at {_address(decl.vaddr)} ({decl.name})"
    sharers = [f"{i.name}.{d.name}" for i, d in cap.region.sharers]
    return (f"shared region {cap.region.name}, {size_text(decl.size)} at {_address(decl.vaddr)} "
            f"({decl.name}; shared by {', '.join(sharers)})")


def _rows(instance, deployment):
    rows = [
        ("1", "endpoint", rights.letters(rights.SUPERVISOR), str(instance.index + 1),
         "the root task (its supervisor and fault handler)"),
        ("2", "tcb", rights.letters(rights.SELF), "-", "its own thread"),
        ("3", "cnode", rights.letters(rights.SELF), "-",
         f"its own CSpace (2^{instance.radix} slots)"),
        ("4", "pml4", rights.letters(rights.SELF), "-", "its own address space"),
    ]
    for cap in instance.caps:
        badge = f"0x{cap.badge:x}" if cap.kind == "endpoint" else "-"
        rows.append((str(cap.slot), OBJECT_TYPES[cap.kind], rights.letters(cap.rights), badge,
                     _object(cap, deployment)))
    return rows


def _table(rows):
    header = ("slot", "type", "rights", "badge", "object")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(4)]
    out = []
    for row in [header] + rows:
        out.append("  " + row[0].rjust(widths[0]) + "  " +
                   "  ".join(cell.ljust(width) for cell, width in zip(row[1:4], widths[1:])) +
                   "  " + row[4])
    return out


def render(deployment, outcomes):
    """The audit as text."""
    out = [f"Deployment {deployment.name} ({deployment.path}): "
           f"{_plural(len(deployment.instances), 'component')}, "
           f"{_plural(len(deployment.endpoints), 'endpoint')}, "
           f"{_plural(len(deployment.connections), 'connection')}, "
           f"{_plural(len(deployment.regions), 'shared region')}",
           "Components in start order (priority, highest first)."]
    for instance in deployment.instances:
        component = instance.type
        out.append("")
        out.append(f"{instance.name}: component {component.name}, program {component.program}"
                   + (", foreign ABI (hosted by a personality)" if component.foreign_abi else ""))
        restart = "restart on fault" if instance.restart == RESTART_ON_FAULT else "restart never"
        out.append(f"  priority {instance.priority}, memory {size_text(1 << instance.memory_bits)}, "
                   f"cspace 2^{instance.radix} slots, {restart}, args \"{instance.args}\"")
        if instance.has_dma:
            out.append(f"  {DMA_WARNING}")
        out += _table(_rows(instance, deployment))
    out.append("")
    dma = [i.name for i in deployment.instances if i.has_dma]
    if dma:
        out.append(f"DMA-capable (no IOMMU: each can read and write all RAM): {', '.join(dma)}")
    else:
        out.append("DMA-capable: none")
    held = sum(1 for o in outcomes if o.held)
    out.append(f"Policy: {_plural(len(outcomes), 'assertion')}, {held} held, "
               f"{len(outcomes) - held} violated")
    for outcome in outcomes:
        verdict = "held    " if outcome.held else "VIOLATED"
        out.append(f"  {verdict} {outcome.assertion.statement} ({outcome.assertion.location})")
    return "\n".join(out) + "\n"
