"""<stem>_server.h and <stem>_server.c: a dispatcher per interface.

The dispatcher maps the request label to the procedure, decodes and checks
the whole request (length, capability count, every string and buffer
length, every enum and bool) before calling the handler from the server's
table, then encodes the handler's out-parameters as the reply.  A request
that fails any check gets an error reply; the handler is not called.
"""
from . import cnames, marshal, signatures, wire
from .cwriter import CWriter, file_banner, wrap_call


def _index_name(depth):
    return f"kidl_i{depth}"


def _serve_function(interface, method):
    # kidl_ prefix: cannot collide with any IDL name.
    return f"kidl_serve_{interface.name}_{method.name}"


def _dispatch_parameters():
    return ["kidl_badge_t badge", "struct kidl_msg *msg"]


def emit_header(module, source_path):
    out = CWriter()
    guard = cnames.include_guard(module.stem, "server")
    out.lines(file_banner(source_path, f"Server dispatchers of {module.stem}.idl."))
    out.blank()
    out.line(f"#ifndef {guard}")
    out.line(f"#define {guard}")
    out.blank()
    out.line(f'#include "{cnames.header_name(module.stem, "types")}"')
    for interface in module.interfaces:
        handlers = cnames.handlers_struct(interface.name)
        server = cnames.server_struct(interface.name)
        out.blank()
        out.doc(interface.doc, [
            f"Server side of interface {interface.name}: one handler per procedure. A handler "
            "gets the server's ctx, the badge of the capability the client called through, "
            "and the parameters of the client function.  It returns 0 (the out-parameters, "
            "cleared beforehand, are sent), a value of the procedure's error enum, or a "
            "KIDL_ERR_* code; any nonzero result is sent without out-parameters. A NULL "
            "handler answers KIDL_ERR_NOT_IMPLEMENTED."])
        with out.block(f"struct {handlers} {{", "};"):
            for index, method in enumerate(interface.methods):
                if index:
                    out.blank()
                params, _ = signatures.doc_paragraphs(method)
                out.doc(method.doc, params)
                parameters = (["void *ctx", "kidl_badge_t badge"] +
                              signatures.parameter_list(method))
                out.lines(wrap_call(f"int (*{method.name})", parameters, ";", "    "))
        out.blank()
        out.doc(f"A server of interface {interface.name}.")
        with out.block(f"struct {server} {{", "};"):
            out.line(f"const struct {handlers} *handlers;")
            out.line("void *ctx; /* handed to every handler */")
        out.blank()
        out.doc("Handles the request in *msg, received through a capability with the given "
                "badge, and leaves the reply in *msg. Returns the error code replied "
                "(0 for success).")
        out.lines(wrap_call(f"int {cnames.dispatcher(interface.name)}",
                            [f"const struct {server} *server"] + _dispatch_parameters(), ";"))
        out.blank()
        out.doc(f"{cnames.dispatcher(interface.name)}() as a kidl_dispatch_fn; server points to "
                f"a struct {server}.")
        out.lines(wrap_call(f"int {cnames.generic_dispatcher(interface.name)}",
                            ["const void *server"] + _dispatch_parameters(), ";"))
    out.blank()
    out.line(f"#endif /* {guard} */")
    return out.text()


def _emit_serve_function(out, interface, method):
    head = f"static int {_serve_function(interface, method)}"
    parameters = [f"const struct {cnames.server_struct(interface.name)} *kidl_srv",
                  "kidl_badge_t badge", "struct kidl_msg *kidl_buf"]
    with out.function(wrap_call(head, parameters, "")):
        out.line("struct kidl_reader kidl_r;")
        if method.outputs():
            out.line("struct kidl_writer kidl_w;")
        for param in method.params:
            marshal.emit_local(out, param)
        out.line("int kidl_err;")
        out.blank()
        out.line(f"if (kidl_srv->handlers->{method.name} == NULL)")
        out.line("    return kidl_reply_error(kidl_buf, KIDL_ERR_NOT_IMPLEMENTED);")
        out.blank()
        out.comment("The whole request is decoded and checked before the handler runs.")
        out.line(f"kidl_reader_init(&kidl_r, kidl_buf, {wire.cap_count(method.inputs())});")
        for param in method.inputs():
            marshal.emit_decode_param(out, param, "&kidl_r", _index_name, pointer=False)
        out.line("kidl_err = kidl_reader_finish(&kidl_r);")
        out.line("if (kidl_err != 0)")
        out.line("    return kidl_reply_error(kidl_buf, kidl_err);")
        out.blank()
        for param in method.outputs():
            marshal.emit_clear_out(out, param)
        arguments = ["kidl_srv->ctx", "badge"]
        for param in method.params:
            arguments += marshal.handler_arguments(param)
        out.lines(wrap_call(f"kidl_err = kidl_srv->handlers->{method.name}", arguments, ";",
                            "    "))
        out.line("if (kidl_err != 0)")
        out.line("    return kidl_reply_error(kidl_buf, kidl_err);")
        out.blank()
        if not method.outputs():
            out.line("return kidl_reply_ok(kidl_buf);")
            return
        out.line("kidl_writer_init(&kidl_w, kidl_buf);")
        for param in method.outputs():
            marshal.emit_encode_param(out, param, "&kidl_w", _index_name, pointer=False)
        out.line("return kidl_reply_finish(&kidl_w);")


def _emit_dispatchers(out, interface):
    server = cnames.server_struct(interface.name)
    head = f"int {cnames.dispatcher(interface.name)}"
    with out.function(wrap_call(head, [f"const struct {server} *server"] +
                                _dispatch_parameters(), "")):
        out.line("switch (kidl_msginfo_label(msg->info)) {")
        for method in interface.methods:
            out.line(f"case {cnames.label(interface.name, method.name)}:")
            out.line(f"    return {_serve_function(interface, method)}(server, badge, msg);")
        out.line("default:")
        out.line("    return kidl_reply_error(msg, KIDL_ERR_UNKNOWN_METHOD);")
        out.line("}")
    out.blank()
    head = f"int {cnames.generic_dispatcher(interface.name)}"
    with out.function(wrap_call(head, ["const void *server"] + _dispatch_parameters(), "")):
        out.line(f"return {cnames.dispatcher(interface.name)}(server, badge, msg);")


def emit_source(module, source_path):
    out = CWriter()
    out.lines(file_banner(source_path, f"Server dispatchers of {module.stem}.idl."))
    out.blank()
    out.line(f'#include "{cnames.header_name(module.stem, "server")}"')
    for interface in module.interfaces:
        for method in interface.methods:
            out.blank()
            _emit_serve_function(out, interface, method)
        out.blank()
        _emit_dispatchers(out, interface)
    return out.text()
