"""The IDL interfaces a deployment can name: those its imported .idl files
declare (themselves or through their own imports).

Each import is compiled with the IDL tool's own loader and checker
(ipc-idl/kidl), so an .idl file that kidlc rejects is rejected here with the
same messages, and an interface exists here exactly when kidlc would
generate stubs for it.
"""
import os
from dataclasses import dataclass
from typing import Dict, List

from kidl.diagnostics import Diagnostic, IdlError, Location, fail
from kidl.loader import load


@dataclass
class ImportedInterface:
    name: str
    path: str          # the .idl file that declares it, as shown in messages
    location: Location  # of its declaration


@dataclass
class Interfaces:
    by_name: Dict[str, ImportedInterface]
    other_names: Dict[str, str]        # declared names that are not interfaces: name -> kind
    files_read: List[str]              # every file read, for a depfile
    source_lines: Dict[str, List[str]]  # for the excerpts under messages


def _resolve(importer_path, imported, include_dirs, source_root):
    """The path of an import, as shown in messages: next to the deployment,
    then in each -I directory, then at the source root."""
    candidates = [os.path.join(os.path.dirname(importer_path), imported.path)]
    candidates += [os.path.join(d, imported.path) for d in include_dirs]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.normpath(candidate)
    at_root = os.path.join(source_root, imported.path)
    if os.path.isfile(at_root):
        # Shown relative to where the tool runs, like the deployment itself.
        return os.path.relpath(at_root)
    searched = [os.path.normpath(os.path.dirname(c) or ".") for c in candidates]
    searched.append(os.path.normpath(os.path.join("<source root>", os.path.dirname(imported.path))))
    fail(imported.location, f"cannot find imported file '{imported.path}' "
         f"(searched: {', '.join(searched)})")


def _modules_of(module):
    """The module and every module it imports, each once."""
    result = []

    def walk(current):
        if any(current is seen for seen in result):
            return
        result.append(current)
        for imported in current.imports:
            walk(imported)
    walk(module)
    return result


def load_interfaces(tree, include_dirs, source_root):
    """Interfaces of every file tree imports; raises IdlError.  An .idl
    file's own imports are found as kidlc finds them: next to it, then in
    the -I directories."""
    found = Interfaces({}, {}, [], {})
    for imported in tree.imports:
        display = _resolve(tree.path, imported, include_dirs, source_root)
        try:
            compilation = load(display, include_dirs)
        except IdlError as error:
            lines = getattr(error, "compilation", None)
            if lines:
                found.source_lines.update(lines.source_lines)
            note = Diagnostic(imported.location, "note", f"'{display}' is imported here")
            wrapped = IdlError(error.diagnostics + [note])
            wrapped.source_lines = found.source_lines
            raise wrapped from None
        found.files_read += compilation.files_read
        found.source_lines.update(compilation.source_lines)
        for module in _modules_of(compilation.module):
            for interface in module.interfaces:
                previous = found.by_name.get(interface.name)
                if previous and previous.location != interface.location:
                    fail(imported.location, f"imported files both declare interface "
                         f"'{interface.name}'",
                         [(previous.location, "one declaration"),
                          (interface.location, "the other declaration")])
                found.by_name[interface.name] = ImportedInterface(
                    interface.name, module.path, interface.location)
            for kind, items in (("constant", module.constants), ("enum", module.enums),
                                ("struct", module.structs)):
                for item in items:
                    found.other_names[item.name] = kind
    return found
