"""The log and its statistics as plain-text tables (what iomon prints)."""
from .records import OUTCOMES

TABLE_HEADER = ("seq", "time", "client", "thread", "device", "register", "data", "count", "size",
                "outcome")
# True: right-aligned (numbers); False: left-aligned (names).
_TABLE_RIGHT = (True, True, False, True, False, False, False, True, True, False)
_TOTALS_HEADER = ("requests", "bytes", "rate/M") + OUTCOMES
GAPS_LISTED = 10


def columns(header, rows, right):
    """Lines of a table: columns two spaces apart, each as wide as its
    widest cell; no trailing spaces."""
    widths = [max(len(row[index]) for row in [header] + rows) for index in range(len(header))]
    lines = []
    for row in [header] + rows:
        cells = [cell.rjust(width) if align else cell.ljust(width)
                 for cell, width, align in zip(row, widths, right)]
        lines.append("  ".join(cells).rstrip())
    return lines


def table_rows(records):
    """One row of cells per record, in log order."""
    return [(str(record.seq), str(record.tsc), record.client, str(record.thread), record.device,
             f"0x{record.register:x}", f"0x{record.value:x}", str(record.count),
             str(record.size), record.outcome) for record in records]


def log_table(records):
    return columns(TABLE_HEADER, table_rows(records), _TABLE_RIGHT)


def rate_text(rate):
    return "-" if rate is None else f"{rate:.4g}"


def _totals_row(totals):
    return ((totals.name, str(totals.requests), str(totals.bytes), rate_text(totals.rate))
            + tuple(str(totals.outcomes[outcome]) for outcome in OUTCOMES))


def totals_table(kind, entries, total):
    rows = [_totals_row(entry) for entry in entries] + [_totals_row(total)]
    return columns((kind,) + _TOTALS_HEADER, rows, (False,) + (True,) * len(_TOTALS_HEADER))


def gaps_text(gaps):
    listed = [f"{gap.after + 1}..{gap.before - 1} before line {gap.line}"
              if gap.missing > 1 else f"{gap.after + 1} before line {gap.line}"
              for gap in gaps[:GAPS_LISTED]]
    if len(gaps) > GAPS_LISTED:
        listed.append(f"and {len(gaps) - GAPS_LISTED} more gaps")
    return "; ".join(listed)


def statistics_lines(stats, malformed_count):
    lines = [f"{stats.total.requests} requests from tsc {stats.first_tsc} to {stats.last_tsc}: "
             f"{stats.span} guest instructions; rate/M is requests per million of them", ""]
    lines += totals_table("device", stats.devices, stats.total) + [""]
    lines += totals_table("client", stats.clients, stats.total) + [""]
    lines.append(f"dropped by the ring (IOMON-DROPPED): {stats.ring_dropped}")
    missing = f"missing sequence numbers: {stats.missing}"
    if stats.gaps:
        missing += f" ({gaps_text(stats.gaps)})"
    lines.append(missing)
    lines.append(f"malformed IOMON lines: {malformed_count}")
    return lines
