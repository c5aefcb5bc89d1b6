#!/usr/bin/env python3
"""Compiles good deployments and decodes the manifests' bytes field by field.

usage: test_manifest.py KDEPLOY SOURCE_ROOT

The decoder below is written from lib/deploy/kumiki/manifest.h alone, not
from kdeploy's emitter, so a mistake in one is not repeated in the other.
It also checks what the root task's validator will: offsets in the file
and 8-byte aligned, counts within the limits, cap ranges within the caps
array, strings NUL-terminated inside the table.  The expected values are
worked out by hand from the .kdep files (see the comments).
"""
import os
import struct
import subprocess
import sys
import tempfile
import unittest

KDEPLOY = SOURCE_ROOT = None

R, W, G, P = 2, 1, 4, 8   # KUMIKI_RIGHT_READ, _WRITE, _GRANT, _GRANT_REPLY
ENDPOINT, IOPORT, IRQ, MMIO, DMA, SHARED, NOTIFICATION, UNTYPED, MODULE = 1, 2, 3, 4, 5, 6, 7, 8, 9


class Manifest:
    """A decoded manifest: plain dicts, one per record."""

    def __init__(self, data):
        self.data = data
        (magic, version, total_size, component_count, component_offset, cap_count, cap_offset,
         shared_count, shared_offset, string_size, string_offset, endpoint_count,
         deployment_name) = struct.unpack_from("<Q12I", data, 0)
        assert magic == 0x314E414D4B494D55, hex(magic)
        assert data[:8] == b"UMIKMAN1"
        assert version == 1
        assert total_size == len(data), (total_size, len(data))
        for offset, count, size in ((component_offset, component_count, 32),
                                    (cap_offset, cap_count, 40),
                                    (shared_offset, shared_count, 16),
                                    (string_offset, string_size, 1)):
            assert offset % 8 == 0, offset
            assert offset >= 56 and offset + count * size <= total_size
        assert component_count <= 64 and cap_count <= 1024 and shared_count <= 64
        assert endpoint_count <= 256 and string_size <= 16384
        self.strings = data[string_offset:string_offset + string_size]
        self.endpoint_count = endpoint_count
        self.name = self.string(deployment_name)
        self.components = []
        for i in range(component_count):
            fields = struct.unpack_from("<3I4B4I", data, component_offset + 32 * i)
            (name, program, args, priority, restart, foreign_abi, cnode_radix, memory_bits,
             first_cap, count, reserved) = fields
            assert reserved == 0
            assert first_cap + count <= cap_count
            self.components.append(dict(
                name=self.string(name), program=self.string(program), args=self.string(args),
                priority=priority, restart=restart, foreign_abi=foreign_abi,
                cnode_radix=cnode_radix, memory_bits=memory_bits, first_cap=first_cap,
                cap_count=count))
        self.caps = []
        for i in range(cap_count):
            kind, slot, name, reserved, a, b, c = struct.unpack_from("<4I3Q", data,
                                                                     cap_offset + 40 * i)
            assert reserved == 0
            if kind == MODULE:
                a = self.string(a)  # the file name, a string offset
            self.caps.append(dict(kind=kind, slot=slot, name=self.string(name), a=a, b=b, c=c))
        self.shared = []
        for i in range(shared_count):
            name, reserved, size = struct.unpack_from("<2IQ", data, shared_offset + 16 * i)
            assert reserved == 0
            self.shared.append(dict(name=self.string(name), size=size))

    def string(self, offset):
        assert offset < len(self.strings), offset
        end = self.strings.index(b"\0", offset)
        assert end - offset < 64, "a name is at most KDM_NAME_MAX bytes with its NUL"
        return self.strings[offset:end].decode("utf-8")

    def caps_of(self, component):
        return self.caps[component["first_cap"]:component["first_cap"] + component["cap_count"]]


def compile_manifest(deployment, *extra):
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "manifest.bin")
        modules = os.path.join(directory, "modules.txt")
        result = subprocess.run([sys.executable, KDEPLOY, "compile", deployment, "-o", output,
                                 "--modules", modules, *extra],
                                cwd=SOURCE_ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        with open(output, "rb") as manifest, open(modules, encoding="utf-8") as names:
            return Manifest(manifest.read()), names.read()


def cap(kind, slot, name, a=0, b=0, c=0):
    return dict(kind=kind, slot=slot, name=name, a=a, b=b, c=c)


class DemoManifest(unittest.TestCase):
    """deployments/demo.kdep: server (priority 120) starts before client (100)."""

    @classmethod
    def setUpClass(cls):
        cls.manifest, cls.modules = compile_manifest("deployments/demo.kdep")

    def test_header(self):
        self.assertEqual(self.manifest.name, "demo")
        self.assertEqual(self.manifest.endpoint_count, 1)  # server.svc
        self.assertEqual(self.manifest.shared, [dict(name="log", size=8192)])

    def test_components(self):
        server, client = self.manifest.components
        self.assertEqual(server, dict(name="server", program="probe_server.elf", args="",
                                      priority=120, restart=1, foreign_abi=0, cnode_radix=10,
                                      memory_bits=22, first_cap=0, cap_count=2))
        self.assertEqual(client, dict(name="client", program="probe_client.elf", args="demo",
                                      priority=100, restart=0, foreign_abi=0, cnode_radix=10,
                                      memory_bits=20, first_cap=2, cap_count=5))

    def test_caps(self):
        server, client = self.manifest.components
        self.assertEqual(self.manifest.caps_of(server), [
            cap(ENDPOINT, 8, "svc", a=0, b=0, c=R | W | G | P),
            cap(SHARED, 9, "log", a=0, b=R, c=0x700000000000),       # readonly
        ])
        self.assertEqual(self.manifest.caps_of(client), [
            cap(ENDPOINT, 8, "srv", a=0, b=0x10, c=W | G | P),        # call+grant, badge 0x10
            cap(IOPORT, 9, "cmos", a=0x70, b=0x71),
            cap(IRQ, 10, "rtc", a=8),
            cap(NOTIFICATION, 11, "rtc"),                             # right after its IRQ
            cap(SHARED, 12, "log", a=0, b=R | W, c=0x700000000000),
        ])

    def test_modules(self):
        self.assertEqual(self.modules, "probe_server.elf\nprobe_client.elf\n")


class FullManifest(unittest.TestCase):
    """tools/kdeploy/tests/good/full.kdep.  Start order: disk (200), probe and
    probe2 (100, declaration order), guest (50).  Endpoints in that order:
    0 disk.files, 1 probe.svc, 2 probe2.svc.  Connections in source order
    1..4: default badges 1, (0x1234), 3, 4."""

    @classmethod
    def setUpClass(cls):
        cls.manifest, cls.modules = compile_manifest("tools/kdeploy/tests/good/full.kdep")

    def test_header(self):
        self.assertEqual(self.manifest.name, "full")
        self.assertEqual(self.manifest.endpoint_count, 3)
        self.assertEqual(len(self.manifest.caps), 19)
        self.assertEqual(self.manifest.shared, [dict(name="cache", size=4096)])

    def test_components(self):
        names = [c["name"] for c in self.manifest.components]
        self.assertEqual(names, ["disk", "probe", "probe2", "guest"])
        disk, probe, probe2, guest = self.manifest.components
        self.assertEqual(disk, dict(name="disk", program="disk.elf", args="", priority=200,
                                    restart=0, foreign_abi=0, cnode_radix=6, memory_bits=16,
                                    first_cap=0, cap_count=7))
        self.assertEqual(probe, dict(name="probe", program="probe_server.elf", args="",
                                     priority=100, restart=0, foreign_abi=0, cnode_radix=10,
                                     memory_bits=22, first_cap=7, cap_count=3))
        self.assertEqual(probe2["first_cap"], 10)
        self.assertEqual(probe2["program"], "probe_server.elf")
        self.assertEqual(guest, dict(name="guest", program="linux_guest.elf",
                                     args="console=ttyS0", priority=50, restart=1, foreign_abi=1,
                                     cnode_radix=12, memory_bits=26, first_cap=13, cap_count=6))

    def test_disk_caps(self):
        # Slots in declaration order from 8; the IRQ takes two; mappings from
        # 0x700000000000 in declaration order: bar 8K, ring 16K, cache 4K.
        self.assertEqual(self.manifest.caps_of(self.manifest.components[0]), [
            cap(ENDPOINT, 8, "files", a=0, b=0, c=R | W | G | P),
            cap(IOPORT, 9, "ata", a=0x1f0, b=0x1f7),
            cap(IRQ, 10, "ata_irq", a=14),
            cap(NOTIFICATION, 11, "ata_irq"),
            cap(MMIO, 12, "bar", a=0xfebf0000, b=0x2000, c=0x700000000000),
            cap(DMA, 13, "ring", a=0x4000, c=0x700000002000),
            cap(SHARED, 14, "cache", a=0, b=R | W, c=0x700000006000),
        ])

    def test_client_caps(self):
        _, probe, probe2, guest = self.manifest.components
        # A module: a = its file name, b = its max, c = its header page (the
        # first mapping of the type); the next mapping would follow 4K + max.
        table = cap(MODULE, 10, "table", a="probe_table.bin", b=0x2000, c=0x700000000000)
        self.assertEqual(self.manifest.caps_of(probe), [
            cap(ENDPOINT, 8, "svc", a=1, b=0, c=R | W | G | P),
            cap(ENDPOINT, 9, "data", a=0, b=3, c=W),                  # rights send
            table,
        ])
        self.assertEqual(self.manifest.caps_of(probe2), [
            cap(ENDPOINT, 8, "svc", a=2, b=0, c=R | W | G | P),
            cap(ENDPOINT, 9, "data", a=0, b=4, c=W | P),              # default: call
            table,
        ])
        # guest: cache (4K) at 0x700000000000, then the module's header page
        # at 0x700000001000 and its 64M; the untyped a = log2(64M) = 26.
        self.assertEqual(self.manifest.caps_of(guest), [
            cap(ENDPOINT, 8, "root", a=0, b=1, c=W | P),
            cap(ENDPOINT, 9, "ping", a=1, b=0x1234, c=W | G | P),
            cap(SHARED, 10, "cache", a=0, b=R, c=0x700000000000),
            cap(UNTYPED, 11, "processes", a=26),
            cap(MODULE, 12, "rootfs", a="linux_root.tar", b=64 << 20, c=0x700000001000),
            cap(NOTIFICATION, 13, "timer"),
        ])

    def test_modules(self):
        # Distinct programs in manifest order (probe2 shares probe's), then
        # the distinct data modules in manifest order (probe and probe2 share one).
        self.assertEqual(self.modules, "disk.elf\nprobe_server.elf\nlinux_guest.elf\n"
                                       "probe_table.bin\nlinux_root.tar\n")


def main():
    global KDEPLOY, SOURCE_ROOT
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    KDEPLOY, SOURCE_ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == "__main__":
    main()
