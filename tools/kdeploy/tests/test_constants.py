#!/usr/bin/env python3
"""kdeploy's copies of C constants equal the C headers they come from.

usage: test_constants.py SOURCE_ROOT

kdeploy is Python and cannot include lib/deploy/kumiki/manifest.h or
lib/user/include/kumiki/program.h, so it repeats their numbers; this reads
the headers and compares, so a change there fails here instead of
producing manifests the root task refuses.
"""
import os
import re
import sys
import unittest

ROOT = None


def header(relative):
    with open(os.path.join(ROOT, relative), encoding="utf-8") as source:
        return source.read()


def enum_value(text, name):
    match = re.search(rf"\b{name}\s*=\s*(0x[0-9a-fA-F]+|\d+)", text)
    assert match, f"{name} not found"
    return int(match.group(1), 0)


class Constants(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, os.path.join(ROOT, "tools", "kdeploy"))
        global checker, layout, manifest, model
        from kdep import checker, layout, manifest, model  # noqa: F401
        cls.manifest_h = header("lib/deploy/kumiki/manifest.h")
        cls.program_h = header("lib/user/include/kumiki/program.h")

    def test_magic_and_version(self):
        magic = re.search(r"#define KDM_MAGIC\s+(0x[0-9a-fA-F]+)ull", self.manifest_h).group(1)
        version = re.search(r"#define KDM_VERSION\s+(\d+)u", self.manifest_h).group(1)
        self.assertEqual(manifest.MAGIC, int(magic, 16))
        self.assertEqual(manifest.VERSION, int(version))

    def test_limits(self):
        text = self.manifest_h
        self.assertEqual(checker.MAX_COMPONENTS, enum_value(text, "KDM_MAX_COMPONENTS"))
        self.assertEqual(checker.MAX_CAPS, enum_value(text, "KDM_MAX_CAPS"))
        self.assertEqual(checker.MAX_SHARED, enum_value(text, "KDM_MAX_SHARED"))
        self.assertEqual(checker.MAX_ENDPOINTS, enum_value(text, "KDM_MAX_ENDPOINTS"))
        self.assertEqual(manifest.MAX_STRINGS, enum_value(text, "KDM_MAX_STRINGS"))
        self.assertEqual(checker.NAME_MAX + 1, enum_value(text, "KDM_NAME_MAX"))

    def test_documented_ranges(self):
        text = self.manifest_h
        self.assertIn(f"/* {checker.PRIORITY_MIN}..{checker.PRIORITY_MAX} (the root task runs "
                      "at 255) */", text)
        self.assertIn(f"2^radix slots ({checker.RADIX_MIN}..{checker.RADIX_MAX})", text)
        self.assertIn(f"memory budget ({checker.MEMORY_MIN_BITS}..{checker.MEMORY_MAX_BITS})",
                      text)

    def test_kinds_and_restart(self):
        for kind, value in manifest.CAP_KINDS.items():
            name = {"irq": "IRQ"}.get(kind, kind.upper())
            self.assertEqual(value, enum_value(self.manifest_h, f"KDM_CAP_{name}"), kind)
        self.assertEqual(manifest.RESTART[False], enum_value(self.manifest_h, "KDM_RESTART_NEVER"))
        self.assertEqual(manifest.RESTART[True],
                         enum_value(self.manifest_h, "KDM_RESTART_ON_FAULT"))

    def test_record_sizes(self):
        for struct_name, packer in (("kdm_header", manifest.HEADER),
                                    ("kdm_component", manifest.COMPONENT),
                                    ("kdm_cap", manifest.CAP), ("kdm_shared", manifest.SHARED)):
            size = re.search(rf"sizeof\(struct {struct_name}\) == (\d+)", self.manifest_h)
            self.assertEqual(packer.size, int(size.group(1)), struct_name)

    def test_untyped_and_module_layout(self):
        # An untyped's size has the limits of `memory`; the root task's validator agrees.
        validate_h = header("servers/root/validate.h")
        bits = re.search(r"#define KDM_UNTYPED_MIN_BITS\s+(\d+)u", validate_h).group(1)
        self.assertEqual(checker.MEMORY_MIN_BITS, int(bits))
        bits = re.search(r"#define KDM_UNTYPED_MAX_BITS\s+(\d+)u", validate_h).group(1)
        self.assertEqual(checker.MEMORY_MAX_BITS, int(bits))
        self.assertIn(f"log2 of its size ({checker.MEMORY_MIN_BITS}..{checker.MEMORY_MAX_BITS})",
                      self.manifest_h)
        # A module's data follows its header page at the offset the component reads.
        module_h = header("lib/deploy/kumiki/module_header.h")
        offset = re.search(r"#define KUMIKI_MODULE_DATA_OFFSET\s+(\d+)u", module_h).group(1)
        self.assertEqual(model.MODULE_HEADER_SIZE, int(offset))
        size = re.search(r"#define KDM_MODULE_HEADER_SIZE\s+(0x[0-9a-f]+)ull", validate_h).group(1)
        self.assertEqual(model.MODULE_HEADER_SIZE, int(size, 16))

    def test_first_free_slot(self):
        self.assertEqual(layout.FIRST_SLOT,
                         enum_value(self.program_h, "KUMIKI_PROGRAM_CAP_FIRST_FREE"))


def main():
    global ROOT
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ROOT = os.path.abspath(sys.argv[1])
    sys.dont_write_bytecode = True
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == "__main__":
    main()
