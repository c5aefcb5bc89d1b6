"""The checked model: what the C emitters consume.

Every name is resolved, every number computed, every C identifier chosen.
Types compare by identity for enums and structs and by value otherwise.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from .diagnostics import Location


@dataclass(frozen=True)
class ScalarType:
    name: str     # IDL spelling: "u8" ... "i64", "bool"
    size: int     # bytes on the wire (and alignment)
    signed: bool
    c_type: str


SCALARS = {
    "u8": ScalarType("u8", 1, False, "uint8_t"),
    "u16": ScalarType("u16", 2, False, "uint16_t"),
    "u32": ScalarType("u32", 4, False, "uint32_t"),
    "u64": ScalarType("u64", 8, False, "uint64_t"),
    "i8": ScalarType("i8", 1, True, "int8_t"),
    "i16": ScalarType("i16", 2, True, "int16_t"),
    "i32": ScalarType("i32", 4, True, "int32_t"),
    "i64": ScalarType("i64", 8, True, "int64_t"),
    "bool": ScalarType("bool", 1, False, "bool"),
}


@dataclass
class EnumMember:
    name: str
    c_name: str  # ENUMNAME_MEMBER, upper case
    value: int
    doc: Optional[str]
    location: Location


@dataclass(eq=False)
class EnumType:
    """On the wire an enum is an i32, checked against the member values."""
    name: str
    members: List[EnumMember]
    doc: Optional[str]
    location: Location

    size = 4


@dataclass
class StructField:
    name: str
    type: "Type"
    doc: Optional[str]
    location: Location


@dataclass(eq=False)
class StructType:
    name: str
    fields: List[StructField]
    doc: Optional[str]
    location: Location


@dataclass(frozen=True)
class ArrayType:
    element: "Type"
    length: int
    length_c: str  # how the length is written in C: a constant's name or a number


@dataclass(frozen=True)
class StringType:
    """Up to max_length bytes, no NUL inside; a NUL-terminated char array in C."""
    max_length: int
    max_c: str


@dataclass(frozen=True)
class BytesType:
    """Up to max_length bytes; a buffer plus a size_t length in C."""
    max_length: int
    max_c: str


@dataclass(frozen=True)
class CapType:
    """A capability, transferred with grant; a slot address (kidl_cptr_t) in C."""


Type = object  # any of the classes above


@dataclass
class Constant:
    name: str
    value: int
    doc: Optional[str]
    location: Location


@dataclass
class Parameter:
    name: str
    direction: str  # "in" or "out"
    type: Type
    doc: Optional[str]
    location: Location


@dataclass
class Method:
    name: str
    ordinal: int
    params: List[Parameter]
    raises: Optional[EnumType]
    doc: Optional[str]
    location: Location

    def inputs(self):
        return [p for p in self.params if p.direction == "in"]

    def outputs(self):
        return [p for p in self.params if p.direction == "out"]


@dataclass
class Interface:
    name: str
    methods: List[Method]
    doc: Optional[str]
    location: Location


@dataclass
class Module:
    """One checked .idl file."""
    path: str          # as shown in messages
    stem: str          # file name without ".idl": prefix of the generated files
    imports: List["Module"] = field(default_factory=list)  # direct imports
    constants: List[Constant] = field(default_factory=list)
    enums: List[EnumType] = field(default_factory=list)
    structs: List[StructType] = field(default_factory=list)  # dependency order
    interfaces: List[Interface] = field(default_factory=list)
