#!/usr/bin/env python3
"""Boots the devstate motor_exit scenario (servers/devstate/motor_exit) with
two 1.44 MB floppy images and checks the I/O monitor's lines on the host.

Its clients end with motors on in their views, never switching them off nor
detaching (motor_client.c, "abandon"): client_1 exits with motor A on;
client_2 faults with A and B on, in each of its three runs.  Devstate must
let each ended client's view leave.  From the IOMON lines:

  - every record is there (sequence numbers 1, 2, 3, ... and no drop);
  - a view that leaves is recorded for its client as a detach (register 0,
    thread 0): client_1 once, client_2 once per run (three);
  - each client's view follows its DOR records and is empty once it has
    left (a restarted client starts again from an empty view); at every
    DOR read-back of the fdc driver, motor A runs exactly when some view has
    it on, and so does motor B — except while a leave that stops both
    motors is being applied (one motor after the other: the read-backs
    right after it may show either motor as it was before), which must end
    with a read-back that matches;
  - client_1 left while client_2 still had motor A on: its leave changed
    nothing on the device ('virtual'), and client_2 read drive A after it
    with the motor read back running;
  - client_2's last leave stopped the motors ('rewritten'), and the last
    read-back shows both motors off;
  - every transfer happens with its drive's motor running.

Every IOMON line must also be well formed for tools/iomon (its own parser).

usage: motor_exit_check.py WORKDIR RUNNER [runner arguments...]
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from motor_check import records, run_scenario  # noqa: E402

CLIENTS = ("client_1", "client_2")
DOR, FIFO = 0x3F2, 0x3F5


def is_leave(r):
    """A detach's record: register 0, value 0, for a client (thread 0)."""
    return r["who"] in CLIENTS and r["reg"] == 0 and r["value"] == 0 and r["outcome"] in ("virtual", "rewritten")


def check(lines):
    problems = []
    recs = [r for r in records(lines) if r["device"] == "fdc"]
    if not recs:
        return ["no IOMON lines"]
    if any(l.startswith("IOMON-DROPPED") for l in lines):
        problems.append("records were dropped: the check needs every one")
    seqs = sorted({r["seq"] for r in records(lines)})
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append("sequence numbers are not 1..%d without gaps" % len(seqs))
    view = {c: 0 for c in CLIENTS}
    real = None
    applying = None  # the merged motors before a leave whose changes are being applied
    leaves = {c: [] for c in CLIENTS}
    read_a_after_client_1_left = False
    for r in recs:
        who = r["who"]
        merged = sum(0x10 << d for d in (0, 1) if any(view[c] & (0x10 << d) for c in CLIENTS))
        if applying is not None and who != "fdc":
            problems.append("a leave's changes were never read back complete before: " + r["line"])
            applying = None
        if is_leave(r):
            leaves[who].append(r)
            if who == "client_1" and not view["client_2"] & 0x10:
                problems.append("client_1 left while client_2 did not have motor A on: the scenario "
                                "did not overlap: " + r["line"])
            view[who] = 0
            after = sum(0x10 << d for d in (0, 1) if any(view[c] & (0x10 << d) for c in CLIENTS))
            applying = merged if after != merged else None
        elif who in CLIENTS and r["reg"] == DOR and r["outcome"] in ("rewritten", "virtual"):
            view[who] = r["value"]
        elif who == "fdc" and r["reg"] == DOR and r["outcome"] == "forwarded":
            real = r["value"]
            if applying is not None and (real & 0x30) == merged:
                applying = None  # the leave is applied
            for d in (0, 1):
                bit = 0x10 << d
                wanted = any(view[c] & bit for c in CLIENTS)
                if applying is not None and bool(real & bit) == bool(applying & bit):
                    continue  # this motor not switched yet
                if bool(real & bit) != wanted:
                    problems.append("motor %s %s while the views say %s: %s" % (
                        "AB"[d], "runs" if real & bit else "is off", "on" if wanted else "off", r["line"]))
        elif who in CLIENTS and r["reg"] == FIFO and r["outcome"] == "forwarded":
            drive = r["value"] >> 32
            bit = 0x10 << drive
            if not view[who] & bit or real is None or not real & bit:
                problems.append("a transfer without the motor running: " + r["line"])
            if who == "client_2" and drive == 0 and leaves["client_1"] and len(leaves["client_2"]) == 0:
                read_a_after_client_1_left = True
    if len(leaves["client_1"]) != 1:
        problems.append("client_1's view left %d times, not once" % len(leaves["client_1"]))
    elif leaves["client_1"][0]["outcome"] != "virtual":
        problems.append("client_1's leave changed the device while client_2 had motor A on: " +
                        leaves["client_1"][0]["line"])
    if not read_a_after_client_1_left:
        problems.append("client_2 did not read drive A after client_1 had left")
    if len(leaves["client_2"]) != 3:
        problems.append("client_2's view left %d times, not once per run (3)" % len(leaves["client_2"]))
    elif leaves["client_2"][-1]["outcome"] != "rewritten":
        problems.append("client_2's last leave did not stop the motors: " + leaves["client_2"][-1]["line"])
    if real is None or real & 0x30:
        problems.append("the motors were not read back stopped at the end (DOR %s)" %
                        ("never read" if real is None else hex(real)))
    print("motor_exit_check: %d fdc records; leaves: client_1 %s, client_2 %s; last DOR %s" % (
        len(recs), [r["outcome"] for r in leaves["client_1"]], [r["outcome"] for r in leaves["client_2"]],
        hex(real) if real is not None else None))
    return problems


def main():
    return run_scenario("motor_exit_check", check,
                        "every ended client's view left; the motors stopped after the last")


if __name__ == "__main__":
    sys.exit(main())
