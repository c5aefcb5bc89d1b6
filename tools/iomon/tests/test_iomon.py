#!/usr/bin/env python3
"""iomon on synthetic serial logs: which lines are records, the message of
every kind of malformed line, the table rows, the statistics numbers, the
drop counts (IOMON-DROPPED and sequence gaps), the SVG (well-formed XML,
one lane per client, names escaped), the command line, and a seeded
mutation run that must never raise.

usage: test_iomon.py IOMON.py
"""
import os
import random
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

IOMON = None
SVG = "{http://www.w3.org/2000/svg}"

# Line numbers matter: messages and gaps name them.
LOG = "\n".join([
    "Kumiki microkernel booting",                                       # 1
    "[con3] IOMON 0 1000 alpha 3 fdc 0x3f2 0x1c 1 1 rewritten",         # 2
    "[kernel] info: IOMONITOR is not a keyword, nor is XIOMON",         # 3
    "IOMON 1 1500 beta 4 fdc 0x3f5 0xe6 9 1 forwarded",                 # 4 no prefix
    "[con3] IOMON 2 2000 alpha 3 fdc 0x3f4 0x80 1 1 virtual",           # 5
    "devstate]IOMON\t3 2000 alpha 3 power 0x604 0x2000 1 2 deferred",   # 6 odd prefix, tab
    "[con3] IOMON 7 3000 beta 4 fdc 0x3f2 0xc 1 1 refused",             # 7 after a gap: 4..6
    "[con3] IOMON 7 oops",                                              # 8 malformed
    "[con3] IOMON-DROPPED 3",                                           # 9
    "[con1] dos1: iomon is lower case here",                            # 10
    "[con3] IOMON 8 4000 beta 4 power 0x604 0x2000 1 2 forwarded\r",    # 11 CRLF
    "[con3] IOMON 10 5000 alpha 3 fdc 0x3F5 0x0 7 1 error",             # 12 after a gap: 9
    "[con3] IOMON 11 6000 alpha 3 fdc 0x3f5 0x1ff 1 1 forwarded",       # 13 malformed value
]) + "\n"

TABLE = [
    "seq  time  client  thread  device  register  data    count  size  outcome",
    "  0  1000  alpha        3  fdc     0x3f2     0x1c        1     1  rewritten",
    "  1  1500  beta         4  fdc     0x3f5     0xe6        9     1  forwarded",
    "  2  2000  alpha        3  fdc     0x3f4     0x80        1     1  virtual",
    "  3  2000  alpha        3  power   0x604     0x2000      1     2  deferred",
    "  7  3000  beta         4  fdc     0x3f2     0xc         1     1  refused",
    "  8  4000  beta         4  power   0x604     0x2000      1     2  forwarded",
    " 10  5000  alpha        3  fdc     0x3f5     0x0         7     1  error",
]

STATISTICS = [
    "7 requests from tsc 1000 to 5000: 4000 guest instructions; "
    "rate/M is requests per million of them",
    "",
    "device  requests  bytes  rate/M  forwarded  virtual  rewritten  refused  error  deferred",
    "fdc            5     19    1250          1        1          1        1      1         0",
    "power          2      4     500          1        0          0        0      0         1",
    "all            7     23    1750          2        1          1        1      1         1",
    "",
    "client  requests  bytes  rate/M  forwarded  virtual  rewritten  refused  error  deferred",
    "alpha          4     11    1000          0        1          1        0      1         1",
    "beta           3     12     750          2        0          0        1      0         0",
    "all            7     23    1750          2        1          1        1      1         1",
    "",
    "dropped by the ring (IOMON-DROPPED): 3",
    "missing sequence numbers: 4 (4..6 before line 7; 9 before line 12)",
    "malformed IOMON lines: 2",
]

GOOD = "IOMON 1 2 a 3 d 0x1 0x1 1 1 forwarded"
FIELDS = "(seq tsc client thread device register value count size outcome)"
# (line after the prefix, the message it must give)
MALFORMED = [
    ("IOMON", f"expected 10 fields after IOMON {FIELDS}, found 0"),
    ("IOMON 1 2 a 3 d 0x1 0x1 1 1", f"expected 10 fields after IOMON {FIELDS}, found 9"),
    (GOOD + " extra", f"expected 10 fields after IOMON {FIELDS}, found 11"),
    ("IOMON x 2 a 3 d 0x1 0x1 1 1 forwarded", "seq 'x' is not a decimal number"),
    ("IOMON -1 2 a 3 d 0x1 0x1 1 1 forwarded", "seq '-1' is not a decimal number"),
    ("IOMON 1 18446744073709551616 a 3 d 0x1 0x1 1 1 forwarded",
     "tsc 18446744073709551616 does not fit in 64 bits"),
    ("IOMON 1 2 a 3.5 d 0x1 0x1 1 1 forwarded", "thread '3.5' is not a decimal number"),
    ("IOMON 1 2 a 3 d 3f2 0x1 1 1 forwarded",
     "register '3f2' is not a 0x-prefixed hex number of at most 16 digits"),
    ("IOMON 1 2 a 3 d 0x1 0x10000000000000000 1 8 forwarded",
     "value '0x10000000000000000' is not a 0x-prefixed hex number of at most 16 digits"),
    ("IOMON 1 2 a 3 d 0x1 0xg 1 1 forwarded",
     "value '0xg' is not a 0x-prefixed hex number of at most 16 digits"),
    ("IOMON 1 2 a 3 d 0x1 0x100 1 1 forwarded", "value 0x100 does not fit in 1 byte"),
    ("IOMON 1 2 a 3 d 0x1 0x10000 1 2 forwarded", "value 0x10000 does not fit in 2 bytes"),
    ("IOMON 1 2 a 3 d 0x1 0x1 0 1 forwarded", "count 0: a request moves at least one item"),
    ("IOMON 1 2 a 3 d 0x1 0x1 1 0 forwarded", "size 0: an access is at least one byte"),
    ("IOMON 1 2 a 3 d 0x1 0x1 1 1 sent",
     "outcome 'sent' is not one of forwarded, virtual, rewritten, refused, error, deferred"),
    ("IOMON 1 2 a 3 d 0x1 0x1 1 1 Forwarded",
     "outcome 'Forwarded' is not one of forwarded, virtual, rewritten, refused, error, deferred"),
    ("IOMON 1 2 " + "n" * 65 + " 3 d 0x1 0x1 1 1 forwarded",
     "client name '" + "n" * 40 + "...' is longer than 64 characters"),
    ("IOMON 1 2 a 3 d\u00e9v 0x1 0x1 1 1 forwarded",
     "device name 'd\\xe9v' has characters other than printable ASCII"),
    ("IOMON 1 2 a\x1b[31m 3 d 0x1 0x1 1 1 forwarded",
     "client name 'a\\x1b[31m' has characters other than printable ASCII"),
    ("IOMON " + "9" * 5000 + " 2 a 3 d 0x1 0x1 1 1 forwarded",
     "seq '" + "9" * 40 + "...' is not a decimal number"),
    ("IOMON5 1 2", "'IOMON5' is neither IOMON nor IOMON-DROPPED"),
    ("IOMON-DROPPEDX 4", "'IOMON-DROPPEDX' is neither IOMON nor IOMON-DROPPED"),
    ("IOMON-DROPPED", "expected 1 field after IOMON-DROPPED (total-dropped), found 0"),
    ("IOMON-DROPPED 1 2", "expected 1 field after IOMON-DROPPED (total-dropped), found 2"),
    ("IOMON-DROPPED -3", "total-dropped '-3' is not a decimal number"),
    # Two records run together (a lost newline).
    (GOOD + "[con3] " + GOOD, f"expected 10 fields after IOMON {FIELDS}, found 21"),
]


def load_package():
    sys.path.insert(0, os.path.dirname(os.path.abspath(IOMON)))
    global records, statistics, text, timeline  # pylint: disable=global-statement
    from iolog import records, statistics, text, timeline  # noqa: E402,F401


def iomon(*args, stdin=None):
    return subprocess.run([sys.executable, IOMON, *args], input=stdin, capture_output=True,
                          check=False)


def parse(log_text):
    return records.parse(log_text.encode("utf-8"))


class Lines(unittest.TestCase):
    def test_records_among_other_lines(self):
        log = parse(LOG)
        self.assertEqual(log.lines, 13)
        self.assertEqual([record.line for record in log.records], [2, 4, 5, 6, 7, 11, 12])
        self.assertEqual([(report.line, report.total) for report in log.drop_reports], [(9, 3)])
        self.assertEqual([(entry.line, entry.message) for entry in log.malformed], [
            (8, f"expected 10 fields after IOMON {FIELDS}, found 2"),
            (13, "value 0x1ff does not fit in 1 byte")])

    def test_fields(self):
        record = parse("[con3] IOMON 3 2000 alpha 3 power 0x604 0x2000 1 2 deferred\n").records[0]
        self.assertEqual(record, records.Record(
            line=1, seq=3, tsc=2000, client="alpha", thread=3, device="power", register=0x604,
            value=0x2000, count=1, size=2, outcome="deferred"))
        self.assertEqual(record.bytes, 2)

    def test_every_outcome_and_limits(self):
        for outcome in records.OUTCOMES:
            log = parse(f"IOMON 1 2 a 3 d 0x1 0x1 1 1 {outcome}")
            self.assertEqual((len(log.records), log.malformed), (1, []), outcome)
        top = parse("IOMON 18446744073709551615 18446744073709551615 a 1 d 0xffffffffffffffff "
                    "0xffffffffffffffff 1 8 error").records[0]
        self.assertEqual((top.seq, top.tsc, top.value), (2**64 - 1,) * 3)
        # Beyond 8 bytes an access is a block: its value is not bounded by its size.
        block = parse("IOMON 1 2 a 3 d 0x1 0xffffffff 2 512 forwarded").records[0]
        self.assertEqual(block.bytes, 1024)

    def test_each_malformed_line(self):
        for line, message in MALFORMED:
            with self.subTest(line=line[:60]):
                log = parse(f"boot\n[con3] {line}\n")
                self.assertEqual((log.records, log.drop_reports), ([], []))
                self.assertEqual([(entry.line, entry.message) for entry in log.malformed],
                                 [(2, message)])

    def test_bytes_that_are_not_utf8(self):
        log = records.parse(b"\xff\xfe noise\n[con3] IOMON 1 2 a\xff 3 d 0x1 0x1 1 1 forwarded\n")
        self.assertEqual([(entry.line, entry.message) for entry in log.malformed],
                         [(2, "client name 'a\\ufffd' has characters other than printable ASCII")])

    def test_line_numbers_count_newlines_only(self):
        # A form feed or a vertical tab does not end a line (str.splitlines would say so).
        log = parse("a\x0cb\x0bc\nIOMON 1 2 a 3 d 0x1 0x1 1 1 forwarded\n")
        self.assertEqual([record.line for record in log.records], [2])


class Numbers(unittest.TestCase):
    def test_table_rows(self):
        self.assertEqual(text.log_table(parse(LOG).records), TABLE)

    def test_statistics(self):
        log = parse(LOG)
        stats = statistics.compute(log)
        self.assertEqual(text.statistics_lines(stats, len(log.malformed)), STATISTICS)
        fdc = stats.devices[0]
        self.assertEqual((fdc.name, fdc.requests, fdc.bytes, fdc.rate), ("fdc", 5, 19, 1250.0))
        self.assertEqual([(gap.after, gap.before, gap.missing) for gap in stats.gaps],
                         [(3, 7, 3), (8, 10, 1)])

    def test_restarts(self):
        log = parse("\n".join([
            "IOMON-DROPPED 5",
            "IOMON 4 10 a 1 d 0x1 0x1 1 1 forwarded",
            "IOMON 6 20 a 1 d 0x1 0x1 1 1 forwarded",   # 5 missing
            "IOMON-DROPPED 7",
            "IOMON 0 30 a 1 d 0x1 0x1 1 1 forwarded",   # the server started again
            "IOMON-DROPPED 2",                          # its own count: 7 + 2 in all
            "IOMON 2 40 a 1 d 0x1 0x1 1 1 forwarded",   # 1 missing
            "IOMON 2 50 a 1 d 0x1 0x1 1 1 forwarded",   # repeated
        ]))
        stats = statistics.compute(log)
        self.assertEqual((stats.ring_dropped, stats.missing), (9, 2))
        self.assertEqual((stats.sequence_restarts, stats.drop_restarts), ([5, 8], [6]))

    def test_no_span_no_rate(self):
        stats = statistics.compute(parse("IOMON 1 7 a 3 d 0x1 0x1 1 1 forwarded"))
        self.assertEqual((stats.span, stats.total.rate), (0, None))
        self.assertEqual(text.totals_table("client", stats.clients, stats.total)[1].split(),
                         ["a", "1", "1", "-", "1", "0", "0", "0", "0", "0"])

    def test_empty_log(self):
        log = parse("nothing here\n")
        stats = statistics.compute(log)
        self.assertEqual((stats.total.requests, stats.devices, stats.clients, stats.missing),
                         (0, [], [], 0))


def svg_of(log_text):
    log = parse(log_text)
    return ET.fromstring(timeline.render(log, statistics.compute(log)))


class Picture(unittest.TestCase):
    def test_lanes_marks_bars(self):
        root = svg_of(LOG)
        self.assertEqual(root.tag, SVG + "svg")
        lanes = root.findall(f".//{SVG}g[@class='lane']")
        self.assertEqual([lane.get("data-client") for lane in lanes], ["alpha", "beta"])
        self.assertEqual([lane.find(SVG + "text").text for lane in lanes], ["alpha", "beta"])
        marks = [[mark.find(SVG + "title").text for mark in lane.findall(f"*[@class='mark']")]
                 for lane in lanes]
        self.assertEqual([len(lane) for lane in marks], [4, 3])
        self.assertEqual(marks[1][0], "seq 1, tsc 1500: beta thread 4, fdc register 0x3f5 "
                                      "value 0xe6, count 9 size 1, forwarded")
        bars = root.findall(f".//{SVG}g[@class='bar']")
        self.assertEqual([bar.get("data-device") for bar in bars], ["fdc", "power"])
        self.assertEqual([t.text for t in bars[0].findall(SVG + "text")], [
            "fdc", "5 requests, 19 bytes, 1250 per M instructions",
            "forwarded 1, virtual 1, rewritten 1, refused 1, error 1"])
        self.assertEqual(root.find(f".//{SVG}text[@class='drops']").text,
                         "dropped by the ring (IOMON-DROPPED): 3; missing sequence numbers: 4; "
                         "malformed IOMON lines: 2")

    def test_marks_in_time_order_along_the_axis(self):
        lane = svg_of(LOG).findall(f".//{SVG}g[@class='lane']")[0]
        xs = []
        for mark in lane.findall("*[@class='mark']"):
            if mark.get("x") is not None:
                xs.append(float(mark.get("x")) + float(mark.get("width")) / 2)
            elif mark.get("cx") is not None:
                xs.append(float(mark.get("cx")))
            else:  # polygon: its first point is on the centre line
                xs.append(float(mark.get("points").split(",")[0]))
        self.assertEqual(xs, sorted(xs))
        self.assertLess(xs[0], xs[-1])

    def test_names_are_escaped(self):
        nasty = "<a&b\"c'>"
        root = svg_of(f"IOMON 1 10 {nasty} 1 {nasty}dev 0x1 0x1 1 1 forwarded\n"
                      f"IOMON 2 20 ]]> 1 x 0x1 0x1 1 1 forwarded\n")
        lanes = root.findall(f".//{SVG}g[@class='lane']")
        self.assertEqual([lane.get("data-client") for lane in lanes], [nasty, "]]>"])
        self.assertEqual(lanes[0].find(SVG + "text").text, nasty)
        self.assertEqual(root.findall(f".//{SVG}g[@class='bar']")[0].get("data-device"),
                         nasty + "dev")

    def test_one_lane_per_client_many(self):
        lines = [f"IOMON {n} {n * 100} client{n % 7} {n} dev{n % 3} 0x1 0x1 1 1 "
                 f"{records.OUTCOMES[n % 6]}" for n in range(70)]
        root = svg_of("\n".join(lines))
        self.assertEqual(len(root.findall(f".//{SVG}g[@class='lane']")), 7)
        self.assertEqual(len(root.findall(f".//{SVG}*[@class='mark']")), 70)

    def test_long_name_cut_in_label_not_in_title(self):
        name = "c" * 64
        root = svg_of(f"IOMON 1 10 {name} 1 d 0x1 0x1 1 1 forwarded")
        lane = root.find(f".//{SVG}g[@class='lane']")
        self.assertEqual(lane.find(SVG + "text").text, "c" * 21 + "...")
        self.assertIn(name, lane.find(f"*[@class='mark']/{SVG}title").text)

    def test_empty_log_is_still_a_picture(self):
        root = svg_of("no records\n")
        self.assertEqual(root.findall(f".//{SVG}g[@class='lane']"), [])
        self.assertIn("no IOMON records in the log", [t.text for t in root.iter(SVG + "text")])

    def test_axis_ticks(self):
        self.assertEqual([timeline.nice_step(span) for span in (1, 7, 80, 160_000_000, 10**12)],
                         [1, 1, 10, 20_000_000, 200_000_000_000])
        self.assertEqual([timeline.tick_label(value, 160_000_000)
                          for value in (0, 20_000_000, 2_500_000)], ["0", "20M", "2.5M"])
        self.assertEqual(timeline.tick_label(500, 900), "500")

    def test_same_log_same_bytes(self):
        log = parse(LOG)
        self.assertEqual(timeline.render(log, statistics.compute(log)),
                         timeline.render(log, statistics.compute(log)))


class CommandLine(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.log = os.path.join(self.directory.name, "serial.log")
        with open(self.log, "w", encoding="utf-8") as output:
            output.write(LOG)

    def test_file_with_malformed_lines(self):
        svg = os.path.join(self.directory.name, "out.svg")
        result = iomon(self.log, "--svg", svg)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout.decode().splitlines(), TABLE + [""] + STATISTICS)
        self.assertEqual(result.stderr.decode().splitlines(), [
            f"{self.log}:8: error: expected 10 fields after IOMON {FIELDS}, found 2",
            f"{self.log}:13: error: value 0x1ff does not fit in 1 byte"])
        self.assertEqual(len(ET.parse(svg).getroot().findall(f".//{SVG}g[@class='lane']")), 2)

    def test_clean_log_from_stdin(self):
        clean = "".join(line + "\n" for line in LOG.splitlines() if "oops" not in line
                        and "0x1ff" not in line)
        result = iomon("--no-table", stdin=clean.encode())
        self.assertEqual((result.returncode, result.stderr), (0, b""))
        self.assertEqual(result.stdout.decode().splitlines()[-1], "malformed IOMON lines: 0")
        result = iomon("-", "--no-stats", stdin=clean.encode())
        self.assertEqual(result.stdout.decode().splitlines(), TABLE)

    def test_notes_for_restarts(self):
        result = iomon(stdin=b"IOMON 4 1 a 1 d 0x1 0x1 1 1 forwarded\n"
                             b"IOMON 0 2 a 1 d 0x1 0x1 1 1 forwarded\n")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stderr.decode(),
                         "<stdin>:2: note: sequence number not above the one before: the server "
                         "started again or lines are out of order; gaps are counted from here\n")

    def test_no_records(self):
        result = iomon(stdin=b"just a boot\n")
        self.assertEqual((result.returncode, result.stderr.decode()),
                         (0, "iomon: <stdin>: no IOMON records\n"))

    def test_unreadable_and_unwritable(self):
        result = iomon("no/such.log")
        self.assertEqual((result.returncode, result.stderr.decode()),
                         (1, "iomon: cannot read 'no/such.log': No such file or directory\n"))
        result = iomon(self.log, "--svg", "/nonexistent/dir/out.svg")
        self.assertEqual(result.returncode, 1)
        self.assertIn("iomon: cannot write '/nonexistent/dir/out.svg': No such file or directory",
                      result.stderr.decode())

    def test_binary_garbage_is_no_traceback(self):
        garbage = bytes(random.Random(7).randrange(256) for _ in range(20000))
        result = iomon(stdin=garbage + b"\nIOMON \x00\xff 1\n")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn(b"Traceback", result.stderr)
        self.assertIn(b"error: expected 10 fields after IOMON", result.stderr)


class Mutations(unittest.TestCase):
    """Seeded random damage to good lines (what a noisy serial port does):
    the parser must never raise, and every line naming IOMON must end up
    as exactly one record, drop report or malformed entry."""

    def test_mutated_lines(self):
        rng = random.Random(20240607)
        alphabet = "IOMN-DRPE 0123456789abcdefx\t[]<>&\"'\x00\x1b\xff\u00e9"
        good = [line for line in LOG.splitlines() if "IOMON" in line]
        lines = []
        for _ in range(3000):
            line = list(rng.choice(good))
            for _ in range(rng.randrange(1, 4)):
                position = rng.randrange(len(line) + 1)
                action = rng.randrange(3)
                if action == 0 and position < len(line):
                    del line[position]
                elif action == 1:
                    line.insert(position, rng.choice(alphabet))
                elif position < len(line):
                    line[position] = rng.choice(alphabet)
            lines.append("".join(line).replace("\n", " ").replace("\r", " "))
        log = records.parse("\n".join(lines).encode("utf-8", errors="surrogateescape"))
        keyworded = sum(1 for line in lines if records._KEYWORD.search(line))
        self.assertEqual(len(log.records) + len(log.drop_reports) + len(log.malformed), keyworded)
        self.assertGreater(len(log.malformed), 1000)
        self.assertGreater(len(log.records), 100)
        stats = statistics.compute(log)
        ET.fromstring(timeline.render(log, stats))  # still well-formed
        text.log_table(log.records)


if __name__ == "__main__":
    IOMON = sys.argv.pop(1)
    load_package()
    unittest.main()
