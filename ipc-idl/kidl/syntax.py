"""The syntax tree the parser builds: what was written, names unresolved.

The checker turns it into the model (model.py), where names are resolved
and every number is known.
"""
from dataclasses import dataclass, field
from typing import List, Optional, Union

from .diagnostics import Location


# Integer expressions: sizes, enumerator values, ordinals, constants.

@dataclass
class IntLiteral:
    value: int
    location: Location


@dataclass
class NameRef:
    name: str
    location: Location


@dataclass
class Negate:
    operand: "Expr"
    location: Location


@dataclass
class BinaryOp:
    operator: str  # "+", "-" or "*"
    left: "Expr"
    right: "Expr"
    location: Location


Expr = Union[IntLiteral, NameRef, Negate, BinaryOp]


# Types as written.

@dataclass
class ScalarTypeRef:
    name: str  # "u8" ... "i64" or "bool"
    location: Location


@dataclass
class NamedTypeRef:
    name: str  # an enum or a struct, resolved by the checker
    location: Location


@dataclass
class ArrayTypeRef:
    element: "TypeRef"
    length: Expr
    location: Location


@dataclass
class StringTypeRef:
    max_length: Expr
    location: Location


@dataclass
class BytesTypeRef:
    max_length: Expr
    location: Location


@dataclass
class CapTypeRef:
    location: Location


TypeRef = Union[ScalarTypeRef, NamedTypeRef, ArrayTypeRef, StringTypeRef,
                BytesTypeRef, CapTypeRef]


# Declarations.

@dataclass
class Import:
    path: str
    location: Location  # of the path string


@dataclass
class ConstDecl:
    name: str
    value: Expr
    location: Location  # of the name
    doc: Optional[str]


@dataclass
class EnumeratorDecl:
    name: str
    value: Optional[Expr]  # None: previous value + 1 (0 for the first)
    location: Location
    doc: Optional[str]


@dataclass
class EnumDecl:
    name: str
    members: List[EnumeratorDecl]
    location: Location
    doc: Optional[str]


@dataclass
class FieldDecl:
    type: TypeRef
    name: str
    location: Location
    doc: Optional[str]


@dataclass
class StructDecl:
    name: str
    fields: List[FieldDecl]
    location: Location
    doc: Optional[str]


@dataclass
class ParamDecl:
    direction: str  # "in" or "out"
    type: TypeRef
    name: str
    location: Location
    doc: Optional[str]


@dataclass
class MethodDecl:
    name: str
    params: List[ParamDecl]
    raises: Optional[NameRef]
    ordinal: Expr
    location: Location
    doc: Optional[str]


@dataclass
class InterfaceDecl:
    name: str
    methods: List[MethodDecl]
    location: Location
    doc: Optional[str]


Declaration = Union[ConstDecl, EnumDecl, StructDecl, InterfaceDecl]


@dataclass
class IdlFile:
    path: str  # as shown in messages
    imports: List[Import] = field(default_factory=list)
    declarations: List[Declaration] = field(default_factory=list)
