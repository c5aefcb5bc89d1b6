#!/usr/bin/env python3
"""Boots the devstate motor scenario (servers/devstate/motor) with two
1.44 MB floppy images and checks the I/O monitor's lines on the host.

The images hold pattern() (the same formula as motor_client.c).  The boot
must pass (the clients check their data and their views); then, from the
IOMON lines (the format of servers/devstate/iomon_line.h):

  - every record is there: sequence numbers 1, 2, 3, ... with no gap and no
    IOMON-DROPPED line;
  - each client's view of the motors follows its DOR records (device fdc,
    register 0x3f2); the real DOR is what the fdc driver read back
    (client 'fdc'): at every read-back, motor A runs exactly when some view
    has it on, and so does motor B — so the motor never stops while either
    client is in the middle of a transfer, and it does stop after both;
  - every transfer (register 0x3f5) happens while its client's view has
    that drive's motor on, and just after a read-back showing it running;
  - the scenario really overlapped: on each drive, a client switched its
    motor off while the other client still had it on, and the motor was
    read back running after that.

Every IOMON line must also be well formed for tools/iomon (its own parser).

usage: motor_check.py WORKDIR RUNNER [runner arguments...]
"""
import os
import re
import subprocess
import sys
import tempfile

# tools/iomon reads these logs: every IOMON line must be well formed for it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "iomon"))
from iolog.records import parse  # noqa: E402

SECTORS = 2880
CLIENTS = ("client_1", "client_2")
LINE = re.compile(r"^IOMON (\d+) (\d+) (\S+) (\d+) (\S+) (0x[0-9a-f]+) (0x[0-9a-f]+) (\d+) (\d+) "
                  r"(forwarded|virtual|rewritten|refused|error|deferred)$")


def pattern(drive, lba):
    head = bytes([lba & 0xFF, (lba >> 8) & 0xFF, (lba >> 16) & 0xFF, (lba >> 24) & 0xFF, ord("A") + drive])
    return head + bytes((lba * 13 + i + drive * 7) & 0xFF for i in range(5, 512))


def make_image(path, drive):
    with open(path, "wb") as f:
        for lba in range(SECTORS):
            f.write(pattern(drive, lba))


def records(lines):
    for line in lines:
        m = LINE.match(line)
        if m:
            seq, tsc, who, thread, device, reg, value, count, size, outcome = m.groups()
            yield {"seq": int(seq), "who": who, "device": device, "reg": int(reg, 16),
                   "value": int(value, 16), "count": int(count), "outcome": outcome, "line": line}


def check(lines):
    problems = []
    recs = list(records(lines))
    if not recs:
        return ["no IOMON lines"]
    if any(l.startswith("IOMON-DROPPED") for l in lines):
        problems.append("records were dropped: the check needs every one")
    seqs = [r["seq"] for r in recs]
    if seqs != list(range(1, len(recs) + 1)):
        problems.append("sequence numbers are not 1..%d without gaps" % len(recs))
    view = {c: 0 for c in CLIENTS}   # each client's DOR as it last wrote or read it
    real = None                      # the DOR as the driver last read it back
    overlaps = {0: 0, 1: 0}          # a motor-off by one client while the other had it on ...
    kept = {0: 0, 1: 0}              # ... followed by a read-back with the motor running
    pending = {0: False, 1: False}
    stopped = {0: 0, 1: 0}
    readbacks = 0
    for r in recs:
        if r["device"] != "fdc":
            continue
        if r["who"] in CLIENTS and r["reg"] == 0x3F2 and r["outcome"] in ("rewritten", "virtual"):
            before = view[r["who"]]
            view[r["who"]] = r["value"]
            other = CLIENTS[1 - CLIENTS.index(r["who"])]
            for d in (0, 1):
                bit = 0x10 << d
                if before & bit and not r["value"] & bit and view[other] & bit:
                    overlaps[d] += 1
                    pending[d] = True
        elif r["who"] == "fdc" and r["reg"] == 0x3F2 and r["outcome"] == "forwarded":
            real = r["value"]
            readbacks += 1
            for d in (0, 1):
                bit = 0x10 << d
                wanted = any(view[c] & bit for c in CLIENTS)
                if bool(real & bit) != wanted:
                    problems.append("motor %s %s while the views say %s: %s" % (
                        "AB"[d], "runs" if real & bit else "is off", "on" if wanted else "off", r["line"]))
                if pending[d] and real & bit:
                    kept[d] += 1
                    pending[d] = False
                if not real & bit and not wanted:
                    stopped[d] += 1
        elif r["who"] in CLIENTS and r["reg"] == 0x3F5 and r["outcome"] == "forwarded":
            drive = r["value"] >> 32
            bit = 0x10 << drive
            if not view[r["who"]] & bit or real is None or not real & bit:
                problems.append("a transfer without the motor running: " + r["line"])
    for d in (0, 1):
        if not overlaps[d] or not kept[d]:
            problems.append("drive %s: no client switched its motor off while the other was reading "
                            "(%d overlaps, %d read back running): the scenario did not overlap" %
                            ("AB"[d], overlaps[d], kept[d]))
        if not stopped[d]:
            problems.append("drive %s: the motor was never read back stopped" % "AB"[d])
    print("motor_check: %d records, %d DOR read-backs; overlaps A %d B %d, kept running A %d B %d, "
          "read back stopped A %d B %d" % (len(recs), readbacks, overlaps[0], overlaps[1], kept[0],
                                           kept[1], stopped[0], stopped[1]))
    return problems


def run_scenario(name, check_lines, success):
    """Boots RUNNER (argv) with the two floppy images and applies check_lines to its log: the
    exit status; name prefixes what it prints, success is printed when nothing failed."""
    workdir, runner, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(workdir, exist_ok=True)
    # Images of this run alone (runs may overlap: meson test --repeat), read
    # only (the scenario never writes; devstate refuses writes anyway).
    with tempfile.TemporaryDirectory(dir=workdir) as images:
        for index, drive in enumerate("AB"):
            image = os.path.join(images, drive + ".img")
            make_image(image, index)
            rest += ["--qemu-arg=-drive",
                     "--qemu-arg=file=%s,if=floppy,index=%d,format=raw,readonly=on" % (image, index)]
        run = subprocess.run([sys.executable, runner] + rest, stdout=subprocess.PIPE, text=True,
                             errors="replace")
    sys.stdout.write(run.stdout)
    if run.returncode:
        print("%s: the boot failed (status %d)" % (name, run.returncode))
        return 1
    problems = check_lines(run.stdout.splitlines())
    problems += ["tools/iomon finds line %d malformed: %s" % (m.line, m.message)
                 for m in parse(run.stdout.encode()).malformed]
    for p in problems:
        print("%s: FAILED %s" % (name, p))
    if not problems:
        print("%s: %s" % (name, success))
    return 1 if problems else 0


def main():
    return run_scenario("motor_check", check, "the motor ran exactly while some view had it on")


if __name__ == "__main__":
    sys.exit(main())
