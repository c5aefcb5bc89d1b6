#!/usr/bin/env python3
"""kdeploy: compiles and audits Kumiki deployments (docs/deployments.md, docs/audit.md).

    kdeploy.py compile DEPLOYMENT.kdep -o MANIFEST.bin [--audit FILE] [--dot FILE]
                       [--svg FILE] [--modules FILE] [--header-dir DIR] [--depfile FILE]
                       [-I DIR]...
    kdeploy.py audit DEPLOYMENT.kdep [--lines] [-I DIR]...
    kdeploy.py check DEPLOYMENT.kdep [-I DIR]...

compile writes the binary manifest (lib/deploy/kumiki/manifest.h) and, on
request, the declared AUDIT lines, the capability graph (DOT, SVG), the
list of boot modules (programs, then declared data modules, in manifest
order) and one C header per component type.  audit prints every capability of every component, the DMA-capable
components and the policy assertions.  check only checks.  Errors go to
stderr as "file:line:column: error: message"; the exit status is then 1
(audit still prints its table when only policy assertions fail).
Imports are found next to the deployment, then in each -I directory, then
at the source root.  Only the Python standard library is needed.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # run from the source tree: leave no __pycache__ there
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kdep import SOURCE_ROOT, audit_lines, audit_table, cheader, graph, manifest, policy  # noqa: E402
from kdep.checker import check  # noqa: E402
from kdep.interfaces import load_interfaces  # noqa: E402
from kdep.parser import parse  # noqa: E402
from kidl.diagnostics import Diagnostic, IdlError, render  # noqa: E402


class Failed(Exception):
    """Reported already; exit with status 1."""


def report(diagnostics, source_lines):
    sys.stderr.write(render(diagnostics, source_lines))


def load(path, include_dirs):
    """(Deployment, source lines) of a checked deployment; Failed after reporting."""
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid UTF-8"
        sys.stderr.write(f"kdeploy: cannot read '{path}': {reason}\n")
        raise Failed() from None
    source_lines = {path: text.split("\n")}
    try:
        tree = parse(text, path)
        interfaces = load_interfaces(tree, include_dirs, SOURCE_ROOT)
        source_lines.update(interfaces.source_lines)
        deployment = check(tree, interfaces)
        deployment.files_read = [os.path.realpath(path)] + interfaces.files_read
    except IdlError as error:
        source_lines.update(getattr(error, "source_lines", {}))
        report(error.diagnostics, source_lines)
        raise Failed() from None
    return deployment, source_lines


def violations(outcomes):
    """The failed assertions as diagnostics."""
    result = []
    for outcome in outcomes:
        for message, notes in outcome.violations:
            result.append(Diagnostic(outcome.assertion.location, "error", message))
            result += [Diagnostic(where, "note", text) for where, text in notes]
    return result


def write(path, data):
    try:
        if isinstance(data, bytes):
            with open(path, "wb") as output:
                output.write(data)
        else:
            with open(path, "w", encoding="utf-8") as output:
                output.write(data)
    except OSError as error:
        sys.stderr.write(f"kdeploy: cannot write '{path}': {error.strerror}\n")
        raise Failed() from None


def depfile_escape(path):
    return path.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#").replace("$", "$$")


def run_compile(args):
    deployment, source_lines = load(args.deployment, args.include_dirs)
    failed = violations(policy.evaluate(deployment))
    if failed:
        report(failed, source_lines)
        raise Failed()
    try:
        data = manifest.encode(deployment, deployment.location)
    except IdlError as error:
        report(error.diagnostics, source_lines)
        raise Failed() from None
    dot_text = graph.dot(deployment)
    svg_data = None
    if args.svg:
        try:
            svg_data = graph.svg(dot_text)
        except (OSError, RuntimeError) as error:
            sys.stderr.write(f"kdeploy: 'dot -Tsvg' failed (is graphviz installed?): {error}\n")
            raise Failed() from None
    write(args.output, data)
    if args.audit:
        write(args.audit, "\n".join(audit_lines.lines(deployment)) + "\n")
    if args.dot:
        write(args.dot, dot_text)
    if svg_data is not None:
        write(args.svg, svg_data)
    if args.modules:
        write(args.modules, "".join(name + "\n" for name in deployment.boot_modules()))
    if args.header_dir:
        try:
            os.makedirs(args.header_dir, exist_ok=True)
        except OSError as error:
            sys.stderr.write(f"kdeploy: cannot create '{args.header_dir}': {error.strerror}\n")
            raise Failed() from None
        for component_type in deployment.types:
            write(os.path.join(args.header_dir, cheader.file_name(component_type)),
                  cheader.emit(component_type, args.deployment))
    if args.depfile:
        deps = " ".join(depfile_escape(p) for p in deployment.files_read)
        write(args.depfile, f"{depfile_escape(args.output)}: {deps}\n")


def run_audit(args):
    deployment, source_lines = load(args.deployment, args.include_dirs)
    outcomes = policy.evaluate(deployment)
    if args.lines:
        sys.stdout.write("\n".join(audit_lines.lines(deployment)) + "\n")
    else:
        sys.stdout.write(audit_table.render(deployment, outcomes))
    sys.stdout.flush()
    failed = violations(outcomes)
    if failed:
        report(failed, source_lines)
        raise Failed()


def run_check(args):
    deployment, source_lines = load(args.deployment, args.include_dirs)
    failed = violations(policy.evaluate(deployment))
    if failed:
        report(failed, source_lines)
        raise Failed()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kdeploy", description=__doc__.split("\n")[1])
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, help_text, run):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("deployment", help="the .kdep file")
        sub.add_argument("-I", dest="include_dirs", action="append", default=[], metavar="DIR",
                         help="also look for imported .idl files in DIR")
        sub.set_defaults(run=run)
        return sub

    compile_command = command("compile", "write the manifest (and more, on request)", run_compile)
    compile_command.add_argument("-o", dest="output", required=True, metavar="MANIFEST",
                                 help="the binary manifest")
    compile_command.add_argument("--audit", metavar="FILE", help="the declared AUDIT lines")
    compile_command.add_argument("--dot", metavar="FILE", help="the capability graph, DOT")
    compile_command.add_argument("--svg", metavar="FILE", help="the capability graph, SVG")
    compile_command.add_argument("--modules", metavar="FILE",
                                 help="boot module file names, one a line: the programs, "
                                 "then the declared modules, manifest order")
    compile_command.add_argument("--header-dir", metavar="DIR",
                                 help="write <component>_caps.h for each component type here")
    compile_command.add_argument("--depfile", metavar="FILE",
                                 help="make-style dependencies of the manifest")
    audit_command = command("audit", "print every component's capabilities and check the "
                            "policy", run_audit)
    audit_command.add_argument("--lines", action="store_true",
                               help="print the AUDIT lines instead of the table")
    command("check", "check only", run_check)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except Failed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
