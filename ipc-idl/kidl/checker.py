"""Semantic checks: from a syntax tree to the model, or errors.

Errors are collected per item (a constant, an enumerator, a field, a
parameter, a procedure) so one run reports every independent mistake; an
item whose check failed is left out of the model, and checks that depend on
it are skipped rather than reported again.
"""
import re
from dataclasses import dataclass
from typing import Dict

from . import cnames, syntax, wire
from .diagnostics import ErrorCollector, IdlError, fail
from .model import (SCALARS, ArrayType, BytesType, CapType, Constant,
                    EnumMember, EnumType, Interface, Method, Module, Parameter,
                    StringType, StructField, StructType)

I32_MIN, I32_MAX = -2**31, 2**31 - 1
U32_MAX = 2**32 - 1
CONSTANT_MIN, CONSTANT_MAX = -2**63, 2**64 - 1  # i64 and u64 values
ORDINAL_MIN, ORDINAL_MAX = 1, 65535


@dataclass
class Symbol:
    """A name declared at file level: in this file or an imported one."""
    kind: str  # "constant", "enum", "struct" or "interface"
    name: str
    location: object
    model: object = None  # None while a local constant is being evaluated
    decl: object = None   # the syntax node, for names declared in this file


def symbols_of(module):
    """The file-level names a checked module exports to its importers."""
    table = {}
    for constant in module.constants:
        table[constant.name] = Symbol("constant", constant.name, constant.location, constant)
    for enum in module.enums:
        table[enum.name] = Symbol("enum", enum.name, enum.location, enum)
    for struct in module.structs:
        table[struct.name] = Symbol("struct", struct.name, struct.location, struct)
    for interface in module.interfaces:
        table[interface.name] = Symbol("interface", interface.name, interface.location, interface)
    return table


class _AlreadyReported(Exception):
    """The item depends on something whose error was already reported."""


def _start(expr):
    """Where an expression begins (a binary operation's location is its operator)."""
    while isinstance(expr, syntax.BinaryOp):
        expr = expr.left
    return expr.location


def _a(kind):
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class Checker:
    def __init__(self, tree, stem, imports, visible):
        """imports: the directly imported, checked modules; visible: name ->
        Symbol for everything the imports (transitively) declare."""
        self.tree = tree
        self.module = Module(tree.path, stem, list(imports))
        self.visible = visible
        self.local: Dict[str, Symbol] = {}
        self.errors = ErrorCollector()
        self.constant_decls = {}
        self.constants_in_progress = []  # evaluation stack, for cycle messages
        self.failed_names = set()

    def check(self):
        self.register_declarations()
        self.check_constants()
        self.check_enums()
        self.check_structs()
        self.check_interfaces()
        if not self.errors.has_errors():
            # Generated-name clashes are only meaningful once everything resolved.
            self.check_c_names()
        self.errors.raise_if_any()
        return self.module

    def attempt(self, check, *args):
        """Runs one item's check; its errors are recorded, not propagated."""
        try:
            return check(*args)
        except IdlError as error:
            self.errors.absorb(error)
        except _AlreadyReported:
            pass
        return None

    # Names.

    def lookup(self, name):
        return self.local.get(name) or self.visible.get(name)

    def check_identifier(self, name, location):
        problem = cnames.identifier_problem(name)
        if problem:
            fail(location, problem)

    def register_declarations(self):
        kinds = {syntax.ConstDecl: "constant", syntax.EnumDecl: "enum",
                 syntax.StructDecl: "struct", syntax.InterfaceDecl: "interface"}
        for decl in self.tree.declarations:
            self.attempt(self.register, decl, kinds[type(decl)])

    def register(self, decl, kind):
        # Until registered, references to the name are not errors of their own.
        self.failed_names.add(decl.name)
        self.check_identifier(decl.name, decl.location)
        previous = self.lookup(decl.name)
        if previous is not None:
            fail(decl.location, f"duplicate name '{decl.name}'",
                 [(previous.location, f"'{decl.name}' was first declared here, "
                   f"as {_a(previous.kind)}")])
        symbol = Symbol(kind, decl.name, decl.location, decl=decl)
        if kind == "constant":
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", decl.name):
                fail(decl.location, f"constant name '{decl.name}' must be upper case "
                     "(A-Z, 0-9, _): constants become C macros")
            self.constant_decls[decl.name] = decl
        elif kind == "enum":
            symbol.model = EnumType(decl.name, [], decl.doc, decl.location)
        elif kind == "struct":
            # Fields are filled later, so structs may refer to each other in any order.
            symbol.model = StructType(decl.name, [], decl.doc, decl.location)
        self.local[decl.name] = symbol
        self.failed_names.discard(decl.name)

    def local_decls(self, kind):
        return [(s.decl, s) for s in self.local.values() if s.kind == kind]

    # Integer expressions.

    def evaluate(self, expr):
        if isinstance(expr, syntax.IntLiteral):
            value = expr.value
        elif isinstance(expr, syntax.NameRef):
            value = self.constant_value(expr)
        elif isinstance(expr, syntax.Negate):
            value = -self.evaluate(expr.operand)
        else:
            left, right = self.evaluate(expr.left), self.evaluate(expr.right)
            value = {"+": left + right, "-": left - right, "*": left * right}[expr.operator]
        if not CONSTANT_MIN <= value <= CONSTANT_MAX:
            fail(expr.location, f"value {value} is out of range (constants are "
                 "64-bit: from -2^63 to 2^64-1)")
        return value

    def constant_value(self, ref):
        symbol = self.lookup(ref.name)
        if symbol is None:
            if ref.name in self.failed_names:
                raise _AlreadyReported()
            fail(ref.location, f"unknown constant '{ref.name}'")
        if symbol.kind != "constant":
            fail(ref.location, f"'{ref.name}' is {_a(symbol.kind)}, not a constant")
        if symbol.model is None:
            self.evaluate_local_constant(symbol.name, ref)
        if symbol.model is None:
            raise _AlreadyReported()
        return symbol.model.value

    def evaluate_local_constant(self, name, reference=None):
        decl = self.constant_decls[name]
        if name in self.constants_in_progress:
            chain = self.constants_in_progress[self.constants_in_progress.index(name):]
            fail(reference.location, f"constant '{name}' is defined in terms of itself "
                 f"({' -> '.join(chain + [name])})")
        self.constants_in_progress.append(name)
        try:
            value = self.evaluate(decl.value)
        except (IdlError, _AlreadyReported):
            # Whatever refers to it later would only repeat the error.
            self.failed_names.add(name)
            self.local.pop(name, None)
            raise
        finally:
            self.constants_in_progress.pop()
        constant = Constant(name, value, decl.doc, decl.location)
        self.local[name].model = constant
        return constant

    def evaluate_bounded(self, expr, what, low, high):
        value = self.evaluate(expr)
        if not low <= value <= high:
            fail(_start(expr), f"{what} must be between {low} and {high}, not {value}")
        return value

    def c_number(self, expr, value):
        """How a size is written in generated C: the constant's name if it
        was written as one, so the headers read like the IDL."""
        if isinstance(expr, syntax.NameRef):
            return expr.name
        return str(value)

    # Constants.

    def check_constants(self):
        # Constants may refer to later ones: those are evaluated on first use.
        for decl, symbol in self.local_decls("constant"):
            if symbol.model is None and decl.name not in self.failed_names:
                self.attempt(self.evaluate_local_constant, decl.name)
            if symbol.model is not None:
                self.module.constants.append(symbol.model)

    # Enums.

    def check_enums(self):
        for decl, symbol in self.local_decls("enum"):
            enum = symbol.model
            if not decl.members:
                self.errors.error(decl.location, f"enum '{decl.name}' has no enumerators")
            next_value = 0
            seen_names, seen_values = {}, {}
            for member in decl.members:
                value = self.attempt(self.check_enumerator, decl, member, next_value,
                                     seen_names, seen_values)
                if value is not None:
                    next_value = value + 1
            self.module.enums.append(enum)

    def check_enumerator(self, decl, member, default_value, seen_names, seen_values):
        self.check_identifier(member.name, member.location)
        if member.name in seen_names:
            fail(member.location, f"duplicate enumerator '{member.name}' in enum '{decl.name}'",
                 [(seen_names[member.name].location, "first declared here")])
        seen_names[member.name] = member
        if member.value is None:
            value = default_value
            if value > I32_MAX:
                fail(member.location, f"enumerator '{member.name}' would be {value}; "
                     f"enum values must be between {I32_MIN} and {I32_MAX}")
        else:
            value = self.evaluate_bounded(member.value, f"the value of enumerator "
                                          f"'{member.name}'", I32_MIN, I32_MAX)
        if value in seen_values:
            other = seen_values[value]
            fail(member.location, f"enumerator '{member.name}' has the same value ({value}) "
                 f"as '{other.name}'", [(other.location, f"'{other.name}' declared here")])
        seen_values[value] = member
        self.lookup(decl.name).model.members.append(EnumMember(
            member.name, cnames.enum_member(decl.name, member.name), value,
            member.doc, member.location))
        return value

    # Types.

    def resolve_type(self, ref, context):
        """context: "field", "parameter" or "element" (of an array)."""
        if isinstance(ref, syntax.ScalarTypeRef):
            return SCALARS[ref.name]
        if isinstance(ref, syntax.CapTypeRef):
            if context != "parameter":
                fail(ref.location, "'cap' can only be the type of a parameter: "
                     "capabilities travel in the message's capability slots")
            return CapType()
        if isinstance(ref, syntax.StringTypeRef):
            bound = self.evaluate_bounded(ref.max_length, "the maximum length of a string",
                                          1, U32_MAX)
            return StringType(bound, self.c_number(ref.max_length, bound))
        if isinstance(ref, syntax.BytesTypeRef):
            if context == "element":
                fail(ref.location, "'bytes' cannot be an array element (it needs its own "
                     "length); use an array of structs with a bytes field")
            bound = self.evaluate_bounded(ref.max_length, "the maximum length of a byte buffer",
                                          1, U32_MAX)
            return BytesType(bound, self.c_number(ref.max_length, bound))
        if isinstance(ref, syntax.ArrayTypeRef):
            length = self.evaluate_bounded(ref.length, "an array length", 1, U32_MAX)
            element = self.resolve_type(ref.element, "element")
            return ArrayType(element, length, self.c_number(ref.length, length))
        symbol = self.lookup(ref.name)
        if symbol is None:
            if ref.name in self.failed_names:
                raise _AlreadyReported()
            fail(ref.location, f"unknown type '{ref.name}'")
        if symbol.kind not in ("enum", "struct"):
            fail(ref.location, f"'{ref.name}' is {_a(symbol.kind)}, not a type")
        return symbol.model

    # Structs.

    def check_structs(self):
        local_structs = self.local_decls("struct")
        for decl, symbol in local_structs:
            if not decl.fields:
                self.errors.error(decl.location, f"struct '{decl.name}' has no fields")
            seen = {}
            for field in decl.fields:
                self.attempt(self.check_field, decl, symbol.model, field, seen)
        self.module.structs = self.order_structs([s.model for _, s in local_structs])

    def check_field(self, decl, struct, field, seen):
        self.check_identifier(field.name, field.location)
        field_type = self.resolve_type(field.type, "field")
        self.check_member_names(field, field_type, seen, "field", f" in struct '{decl.name}'")
        struct.fields.append(StructField(field.name, field_type, field.doc, field.location))

    def check_member_names(self, decl, member_type, seen, kind, where):
        """A field or parameter name, and for bytes<N> the C length companion
        it brings, must be new among its siblings.  seen: C name -> (the
        declaration, how to describe that name)."""
        names = {decl.name: f"{kind} '{decl.name}'"}
        if isinstance(member_type, BytesType):
            length = cnames.length_field(decl.name)
            names[length] = f"'{length}', the length of bytes {kind} '{decl.name}'"
        for name, description in names.items():
            if name not in seen:
                continue
            other, other_description = seen[name]
            if name == decl.name and name == other.name:
                fail(decl.location, f"duplicate {kind} '{name}'{where}",
                     [(other.location, f"'{name}' first declared here")])
            fail(decl.location, f"{description}{where} clashes with {other_description}",
                 [(other.location, f"{kind} '{other.name}' declared here")])
        for name, description in names.items():
            seen[name] = (decl, description)

    def order_structs(self, structs):
        """Structs with the ones they contain first (C needs complete types),
        reporting structs that contain themselves."""
        local = set(id(s) for s in structs)
        state = {}  # id -> "visiting" or "done"
        ordered = []

        def contained_structs(type_):
            while isinstance(type_, ArrayType):
                type_ = type_.element
            return type_ if isinstance(type_, StructType) and id(type_) in local else None

        def visit(struct, path):
            state[id(struct)] = "visiting"
            for field in struct.fields:
                inner = contained_structs(field.type)
                if inner is None:
                    continue
                step = path + [(struct, field)]
                if state.get(id(inner)) == "visiting":
                    start = next(i for i, (s, _) in enumerate(step) if s is inner)
                    cycle = step[start:]
                    chain = " -> ".join(f"{s.name}.{f.name}" for s, f in cycle)
                    self.errors.error(cycle[0][1].location,
                                      f"struct '{inner.name}' contains itself ({chain} -> "
                                      f"{inner.name}); a struct cannot hold itself by value")
                elif id(inner) not in state:
                    visit(inner, step)
            state[id(struct)] = "done"
            ordered.append(struct)

        for struct in structs:
            if id(struct) not in state:
                visit(struct, [])
        return ordered

    # Interfaces.

    def check_interfaces(self):
        for decl, symbol in self.local_decls("interface"):
            if not decl.methods:
                # Also keeps C from seeing an empty handler table.
                self.errors.error(decl.location, f"interface '{decl.name}' has no procedures")
            interface = Interface(decl.name, [], decl.doc, decl.location)
            seen_names, seen_ordinals = {}, {}
            for method in decl.methods:
                checked = self.attempt(self.check_method, decl, method, seen_names,
                                       seen_ordinals)
                if checked is not None:
                    interface.methods.append(checked)
            symbol.model = interface
            self.module.interfaces.append(interface)

    def check_method(self, interface, decl, seen_names, seen_ordinals):
        self.check_identifier(decl.name, decl.location)
        if decl.name in seen_names:
            fail(decl.location, f"duplicate procedure '{decl.name}' in interface "
                 f"'{interface.name}'", [(seen_names[decl.name].location, "first declared here")])
        seen_names[decl.name] = decl
        ordinal = self.evaluate_bounded(decl.ordinal, f"the ordinal of procedure "
                                        f"'{decl.name}'", ORDINAL_MIN, ORDINAL_MAX)
        if ordinal in seen_ordinals:
            other = seen_ordinals[ordinal]
            fail(decl.ordinal.location, f"ordinal {ordinal} of procedure '{decl.name}' is "
                 f"already used by procedure '{other.name}'",
                 [(other.ordinal.location, f"'{other.name}' has ordinal {ordinal} here")])
        seen_ordinals[ordinal] = decl

        raises = None
        if decl.raises is not None:
            raises = self.attempt(self.check_raises, decl.raises)
        params, broken = [], False
        seen_params = {}
        for param in decl.params:
            checked = self.attempt(self.check_param, param, seen_params)
            if checked is None:
                broken = True
            else:
                params.append(checked)
        method = Method(decl.name, ordinal, params, raises, decl.doc, decl.location)
        if broken or (decl.raises is not None and raises is None):
            raise _AlreadyReported()
        self.check_message_fits(method)
        return method

    def check_raises(self, ref):
        symbol = self.lookup(ref.name)
        if symbol is None:
            fail(ref.location, f"unknown error enum '{ref.name}'")
        if symbol.kind != "enum":
            fail(ref.location, f"'raises' needs an enum, but '{ref.name}' is {_a(symbol.kind)}")
        for member in symbol.model.members:
            if member.value <= 0:
                fail(ref.location, f"error enum '{ref.name}' has '{member.name}' = "
                     f"{member.value}, but error values must be positive (0 means success; "
                     "negative values are KIDL_ERR_* transport errors)",
                     [(member.location, f"'{member.name}' declared here")])
        return symbol.model

    def check_param(self, decl, seen):
        self.check_identifier(decl.name, decl.location)
        if decl.name in cnames.RESERVED_PARAMETER_NAMES:
            fail(decl.location, f"parameter name '{decl.name}' is reserved: the generated "
                 "functions have their own 'endpoint', 'ctx' and 'badge' parameters")
        param_type = self.resolve_type(decl.type, "parameter")
        self.check_member_names(decl, param_type, seen, "parameter", "")
        return Parameter(decl.name, decl.direction, param_type, decl.doc, decl.location)

    def check_message_fits(self, method):
        for direction, params in (("request", method.inputs()), ("reply", method.outputs())):
            size, words = wire.max_message(params)
            if size > wire.MAX_BYTES:
                fail(method.location, f"the {direction} of procedure '{method.name}' does not "
                     f"fit in a message: it can take {size} bytes ({words} words), but the "
                     f"registers and the IPC buffer hold {wire.MAX_WORDS} words "
                     f"({wire.MAX_BYTES} bytes)")
            caps = wire.cap_count(params)
            if caps > wire.MAX_CAPS:
                fail(method.location, f"the {direction} of procedure '{method.name}' carries "
                     f"{caps} capabilities, but a message can transfer at most {wire.MAX_CAPS}")

    # Generated C names.

    def check_c_names(self):
        """Two IDL names may not map to the same C identifier."""
        taken = {}
        for module in _transitive_imports(self.module):
            for namespace, c_name, what, location in _c_identifiers(module):
                taken[(namespace, c_name)] = (what, location)
        for namespace, c_name, what, location in _c_identifiers(self.module):
            key = (namespace, c_name)
            if key in taken:
                other_what, other_location = taken[key]
                self.errors.error(location, f"C name clash: '{c_name}' is both {what} and "
                                  f"{other_what}", [(other_location, "the other is declared here")])
            else:
                taken[key] = (what, location)
        self.check_parameter_names(taken)
        self.check_macro_names()

    def check_parameter_names(self, taken):
        """Inside a stub, a parameter would hide a function or enumerator
        of the same name that the stub's code may need."""
        for interface in self.module.interfaces:
            for method in interface.methods:
                for param in method.params:
                    other = taken.get(("ordinary", param.name))
                    if other is not None:
                        self.errors.error(param.location, f"parameter '{param.name}' would hide "
                                          f"{other[0]} in the generated code; rename one of them",
                                          [(other[1], "the other is declared here")])

    def check_macro_names(self):
        """Constants are macros: no field, parameter or procedure may share
        a constant's name, or the preprocessor would replace it."""
        constants, members = {}, []
        modules = _transitive_imports(self.module) + [self.module]
        for module in modules:
            local = module is self.module
            for constant in module.constants:
                constants[constant.name] = (constant, local)
            for struct in module.structs:
                members += [(f, f"field '{f.name}' of struct '{struct.name}'", local)
                            for f in struct.fields]
            for interface in module.interfaces:
                for method in interface.methods:
                    members.append((method, f"procedure '{method.name}'", local))
                    members += [(p, f"parameter '{p.name}' of procedure '{method.name}'", local)
                                for p in method.params]
        for member, what, member_local in members:
            if member.name not in constants:
                continue
            constant, constant_local = constants[member.name]
            if member_local:
                self.errors.error(member.location, f"{what} has the name of constant "
                                  f"'{constant.name}', a C macro that would replace it",
                                  [(constant.location, f"constant '{constant.name}' declared here")])
            elif constant_local:
                self.errors.error(constant.location, f"constant '{constant.name}' would "
                                  f"replace the name of {what} in C (constants are macros)",
                                  [(member.location, f"{what} declared here")])


def _transitive_imports(module):
    seen, order = set(), []

    def walk(current):
        for imported in current.imports:
            if id(imported) not in seen:
                seen.add(id(imported))
                walk(imported)
                order.append(imported)
    walk(module)
    return order


def _c_identifiers(module):
    """(namespace, C name, description, location) of every global C name the
    module's generated code declares.  Namespaces: "tag" for struct and enum
    tags, "ordinary" for functions, enumeration constants and macros."""
    names = []
    for constant in module.constants:
        names.append(("ordinary", constant.name, f"constant '{constant.name}'", constant.location))
    for enum in module.enums:
        where = enum.location
        names.append(("tag", enum.name, f"enum '{enum.name}'", where))
        names.append(("ordinary", cnames.enum_is_valid(enum.name),
                      f"the validity check of enum '{enum.name}'", where))
        names.append(("ordinary", cnames.encoder(enum.name), f"the encoder of enum '{enum.name}'",
                      where))
        names.append(("ordinary", cnames.decoder(enum.name), f"the decoder of enum '{enum.name}'",
                      where))
        for member in enum.members:
            names.append(("ordinary", member.c_name,
                          f"enumerator '{member.name}' of enum '{enum.name}'", member.location))
    for struct in module.structs:
        where = struct.location
        names.append(("tag", struct.name, f"struct '{struct.name}'", where))
        names.append(("ordinary", cnames.encoder(struct.name),
                      f"the encoder of struct '{struct.name}'", where))
        names.append(("ordinary", cnames.decoder(struct.name),
                      f"the decoder of struct '{struct.name}'", where))
    for interface in module.interfaces:
        of = f"of interface '{interface.name}'"
        where = interface.location
        names += [
            ("tag", cnames.label_enum(interface.name), f"the label enum {of}", where),
            ("tag", cnames.handlers_struct(interface.name), f"the handler table {of}", where),
            ("tag", cnames.server_struct(interface.name), f"the server struct {of}", where),
            ("ordinary", cnames.dispatcher(interface.name), f"the dispatcher {of}", where),
            ("ordinary", cnames.generic_dispatcher(interface.name),
             f"the generic dispatcher {of}", where),
        ]
        for method in interface.methods:
            procedure = f"procedure '{method.name}' {of}"
            names.append(("ordinary", cnames.client_function(interface.name, method.name),
                          f"the client function of {procedure}", method.location))
            names.append(("ordinary", cnames.label(interface.name, method.name),
                          f"the label of {procedure}", method.location))
    return names


def check(tree, stem, imports, visible):
    """The model of one parsed file whose imports are already checked."""
    return Checker(tree, stem, imports, visible).check()
