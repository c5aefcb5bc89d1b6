#!/usr/bin/env python3
"""The audit outputs of example deployments, compared with expected files.

usage: test_audit.py KDEPLOY SOURCE_ROOT

kdeploy runs in SOURCE_ROOT on relative paths, so the paths it prints are
the same on every machine.  tests/expected/ holds:
    demo.audit.txt        `kdeploy audit deployments/demo.kdep`
    demo.audit_lines.txt  its declared AUDIT lines (compile --audit, audit --lines)
    demo.dot              its capability graph
    probe_client_caps.h, probe_server_caps.h   its component headers
    full.audit.txt        `kdeploy audit tools/kdeploy/tests/good/full.kdep` (DMA marked)
    full.audit_lines.txt, full.dot, guest_os_caps.h   its AUDIT lines, graph and the
                          header of its personality-like component (untyped, module,
                          notification)
docs/audit.md and docs/deployments.md quote some of these verbatim; they
are checked too, so the documentation cannot drift from the tool.
When an output changes on purpose, regenerate the file and read the diff.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

KDEPLOY = SOURCE_ROOT = None
EXPECTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected")


def kdeploy(*args):
    return subprocess.run([sys.executable, KDEPLOY, *args], cwd=SOURCE_ROOT,
                          capture_output=True, text=True, check=False)


def expected(name):
    with open(os.path.join(EXPECTED, name), encoding="utf-8") as source:
        return source.read()


class Audit(unittest.TestCase):
    def test_demo_table(self):
        result = kdeploy("audit", "deployments/demo.kdep")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertEqual(result.stdout, expected("demo.audit.txt"))

    def test_full_table_marks_dma(self):
        result = kdeploy("audit", "tools/kdeploy/tests/good/full.kdep")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertEqual(result.stdout, expected("full.audit.txt"))
        self.assertIn("disk: component disk_driver, program disk.elf\n"
                      "  priority 200, memory 64K, cspace 2^6 slots, restart never, args \"\"\n"
                      "  DMA: can reach all RAM (no IOMMU)\n", result.stdout)

    def test_demo_lines(self):
        result = kdeploy("audit", "--lines", "deployments/demo.kdep")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertEqual(result.stdout, expected("demo.audit_lines.txt"))

    def test_violation_prints_table_then_fails(self):
        result = kdeploy("audit", "tools/kdeploy/tests/bad/assert_only_holds.kdep")
        self.assertEqual(result.returncode, 1)
        self.assertIn("  VIOLATED only fdc holds ioports 0x3f0..0x3f7 "
                      "(tools/kdeploy/tests/bad/assert_only_holds.kdep:16:1)\n", result.stdout)
        self.assertIn("DMA-capable (no IOMMU: each can read and write all RAM): fdc\n",
                      result.stdout)
        self.assertTrue(result.stderr.startswith(
            "tools/kdeploy/tests/bad/assert_only_holds.kdep:16:1: error: assertion failed: "
            "only 'fdc' may hold ioports 0x3f0..0x3f7, but 'diag' holds ports 0x3f7..0x3f7 "
            "('diag.probe')\n"), result.stderr)


class Documentation(unittest.TestCase):
    """docs/audit.md shows the demo's outputs verbatim: keep it true."""

    def test_audit_md_shows_current_outputs(self):
        with open(os.path.join(SOURCE_ROOT, "docs", "audit.md"), encoding="utf-8") as doc:
            text = doc.read()
        self.assertIn("```\n" + expected("demo.audit.txt") + "```\n", text)
        self.assertIn("```\n" + expected("demo.audit_lines.txt") + "```\n", text)

    def test_deployments_md_shows_the_demo(self):
        with open(os.path.join(SOURCE_ROOT, "docs", "deployments.md"), encoding="utf-8") as doc:
            text = doc.read()
        with open(os.path.join(SOURCE_ROOT, "deployments", "demo.kdep"), encoding="utf-8") as demo:
            source = demo.read()
        self.assertIn(source[source.index("deployment demo;"):], text)
        header = expected("probe_client_caps.h")
        self.assertIn(header[header.index("#define"):], text)


class CompileOutputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp()
        out = cls.directory
        cls.result = kdeploy("compile", "deployments/demo.kdep", "-o", f"{out}/manifest.bin",
                             "--audit", f"{out}/audit.txt", "--dot", f"{out}/graph.dot",
                             "--header-dir", f"{out}/include")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory)

    def read(self, name):
        with open(os.path.join(self.directory, name), encoding="utf-8") as source:
            return source.read()

    def test_succeeds_quietly(self):
        self.assertEqual((self.result.returncode, self.result.stdout, self.result.stderr),
                         (0, "", ""))

    def test_audit_lines(self):
        self.assertEqual(self.read("audit.txt"), expected("demo.audit_lines.txt"))

    def test_dot(self):
        self.assertEqual(self.read("graph.dot"), expected("demo.dot"))

    def test_headers(self):
        self.assertEqual(sorted(os.listdir(os.path.join(self.directory, "include"))),
                         ["probe_client_caps.h", "probe_server_caps.h"])
        for name in ("probe_client_caps.h", "probe_server_caps.h"):
            self.assertEqual(self.read(f"include/{name}"), expected(name))


class FullCompileOutputs(unittest.TestCase):
    """full.kdep has every kind of declaration: untyped, module and a plain
    notification show in the AUDIT lines, the graph and the header."""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp()
        out = cls.directory
        cls.result = kdeploy("compile", "tools/kdeploy/tests/good/full.kdep", "-o",
                             f"{out}/manifest.bin", "--audit", f"{out}/audit.txt", "--dot",
                             f"{out}/graph.dot", "--header-dir", f"{out}/include")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory)

    def read(self, name):
        with open(os.path.join(self.directory, name), encoding="utf-8") as source:
            return source.read()

    def test_succeeds_quietly(self):
        self.assertEqual((self.result.returncode, self.result.stdout, self.result.stderr),
                         (0, "", ""))

    def test_audit_lines(self):
        self.assertEqual(self.read("audit.txt"), expected("full.audit_lines.txt"))
        lines = self.read("audit.txt").splitlines()
        self.assertIn("AUDIT guest 11 untyped RWGPX size=0x4000000", lines)
        self.assertIn("AUDIT guest 12 frame R---- module=linux_root.tar", lines)
        self.assertIn("AUDIT guest 13 notification RW--- -", lines)

    def test_dot(self):
        self.assertEqual(self.read("graph.dot"), expected("full.dot"))

    def test_personality_header(self):
        self.assertEqual(self.read("include/guest_os_caps.h"), expected("guest_os_caps.h"))


class Svg(unittest.TestCase):
    def test_svg_drawn_by_dot(self):
        if shutil.which("dot") is None:
            self.skipTest("graphviz's dot is not installed")
        with tempfile.TemporaryDirectory() as directory:
            svg = os.path.join(directory, "graph.svg")
            result = kdeploy("compile", "deployments/demo.kdep", "-o",
                             os.path.join(directory, "m.bin"), "--svg", svg)
            self.assertEqual((result.returncode, result.stderr), (0, ""))
            with open(svg, encoding="utf-8") as drawn:
                text = drawn.read()
        self.assertIn("<svg", text)
        for label in ("server.svc", "ports", "IRQ 8", "shared log"):
            self.assertIn(label, text)


def main():
    global KDEPLOY, SOURCE_ROOT
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    KDEPLOY, SOURCE_ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == "__main__":
    main()
