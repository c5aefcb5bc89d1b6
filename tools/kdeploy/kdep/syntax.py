"""The syntax tree the parser builds: what was written, names unresolved.

The checker (checker.py) resolves names, checks numbers and lays the
deployment out into the model (model.py).
"""
from dataclasses import dataclass, field
from typing import List, Optional

from kidl.diagnostics import Location


@dataclass(frozen=True)
class Name:
    text: str
    location: Location


@dataclass(frozen=True)
class Number:
    value: int
    text: str  # as written ("8K", "0x3f0"), for messages
    location: Location


@dataclass(frozen=True)
class Rights:
    """A rights expression: words joined by '+', e.g. call+grant."""
    words: List[Name]
    location: Location


# Declarations inside a component type.  Each has a name (its slot's name in
# the generated header) except program and foreign_abi.

@dataclass
class ProgramDecl:
    program: str
    location: Location


@dataclass
class ForeignAbiDecl:
    location: Location


@dataclass
class InterfaceDecl:
    direction: str          # "uses" or "provides"
    interface: Name         # the IDL interface
    name: Name
    offers: Optional[Rights] = None  # provides only: what clients may be given


@dataclass
class IoPortsDecl:
    name: Name
    first: Number
    last: Number


@dataclass
class IrqDecl:
    name: Name
    line: Number


@dataclass
class MmioDecl:
    name: Name
    address: Number
    size: Number


@dataclass
class DmaDecl:
    name: Name
    size: Number


@dataclass
class SharedDecl:
    name: Name
    size: Number
    readonly: bool


@dataclass
class UntypedDecl:
    name: Name
    size: Number


@dataclass
class ModuleDecl:
    name: Name
    file: Name        # the boot module's file name (a basename), with its location
    max_size: Number  # the most bytes the module may have: the address range reserved


@dataclass
class NotificationDecl:
    name: Name


@dataclass
class Component:
    name: Name
    members: list = field(default_factory=list)


@dataclass
class Setting:
    key: Name        # priority, memory, cspace, restart, args
    value: object    # Number, or Name (restart), or Name holding the string (args)


@dataclass
class Instance:
    name: Name
    component: Name
    settings: List[Setting] = field(default_factory=list)


@dataclass(frozen=True)
class Ref:
    """instance or instance.member."""
    instance: Name
    member: Optional[Name]

    @property
    def location(self):
        return self.instance.location

    def __str__(self):
        return self.instance.text + (f".{self.member.text}" if self.member else "")


@dataclass
class Connection:
    client: Ref
    server: Ref
    badge: Optional[Number]
    rights: Optional[Rights]
    location: Location  # of the 'connect' keyword


@dataclass
class SharedRegion:
    name: Name
    size: Number
    members: List[Ref]


# What a policy assertion may talk about.

@dataclass
class Resource:
    kind: str  # "ioports", "irq", "mmio" or "dma"
    location: Location
    first: Optional[Number] = None  # ioports: first port; irq: the line; mmio: the address
    last: Optional[Number] = None   # ioports: last port; mmio: the size


@dataclass
class OnlyHolds:
    """assert only a, b holds <resource>;"""
    holders: List[Name]
    resource: Resource
    location: Location


@dataclass
class MayNotReach:
    """assert a may not reach b.x;  (or b: any interface b provides)"""
    instance: Name
    target: Ref
    location: Location


@dataclass
class NothingReachesBoth:
    """assert nothing reaches both a.x and b.y;"""
    first: Ref
    second: Ref
    location: Location


@dataclass
class Import:
    path: str
    location: Location


@dataclass
class DeploymentFile:
    path: str
    name: Optional[Name] = None
    imports: List[Import] = field(default_factory=list)
    components: List[Component] = field(default_factory=list)
    instances: List[Instance] = field(default_factory=list)
    connections: List[Connection] = field(default_factory=list)
    regions: List[SharedRegion] = field(default_factory=list)
    assertions: list = field(default_factory=list)
