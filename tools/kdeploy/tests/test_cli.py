#!/usr/bin/env python3
"""kdeploy's command line: exit statuses, where imports are found, the
files compile writes, and what it says when it cannot read or write.

usage: test_cli.py KDEPLOY SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile
import unittest

KDEPLOY = SOURCE_ROOT = None

MINIMAL = """deployment minimal;
import "probe.idl";
component server_type {
    program "server";
    provides probe svc;
}
instance server : server_type;
"""


def kdeploy(*args, cwd=None):
    return subprocess.run([sys.executable, KDEPLOY, *args], cwd=cwd or SOURCE_ROOT,
                          capture_output=True, text=True, check=False)


class CommandLine(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.path = os.path.join(self.directory.name, "minimal.kdep")
        with open(self.path, "w", encoding="utf-8") as output:
            output.write(MINIMAL)

    def test_check_is_silent_on_success(self):
        result = kdeploy("check", "deployments/demo.kdep")
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "", ""))

    def test_include_dir(self):
        # probe.idl is neither next to the file nor at the source root: only -I finds it.
        result = kdeploy("check", self.path)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{self.path}:2:8: error: cannot find imported file 'probe.idl'",
                      result.stderr)
        result = kdeploy("check", self.path, "-I", "ipc-idl/tests/qemu")
        self.assertEqual((result.returncode, result.stderr), (0, ""))

    def test_error_has_excerpt_and_caret(self):
        with open(self.path, "w", encoding="utf-8") as output:
            output.write(MINIMAL.replace("provides probe", "provides prob"))
        result = kdeploy("check", self.path, "-I", "ipc-idl/tests/qemu")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.splitlines()[1:], [
            "    5 |     provides prob svc;",
            "      |              ^",
        ])

    def test_depfile_and_modules(self):
        out = self.directory.name
        result = kdeploy("compile", self.path, "-I", "ipc-idl/tests/qemu", "-o",
                         f"{out}/m.bin", "--depfile", f"{out}/m.d", "--modules", f"{out}/mod.txt")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        probe = os.path.realpath(os.path.join(SOURCE_ROOT, "ipc-idl/tests/qemu/probe.idl"))
        with open(f"{out}/m.d", encoding="utf-8") as depfile:
            self.assertEqual(depfile.read(),
                             f"{out}/m.bin: {os.path.realpath(self.path)} {probe}\n")
        with open(f"{out}/mod.txt", encoding="utf-8") as modules:
            self.assertEqual(modules.read(), "server.elf\n")

    def test_modules_list_data_modules_after_programs(self):
        # What the build passes as boot modules: programs first, then each
        # declared module file once, in manifest order.
        with open(self.path, "w", encoding="utf-8") as output:
            output.write(MINIMAL.replace("provides probe svc;",
                                         "provides probe svc;\n"
                                         "    module rootfs \"root.tar\" max 64M;\n"
                                         "    module again \"root.tar\" max 64M;\n"
                                         "    module table \"server.elf\" max 1M;")
                         + "component other_type {\n    program \"other\";\n"
                           "    module boot \"boot.img\" max 4K;\n}\n"
                           "instance other : other_type { priority 10; }\n")
        out = self.directory.name
        result = kdeploy("compile", self.path, "-I", "ipc-idl/tests/qemu", "-o",
                         f"{out}/m.bin", "--modules", f"{out}/mod.txt")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        with open(f"{out}/mod.txt", encoding="utf-8") as modules:
            self.assertEqual(modules.read(), "server.elf\nother.elf\nroot.tar\nboot.img\n")

    def test_unreadable_input(self):
        result = kdeploy("check", "no/such.kdep")
        self.assertEqual((result.returncode, result.stderr),
                         (1, "kdeploy: cannot read 'no/such.kdep': No such file or directory\n"))

    def test_unwritable_output(self):
        result = kdeploy("compile", "deployments/demo.kdep", "-o", "/nonexistent/dir/m.bin")
        self.assertEqual((result.returncode, result.stderr),
                         (1, "kdeploy: cannot write '/nonexistent/dir/m.bin': "
                             "No such file or directory\n"))

    def test_policy_violation_writes_nothing(self):
        out = os.path.join(self.directory.name, "m.bin")
        result = kdeploy("compile", "tools/kdeploy/tests/bad/assert_reach.kdep", "-o", out)
        self.assertEqual(result.returncode, 1)
        self.assertIn("error: assertion failed: 'linux' may not reach 'itron.fs'", result.stderr)
        self.assertFalse(os.path.exists(out))

    def test_usage(self):
        result = kdeploy()
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: kdeploy", result.stderr)


def main():
    global KDEPLOY, SOURCE_ROOT
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    KDEPLOY, SOURCE_ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == "__main__":
    main()
