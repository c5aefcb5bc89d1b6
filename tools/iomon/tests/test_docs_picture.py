#!/usr/bin/env python3
"""The example log, its picture and the output docs/iomon.md quotes are
what the tools make now: the generator still writes the committed log,
iomon still draws docs/devstate-timeline.svg from it byte for byte, and
the statistics docs/iomon.md shows are iomon's.  When one fails, the
message says the command that brings the file up to date.

usage: test_docs_picture.py IOMON.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile
import unittest

IOMON = SOURCE_ROOT = None
EXAMPLE = "tools/iomon/examples/floppy-two-clients.log"
GENERATOR = "tools/iomon/examples/floppy_two_clients.py"
PICTURE = "docs/devstate-timeline.svg"
DOC = "docs/iomon.md"


def source(path):
    with open(os.path.join(SOURCE_ROOT, path), "rb") as file:
        return file.read()


def run(*command):
    return subprocess.run([sys.executable, *command], cwd=SOURCE_ROOT, capture_output=True,
                          check=False)


class DocsPicture(unittest.TestCase):
    def test_example_log_is_the_generators(self):
        result = run(GENERATOR)
        self.assertEqual((result.returncode, result.stderr), (0, b""))
        self.assertEqual(result.stdout, source(EXAMPLE),
                         f"regenerate: {GENERATOR} > {EXAMPLE}")

    def test_picture_is_iomons(self):
        with tempfile.TemporaryDirectory() as directory:
            svg = os.path.join(directory, "timeline.svg")
            result = run(IOMON, EXAMPLE, "--svg", svg, "--no-table", "--no-stats")
            self.assertEqual((result.returncode, result.stdout, result.stderr), (0, b"", b""))
            with open(svg, "rb") as drawn:
                self.assertEqual(drawn.read(), source(PICTURE),
                                 f"regenerate: {IOMON} {EXAMPLE} --svg {PICTURE}")

    def test_doc_quotes_the_statistics(self):
        result = run(IOMON, EXAMPLE, "--no-table")
        self.assertEqual((result.returncode, result.stderr), (0, b""))
        self.assertIn(result.stdout.decode(), source(DOC).decode())

    def test_doc_quotes_table_rows(self):
        # The doc shows rows of the table with "..." between excerpts: each
        # row must be iomon's, in iomon's order.
        doc = source(DOC).decode()
        start = doc.index("```text\nseq ") + len("```text\n")
        quoted = [line for line in doc[start:doc.index("```", start)].splitlines()
                  if line != "..."]
        result = run(IOMON, EXAMPLE, "--no-stats")
        rows = result.stdout.decode().splitlines()
        self.assertGreater(len(quoted), 5)
        self.assertEqual(quoted[0], rows[0])
        self.assertEqual(quoted, [row for row in rows if row in quoted])

if __name__ == "__main__":
    IOMON, SOURCE_ROOT = sys.argv.pop(1), sys.argv.pop(1)
    unittest.main()
