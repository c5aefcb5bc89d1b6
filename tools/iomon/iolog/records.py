"""IOMON lines found in a serial log and validated.

The device-state server streams its monitor ring over the serial port, one
line per recorded I/O request and, from time to time, the ring's drop count:

    IOMON <seq> <tsc> <client> <thread> <device> <register> <value> <count> <size> <outcome>
    IOMON-DROPPED <total-dropped>

Fields are separated by white space; seq, tsc, thread, count and size are
decimal, register and value 0x-prefixed hex, client and device names of
printable ASCII without spaces, outcome one of OUTCOMES.  These lines share
the port with everything else (kernel messages, other programs), and the
serial driver may put a prefix such as "[con3] " before them, so a line is
an IOMON line when the word IOMON appears in it (not as the tail of a longer
word such as IOMONITOR); whatever precedes the word is ignored, everything
after it must be well formed.  The serial port is the least trusted input
there is (a line can be cut or interleaved with another), so every field is
checked and a bad line becomes a Malformed entry with its line number, never
an exception.
"""
import re
from dataclasses import dataclass

OUTCOMES = ("forwarded", "virtual", "rewritten", "refused", "error", "deferred")
FIELDS = ("seq", "tsc", "client", "thread", "device", "register", "value", "count", "size",
          "outcome")
U64_MAX = (1 << 64) - 1
NAME_MAX = 64
SHOWN_MAX = 40  # characters of a bad field quoted in its message

# IOMON not preceded by a letter, digit or underscore nor followed by a letter
# or underscore: "[con3] IOMON" and "]IOMON" are IOMON lines, the words
# "XIOMON" and "IOMONITOR" are not; "IOMON5" is (a damaged one).
_KEYWORD = re.compile(r"(?<![A-Za-z0-9_])IOMON(?![A-Za-z_])")
_DECIMAL = re.compile(r"[0-9]{1,20}")
_HEX = re.compile(r"0x[0-9a-fA-F]{1,16}")
_NAME = re.compile(r"[!-~]+")  # printable ASCII, no space


@dataclass(frozen=True)
class Record:
    """One I/O request as the monitor recorded it."""
    line: int  # 1-based line number in the log
    seq: int
    tsc: int  # guest instructions under -icount
    client: str
    thread: int
    device: str
    register: int  # the port or register number
    value: int
    count: int  # repetitions (a string instruction's count)
    size: int  # bytes per access
    outcome: str

    @property
    def bytes(self):
        return self.count * self.size


@dataclass(frozen=True)
class DropReport:
    """An IOMON-DROPPED line: how many records the ring has dropped so far."""
    line: int
    total: int


@dataclass(frozen=True)
class Malformed:
    line: int
    message: str


@dataclass
class Log:
    records: list
    drop_reports: list
    malformed: list
    lines: int  # lines read, IOMON or not


class _Bad(Exception):
    """A field is wrong; the message says which and why."""


def _shown(text):
    """A field as quoted in a message: escaped (a serial log can hold any
    byte) and cut, so that one bad line gives one readable message."""
    return ascii(text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "...")


def _decimal(field, text):
    if not _DECIMAL.fullmatch(text):
        raise _Bad(f"{field} {_shown(text)} is not a decimal number")
    value = int(text)
    if value > U64_MAX:
        raise _Bad(f"{field} {text} does not fit in 64 bits")
    return value


def _hex(field, text):
    # The length bound (16 digits) also keeps int() away from huge inputs.
    if not _HEX.fullmatch(text):
        raise _Bad(f"{field} {_shown(text)} is not a 0x-prefixed hex number of at most 16 digits")
    return int(text, 16)


def _name(field, text):
    if not _NAME.fullmatch(text):
        raise _Bad(f"{field} name {_shown(text)} has characters other than printable ASCII")
    if len(text) > NAME_MAX:
        raise _Bad(f"{field} name {_shown(text)} is longer than {NAME_MAX} characters")
    return text


def _record(number, words):
    if len(words) != len(FIELDS):
        raise _Bad(f"expected {len(FIELDS)} fields after IOMON ({' '.join(FIELDS)}), "
                   f"found {len(words)}")
    seq, tsc, client, thread, device, register, value, count, size, outcome = words
    record = Record(
        line=number,
        seq=_decimal("seq", seq),
        tsc=_decimal("tsc", tsc),
        client=_name("client", client),
        thread=_decimal("thread", thread),
        device=_name("device", device),
        register=_hex("register", register),
        value=_hex("value", value),
        count=_decimal("count", count),
        size=_decimal("size", size),
        outcome=outcome)
    if outcome not in OUTCOMES:
        raise _Bad(f"outcome {_shown(outcome)} is not one of {', '.join(OUTCOMES)}")
    if record.count == 0:
        raise _Bad("count 0: a request moves at least one item")
    if record.size == 0:
        raise _Bad("size 0: an access is at least one byte")
    if record.size <= 8 and record.value >> (8 * record.size):
        raise _Bad(f"value {value} does not fit in {record.size} byte"
                   f"{'s' if record.size > 1 else ''}")
    return record


def _drop_report(number, words):
    if len(words) != 1:
        raise _Bad(f"expected 1 field after IOMON-DROPPED (total-dropped), found {len(words)}")
    return DropReport(line=number, total=_decimal("total-dropped", words[0]))


def parse_line(number, text, log):
    """Adds what line `number` holds to `log`: a record, a drop report, a
    Malformed entry, or nothing when it is not an IOMON line."""
    keyword = _KEYWORD.search(text)
    if keyword is None:
        return
    rest = text[keyword.end():]
    try:
        if rest.startswith("-DROPPED") and (len(rest) == 8 or rest[8].isspace()):
            log.drop_reports.append(_drop_report(number, rest[8:].split()))
        elif rest == "" or rest[0].isspace():
            log.records.append(_record(number, rest.split()))
        else:
            word = (keyword.group() + rest).split()[0]
            raise _Bad(f"{_shown(word)} is neither IOMON nor IOMON-DROPPED")
    except _Bad as bad:
        log.malformed.append(Malformed(number, str(bad)))


def parse(data):
    """The Log of a serial log given as bytes (any encoding; IOMON lines
    are ASCII, bytes that are not UTF-8 make their line malformed)."""
    log = Log(records=[], drop_reports=[], malformed=[], lines=0)
    text = data.decode("utf-8", errors="replace")
    # Split on "\n" only (not str.splitlines, which also splits at form feeds
    # and the like), so the numbers are the ones an editor shows.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        parse_line(number, line.rstrip("\r"), log)
    log.lines = len(lines)
    return log
