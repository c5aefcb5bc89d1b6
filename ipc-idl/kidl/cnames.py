"""The C names the generated code gives to IDL things, and which IDL names
are acceptable as C identifiers.

What you write is what you get: an IDL struct "fs_stat" is "struct fs_stat"
in C, interface "fs" with procedure "open" gives the client function
"fs_open".  The IDL author picks prefixes, as in C.  The checker makes sure
no two generated names collide.
"""
import re

C_KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local asm typeof
""".split())

# Names the generated code and the headers it includes already use.
C_RESERVED = C_KEYWORDS | frozenset("""
    bool true false NULL size_t ptrdiff_t offsetof wchar_t max_align_t
    int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t
    intptr_t uintptr_t intmax_t uintmax_t
""".split())

# Macros of <stdint.h> and <stddef.h>: INT8_MAX, UINT64_C, SIZE_MAX, ...
C_STANDARD_MACRO = re.compile(
    r"U?INT(8|16|32|64|MAX|PTR|_LEAST\d+|_FAST\d+)_(MAX|MIN|C)|"
    r"(SIZE|PTRDIFF|SIG_ATOMIC|WCHAR|WINT)_(MAX|MIN)")

# Parameter names the generated functions use for themselves.
RESERVED_PARAMETER_NAMES = frozenset({"endpoint", "ctx", "badge"})


def identifier_problem(name):
    """Why name cannot be used as a C identifier, or None if it can."""
    if name.startswith("_"):
        return f"name '{name}' must not start with '_' (reserved in C)"
    if name.lower().startswith("kidl"):
        return f"name '{name}' must not start with 'kidl' (reserved for the IDL runtime)"
    if name in C_RESERVED or C_STANDARD_MACRO.fullmatch(name):
        return f"'{name}' is a C keyword or standard name and cannot be used as a name"
    return None


def enum_member(enum_name, member_name):
    return f"{enum_name.upper()}_{member_name.upper()}"


def enum_is_valid(enum_name):
    return f"{enum_name}_is_valid"


def encoder(type_name):
    return f"{type_name}_encode"


def decoder(type_name):
    return f"{type_name}_decode"


def length_field(name):
    """The size_t companion of a bytes<N> field or parameter."""
    return f"{name}_len"


def client_function(interface_name, method_name):
    return f"{interface_name}_{method_name}"


def label_enum(interface_name):
    return f"{interface_name}_label"


def label(interface_name, method_name):
    return f"{interface_name.upper()}_LABEL_{method_name.upper()}"


def handlers_struct(interface_name):
    return f"{interface_name}_handlers"


def server_struct(interface_name):
    return f"{interface_name}_server"


def dispatcher(interface_name):
    return f"{interface_name}_dispatch"


def generic_dispatcher(interface_name):
    return f"{interface_name}_dispatch_any"


def include_guard(stem, part):
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in stem.upper())
    return f"KIDL_GENERATED_{cleaned}_{part.upper()}_H"


def header_name(stem, part):
    """part is "types", "client" or "server"."""
    return f"{stem}_{part}.h"


def source_name(stem, part):
    return f"{stem}_{part}.c"
