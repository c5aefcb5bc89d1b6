"""C prototypes shared by client stubs and server handlers: the parameter
list of a procedure and the documentation that goes with it.

A handler has the client function's parameters, with (ctx, badge) in place
of the endpoint, so both sides read the same.
"""
from . import marshal


def parameter_list(method):
    """The C parameters for a procedure's IDL parameters, in order."""
    parameters = []
    for param in method.params:
        parameters += marshal.parameter_declarations(param)
    return parameters


def doc_paragraphs(method):
    """([@param lines], what the result means) for a procedure's comment."""
    params = [f"@param {p.name} {' '.join(p.doc.split())}" for p in method.params if p.doc]
    result = "Returns 0 on success, a negative KIDL_ERR_* code"
    if method.raises is not None:
        result += f", or an enum {method.raises.name} value from the server"
    result += "."
    if method.outputs():
        result += " Out-parameters are only meaningful when 0 is returned."
    return ["\n".join(params)] if params else [], result
