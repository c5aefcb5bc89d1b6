#!/usr/bin/env python3
"""The boot list (where each module comes from, where the archive goes) and the QEMU command."""
import os
import re
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from kumiki_run import boot  # noqa: E402
from kumiki_run.boot import BootError, initrd, qemu_command, read_boot_list  # noqa: E402

SOURCE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


class BootList(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.build = directory.name
        for name in ("kernel/kumiki.elf32", "servers/root.elf", "linux.manifest", "linux.elf", "serial.elf"):
            os.makedirs(os.path.dirname(os.path.join(self.build, name)), exist_ok=True)
            open(os.path.join(self.build, name), "wb").close()
        self.list_path = os.path.join(self.build, "linux_run.boot")

    def boot_list(self, text):
        with open(self.list_path, "w", encoding="utf-8") as f:
            f.write(text)
        return read_boot_list(self.list_path, self.build)

    def full(self, name):
        return os.path.join(self.build, name)

    def test_relative_to_the_build_directory_archive_last(self):
        self.assertEqual(self.boot_list("# kernel\nkernel/kumiki.elf32\nservers/root.elf\nlinux.manifest\n\n"
                                        "# drivers\nserial.elf\nlinux.elf\n"),
                         (self.full("kernel/kumiki.elf32"),
                          [self.full("servers/root.elf"), self.full("linux.manifest"), self.full("serial.elf"),
                           self.full("linux.elf"), None]))

    def test_absolute_paths_and_arguments(self):
        self.assertEqual(self.boot_list(f"{self.full('kernel/kumiki.elf32')}\n{self.full('servers/root.elf')}\n"
                                        "linux.elf loglevel=debug x\n"),
                         (self.full("kernel/kumiki.elf32"),
                          [self.full("servers/root.elf"), self.full("linux.elf") + " loglevel=debug x", None]))

    def test_archive_placeholder_keeps_its_place(self):
        listed = self.boot_list("kernel/kumiki.elf32\nservers/root.elf\nwhatever/linux_root.tar\nlinux.elf\n")
        self.assertEqual(listed[1], [self.full("servers/root.elf"), None, self.full("linux.elf")])

    def test_the_meson_build_writes_this_format(self):
        # personalities/linux/meson.build writes linux_run.boot as the absolute paths of the
        # kernel and the modules, one a line, and a final newline.
        paths = [self.full(name) for name in ("kernel/kumiki.elf32", "servers/root.elf", "linux.manifest",
                                               "serial.elf", "linux.elf")]
        self.assertEqual(self.boot_list("\n".join(paths) + "\n"), (paths[0], paths[1:] + [None]))

    def test_refusals(self):
        with self.assertRaisesRegex(BootError, r"linux_run\.boot:3: boot module '.*missing\.elf' does not exist"):
            self.boot_list("kernel/kumiki.elf32\nlinux.elf\nmissing.elf\n")
        with self.assertRaisesRegex(BootError, r"linux_run\.boot:1: kernel '.*nokernel' does not exist"):
            self.boot_list("nokernel\nlinux.elf\n")
        with self.assertRaisesRegex(BootError, r":1: the kernel line is a path only"):
            self.boot_list("kernel/kumiki.elf32 loglevel=debug\nlinux.elf\n")
        with self.assertRaisesRegex(BootError, r":4: a second 'linux_root\.tar'"):
            self.boot_list("kernel/kumiki.elf32\nlinux.elf\nlinux_root.tar\nlinux_root.tar\n")
        with self.assertRaisesRegex(BootError, "names no module"):
            self.boot_list("# nothing\n\nkernel/kumiki.elf32\nlinux_root.tar\n")
        with self.assertRaisesRegex(BootError, "names no module"):
            self.boot_list("")
        with self.assertRaisesRegex(BootError, "cannot read the boot list .* No such file"):
            read_boot_list(os.path.join(self.build, "absent"), self.build)
        with open(self.list_path, "wb") as f:
            f.write(b"\xff\xfe")
        with self.assertRaisesRegex(BootError, "not UTF-8"):
            read_boot_list(self.list_path, self.build)


class QemuCommand(unittest.TestCase):
    def test_initrd_doubles_commas_and_places_the_archive(self):
        self.assertEqual(initrd(["/b/root.elf", None, "/b/a,b.elf x"], "/t/linux_root.tar"),
                         "/b/root.elf,/t/linux_root.tar,/b/a,,b.elf x")
        with self.assertRaisesRegex(BootError, "must end in 'linux_root.tar'"):
            initrd([None], "/t/root.tar")
        with self.assertRaisesRegex(BootError, "no spaces"):
            initrd([None], "/t m/linux_root.tar")

    def test_command(self):
        cmd = qemu_command("qemu", "/b/kumiki.elf32", ["/b/root.elf", None], "/t/linux_root.tar",
                           "/t/serial.log", "/t/host,link")
        text = " ".join(cmd)
        self.assertEqual(cmd[0], "qemu")
        for part in ("-m 256M", "-serial file:/t/serial.log", "-chardev file,id=hostlink,path=/t/host,,link",
                     "-device isa-debugcon,iobase=0xe9,chardev=hostlink", "-kernel /b/kumiki.elf32",
                     "-initrd /b/root.elf,/t/linux_root.tar", "-no-reboot",
                     "-device isa-debug-exit,iobase=0xf4,iosize=0x04"):
            self.assertIn(part, text)
        self.assertNotIn("-icount", text)
        self.assertNotIn("virtio-blk", text)

    def test_console_serial_is_stdio(self):
        cmd = qemu_command("qemu", "k", [None], "/t/linux_root.tar", None, "h")
        self.assertEqual(cmd[cmd.index("-serial") + 1], "stdio")
        self.assertEqual(cmd[cmd.index("-monitor") + 1], "none")  # no multiplexed monitor: ^A passes

    def test_disk_icount_memory_extra(self):
        cmd = qemu_command("qemu", "k", [None], "/t/linux_root.tar", "s", "h", memory="1G", disk="/d/disk.img",
                           icount=True, extra=["-cpu", "max"])
        text = " ".join(cmd)
        for part in ("-m 1G", "-drive file=/d/disk.img,if=none,id=disk0,format=raw",
                     "-device virtio-blk-pci,drive=disk0,addr=0x5", "-icount shift=0,sleep=off"):
            self.assertIn(part, text)
        self.assertEqual(cmd[-2:], ["-cpu", "max"])

    def test_statuses_are_the_kernels(self):
        # isa-debug-exit turns the kernel's code v into QEMU status (v << 1) | 1.
        header = os.path.join(SOURCE_ROOT, "kernel", "include", "kernel", "exit_codes.h")
        with open(header, encoding="utf-8") as f:
            codes = dict(re.findall(r"(EXIT_CODE_\w+) = (0x[0-9a-fA-F]+)", f.read()))
        self.assertEqual(boot.QEMU_STATUS_DONE, (int(codes["EXIT_CODE_DONE"], 16) << 1) | 1)
        self.assertEqual(boot.QEMU_STATUS_PANIC, (int(codes["EXIT_CODE_PANIC"], 16) << 1) | 1)


if __name__ == "__main__":
    unittest.main()
