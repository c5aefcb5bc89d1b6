#!/usr/bin/env python3
"""kidlc: compiles a Kumiki .idl file into C client stubs and server dispatchers.

    kidlc.py [-I DIR]... [--outdir DIR] [--depfile FILE] [--source-root DIR] FILE.idl
    kidlc.py --check FILE.idl

Writes <stem>_types.h, <stem>_client.h, <stem>_client.c, <stem>_server.h and
<stem>_server.c into --outdir, where <stem> is the file name without
".idl".  Errors go to stderr as "file:line:column: error: message" and the
exit status is 1.  Only the Python standard library is needed.
"""
import argparse
import os
import sys

# Generated into the build, never into the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kidl import cnames, emit_client, emit_server, emit_types  # noqa: E402
from kidl.diagnostics import IdlError, render  # noqa: E402
from kidl.loader import load  # noqa: E402


def output_files(module, source_path):
    """(file name, text) of every generated file."""
    stem = module.stem
    return [
        (cnames.header_name(stem, "types"), emit_types.emit(module, source_path)),
        (cnames.header_name(stem, "client"), emit_client.emit_header(module, source_path)),
        (cnames.source_name(stem, "client"), emit_client.emit_source(module, source_path)),
        (cnames.header_name(stem, "server"), emit_server.emit_header(module, source_path)),
        (cnames.source_name(stem, "server"), emit_server.emit_source(module, source_path)),
    ]


def write(path, text):
    # Always rewritten (never "only if changed"): ninja expects a rule's
    # outputs to be newer than its inputs once it has run.
    with open(path, "w", encoding="utf-8") as output:
        output.write(text)


def depfile_escape(path):
    return path.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#").replace("$", "$$")


def write_depfile(depfile, target, files_read):
    """Make-style dependencies: the first output depends on every file read
    (the .idl and everything it imports), so editing an import regenerates."""
    deps = " ".join(depfile_escape(path) for path in files_read)
    with open(depfile, "w", encoding="utf-8") as output:
        output.write(f"{depfile_escape(target)}: {deps}\n")


def shown_source_path(path, source_root):
    """How the banner of generated files names the .idl: relative to the
    source root when given, so generated text does not depend on where the
    tree or the build directory is."""
    if source_root:
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(source_root))
        if not relative.startswith(".."):
            return relative.replace(os.sep, "/")
    return os.path.basename(path)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kidlc", description=__doc__.split("\n")[1])
    parser.add_argument("input", help="the .idl file")
    parser.add_argument("-I", dest="include_dirs", action="append", default=[],
                        metavar="DIR", help="also look for imports in DIR")
    parser.add_argument("--outdir", default=".", help="where to write the generated files")
    parser.add_argument("--depfile", help="write make-style dependencies here")
    parser.add_argument("--source-root", help="name the input relative to this in banners")
    parser.add_argument("--check", action="store_true", help="check only, write nothing")
    args = parser.parse_args(argv)

    try:
        compilation = load(args.input, args.include_dirs)
    except IdlError as error:
        lines = getattr(error, "compilation", None)
        sys.stderr.write(render(error.diagnostics, lines.source_lines if lines else {}))
        return 1
    if args.check:
        return 0

    module = compilation.module
    outputs = output_files(module, shown_source_path(args.input, args.source_root))
    os.makedirs(args.outdir, exist_ok=True)
    for name, text in outputs:
        write(os.path.join(args.outdir, name), text)
    if args.depfile:
        write_depfile(args.depfile, os.path.join(args.outdir, outputs[0][0]),
                      compilation.files_read)
    return 0


if __name__ == "__main__":
    sys.exit(main())
