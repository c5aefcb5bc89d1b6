#!/usr/bin/env python3
"""Runs `kdeploy check` on every tests/bad/*.kdep and compares its diagnostics.

usage: check_bad_kdep.py KDEPLOY BAD_DIR

Each bad file states what kdeploy must print in comment lines at its end
(so adding one does not move the lines the messages point at):

    // EXPECT: name.kdep:7:12: error: unknown interface 'prob': ...
    // EXPECT: name.kdep:3:8: note: ...

The "file:line:column: error|note: message" lines kdeploy writes to stderr
must be exactly these, in order (the source excerpts under them are not
compared), and kdeploy must exit with status 1.  kdeploy runs in BAD_DIR
on the bare file name, so paths in messages are as short as in the
expectations.  Files in subdirectories (imported helpers) are not cases.
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


def load_kdeploy(path):
    spec = importlib.util.spec_from_file_location("kdeploy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(kdeploy, name):
    """None if the case passes, else a description of the difference."""
    expected = expected_lines(name)
    if not expected:
        return f"{name} has no '{EXPECT.strip()}' line"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = kdeploy.main(["check", name])
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
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kdeploy = load_kdeploy(os.path.abspath(sys.argv[1]))
    os.chdir(sys.argv[2])
    names = sorted(n for n in os.listdir(".") if n.endswith(".kdep"))
    results = [run_case(kdeploy, name) for name in names]
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
