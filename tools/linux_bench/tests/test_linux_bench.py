#!/usr/bin/env python3
"""Host tests of linux_bench.py that need neither the network nor a kernel.

usage: test_linux_bench.py --busybox BUSYBOX --cc CC...

* the initramfs: busybox cpio reads back the names, modes, owners, times
  and contents; the same inputs give the same bytes;
* kernel modules: dependencies from the .modinfo sections of objects the
  host compiler makes, in load order; built-in, missing and cyclic ones;
* fetching: apt-get and apt-cache replaced by scripts, the unpacked package
  is cached (a second fetch does not download), and when apt fails the
  figures are skipped with exit status 0;
* ratios and argument checks.
"""
import argparse
import contextlib
import io
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "linux_bench.py")
sys.path.insert(0, os.path.dirname(HERE))
import linux_bench  # noqa: E402

BUSYBOX = None
CC = None


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)


class Initramfs(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.init = os.path.join(d, "bench")
        write(self.init, b"\x7fELF init" * 100, 0o700)
        self.program = os.path.join(d, "prog")
        write(self.program, b"program bytes")
        self.modules = [os.path.join(d, "m", "virtio_ring.ko"), os.path.join(d, "m", "virtio-blk.ko")]
        for i, module in enumerate(self.modules):
            write(module, bytes([i]) * 1001)

    def tearDown(self):
        self.dir.cleanup()

    def make(self, name, **kw):
        path = os.path.join(self.dir.name, name)
        linux_bench.make_initramfs(path, self.init, self.modules, **kw)
        return path

    def test_busybox_lists_every_entry_as_made(self):
        archive = self.make("a.cpio", program=self.program)
        listing = subprocess.run([BUSYBOX, "cpio", "-t", "-v", "-F", archive], capture_output=True,
                                 text=True, check=True).stdout.splitlines()
        entries = [(line.split()[0], line.split()[1], line.split()[2], " ".join(line.split()[3:5]),
                    line.split()[5]) for line in listing]
        epoch = "1970-01-01 00:00:00"
        self.assertEqual(entries, [
            ("drwxr-xr-x", "0/0", "0", epoch, "."),
            ("drwxr-xr-x", "0/0", "0", epoch, "dev"),
            ("crw-------", "0/0", "0", epoch, "dev/console"),
            ("drwxr-xr-x", "0/0", "0", epoch, "proc"),
            ("drwxr-xr-x", "0/0", "0", epoch, "sys"),
            ("-rwxr-xr-x", "0/0", "900", epoch, "init"),
            ("-rwxr-xr-x", "0/0", "13", epoch, "program"),
            ("drwxr-xr-x", "0/0", "0", epoch, "lib"),
            ("drwxr-xr-x", "0/0", "0", epoch, "lib/modules"),
            ("-rw-r--r--", "0/0", "1001", epoch, "lib/modules/virtio_ring.ko"),
            ("-rw-r--r--", "0/0", "1001", epoch, "lib/modules/virtio-blk.ko"),
            ("-rw-r--r--", "0/0", "29", epoch, "lib/modules/load.list"),
        ])

    def test_busybox_extracts_the_contents(self):
        archive = self.make("a.cpio", program=self.program)
        out = os.path.join(self.dir.name, "out")
        os.mkdir(out)
        # Named entries only: making dev/console needs root.
        subprocess.run([BUSYBOX, "cpio", "-i", "-d", "-F", archive, "init", "program",
                        "lib/modules/virtio-blk.ko", "lib/modules/load.list"],
                       cwd=out, capture_output=True, check=True)
        for name, source in [("init", self.init), ("program", self.program),
                             ("lib/modules/virtio-blk.ko", self.modules[1])]:
            with open(os.path.join(out, name), "rb") as got, open(source, "rb") as want:
                self.assertEqual(got.read(), want.read(), name)
        with open(os.path.join(out, "lib/modules/load.list")) as f:
            self.assertEqual(f.read(), "virtio_ring.ko\nvirtio-blk.ko\n")

    def test_same_inputs_same_bytes(self):
        first, second = self.make("1.cpio"), self.make("2.cpio")
        os.utime(self.init, (0, 12345678))  # file times do not enter the archive
        third = self.make("3.cpio")
        with open(first, "rb") as a, open(second, "rb") as b, open(third, "rb") as c:
            data = a.read()
            self.assertEqual(data, b.read())
            self.assertEqual(data, c.read())
        self.assertEqual(len(data) % 512, 0)

    def test_no_modules_no_load_list(self):
        self.modules = []
        listing = subprocess.run([BUSYBOX, "cpio", "-t", "-F", self.make("a.cpio")],
                                 capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(listing, [".", "dev", "dev/console", "proc", "sys", "init"])


class Modules(unittest.TestCase):
    """A modules tree of objects the host compiler made with .modinfo sections."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.modules = os.path.join(cls.dir.name, "lib", "modules", "9.9.9-test")
        layout = {
            "kernel/drivers/block/top.ko": "depends=low,dash_name",
            "kernel/drivers/virtio/low.ko": "depends=",
            "kernel/drivers/virtio/dash-name.ko": "depends=low",
            "kernel/drivers/x/needs_builtin.ko": "depends=built_in",
            "kernel/drivers/x/no_depends.ko": "license=GPL",
            "kernel/drivers/x/loop_a.ko": "depends=loop_b",
            "kernel/drivers/x/loop_b.ko": "depends=loop_a",
        }
        for relative, field in layout.items():
            source = os.path.join(cls.dir.name, "modinfo.c")
            write(source, textwrap.dedent(f"""\
                __attribute__((section(".modinfo"), used))
                static const char modinfo[] = "license=GPL\\0{field}\\0author=test";
                int code_in_text(void) {{ return 1; }}
                """))
            target = os.path.join(cls.modules, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            subprocess.run(CC + ["-c", "-o", target, source], check=True)
        write(os.path.join(cls.modules, "kernel/drivers/x/not_elf.ko"), b"plain text, not ELF")
        write(os.path.join(cls.modules, "modules.builtin"), "kernel/drivers/base/built-in.ko\n")

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def order(self, *wanted):
        return [os.path.basename(p) for p in linux_bench.modules_in_load_order(self.modules, list(wanted))]

    def test_dependencies_first_each_once(self):
        self.assertEqual(self.order("top"), ["low.ko", "dash-name.ko", "top.ko"])
        self.assertEqual(self.order("dash-name", "top", "low"), ["low.ko", "dash-name.ko", "top.ko"])

    def test_modinfo_without_depends(self):
        path = os.path.join(self.modules, "kernel/drivers/x/no_depends.ko")
        self.assertEqual(linux_bench.modinfo_depends(path), [])
        self.assertEqual(self.order("no_depends"), ["no_depends.ko"])

    def test_builtin_modules_are_not_loaded(self):
        self.assertEqual(self.order("needs_builtin"), ["needs_builtin.ko"])
        self.assertEqual(self.order("built_in"), [])

    def test_refused(self):
        for wanted, message in [("missing", "no module 'missing'"), ("loop_a", "cycle"),
                                ("not_elf", "not a little-endian ELF64")]:
            err = io.StringIO()
            with self.assertRaises(SystemExit) as cm, contextlib.redirect_stderr(err):
                self.order(wanted)
            self.assertIn(message, str(cm.exception))


class Fetch(unittest.TestCase):
    """apt-cache and apt-get replaced by scripts on PATH."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.bin = os.path.join(d, "bin")
        self.cache = os.path.join(d, "cache")
        self.log = os.path.join(d, "apt-get.log")
        # A linux-image package as Debian lays it out.
        tree = os.path.join(d, "pkg")
        write(os.path.join(tree, "DEBIAN", "control"), textwrap.dedent("""\
            Package: linux-image-9.9.9-test-amd64
            Version: 9.9.9-1
            Architecture: amd64
            Maintainer: test <test@example.org>
            Description: a test kernel
            """))
        write(os.path.join(tree, "boot", "vmlinuz-9.9.9-test-amd64"), b"kernel image")
        write(os.path.join(tree, "lib", "modules", "9.9.9-test-amd64", "kernel", "a.ko"), b"")
        self.deb = os.path.join(d, "linux-image-9.9.9-test-amd64_9.9.9-1_amd64.deb")
        subprocess.run(["dpkg-deb", "--root-owner-group", "--build", tree, self.deb],
                       check=True, capture_output=True)

    def tearDown(self):
        self.dir.cleanup()

    def fake(self, name, body):
        write(os.path.join(self.bin, name), "#!/bin/sh\n" + body, 0o755)

    def fake_apt(self, download_works=True):
        self.fake("apt-cache", textwrap.dedent("""\
            case "$1" in
            depends) echo linux-image-amd64; echo '  Depends: linux-image-9.9.9-test-amd64' ;;
            show) echo 'Package: linux-image-9.9.9-test-amd64'; echo 'Version: 9.9.9-1' ;;
            esac
            """))
        if download_works:
            self.fake("apt-get", f'echo "$@" >> {self.log}\ncp {self.deb} .\n')
        else:
            self.fake("apt-get", "echo 'Err:1 http://deb.debian.org bookworm/main' >&2\n"
                                 "echo 'E: Failed to fetch linux-image (Temporary failure resolving)' >&2\n"
                                 "exit 100\n")

    def run_script(self, *args):
        env = dict(os.environ, PATH=self.bin + os.pathsep + os.environ["PATH"])
        env.pop("KUMIKI_LINUX_PACKAGE", None)
        return subprocess.run([sys.executable, SCRIPT, *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)

    def test_downloaded_once_then_cached(self):
        self.fake_apt()
        env_path = self.bin + os.pathsep + os.environ["PATH"]
        old_path = os.environ["PATH"]
        os.environ["PATH"] = env_path
        try:
            package = linux_bench.kernel_package(None)
            self.assertEqual(package, "linux-image-9.9.9-test-amd64")
            tree, version = linux_bench.fetch_kernel(self.cache, package)
            self.assertEqual(version, "9.9.9-1")
            again, _ = linux_bench.fetch_kernel(self.cache, package)
        finally:
            os.environ["PATH"] = old_path
        self.assertEqual(tree, again)
        with open(self.log) as f:
            self.assertEqual(f.read().splitlines(), ["-q download linux-image-9.9.9-test-amd64=9.9.9-1"])
        vmlinuz, modules, release = linux_bench.kernel_files(tree)
        self.assertEqual(release, "9.9.9-test-amd64")
        with open(vmlinuz, "rb") as f:
            self.assertEqual(f.read(), b"kernel image")
        self.assertTrue(os.path.isfile(os.path.join(modules, "kernel", "a.ko")))
        self.assertEqual(os.listdir(self.cache), [os.path.basename(tree)])  # no leftovers

    def test_download_failure_skips(self):
        self.fake_apt(download_works=False)
        result = self.run_script("--init", "/nonexistent", "--cache", self.cache)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("Linux figures SKIPPED (nonexistent): cannot download linux-image-9.9.9-test-amd64",
                      result.stderr)
        self.assertIn("Temporary failure resolving", result.stderr)
        self.assertEqual(os.listdir(self.cache), [])  # nothing half-made left

    def test_no_apt_lists_skips(self):
        self.fake("apt-cache", "echo 'E: No packages found' >&2\nexit 100\n")
        result = self.run_script("--init", "/nonexistent", "--cache", self.cache)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Linux figures SKIPPED (nonexistent): apt-cache knows no linux-image-amd64",
                      result.stderr)

    def test_skip_says_why(self):
        result = self.run_script("--skip", "musl-gcc is not installed")
        self.assertEqual((result.returncode, result.stdout), (0, ""))
        self.assertIn("Linux figures SKIPPED: musl-gcc is not installed", result.stderr)


class Ratios(unittest.TestCase):
    def test_ratio_of_two_figures(self):
        known = ["BENCH virtio_blk_read_4k 27741 instructions", "BENCH other 1 x",
                 "BENCH virtio_blk_read_4k_linux 11547 instructions"]
        self.assertEqual(linux_bench.ratio_lines(["vs=virtio_blk_read_4k/virtio_blk_read_4k_linux"], known),
                         ["BENCH vs 2.40 x"])

    def test_missing_or_zero_figure_is_an_error(self):
        with self.assertRaises(SystemExit) as cm:
            linux_bench.ratio_lines(["vs=a/b"], ["BENCH a 1 x"])
        self.assertIn("no BENCH b line", str(cm.exception))
        with self.assertRaises(SystemExit) as cm:
            linux_bench.ratio_lines(["vs=a/b"], ["BENCH a 1 x", "BENCH b 0 x"])
        self.assertIn("b is 0", str(cm.exception))


class Arguments(unittest.TestCase):
    def refused(self, *argv):
        err = io.StringIO()
        with self.assertRaises(SystemExit) as cm, contextlib.redirect_stderr(err):
            linux_bench.parse_args(list(argv))
        self.assertEqual(cm.exception.code, 2)
        return err.getvalue()

    def test_refusals(self):
        self.assertIn("--init PROGRAM is required", self.refused())
        self.assertIn("cannot cross the kernel command line",
                      self.refused("--init", "i", "--program", "p", "--arg", "two words"))
        self.assertIn("--arg needs --program", self.refused("--init", "i", "--arg", "x"))
        self.assertIn("letters, digits and _ only", self.refused("--init", "i", "--suffix=a-b"))
        self.assertIn("not RATIO=NUMERATOR/DENOMINATOR", self.refused("--init", "i", "--compare", "a=b"))

    def test_package_names(self):
        with self.assertRaises(SystemExit) as cm:
            linux_bench.kernel_package("linux-image-6.1.0-56-amd64; rm -rf /")
        self.assertIn("is not a linux-image-<version>-amd64 package name", str(cm.exception))
        self.assertEqual(linux_bench.kernel_package("linux-image-6.1.0-56-amd64"),
                         "linux-image-6.1.0-56-amd64")



class Guest(unittest.TestCase):
    """run_guest with QEMU replaced by a script that records its arguments."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.qemu = os.path.join(self.dir.name, "qemu")
        self.argv = os.path.join(self.dir.name, "argv")

    def tearDown(self):
        self.dir.cleanup()

    def guest(self, console, status=0, extra=()):
        write(self.qemu, textwrap.dedent(f"""\
            #!/bin/sh
            for a in "$@"; do echo "$a"; done > {self.argv}
            printf '{console}'
            exit {status}
            """), 0o755)
        args = linux_bench.parse_args(["--init", "run_program", "--program", "/x/pipe_bench", "--qemu",
                                       self.qemu, "--suffix", "_linux", *extra])
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                lines = linux_bench.run_guest(args, "/k/vmlinuz", "/w/pipe_bench.cpio")
            except SystemExit as e:
                return None, str(e), err.getvalue()
        with open(self.argv) as f:
            return lines, f.read().splitlines(), err.getvalue()

    def test_bench_lines_named_and_notes_passed_on(self):
        lines, argv, err = self.guest(
            "booting\\r\\nBENCH pipe 12672 instructions\\r\\nlinux_bench: 3 rounds\\r\\n"
            "BENCH ratio_like 2.5\\r\\nlinux_bench: done, 0 failed\\r\\n",
            extra=["--arg", "pipe", "--arg=-n5", "--append", "idle=poll", "--qemu-arg=-device",
                   "--qemu-arg=virtio-blk-pci"])
        self.assertEqual(lines, ["BENCH pipe_linux 12672 instructions", "BENCH ratio_like_linux 2.5"])
        self.assertIn("linux_bench: pipe_bench: 3 rounds", err)
        self.assertNotIn("done", err)
        self.assertEqual(argv[argv.index("-icount") + 1], "shift=0,sleep=off")
        self.assertEqual(argv[argv.index("-kernel") + 1], "/k/vmlinuz")
        self.assertEqual(argv[argv.index("-initrd") + 1], "/w/pipe_bench.cpio")
        self.assertEqual(argv[argv.index("-append") + 1],
                         "console=ttyS0 quiet panic=-1 nokaslr norandmaps randomize_kstack_offset=off idle=poll "
                         "-- pipe -n5")
        self.assertEqual(argv[-2:], ["-device", "virtio-blk-pci"])

    def test_failures(self):
        for console, status, problem in [
                ("linux_bench: done, 0 failed\\n", 1, "QEMU exit status 1, not 0 (power-off)"),
                ("BENCH a 1 x\\nlinux_bench: done, 1 failed\\n", 0, "did not print 'linux_bench: done, 0 failed'"),
                ("Kernel panic\\n", 0, "did not print")]:
            lines, message, log = self.guest(console, status)
            self.assertIsNone(lines)
            self.assertIn(problem, message)
            self.assertIn("pipe_bench", message)
            self.assertIn("  | ", log)  # the console is shown


def main():
    global BUSYBOX, CC
    parser = argparse.ArgumentParser()
    parser.add_argument("--busybox", required=True)
    parser.add_argument("--cc", nargs=argparse.REMAINDER, required=True)
    args, rest = parser.parse_known_args()
    BUSYBOX, CC = args.busybox, args.cc
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
