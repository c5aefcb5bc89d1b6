#!/usr/bin/env python3
"""Runs a checking tool on every bad input file of a directory and compares
its diagnostics with what each file says it must print (TAP on stdout).

usage: check_bad_inputs.py TOOL.py BAD_DIR SUFFIX [ARG...]

TOOL.py is a Python program with main(argv) (kidlc.py, kdeploy.py); it is
called in this process as main([ARG..., file]) for every BAD_DIR/*SUFFIX
(a process per case is slow).  Each bad file states what the tool must print
in comment lines, usually at its end (so adding one does not move the lines
the messages point at):

    // EXPECT: name.idl:7:12: error: unknown type 'fs_stat'
    // EXPECT: name.idl:3:8: note: ...

The "file:line:column: error|note: message" lines the tool writes to stderr
must equal the EXPECT lines, in order (source excerpts and carets are not
compared), and the tool must exit with status 1.  It runs in BAD_DIR on the
bare file name, so paths in messages are as short as in the expectations.
Files in subdirectories (imported helpers) are not cases.
"""
import contextlib
import importlib.util
import io
import os
import re
import sys

EXPECT = "// EXPECT: "
HEADLINE = re.compile(r"^\S.*:\d+:\d+: (error|note): ")


def expected_lines(path):
    with open(path, encoding="utf-8") as source:
        return [line[len(EXPECT):].rstrip("\n") for line in source if line.startswith(EXPECT)]


def load_tool(path):
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(tool, tool_args, name):
    """None if the case passes, else a description of the difference."""
    expected = expected_lines(name)
    if not expected:
        return f"{name} has no '{EXPECT.strip()}' line"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = tool.main(tool_args + [name])
    actual = [line for line in stderr.getvalue().splitlines() if HEADLINE.match(line)]
    problems = []
    if status != 1:
        problems.append(f"exit status {status}, expected 1")
    if actual != expected:
        problems.append("expected:\n    " + "\n    ".join(expected) +
                        "\n  got:\n    " + "\n    ".join(actual or ["(nothing)"]) +
                        "\n  full stderr:\n" + stderr.getvalue())
    return "; ".join(problems) or None


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    tool = load_tool(os.path.abspath(sys.argv[1]))
    suffix, tool_args = sys.argv[3], sys.argv[4:]
    os.chdir(sys.argv[2])
    names = sorted(n for n in os.listdir(".") if n.endswith(suffix))
    results = [run_case(tool, tool_args, name) for name in names]
    print(f"1..{len(names)}")
    failed = 0
    for number, (name, problem) in enumerate(zip(names, results), 1):
        if problem is None:
            print(f"ok {number} {name}")
        else:
            failed += 1
            print(f"not ok {number} {name}: {problem}")
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main())
