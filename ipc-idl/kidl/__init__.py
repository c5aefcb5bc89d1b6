"""kidl: the Kumiki interface language and its C stub generator.

The pipeline is one module per stage:
    lexer   -> tokens (doc comments attached to the token they precede)
    parser  -> syntax tree (syntax.py)
    loader  -> files and their imports, in dependency order
    checker -> the checked model (model.py), or file:line:column errors
    emit_*  -> C headers and sources
Only the Python 3 standard library is used.
"""
