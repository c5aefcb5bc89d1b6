"""Reads a file and, depth first, the files it imports; checks each one once.

An import is looked up relative to the importing file, then in each include
directory (-I) in order.  Imports may not form a cycle: generated headers
include the headers of imported files, and C cannot have both orders.
"""
import os
from dataclasses import dataclass, field
from typing import Dict, List

from . import checker
from .diagnostics import Diagnostic, IdlError, Location, fail
from .parser import parse


@dataclass
class Compilation:
    module: object = None                      # the checked main file
    files_read: List[str] = field(default_factory=list)  # every file, for the depfile
    source_lines: Dict[str, List[str]] = field(default_factory=dict)  # for excerpts


def stem_of(path):
    name = os.path.basename(path)
    return name[:-4] if name.endswith(".idl") else os.path.splitext(name)[0]


class _Loader:
    def __init__(self, include_dirs, compilation):
        self.include_dirs = include_dirs
        self.compilation = compilation
        self.checked = {}      # real path -> Module
        self.in_progress = []  # (real path, display path) of files being loaded

    def read(self, display, real, import_location):
        try:
            with open(real, encoding="utf-8") as source:
                text = source.read()
        except (OSError, UnicodeDecodeError) as error:
            where = import_location or Location(display, 1, 1)
            reason = error.strerror if isinstance(error, OSError) else "not valid UTF-8"
            fail(where, f"cannot read '{display}': {reason}")
        self.compilation.files_read.append(real)
        self.compilation.source_lines[display] = text.split("\n")
        return text

    def resolve(self, importer_display, importer_real, imported):
        candidates = [(os.path.join(os.path.dirname(importer_display), imported.path),
                       os.path.join(os.path.dirname(importer_real), imported.path))]
        candidates += [(os.path.join(d, imported.path),) * 2 for d in self.include_dirs]
        for display, real in candidates:
            if os.path.isfile(real):
                return os.path.normpath(display), os.path.realpath(real)
        searched = ", ".join(os.path.normpath(os.path.dirname(c[0]) or ".") for c in candidates)
        fail(imported.location, f"cannot find imported file '{imported.path}' "
             f"(searched: {searched})")

    def load(self, display, real, import_location=None):
        if real in self.checked:
            return self.checked[real]
        tree = parse(self.read(display, real, import_location), display)
        self.in_progress.append((real, display))
        imports = []
        for imported in tree.imports:
            imported_display, imported_real = self.resolve(display, real, imported)
            open_reals = [r for r, _ in self.in_progress]
            if imported_real in open_reals:
                chain = [d for _, d in self.in_progress[open_reals.index(imported_real):]]
                fail(imported.location, "import cycle: " + " imports ".join(
                    chain + [imported_display]))
            try:
                module = self.load(imported_display, imported_real, imported.location)
            except IdlError as error:
                if any(d.location == imported.location for d in error.diagnostics):
                    raise
                note = Diagnostic(imported.location, "note",
                                  f"'{imported_display}' is imported here")
                raise IdlError(error.diagnostics + [note]) from None
            imports.append((imported, module))
        self.in_progress.pop()
        visible = self.visible_names(imports)
        module = checker.check(tree, stem_of(display), [m for _, m in imports], visible)
        self.checked[real] = module
        return module

    def visible_names(self, imports):
        """Everything the imports declare, themselves and through their imports."""
        visible, stems = {}, {}
        for statement, module in imports:
            for reachable in [module] + _all_imports(module):
                other = stems.setdefault(reachable.stem, reachable)
                if other is not reachable:
                    fail(statement.location, f"two imported files are named "
                         f"'{reachable.stem}.idl' ({other.path} and {reachable.path}); "
                         "generated headers are named after the file, so names must differ")
                for name, symbol in checker.symbols_of(reachable).items():
                    previous = visible.setdefault(name, symbol)
                    if previous.location != symbol.location:
                        fail(statement.location, f"imported files both declare '{name}'",
                             [(previous.location, "one declaration"),
                              (symbol.location, "the other declaration")])
        return visible


def _all_imports(module):
    result = []
    for imported in module.imports:
        for reachable in [imported] + _all_imports(imported):
            if all(reachable is not seen for seen in result):
                result.append(reachable)
    return result


def load(path, include_dirs=()):
    """Compilation of the file at path (shown to the user as written).

    Raises IdlError; the Compilation passed along in the exception's
    .compilation attribute still has the source lines for the excerpts.
    """
    compilation = Compilation()
    try:
        compilation.module = _Loader(list(include_dirs), compilation).load(
            path, os.path.realpath(path))
    except IdlError as error:
        error.compilation = compilation
        raise
    return compilation
