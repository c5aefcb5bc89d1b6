"""Source locations and compiler-style diagnostics.

Every problem is reported as "file:line:column: error: message", optionally
followed by "note:" lines pointing at related places (for example the first
definition of a duplicate name), then the offending source line with a caret,
in the format gcc and clang use so editors can jump to it.
"""
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    path: str    # as it should be shown to the user
    line: int    # 1-based
    column: int  # 1-based, counted in characters

    def __str__(self):
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    severity: str  # "error" or "note"
    message: str

    def headline(self):
        return f"{self.location}: {self.severity}: {self.message}"


class IdlError(Exception):
    """Compilation stops: one or more errors, each followed by its notes."""

    def __init__(self, diagnostics):
        super().__init__("\n".join(d.headline() for d in diagnostics))
        self.diagnostics = list(diagnostics)


def error_group(location, message, notes=()):
    """An error and its notes; notes are (Location, message) pairs."""
    group = [Diagnostic(location, "error", message)]
    group += [Diagnostic(where, "note", text) for where, text in notes]
    return group


def fail(location, message, notes=()):
    raise IdlError(error_group(location, message, notes))


class ErrorCollector:
    """Gathers independent errors so one run reports all of them."""

    def __init__(self):
        self._groups = []

    def error(self, location, message, notes=()):
        self._groups.append(error_group(location, message, notes))

    def absorb(self, idl_error):
        self._groups.append(idl_error.diagnostics)

    def has_errors(self):
        return bool(self._groups)

    def raise_if_any(self):
        if not self._groups:
            return
        # Sorted by the error's position so the output reads top to bottom.
        groups = sorted(self._groups, key=lambda group: group[0].location)
        raise IdlError([d for group in groups for d in group])


def render(diagnostics, source_lines):
    """Formats diagnostics with a source excerpt under each.

    source_lines maps a Location.path to the list of that file's lines; files
    that are not there (or lines out of range) are shown without excerpt.
    """
    out = []
    for diagnostic in diagnostics:
        out.append(diagnostic.headline())
        lines = source_lines.get(diagnostic.location.path)
        line_no = diagnostic.location.line
        if lines is None or not 1 <= line_no <= len(lines):
            continue
        text = lines[line_no - 1].rstrip("\n")
        gutter = f"{line_no:5} | "
        # Tabs are kept in the caret line so the caret lines up under them.
        prefix = text[:diagnostic.location.column - 1]
        caret_pad = "".join(ch if ch == "\t" else " " for ch in prefix)
        out.append(gutter + text)
        out.append(" " * (len(gutter) - 2) + "| " + caret_pad + "^")
    return "\n".join(out) + "\n"
