"""Counts over a parsed log: per device, per client, and what was dropped.

Rates are requests per million guest instructions over the span of the
whole log (first to last record's tsc, which under -icount counts guest
instructions), the same span for every device and client so that rates can
be compared and added.  A log of one instant (a single record) has no rate.

Drops are counted two ways, because they are seen two ways:
  - the ring's own count, from IOMON-DROPPED lines: a running total, so the
    last one counts; a total smaller than the one before means the server
    started again, and the totals of its runs add up;
  - sequence numbers missing between two consecutive records (a gap).  A
    sequence number not above the one before also means the server started
    again (or lines came out of order): counting restarts there, and the
    line is noted.  Numbers missing before the first record are not counted:
    where the numbering starts is the server's business.
"""
from dataclasses import dataclass, field

from .records import OUTCOMES


@dataclass
class Totals:
    """Requests, bytes and outcomes of one device, one client, or all."""
    name: str
    requests: int = 0
    bytes: int = 0
    outcomes: dict = field(default_factory=lambda: {outcome: 0 for outcome in OUTCOMES})
    rate: float = None  # requests per million instructions, None without a span

    def add(self, record):
        self.requests += 1
        self.bytes += record.bytes
        self.outcomes[record.outcome] += 1


@dataclass(frozen=True)
class Gap:
    line: int  # the record after the gap
    after: int  # sequence numbers after..before (exclusive) are missing
    before: int

    @property
    def missing(self):
        return self.before - self.after - 1


@dataclass
class Statistics:
    first_tsc: int
    last_tsc: int
    devices: list  # Totals, by name
    clients: list  # Totals, by name
    total: Totals
    ring_dropped: int  # from IOMON-DROPPED lines
    gaps: list  # Gap
    sequence_restarts: list  # line numbers of records whose seq is not above the one before
    drop_restarts: list  # line numbers of IOMON-DROPPED totals below the one before

    @property
    def span(self):
        return self.last_tsc - self.first_tsc

    @property
    def missing(self):
        return sum(gap.missing for gap in self.gaps)


def _group(records, key, per_million):
    groups = {}
    for record in records:
        groups.setdefault(key(record), Totals(key(record))).add(record)
    totals = [groups[name] for name in sorted(groups)]
    for entry in totals:
        entry.rate = None if per_million is None else entry.requests * per_million
    return totals


def _sequence(records):
    gaps, restarts = [], []
    for previous, record in zip(records, records[1:]):
        if record.seq <= previous.seq:
            restarts.append(record.line)
        elif record.seq > previous.seq + 1:
            gaps.append(Gap(record.line, previous.seq, record.seq))
    return gaps, restarts


def _ring_dropped(drop_reports):
    """The sum over the server's runs of each run's last total."""
    dropped, current, restarts = 0, 0, []
    for report in drop_reports:
        if report.total < current:
            dropped += current
            restarts.append(report.line)
        current = report.total
    return dropped + current, restarts


def compute(log):
    records = log.records
    first = min((record.tsc for record in records), default=0)
    last = max((record.tsc for record in records), default=0)
    per_million = 1e6 / (last - first) if last > first else None
    total = Totals("all")
    for record in records:
        total.add(record)
    total.rate = None if per_million is None else total.requests * per_million
    gaps, sequence_restarts = _sequence(records)
    ring_dropped, drop_restarts = _ring_dropped(log.drop_reports)
    return Statistics(
        first_tsc=first, last_tsc=last,
        devices=_group(records, lambda record: record.device, per_million),
        clients=_group(records, lambda record: record.client, per_million),
        total=total, ring_dropped=ring_dropped, gaps=gaps,
        sequence_restarts=sequence_restarts, drop_restarts=drop_restarts)
