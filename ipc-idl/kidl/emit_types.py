"""<stem>_types.h: everything client and server share.

Constants, enums, structs (in dependency order), the procedure labels of
each interface, and the static inline encoders and decoders of enums and
structs that the stubs call.
"""
from . import cnames, marshal
from .cwriter import CWriter, file_banner, wrap_call
from .model import BytesType


def _constant_value(value):
    if -2**31 <= value < 0:
        return f"({value})"
    if value < 0:
        return f"INT64_C({value})"
    if value <= 2**31 - 1:
        return str(value)
    if value <= 2**63 - 1:
        return f"INT64_C({value})"
    return f"UINT64_C({value})"


def _emit_enum(out, enum):
    out.doc(enum.doc)
    with out.block(f"enum {enum.name} {{", "};"):
        for member in enum.members:
            out.doc(member.doc)
            out.line(f"{member.c_name} = {member.value},")


def _emit_struct(out, struct):
    out.doc(struct.doc)
    with out.block(f"struct {struct.name} {{", "};"):
        for field in struct.fields:
            out.doc(field.doc)
            if isinstance(field.type, BytesType):
                data, length = marshal.byte_buffer_members(field.type, field.name)
                out.line(f"{data};")
                out.line(f"{length}; /* bytes used in {field.name}, at most {field.type.max_c} */")
            else:
                out.line(marshal.declaration(field.type, field.name) + ";")


def _emit_labels(out, interface):
    out.doc(f"Request labels of interface {interface.name}: the procedures' ordinals.")
    with out.block(f"enum {cnames.label_enum(interface.name)} {{", "};"):
        for method in interface.methods:
            out.line(f"{cnames.label(interface.name, method.name)} = {method.ordinal},")


def _is_contiguous(values):
    # Values are distinct (checked), so they are contiguous iff they span len(values).
    return max(values) - min(values) + 1 == len(values)


def _emit_enum_codec(out, enum):
    is_valid = cnames.enum_is_valid(enum.name)
    values = [member.value for member in enum.members]
    with out.function([f"static inline bool {is_valid}(int32_t value)"]):
        if _is_contiguous(values):
            lowest = min(enum.members, key=lambda member: member.value)
            highest = max(enum.members, key=lambda member: member.value)
            # A bound at the end of the i32 range would be always true, which
            # -Wtype-limits reports.
            tests = []
            if lowest is highest:
                tests.append(f"value == {lowest.c_name}")
            else:
                if lowest.value > -2**31:
                    tests.append(f"value >= {lowest.c_name}")
                if highest.value < 2**31 - 1:
                    tests.append(f"value <= {highest.c_name}")
            if not tests:
                out.line("(void)value;")
            out.line(f"return {' && '.join(tests) or 'true'};")
        else:
            out.line("switch (value) {")
            for member in enum.members:
                out.line(f"case {member.c_name}:")
            out.line("    return true;")
            out.line("default:")
            out.line("    return false;")
            out.line("}")
    out.blank()
    signature = wrap_call(f"static inline void {cnames.encoder(enum.name)}",
                          ["struct kidl_writer *w", f"enum {enum.name} value"], "")
    with out.function(signature):
        with out.block(f"if (!{is_valid}((int32_t)value)) {{"):
            out.line("kidl_writer_fail(w, KIDL_ERR_BAD_ENUM);")
            out.line("return;")
        out.line("kidl_put_i32(w, (int32_t)value);")
    out.blank()
    signature = wrap_call(f"static inline enum {enum.name} {cnames.decoder(enum.name)}",
                          ["struct kidl_reader *r"], "")
    with out.function(signature):
        out.line("int32_t value = kidl_get_i32(r);")
        out.blank()
        with out.block(f"if (!{is_valid}(value)) {{"):
            out.line("kidl_reader_fail(r, KIDL_ERR_BAD_ENUM);")
            out.line(f"return {enum.members[0].c_name};")
        out.line(f"return (enum {enum.name})value;")


def _index_name(depth):
    return f"i{depth}"


def _emit_struct_codec(out, struct):
    signature = wrap_call(f"static inline void {cnames.encoder(struct.name)}",
                          ["struct kidl_writer *w", f"const struct {struct.name} *v"], "")
    with out.function(signature):
        for field in struct.fields:
            marshal.emit_encode(out, field.type, f"v->{field.name}", "w", _index_name,
                                length=f"v->{cnames.length_field(field.name)}")
    out.blank()
    signature = wrap_call(f"static inline void {cnames.decoder(struct.name)}",
                          ["struct kidl_reader *r", f"struct {struct.name} *v"], "")
    with out.function(signature):
        for field in struct.fields:
            marshal.emit_decode(out, field.type, f"v->{field.name}", "r", _index_name,
                                length=f"v->{cnames.length_field(field.name)}")


def emit(module, source_path):
    out = CWriter()
    guard = cnames.include_guard(module.stem, "types")
    out.lines(file_banner(source_path, f"Types, constants and labels of {module.stem}.idl."))
    out.blank()
    out.line(f"#ifndef {guard}")
    out.line(f"#define {guard}")
    out.blank()
    out.line('#include "kidl_runtime.h"')
    for imported in module.imports:
        out.line(f'#include "{cnames.header_name(imported.stem, "types")}"')
    if module.constants:
        out.blank()
        for constant in module.constants:
            out.doc(constant.doc)
            out.line(f"#define {constant.name} {_constant_value(constant.value)}")
    for enum in module.enums:
        out.blank()
        _emit_enum(out, enum)
    for struct in module.structs:
        out.blank()
        _emit_struct(out, struct)
    for interface in module.interfaces:
        out.blank()
        _emit_labels(out, interface)
    if module.enums or module.structs:
        out.blank()
        out.comment("Encoders and decoders, used by the generated stubs.")
    for enum in module.enums:
        out.blank()
        _emit_enum_codec(out, enum)
    for struct in module.structs:
        out.blank()
        _emit_struct_codec(out, struct)
    out.blank()
    out.line(f"#endif /* {guard} */")
    return out.text()
