#!/usr/bin/env python3
"""Boots the devstate power scenario (servers/devstate/power) and checks, on
the host, what the I/O monitor streamed and what the root task printed.

The boot must end by ACPI power-off (QEMU status 0) with no FAILED line from
the scenario's programs.  Then, from the IOMON lines (iomon_line.h; the last
ones are printed by devstate itself just before the power-off, and the batch
its reader had not acknowledged may appear twice, identically):

  - the ring overflowed and said so: an IOMON-DROPPED line, and the records
    missing from the sequence are exactly the dropped total it reports;
  - voter_a and voter_b asked for S5 (PM1a_CNT 0x604, value 0x3400) and were
    told 'deferred'; busy asked last and its request was 'rewritten'; only
    then did the acpi driver write PM1a_CNT (a 'forwarded' record), once;
  - every request of the outsider (no view) is an error or refused, on
    device 'none';
and from the root task's lines: busy's priority moved from 100 by steps of
5, never outside 95..110, up to 110 and back down to 95.

Every IOMON line must also be well formed for tools/iomon (its own parser).

usage: power_check.py RUNNER [runner arguments...]
"""
import os
import re
import subprocess
import sys

# tools/iomon reads these logs: every IOMON line must be well formed for it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "iomon"))
from iolog.records import parse  # noqa: E402

LINE = re.compile(r"^IOMON (\d+) (\d+) (\S+) (\d+) (\S+) (0x[0-9a-f]+) (0x[0-9a-f]+) (\d+) (\d+) "
                  r"(forwarded|virtual|rewritten|refused|error|deferred)$")
DROPPED = re.compile(r"^IOMON-DROPPED (\d+)$")
PRIORITY = re.compile(r"^root: priority of 'busy' (\d+) -> (\d+) \(asked by 'devstate'\)$")
MIN, MAX, STEP, START = 95, 110, 5, 100


def check(lines):
    problems = ["a program failed: " + l for l in lines if re.match(r"^power_\w+: FAILED", l)]
    by_seq = {}
    dropped = None
    for line in lines:
        m = DROPPED.match(line)
        if m:
            dropped = int(m.group(1))
        m = LINE.match(line)
        if not m:
            continue
        seq = int(m.group(1))
        if seq in by_seq and by_seq[seq]["line"] != line:
            problems.append("record %d printed twice, differently" % seq)
        by_seq[seq] = {"seq": seq, "who": m.group(3), "device": m.group(5), "reg": int(m.group(6), 16),
                       "value": int(m.group(7), 16), "outcome": m.group(10), "line": line}
    recs = [by_seq[s] for s in sorted(by_seq)]
    if not recs:
        return problems + ["no IOMON lines"]
    gaps = recs[-1]["seq"] - len(recs)
    if not dropped:
        problems.append("no IOMON-DROPPED line with a nonzero total: the ring never overflowed")
    elif gaps != dropped:
        problems.append("%d records are missing from the sequence, but %d were reported dropped" % (gaps, dropped))

    def index(pred, what):
        found = [i for i, r in enumerate(recs) if pred(r)]
        if not found:
            problems.append("no record of " + what)
        return found

    asks = {}
    for voter in ("voter_a", "voter_b"):
        asks[voter] = index(lambda r, v=voter: r["who"] == v and r["device"] == "acpi" and r["reg"] == 0x604 and
                            r["value"] == 0x3400 and r["outcome"] == "deferred", voter + "'s deferred S5")
    last = index(lambda r: r["who"] == "busy" and r["reg"] == 0x604 and r["value"] == 0x2000 and
                 r["outcome"] == "rewritten", "busy's S5, rewritten")
    off = index(lambda r: r["who"] == "acpi" and r["reg"] == 0x604 and r["outcome"] == "forwarded",
                "the driver's write of PM1a_CNT")
    if len(off) > 1:
        problems.append("the driver wrote PM1a_CNT %d times" % len(off))
    if off and last and asks["voter_a"] and asks["voter_b"]:
        if not asks["voter_a"][0] < off[0] and asks["voter_b"][0] < off[0] and last[0] < off[0]:
            problems.append("the machine went off before all three had asked")
        if recs[off[0]]["value"] != 0x2000:
            problems.append("PM1a_CNT got 0x%x, not S5 (0x2000)" % recs[off[0]]["value"])
    outsider = [r for r in recs if r["who"] == "outsider"]
    if not outsider:
        problems.append("no record of the outsider's requests")
    for r in outsider:
        if r["outcome"] not in ("error", "refused") or r["device"] != "none":
            problems.append("the outsider got somewhere: " + r["line"])

    steps = [tuple(map(int, PRIORITY.match(l).groups())) for l in lines if PRIORITY.match(l)]
    now = START
    for before, after in steps:
        if before != now or abs(after - before) != STEP or not MIN <= after <= MAX:
            problems.append("priority step %d -> %d (was %d; steps of %d within %d..%d)" %
                            (before, after, now, STEP, MIN, MAX))
        now = after
    if MAX not in [a for _, a in steps] or now != MIN:
        problems.append("busy's priority did not go up to %d and down to %d: %s" % (MAX, MIN, steps))
    print("power_check: %d records (%d dropped), priority %s" %
          (len(recs), dropped or 0, " ".join(str(a) for _, a in steps)))
    return problems


def main():
    run = subprocess.run([sys.executable] + sys.argv[1:], stdout=subprocess.PIPE, text=True, errors="replace")
    sys.stdout.write(run.stdout)
    if run.returncode:
        print("power_check: the boot failed (status %d)" % run.returncode)
        return 1
    problems = check(run.stdout.splitlines())
    problems += ["tools/iomon finds line %d malformed: %s" % (m.line, m.message)
                 for m in parse(run.stdout.encode()).malformed]
    for p in problems:
        print("power_check: FAILED " + p)
    if not problems:
        print("power_check: off only when all three asked; overflow counted; priority within its bounds")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
