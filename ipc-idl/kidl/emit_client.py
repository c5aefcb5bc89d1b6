"""<stem>_client.h and <stem>_client.c: one C function per procedure.

Each function encodes the in-parameters into the calling thread's message
buffer, makes a blocking Call on the endpoint capability, and decodes and
checks the reply into the out-parameters.
"""
from . import cnames, marshal, signatures, wire
from .cwriter import CWriter, file_banner, wrap_call


def _index_name(depth):
    return f"kidl_i{depth}"


def _prototype(interface, method):
    head = f"int {cnames.client_function(interface.name, method.name)}"
    return head, ["kidl_cptr_t endpoint"] + signatures.parameter_list(method)


def _emit_prototype_doc(out, method):
    params, result = signatures.doc_paragraphs(method)
    out.doc(method.doc, params + [result])


def emit_header(module, source_path):
    out = CWriter()
    guard = cnames.include_guard(module.stem, "client")
    out.lines(file_banner(source_path, f"Client stubs of {module.stem}.idl."))
    out.blank()
    out.line(f"#ifndef {guard}")
    out.line(f"#define {guard}")
    out.blank()
    out.line(f'#include "{cnames.header_name(module.stem, "types")}"')
    for interface in module.interfaces:
        out.blank()
        out.doc(interface.doc, [f"Client side of interface {interface.name}: each function "
                                "calls the server behind the endpoint capability and blocks "
                                "until it replies."])
        for method in interface.methods:
            out.blank()
            _emit_prototype_doc(out, method)
            head, parameters = _prototype(interface, method)
            out.lines(wrap_call(head, parameters, ";"))
    out.blank()
    out.line(f"#endif /* {guard} */")
    return out.text()


def _emit_function(out, interface, method):
    head, parameters = _prototype(interface, method)
    with out.function(wrap_call(head, parameters, "")):
        out.line("struct kidl_msg *kidl_buf = kidl_msg_buffer();")
        out.line("struct kidl_writer kidl_w;")
        out.line("struct kidl_reader kidl_r;")
        out.line("int kidl_err;")
        out.blank()
        out.line("kidl_writer_init(&kidl_w, kidl_buf);")
        for param in method.inputs():
            marshal.emit_encode_param(out, param, "&kidl_w", _index_name,
                                      marshal.passes_by_pointer(param))
        label = cnames.label(interface.name, method.name)
        out.line(f"kidl_err = kidl_writer_finish(&kidl_w, {label});")
        out.line("if (kidl_err != 0)")
        out.line("    return kidl_err;")
        out.line("kidl_err = kidl_call(endpoint, kidl_buf);")
        out.line("if (kidl_err != 0)")
        out.line("    return kidl_err;")
        out.blank()
        caps = wire.cap_count(method.outputs())
        out.line(f"kidl_err = kidl_reader_init_reply(&kidl_r, kidl_buf, {caps});")
        out.line("if (kidl_err != 0)")
        out.line("    return kidl_err;")
        for param in method.outputs():
            marshal.emit_decode_param(out, param, "&kidl_r", _index_name,
                                      marshal.passes_by_pointer(param))
        out.line("return kidl_reader_finish(&kidl_r);")


def emit_source(module, source_path):
    out = CWriter()
    out.lines(file_banner(source_path, f"Client stubs of {module.stem}.idl."))
    out.blank()
    out.line(f'#include "{cnames.header_name(module.stem, "client")}"')
    for interface in module.interfaces:
        for method in interface.methods:
            out.blank()
            _emit_function(out, interface, method)
    return out.text()
