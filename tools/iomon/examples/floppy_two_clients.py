#!/usr/bin/env python3
"""Writes floppy-two-clients.log: a synthetic but realistic serial log of
the device-state server's monitor (the picture of docs/iomon.md).

    floppy_two_clients.py > floppy-two-clients.log

Two DOS clients share the floppy controller and alternate reads: dos1 reads
A, B, A, B while dos2 reads B, A, B, A.  A read (4 sectors) is a DOR write
selecting the drive with its motor on (0x1c for A, 0x2d for B: rewritten,
the controller gets the merge of both views), then per sector the MSR read,
the 9-byte READ DATA command and the 7 result bytes through the FIFO
(forwarded), and finally the client reading DOR back (virtual: it sees its
own view).  A read takes about 12M instructions and the clients start one
every 15M, so each client's own motor-off timer, which writes 0x0c 10M
instructions after its read, fires in the middle of the other client's
transfer: the write is rewritten and the motor keeps running (only the last
one stops it).  At the end
dos1 asks for power off (deferred: dos2 has not asked) and then dos2 asks
too (forwarded).  Times are guest instructions under -icount (1 ns each).
Kernel and driver lines are interleaved, as on a real serial port.
"""
import sys

BOOT = 1_843_200_000  # tsc of the first request: after boot and the DOS personalities start
M = 1_000_000
DOR, MSR, FIFO, PM1A_CNT = 0x3F2, 0x3F4, 0x3F5, 0x604
DOR_MOTOR_ON = {"A": 0x1C, "B": 0x2D}  # enable + DMA/IRQ, drive select, motor bit
DOR_MOTORS_OFF = 0x0C
READ_DATA = 0xE6  # MT, MFM, SK, READ DATA
THREADS = {"dos1": 12, "dos2": 14}
SECTORS = 4
MOTOR_OFF_DELAY = 10 * M
# (start in M instructions, client, drive)
READS = [(0, "dos1", "A"), (15, "dos2", "B"), (30, "dos1", "B"), (45, "dos2", "A"),
         (60, "dos1", "A"), (75, "dos2", "B"), (90, "dos1", "B"), (105, "dos2", "A")]
POWER = [(140, "dos1", "deferred"), (160, "dos2", "forwarded")]


def _read_requests(start, client, drive):
    """(tsc, client, device, register, value, count, size, outcome) of one read."""
    t = BOOT + start * M
    yield t, client, "fdc", DOR, DOR_MOTOR_ON[drive], 1, 1, "rewritten"
    for sector in range(SECTORS):
        at = t + 400_000 + sector * 3 * M  # the motor spins up, then one sector per 3M
        yield at, client, "fdc", MSR, 0x80, 1, 1, "forwarded"
        yield at + 21_000, client, "fdc", FIFO, READ_DATA, 9, 1, "forwarded"
        yield at + 2_600_000, client, "fdc", FIFO, 0x00 if drive == "A" else 0x01, 7, 1, "forwarded"
    end = t + 400_000 + SECTORS * 3 * M
    yield end, client, "fdc", DOR, DOR_MOTOR_ON[drive], 1, 1, "virtual"
    yield end + MOTOR_OFF_DELAY, client, "fdc", DOR, DOR_MOTORS_OFF, 1, 1, "rewritten"


def requests():
    every = [request for read in READS for request in _read_requests(*read)]
    every += [(BOOT + start * M, client, "power", PM1A_CNT, 0x2000, 1, 2, outcome)
              for start, client, outcome in POWER]
    return sorted(every)


def console(tsc):
    """Other output that lands on the serial port before tsc, if any."""
    lines = {BOOT: ["root: component 'devstate' started (devstate.elf, priority 150)",
                    "[con1] dos1: A:\\> type A:README.TXT",
                    "[con2] dos2: A:\\> type B:README.TXT"],
             BOOT + 140 * M: ["[con1] dos1: A:\\> poweroff"],
             BOOT + 160 * M: ["[con2] dos2: A:\\> poweroff",
                              "[kernel] info: acpi_power: S5 requested"]}
    return lines.get(tsc, [])


def main():
    out = ["Kumiki microkernel booting",
           "[kernel] info: timer: LAPIC at 0x00000000fee00000, 62900000 ticks/s (div 16), "
           "100 Hz periodic",
           "root: deployment 'devstate-floppy': 5 components, 4 endpoints, 0 shared regions"]
    for seq, (tsc, client, device, register, value, count, size, outcome) in enumerate(requests()):
        out += console(tsc)
        out.append(f"[con3] IOMON {seq} {tsc} {client} {THREADS[client]} {device} 0x{register:x} "
                   f"0x{value:x} {count} {size} {outcome}")
    out.append("[con3] IOMON-DROPPED 0")
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
