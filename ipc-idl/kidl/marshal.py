"""C spellings of IDL types and the statements that encode and decode them.

Shared by the three emitters.  Values are named by C lvalue expressions:
"v->size" in a struct codec, "*count" for an out-parameter, "items[i0]" in a
loop.  Index variables are named by the caller (short in struct codecs,
where no user name is in scope; kidl_-prefixed in stubs, where parameter
names are).
"""
from . import cnames
from .model import (ArrayType, BytesType, CapType, EnumType, ScalarType,
                    StringType, StructType)


def type_name(type_):
    """The C type of a scalar, enum, struct or capability."""
    if isinstance(type_, ScalarType):
        return type_.c_type
    if isinstance(type_, EnumType):
        return f"enum {type_.name}"
    if isinstance(type_, StructType):
        return f"struct {type_.name}"
    if isinstance(type_, CapType):
        return "kidl_cptr_t"
    raise TypeError(f"{type_!r} has no simple C type name")


def plus_one(c_number):
    return str(int(c_number) + 1) if c_number.isdigit() else f"{c_number} + 1"


def declaration(type_, name):
    """A declaration of name holding a value of type_ in place: a struct
    member or a local variable.  bytes<N> needs two (see byte_buffer_members)."""
    if isinstance(type_, ArrayType):
        return declaration(type_.element, f"{name}[{type_.length_c}]")
    if isinstance(type_, StringType):
        return f"char {name}[{plus_one(type_.max_c)}]"
    if isinstance(type_, BytesType):
        raise TypeError("bytes<N> is declared with byte_buffer_members()")
    return f"{type_name(type_)} {name}"


def byte_buffer_members(type_, name):
    return [f"uint8_t {name}[{type_.max_c}]", f"size_t {cnames.length_field(name)}"]


def _element_is_array(type_):
    return isinstance(type_.element, (ArrayType, StringType))


def parameter_declarations(param):
    """The C parameters a client stub (and a handler) has for one IDL parameter."""
    type_, name = param.type, param.name
    length = cnames.length_field(name)
    if param.direction == "in":
        if isinstance(type_, StructType):
            return [f"const struct {type_.name} *{name}"]
        if isinstance(type_, ArrayType):
            # Arrays of arrays stay non-const: C11 warns when a T[a][b] is
            # passed where a const T[a][b] is expected.
            prefix = "" if _element_is_array(type_) else "const "
            return [prefix + declaration(type_, name)]
        if isinstance(type_, StringType):
            return [f"const char *{name}"]
        if isinstance(type_, BytesType):
            return [f"const uint8_t *{name}", f"size_t {length}"]
        return [declaration(type_, name)]
    if isinstance(type_, (ArrayType, StringType)):
        return [declaration(type_, name)]
    if isinstance(type_, BytesType):
        return [f"uint8_t {name}[{type_.max_c}]", f"size_t *{length}"]
    return [f"{type_name(type_)} *{name}"]


def handler_arguments(param):
    """The arguments passing one parameter from the dispatcher's locals to
    the handler."""
    type_, name = param.type, param.name
    length = cnames.length_field(name)
    if isinstance(type_, BytesType):
        return [name, length if param.direction == "in" else f"&{length}"]
    if isinstance(type_, (ArrayType, StringType)):
        return [name]
    if param.direction == "in" and not isinstance(type_, StructType):
        return [name]
    return [f"&{name}"]


def address_of(lvalue):
    if lvalue.startswith("*") and lvalue[1:].isidentifier():
        return lvalue[1:]
    return f"&{lvalue}"


def _is_byte_scalar(type_):
    return isinstance(type_, ScalarType) and type_.name in ("u8", "i8")


def emit_encode(out, type_, lvalue, writer, index_name, depth=0, length=None):
    """Statements writing the value at lvalue; length: the lvalue holding a
    byte buffer's length."""
    if isinstance(type_, ScalarType):
        out.line(f"kidl_put_{type_.name}({writer}, {lvalue});")
    elif isinstance(type_, EnumType):
        out.line(f"{cnames.encoder(type_.name)}({writer}, {lvalue});")
    elif isinstance(type_, StructType):
        out.line(f"{cnames.encoder(type_.name)}({writer}, {address_of(lvalue)});")
    elif isinstance(type_, CapType):
        out.line(f"kidl_put_cap({writer}, {lvalue});")
    elif isinstance(type_, StringType):
        out.line(f"kidl_put_string({writer}, {lvalue}, {type_.max_c});")
    elif isinstance(type_, BytesType):
        out.line(f"kidl_put_bytes({writer}, {lvalue}, {length}, {type_.max_c});")
    elif _is_byte_scalar(type_.element):
        out.line(f"kidl_put_raw({writer}, {lvalue}, {type_.length_c});")
    else:
        index = index_name(depth)
        with out.block(f"for (size_t {index} = 0; {index} < {type_.length_c}; {index}++) {{"):
            emit_encode(out, type_.element, f"{lvalue}[{index}]", writer, index_name, depth + 1)


def emit_decode(out, type_, lvalue, reader, index_name, depth=0, length=None):
    """Statements reading a value into lvalue; nothing is checked here, the
    reader records the first error."""
    if isinstance(type_, ScalarType):
        out.line(f"{lvalue} = kidl_get_{type_.name}({reader});")
    elif isinstance(type_, EnumType):
        out.line(f"{lvalue} = {cnames.decoder(type_.name)}({reader});")
    elif isinstance(type_, StructType):
        out.line(f"{cnames.decoder(type_.name)}({reader}, {address_of(lvalue)});")
    elif isinstance(type_, CapType):
        out.line(f"{lvalue} = kidl_get_cap({reader});")
    elif isinstance(type_, StringType):
        out.line(f"kidl_get_string({reader}, {lvalue}, {type_.max_c});")
    elif isinstance(type_, BytesType):
        out.line(f"{length} = kidl_get_bytes({reader}, {lvalue}, {type_.max_c});")
    elif _is_byte_scalar(type_.element):
        out.line(f"kidl_get_raw({reader}, {lvalue}, {type_.length_c});")
    else:
        index = index_name(depth)
        with out.block(f"for (size_t {index} = 0; {index} < {type_.length_c}; {index}++) {{"):
            emit_decode(out, type_.element, f"{lvalue}[{index}]", reader, index_name, depth + 1)


def _param_lvalues(param, pointer):
    """(value, length) lvalues of a parameter; pointer: reached through a
    pointer parameter (for bytes<N>: the length is, the data is an array)."""
    length = cnames.length_field(param.name)
    if isinstance(param.type, BytesType):
        return param.name, (f"*{length}" if pointer else length)
    return (f"*{param.name}" if pointer else param.name), None


def emit_encode_param(out, param, writer, index_name, pointer):
    value, length = _param_lvalues(param, pointer)
    emit_encode(out, param.type, value, writer, index_name, length=length)


def emit_decode_param(out, param, reader, index_name, pointer):
    value, length = _param_lvalues(param, pointer)
    emit_decode(out, param.type, value, reader, index_name, length=length)


def passes_by_pointer(param):
    """Whether a client stub reaches the parameter through a pointer."""
    if isinstance(param.type, (ArrayType, StringType)):
        return False  # arrays are passed as arrays
    if param.direction == "out":
        return True
    return isinstance(param.type, StructType)


def emit_local(out, param):
    """The dispatcher's storage for a parameter.  Out-parameters start
    cleared, so a handler that leaves one unset cannot leak stale stack
    contents to the client."""
    type_, name = param.type, param.name
    length = cnames.length_field(name)
    if isinstance(type_, BytesType):
        out.line(f"uint8_t {name}[{type_.max_c}];")
        out.line(f"size_t {length} = 0;")
        return
    if param.direction == "in" or isinstance(type_, (ArrayType, StructType, StringType)):
        out.line(declaration(type_, name) + ";")
    elif isinstance(type_, EnumType):
        out.line(f"{declaration(type_, name)} = {type_.members[0].c_name};")
    elif isinstance(type_, ScalarType) and type_.name == "bool":
        out.line(f"{declaration(type_, name)} = false;")
    else:
        out.line(f"{declaration(type_, name)} = 0;")


def emit_clear_out(out, param):
    """Statements clearing an out-parameter local that has no initializer."""
    type_, name = param.type, param.name
    if param.direction != "out":
        return
    if isinstance(type_, (ArrayType, BytesType)):
        out.line(f"kidl_zero({name}, sizeof({name}));")
    elif isinstance(type_, StructType):
        out.line(f"kidl_zero(&{name}, sizeof({name}));")
    elif isinstance(type_, StringType):
        # Only the bytes up to the NUL are sent.
        out.line(f"{name}[0] = '\\0';")
