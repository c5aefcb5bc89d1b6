#!/usr/bin/env python3
"""The root file system archive: byte-deterministic, exactly the promised members, plain ustar,
and bad inputs refused with a reason.

usage: test_rootfs.py [BUSYBOX]   (default /bin/busybox: the applet list is checked against it)
"""
import io
import os
import shutil
import subprocess
import sys
import tarfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from kumiki_run import rootfs  # noqa: E402

BUSYBOX = "/bin/busybox"
FAKE_BUSYBOX = b"\x7fELF busybox stand-in"
PROGRAM = b"\x7fELF program stand-in"


def archive(**run):
    run.setdefault("argv", ["./prog", "one", "two words"])
    extra = run.pop("extra", [])
    return rootfs.build_archive(rootfs.base_tree(FAKE_BUSYBOX) + rootfs.run_members(PROGRAM, **run) + extra)


def members(data):
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: (m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()}


class Determinism(unittest.TestCase):
    def test_same_inputs_same_bytes(self):
        self.assertEqual(archive(stdin=b"in", cwd="/tmp"), archive(stdin=b"in", cwd="/tmp"))

    def test_input_order_does_not_matter(self):
        parts = rootfs.base_tree(FAKE_BUSYBOX) + rootfs.run_members(PROGRAM, ["p"])
        self.assertEqual(rootfs.build_archive(parts), rootfs.build_archive(list(reversed(parts))))

    def test_inputs_change_the_bytes(self):
        self.assertNotEqual(archive(), archive(argv=["./prog", "one", "two"]))

    def test_headers_are_plain_ustar_with_fixed_owner_and_time(self):
        data = archive(stdin=b"x" * 1000)
        self.assertEqual(len(data) % 10240, 0)  # whole records
        offset = 0
        types = set()
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar.getmembers():
                header = data[member.offset:member.offset + 512]
                self.assertEqual(header[257:265], b"ustar\x0000", member.name)
                types.add(header[156:157])
                self.assertEqual((member.mtime, member.uid, member.gid, member.uname, member.gname),
                                 (rootfs.MTIME, 0, 0, "root", "root"), member.name)
                self.assertEqual(member.pax_headers, {}, member.name)
                offset = member.offset_data + member.size
        # regular, symlink, character device, directory: no pax 'x'/GNU 'L'
        self.assertEqual(types, {b"0", b"2", b"3", b"5"})
        self.assertEqual(data[(offset + 511) // 512 * 512:], bytes(len(data) - (offset + 511) // 512 * 512))

    def test_sorted_parents_first(self):
        with tarfile.open(fileobj=io.BytesIO(archive())) as tar:
            names = tar.getnames()
        self.assertEqual(names, sorted(names, key=lambda n: n.split("/")))
        self.assertEqual(names[:4], [".kumiki", ".kumiki/argv", ".kumiki/env", ".kumiki/prog"])
        seen = set()
        for name in names:
            parent = os.path.dirname(name)
            self.assertTrue(not parent or parent in seen, f"{name} before its directory")
            seen.add(name)


class Content(unittest.TestCase):
    def test_base_tree(self):
        got = members(archive())
        expect = {
            "bin": (tarfile.DIRTYPE, 0o755), "bin/busybox": (tarfile.REGTYPE, 0o755),
            "dev": (tarfile.DIRTYPE, 0o755), "etc": (tarfile.DIRTYPE, 0o755),
            "dev/console": (tarfile.CHRTYPE, 0o600), "dev/tty": (tarfile.CHRTYPE, 0o666),
            "etc/group": (tarfile.REGTYPE, 0o644), "etc/hostname": (tarfile.REGTYPE, 0o644),
            "etc/passwd": (tarfile.REGTYPE, 0o644), "mnt": (tarfile.DIRTYPE, 0o755),
            "proc": (tarfile.DIRTYPE, 0o755),
            "root": (tarfile.DIRTYPE, 0o755), "tmp": (tarfile.DIRTYPE, 0o1777),
            "usr": (tarfile.DIRTYPE, 0o755), "usr/bin": (tarfile.DIRTYPE, 0o755),
            ".kumiki": (tarfile.DIRTYPE, 0o755), ".kumiki/prog": (tarfile.REGTYPE, 0o755),
            ".kumiki/argv": (tarfile.REGTYPE, 0o644), ".kumiki/env": (tarfile.REGTYPE, 0o644),
        }
        for applet in rootfs.APPLETS:
            expect["bin/" + applet] = (tarfile.SYMTYPE, 0o777)
        self.assertEqual({name: (m.type, m.mode) for name, (m, _) in got.items()}, expect)
        self.assertEqual(got["bin/busybox"][1], FAKE_BUSYBOX)
        self.assertEqual(got[".kumiki/prog"][1], PROGRAM)
        self.assertEqual(got["etc/passwd"][1], b"root:x:0:0:root:/root:/bin/sh\n")
        self.assertEqual(got["etc/group"][1], b"root:x:0:\ndisk:x:6:\n")
        self.assertEqual(got["etc/hostname"][1], b"kumiki\n")
        self.assertEqual({got["bin/" + a][0].linkname for a in rootfs.APPLETS}, {"busybox"})
        # Linux's numbers: /dev/console is (5,1), /dev/tty (5,0).
        self.assertEqual((got["dev/console"][0].devmajor, got["dev/console"][0].devminor), (5, 1))
        self.assertEqual((got["dev/tty"][0].devmajor, got["dev/tty"][0].devminor), (5, 0))
        self.assertNotIn(".kumiki/console", got)

    def test_console_run(self):
        got = members(archive(console=True))
        self.assertEqual((got[".kumiki/console"][0].mode, got[".kumiki/console"][1]), (0o644, b""))
        self.assertNotIn(".kumiki/stdin", got)

    def test_run_files(self):
        got = members(archive(argv=["./prog", "", "a b", "\u00e9"], env=["A=1", "B=", "C=x=y"],
                              stdin=b"line\n\0bytes", cwd="/tmp/work"))
        self.assertEqual(got[".kumiki/argv"][1], b"./prog\0\0a b\0\xc3\xa9\0")
        self.assertEqual(got[".kumiki/env"][1], b"A=1\0B=\0C=x=y\0")
        self.assertEqual(got[".kumiki/stdin"][1], b"line\n\0bytes")
        self.assertEqual(got[".kumiki/cwd"][1], b"/tmp/work")

    def test_default_env(self):
        self.assertEqual(members(archive())[".kumiki/env"][1], b"PATH=/bin:/usr/bin\0HOME=/root\0TERM=dumb\0")

    def test_no_stdin_no_cwd_means_absent_files(self):
        got = members(archive())
        self.assertNotIn(".kumiki/stdin", got)
        self.assertNotIn(".kumiki/cwd", got)
        self.assertEqual(members(archive(stdin=b""))[".kumiki/stdin"][1], b"")  # empty is not absent

    def test_extra_files_and_their_parents(self):
        got = members(archive(extra=[rootfs.extra_file("/opt/x/tool", b"t", True),
                                     rootfs.extra_file("tmp/data", b"d", False)]))
        self.assertEqual((got["opt"][0].type, got["opt"][0].mode), (tarfile.DIRTYPE, 0o755))
        self.assertEqual((got["opt/x"][0].type, got["opt/x"][0].mode), (tarfile.DIRTYPE, 0o755))
        self.assertEqual((got["opt/x/tool"][0].mode, got["opt/x/tool"][1]), (0o755, b"t"))
        self.assertEqual((got["tmp/data"][0].mode, got["tmp/data"][1]), (0o644, b"d"))
        self.assertEqual(got["tmp"][0].mode, 0o1777)  # an existing directory keeps its mode

    def test_long_names_use_the_ustar_prefix(self):
        path = "/" + "d" * 120 + "/" + "f" * 90
        got = members(archive(extra=[rootfs.extra_file(path, b"x", False)]))
        self.assertEqual(got[path[1:]][1], b"x")

    def test_gnu_tar_reads_it(self):
        tar = shutil.which("tar")
        self.assertIsNotNone(tar, "tar (Debian package tar, essential) is missing")
        listing = subprocess.run([tar, "-tvf", "-", "--numeric-owner", "--full-time"],
                                 input=archive(), capture_output=True, check=True).stdout.decode()
        self.assertIn("drwxrwxrwt 0/0               0 2024-01-01 00:00:00 tmp/", listing)
        self.assertIn("lrwxrwxrwx 0/0               0 2024-01-01 00:00:00 bin/sh -> busybox", listing)
        self.assertIn("crw------- 0/0             5,1 2024-01-01 00:00:00 dev/console", listing)

    def test_applets_exist_in_busybox(self):
        listed = subprocess.run([BUSYBOX, "--list"], capture_output=True, check=True, text=True).stdout.split()
        self.assertEqual([a for a in rootfs.APPLETS if a not in listed], [])


class BadInputs(unittest.TestCase):
    def refused(self, pattern, **run):
        with self.assertRaisesRegex(rootfs.RootfsError, pattern):
            archive(**run)

    def test_empty_argv(self):
        self.refused("argv is empty", argv=[])

    def test_env_entries(self):
        self.refused("not KEY=VALUE", env=["NOEQUALS"])
        self.refused("not KEY=VALUE", env=["=value"])

    def test_nul_in_argument(self):
        self.refused("contains a NUL", argv=["p", "a\0b"])

    def test_console_has_no_stdin(self):
        self.refused("no stdin file", console=True, stdin=b"x")

    def test_relative_cwd(self):
        self.refused("not an absolute path", cwd="tmp")

    def test_clashing_paths(self):
        self.refused(r"'/bin/sh' is given twice", extra=[rootfs.extra_file("/bin/sh", b"", True)])
        self.refused(r"'/\.kumiki/prog' is given twice", extra=[rootfs.extra_file("/.kumiki/prog", b"", True)])
        self.refused("inside '/etc/passwd', which is not a directory",
                     extra=[rootfs.extra_file("/etc/passwd/x", b"", False)])

    def test_bad_paths(self):
        for path, why in (("/a/../b", r"'\.\.'"), ("/", "root directory"), ("", "empty")):
            with self.assertRaisesRegex(rootfs.RootfsError, why):
                rootfs.extra_file(path, b"", False)

    def test_name_too_long_for_ustar(self):
        self.refused("does not fit a ustar header", extra=[rootfs.extra_file("/" + "n" * 300, b"", False)])


if __name__ == "__main__":
    if len(sys.argv) > 1:
        BUSYBOX = sys.argv.pop(1)
    unittest.main()
