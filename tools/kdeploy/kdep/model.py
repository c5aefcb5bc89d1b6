"""The checked deployment: names resolved, numbers valid, and every slot,
virtual address, endpoint index and badge decided.

Everything that writes output (manifest, audit, graph, headers) reads only
this, never the syntax tree.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from kidl.diagnostics import Location


def size_text(size):
    """8K, 4M, 1G or plain bytes: how sizes are written in deployments."""
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if size and size % (1 << shift) == 0:
            return f"{size >> shift}{unit}"
    return str(size)


# A module's header page (struct kumiki_module_header, lib/deploy/kumiki/
# module_header.h) comes first; the module's own pages follow it.
MODULE_HEADER_SIZE = 4096


@dataclass(eq=False)
class Decl:
    """A declaration of a component type that gives its instances a capability."""
    kind: str           # uses, provides, ioports, irq, mmio, dma, shared, untyped, module,
    name: str           # notification
    location: Location
    slot: int = 0       # decided by layout.assign_slots
    interface: Optional[str] = None  # uses, provides: the IDL interface
    offers: int = 0     # provides: rights a client may be given
    first: int = 0      # ioports
    last: int = 0
    line: int = 0       # irq
    address: int = 0    # mmio: physical address
    size: int = 0       # mmio, dma, shared: bytes (page multiple); untyped: bytes (a power
                        # of two); module: the most bytes the file may have (page multiple)
    readonly: bool = False  # shared
    file: str = ""      # module: the boot module's file name
    vaddr: int = 0      # mmio, dma, shared: where the component sees it; module: its header page
    valid: bool = True  # False after an error: left out of the overlap checks

    @property
    def notification_slot(self):
        """irq: the notification the IRQ is delivered to sits right after the handler."""
        return self.slot + 1

    @property
    def size_bits(self):
        """untyped: log2 of its size."""
        return self.size.bit_length() - 1

    @property
    def mapped_size(self):
        """Bytes of the component's address space the declaration reserves: a
        module's header page, then room for its largest file."""
        if self.kind == "module":
            return MODULE_HEADER_SIZE + self.size
        return self.size if self.kind in ("mmio", "dma", "shared") else 0

    @property
    def slots_used(self):
        return 2 if self.kind == "irq" else 1


@dataclass(eq=False)
class ComponentType:
    name: str
    location: Location
    program: str = ""         # the ELF's module name: "<program>.elf"
    foreign_abi: bool = False
    decls: List[Decl] = field(default_factory=list)

    def decl(self, name):
        return next((d for d in self.decls if d.name == name), None)


RESTART_NEVER, RESTART_ON_FAULT = "never", "on fault"


@dataclass(eq=False)
class Instance:
    name: str
    location: Location
    type: ComponentType
    declared: int                 # position among the instance statements
    priority: int = 100
    memory_bits: int = 22         # 4M
    radix: int = 10
    restart: str = RESTART_NEVER
    args: str = ""
    index: int = 0                # position in the manifest (start order)
    caps: List["Cap"] = field(default_factory=list)        # slot order
    connections: Dict[str, "Connection"] = field(default_factory=dict)  # used decl name ->
    regions: Dict[str, "Region"] = field(default_factory=dict)          # shared decl name ->
    setting_locations: Dict[str, Location] = field(default_factory=dict)

    @property
    def has_dma(self):
        return any(d.kind == "dma" for d in self.type.decls)


@dataclass(eq=False)
class Endpoint:
    """The kernel endpoint of one interface one instance provides."""
    index: int
    server: Instance
    decl: Decl

    def __str__(self):
        return f"{self.server.name}.{self.decl.name}"


@dataclass(eq=False)
class Connection:
    number: int            # 1-based, in source order: the default badge
    location: Location
    client: Instance
    used: Decl
    endpoint: Endpoint
    badge: int
    rights: int
    badge_location: Location
    rights_location: Location

    def __str__(self):
        return f"{self.client.name}.{self.used.name} to {self.endpoint}"


@dataclass(eq=False)
class Region:
    index: int
    name: str
    size: int
    location: Location
    sharers: List[tuple] = field(default_factory=list)  # (Instance, Decl)


@dataclass(eq=False)
class Cap:
    """One capability a component will hold, at one slot of its CNode."""
    kind: str        # endpoint, notification, ioport, irq, mmio, dma, shared, untyped, module
    slot: int
    decl: Decl       # the declaration it comes from (for irq's notification: the irq)
    rights: int
    endpoint: Optional[Endpoint] = None
    badge: int = 0
    connection: Optional[Connection] = None  # a used interface's
    region: Optional[Region] = None

    @property
    def name(self):
        return self.decl.name


@dataclass
class Deployment:
    name: str
    path: str
    types: List[ComponentType]
    instances: List[Instance]        # manifest (start) order
    endpoints: List[Endpoint]
    connections: List[Connection]    # source order
    regions: List[Region]
    assertions: list                 # policy.Assertion, source order
    files_read: List[str] = field(default_factory=list)
    location: Optional[Location] = None  # of the deployment's name

    def instance(self, name):
        return next((i for i in self.instances if i.name == name), None)

    def programs(self):
        """Distinct ELF module names, in manifest order of first use."""
        seen = []
        for instance in self.instances:
            if instance.type.program not in seen:
                seen.append(instance.type.program)
        return seen

    def boot_modules(self):
        """Every file the boot image needs after the root task and the
        manifest: the programs, then the declared data modules (distinct, in
        manifest order of first use)."""
        seen = self.programs()
        for instance in self.instances:
            for decl in instance.type.decls:
                if decl.kind == "module" and decl.file not in seen:
                    seen.append(decl.file)
        return seen
