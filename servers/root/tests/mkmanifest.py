#!/usr/bin/env python3
"""Writes a deployment manifest (lib/deploy/kumiki/manifest.h) from a small
JSON test description, for the root task's tests (the real tool is
tools/kdeploy).  It writes what it is told, valid or not: a broken test
description gives a broken manifest, which is the point of some tests.

usage: mkmanifest.py DESCRIPTION.json MANIFEST [--audit AUDIT_FILE]

Description:
  {"name": "demo", "endpoints": 1,
   "shared": [{"name": "buf", "size": 4096}],
   "components": [
     {"name": "srv", "program": "srv.elf", "args": "", "priority": 100,
      "restart": "never" | "on-fault", "foreign_abi": false,
      "radix": 8, "memory_bits": 20,
      "caps": [{"kind": "endpoint", "slot": 8, "name": "svc", "ep": 0, "badge": 0, "rights": "RWGP"},
               {"kind": "ioport", "slot": 9, "first": 128, "last": 128},
               {"kind": "irq", "slot": 10, "line": 5},
               {"kind": "mmio", "slot": 11, "paddr": ..., "size": ..., "vaddr": ...},
               {"kind": "dma", "slot": 12, "size": ..., "vaddr": ...},
               {"kind": "shared", "slot": 13, "region": 0, "rights": "RW", "vaddr": ...},
               {"kind": "notification", "slot": 14}]}],
   "raw": {"header.version": 2, ...}}     # optional: overwrite fields after layout

Components are written in the given order (the real tool sorts them by
priority).  Integers may be written as strings ("0x1000").  With --audit,
the AUDIT lines the root task must print for this deployment are written
too (the format at the end of manifest.h), from the declaration alone.
"""
import json
import struct
import sys

MAGIC = 0x314E414D4B494D55
HEADER = struct.Struct("<QIIIIIIIIIIII")
COMPONENT = struct.Struct("<IIIBBBBIIII")
CAP = struct.Struct("<IIIIQQQ")
SHARED = struct.Struct("<IIQ")
KINDS = {"endpoint": 1, "ioport": 2, "irq": 3, "mmio": 4, "dma": 5, "shared": 6, "notification": 7}
RIGHT_BITS = {"W": 1, "R": 2, "G": 4, "P": 8, "X": 16}


def num(v):
    return int(v, 0) if isinstance(v, str) else int(v)


def rights(text):
    if isinstance(text, int):
        return text
    return sum(RIGHT_BITS[ch] for ch in text if ch != "-")


def rights_text(bits):
    return "".join(ch if bits & RIGHT_BITS[ch] else "-" for ch in "RWGPX")


class Strings:
    def __init__(self):
        self.data = bytearray(b"\0")  # offset 0: the empty string
        self.offsets = {"": 0}

    def add(self, s):
        if s not in self.offsets:
            self.offsets[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.offsets[s]


def cap_fields(cap):
    kind = cap["kind"]
    if kind == "endpoint":
        return num(cap["ep"]), num(cap.get("badge", 0)), rights(cap.get("rights", "RWGP"))
    if kind == "ioport":
        return num(cap["first"]), num(cap["last"]), 0
    if kind == "irq":
        return num(cap["line"]), 0, 0
    if kind == "mmio":
        return num(cap["paddr"]), num(cap["size"]), num(cap["vaddr"])
    if kind == "dma":
        return num(cap["size"]), 0, num(cap["vaddr"])
    if kind == "shared":
        return num(cap["region"]), rights(cap.get("rights", "RW")), num(cap["vaddr"])
    return 0, 0, 0


def align8(n):
    return (n + 7) & ~7


def build(desc):
    strings = Strings()
    deployment = strings.add(desc["name"])
    comps, caps = [], []
    for c in desc["components"]:
        first = len(caps)
        for cap in c.get("caps", []):
            a, b, cc = cap_fields(cap)
            kind = KINDS.get(cap["kind"], num(cap.get("kind_number", 0)))
            caps.append((kind, num(cap["slot"]), strings.add(cap.get("name", cap["kind"])), 0, a, b, cc))
        restart = {"never": 0, "on-fault": 1}.get(c.get("restart", "never"), 9)
        comps.append((strings.add(c["name"]), strings.add(c["program"]), strings.add(c.get("args", "")),
                      num(c.get("priority", 100)), restart, 1 if c.get("foreign_abi") else 0,
                      num(c.get("radix", 8)), num(c.get("memory_bits", 20)), first, len(caps) - first, 0))
    shared = [(strings.add(s["name"]), 0, num(s["size"])) for s in desc.get("shared", [])]

    offset = HEADER.size
    comp_off = offset
    offset = align8(offset + COMPONENT.size * len(comps))
    cap_off = offset
    offset = align8(offset + CAP.size * len(caps))
    shared_off = offset
    offset = align8(offset + SHARED.size * len(shared))
    string_off = offset
    data = bytes(strings.data)
    total = align8(offset + len(data))
    data += b"\0" * (total - offset - len(data))  # padding: the table ends with NULs

    fields = {
        "magic": MAGIC, "version": 1, "total_size": total,
        "component_count": len(comps), "component_offset": comp_off,
        "cap_count": len(caps), "cap_offset": cap_off,
        "shared_count": len(shared), "shared_offset": shared_off,
        "string_size": len(data), "string_offset": string_off,
        "endpoint_count": num(desc.get("endpoints", 0)), "deployment_name": deployment,
    }
    raw = desc.get("raw", {})
    for key, value in raw.items():
        part, field = key.split(".", 1)
        if part == "header":
            fields[field] = num(value)
    out = bytearray(HEADER.pack(*fields.values()))
    out += b"\0" * (comp_off - len(out))
    for c in comps:
        out += COMPONENT.pack(*c)
    out += b"\0" * (cap_off - len(out))
    for cap in caps:
        out += CAP.pack(*cap)
    out += b"\0" * (shared_off - len(out))
    for s in shared:
        out += SHARED.pack(*s)
    out += b"\0" * (string_off - len(out))
    out += data
    return bytes(out)


def audit(desc):
    """The AUDIT lines for a valid description, from the declaration."""
    lines = ["AUDIT BEGIN " + desc["name"]]
    regions = desc.get("shared", [])
    for index, c in enumerate(desc["components"]):
        name = c["name"]
        rows = [(1, f"AUDIT {name} 1 endpoint -W-P- supervisor badge={index + 1}"),
                (2, f"AUDIT {name} 2 tcb RWGPX self"),
                (3, f"AUDIT {name} 3 cnode RWGPX self"),
                (4, f"AUDIT {name} 4 pml4 RWGPX self")]
        for cap in c.get("caps", []):
            slot, kind = num(cap["slot"]), cap["kind"]
            a, b, cc = cap_fields(cap)
            if kind == "endpoint":
                text = f"endpoint {rights_text(cc)} ep={a} badge=0x{b:x}"
            elif kind == "ioport":
                text = f"ioport RWGPX ports=0x{a:x}-0x{b:x}"
            elif kind == "irq":
                text = f"irq_handler RWGPX line={a}"
            elif kind == "mmio":
                text = f"frame RW--- mmio=0x{a:x}"
            elif kind == "dma":
                text = "frame RW--- dma"
            elif kind == "shared":
                text = f"frame {rights_text(b)} shared={regions[a]['name']}"
            else:
                text = "notification RW--- -"
            rows.append((slot, f"AUDIT {name} {slot} {text}"))
        lines += [text for _, text in sorted(rows)]
    lines.append("AUDIT END")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--audit"):
        sys.exit(__doc__)
    with open(argv[1]) as f:
        desc = json.load(f)
    with open(argv[2], "wb") as f:
        f.write(build(desc))
    if len(argv) == 5:
        with open(argv[4], "w") as f:
            f.write(audit(desc))


if __name__ == "__main__":
    main(sys.argv)
