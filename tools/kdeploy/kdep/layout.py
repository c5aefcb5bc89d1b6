"""Where everything goes: slots, virtual addresses, start order, endpoint
indices and the capabilities each instance holds.

These are decisions, not checks: the checker has already refused what
cannot be laid out, except a CNode too small for its slots, which it
finds with highest_slot() after assign_slots().
"""
from . import rights
from .model import Cap

# KUMIKI_PROGRAM_CAP_FIRST_FREE (lib/user/include/kumiki/program.h): slots
# 1..4 are the supervisor endpoint, TCB, CNode and VSpace; 5..7 stay free
# for the program's own use.  (tests/test_constants.py checks the value.)
FIRST_SLOT = 8
# Device, DMA, shared and module mappings start here and go up, page by
# page, per component type: far from the ELF (low addresses) and from the
# stack, argument and IPC buffer pages (just below 0x00007fffffffffff).
MAPPING_BASE = 0x0000700000000000
PAGE_SIZE = 4096


def assign_slots(component_type):
    """Slots from FIRST_SLOT up and mapping addresses from MAPPING_BASE up,
    both in declaration order; an IRQ takes two slots (handler, notification);
    a module reserves its header page and its largest size."""
    slot, vaddr = FIRST_SLOT, MAPPING_BASE
    for decl in component_type.decls:
        decl.slot = slot
        slot += decl.slots_used
        if decl.mapped_size:
            decl.vaddr = vaddr
            vaddr += decl.mapped_size


def highest_slot(component_type):
    return max((d.slot + d.slots_used - 1 for d in component_type.decls),
               default=FIRST_SLOT - 1)


def start_order(instances):
    """The manifest's component order: priority, highest first, then the
    order of the instance statements.  Sets each instance's index."""
    ordered = sorted(instances, key=lambda i: (-i.priority, i.declared))
    for index, instance in enumerate(ordered):
        instance.index = index
    return ordered


def endpoint_keys(ordered_instances):
    """(instance, provides decl) in endpoint index order: one endpoint per
    provided interface of each instance, in manifest order."""
    return [(instance, decl) for instance in ordered_instances
            for decl in instance.type.decls if decl.kind == "provides"]


def install_caps(instance, endpoint_of):
    """The capabilities of one instance, slot order.  endpoint_of maps
    (instance, provides decl) to its Endpoint; connections and regions
    must already be attached to the instance."""
    caps = []
    for decl in instance.type.decls:
        if decl.kind == "uses":
            connection = instance.connections[decl.name]
            caps.append(Cap("endpoint", decl.slot, decl, connection.rights,
                            endpoint=connection.endpoint, badge=connection.badge,
                            connection=connection))
        elif decl.kind == "provides":
            caps.append(Cap("endpoint", decl.slot, decl, rights.SERVER,
                            endpoint=endpoint_of[(instance, decl)]))
        elif decl.kind == "ioports":
            caps.append(Cap("ioport", decl.slot, decl, rights.ISSUED))
        elif decl.kind == "irq":
            caps.append(Cap("irq", decl.slot, decl, rights.ISSUED))
            caps.append(Cap("notification", decl.notification_slot, decl, rights.DEVICE))
        elif decl.kind in ("mmio", "dma"):
            caps.append(Cap(decl.kind, decl.slot, decl, rights.DEVICE))
        elif decl.kind == "shared":
            caps.append(Cap("shared", decl.slot, decl,
                            rights.SHARED_READ_ONLY if decl.readonly else rights.SHARED_READ_WRITE,
                            region=instance.regions[decl.name]))
        elif decl.kind == "untyped":
            caps.append(Cap("untyped", decl.slot, decl, rights.UNTYPED))
        elif decl.kind == "module":
            caps.append(Cap("module", decl.slot, decl, rights.MODULE))
        elif decl.kind == "notification":
            caps.append(Cap("notification", decl.slot, decl, rights.DEVICE))
    instance.caps = caps
