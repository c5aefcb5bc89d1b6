"""kdep: the Kumiki deployment language and its compiler.

The pipeline is one module per stage:
    lexer      -> tokens (kidl's scanner with the few tokens deployments add)
    parser     -> syntax tree (syntax.py)
    interfaces -> the IDL interfaces the imported .idl files declare (kidl's loader)
    checker    -> the checked deployment (model.py) with every slot, address,
                  endpoint and badge decided (layout.py), or file:line:column errors
    policy     -> the build-time policy assertions, held or violated
    manifest   -> the binary manifest (lib/deploy/kumiki/manifest.h)
    audit_lines, audit_table, graph, cheader -> what people and tests read
Only the Python 3 standard library is used.
"""
import os
import sys

# kdep builds on two other parts of the source tree, at fixed places: the IDL
# tool's modules (diagnostics, scanner, .idl loader) and the kernel ABI
# description (rights bits, object type names).  Neither is a package
# installed anywhere, so their directories go on the import path here, once.
SOURCE_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                            "..", "..", ".."))
for _directory in (os.path.join(SOURCE_ROOT, "ipc-idl"), os.path.join(SOURCE_ROOT, "lib", "abi")):
    if _directory not in sys.path:
        sys.path.insert(0, _directory)
