#!/usr/bin/env python3
"""iomon: the device-state server's I/O monitor log, read from a serial log
(docs/iomon.md).

    iomon.py [LOG] [--svg FILE] [--no-table] [--no-stats]

Reads LOG (a file; '-' or none: standard input), picks out the IOMON and
IOMON-DROPPED lines among everything else, and prints the requests as a
table, then per-device and per-client statistics and the drop counts.
--svg FILE also draws a per-client timeline and per-device bars.

Each malformed IOMON line is reported on stderr as "LOG:LINE: error: ..."
and counted; the rest of the log is still used.  Exit status: 0, or 1 when
a line was malformed or the log or the SVG could not be read or written.
A sequence number that goes back (the server started again) is a note on
stderr, not an error.  Only the Python standard library is needed.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # run from the source tree: leave no __pycache__ there
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from iolog import records, statistics, text, timeline  # noqa: E402


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="iomon", description="Print (and draw) the I/O monitor's log from a serial log.")
    parser.add_argument("log", nargs="?", default="-",
                        help="serial log file ('-' or none: standard input)")
    parser.add_argument("--svg", metavar="FILE", help="write the timeline and bars as SVG")
    parser.add_argument("--no-table", action="store_true", help="do not print the requests")
    parser.add_argument("--no-stats", action="store_true", help="do not print the statistics")
    return parser.parse_args(argv)


def _read(path):
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    with open(path, "rb") as source:
        return source.read(), path


def _report(name, log, stats):
    """Malformed lines (errors) and restarts (notes) on stderr, by line."""
    messages = [(entry.line, f"error: {entry.message}") for entry in log.malformed]
    messages += [(line, "note: sequence number not above the one before: the server started "
                        "again or lines are out of order; gaps are counted from here")
                 for line in stats.sequence_restarts]
    messages += [(line, "note: dropped total below the one before: the server started again")
                 for line in stats.drop_restarts]
    for line, message in sorted(messages):
        sys.stderr.write(f"{name}:{line}: {message}\n")
    if not log.records:
        sys.stderr.write(f"iomon: {name}: no IOMON records\n")


def main(argv):
    arguments = _arguments(argv)
    try:
        data, name = _read(arguments.log)
    except OSError as error:
        sys.stderr.write(f"iomon: cannot read '{arguments.log}': {error.strerror}\n")
        return 1
    log = records.parse(data)
    stats = statistics.compute(log)
    _report(name, log, stats)
    sections = []
    if not arguments.no_table:
        sections.append(text.log_table(log.records))
    if not arguments.no_stats:
        sections.append(text.statistics_lines(stats, len(log.malformed)))
    sys.stdout.write("\n".join("".join(line + "\n" for line in section) for section in sections))
    if arguments.svg:
        try:
            with open(arguments.svg, "w", encoding="utf-8") as picture:
                picture.write(timeline.render(log, stats))
        except OSError as error:
            sys.stderr.write(f"iomon: cannot write '{arguments.svg}': {error.strerror}\n")
            return 1
    return 1 if log.malformed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
