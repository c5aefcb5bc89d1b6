#!/usr/bin/env python3
"""The Linux personality's supported system-call table, read from the code.

Every handler table in personalities/linux/*.c lists its calls as
`LX_SYSCALL(number, name, handler)` lines; this tool collects them into the
Markdown table of docs/linux-personality.md (between the markers
`<!-- syscall-table begin -->` and `<!-- syscall-table end -->`).

  linux_syscall_table.py print  SOURCE_DIR          the table on stdout
  linux_syscall_table.py check  SOURCE_DIR DOC.md   fails when DOC.md differs
  linux_syscall_table.py update SOURCE_DIR DOC.md   rewrites DOC.md's table
"""
import pathlib
import re
import sys

LINE = re.compile(r"LX_SYSCALL\(\s*(\d+)\s*,\s*(\w+)\s*,\s*(\w+)\s*\)")
BEGIN, END = "<!-- syscall-table begin -->", "<!-- syscall-table end -->"


def collect(source_dir):
    calls = {}
    for path in sorted(pathlib.Path(source_dir).glob("*.c")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = LINE.search(line)
            if not m or line.lstrip().startswith("#define"):
                continue
            nr, name = int(m.group(1)), m.group(2)
            if nr in calls:
                sys.exit(f"{path}:{n}: system call {nr} ({name}) already listed in {calls[nr][1]}")
            calls[nr] = (name, path.name)
    if not calls:
        sys.exit(f"{source_dir}: no LX_SYSCALL lines found")
    return calls


def table(calls):
    rows = ["| number | name | file |", "|---:|---|---|"]
    rows += [f"| {nr} | `{name}` | `{file}` |" for nr, (name, file) in sorted(calls.items())]
    return "\n".join(rows) + "\n" + f"\n{len(calls)} system calls.\n"


def replace_section(doc, new_table):
    if BEGIN not in doc or END not in doc:
        sys.exit(f"the document has no {BEGIN} ... {END} section")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + new_table + END + tail


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("print", "check", "update"):
        sys.exit(__doc__)
    new_table = table(collect(sys.argv[2]))
    if sys.argv[1] == "print":
        sys.stdout.write(new_table)
        return
    doc_path = pathlib.Path(sys.argv[3])
    doc = doc_path.read_text()
    updated = replace_section(doc, new_table)
    if sys.argv[1] == "update":
        doc_path.write_text(updated)
    elif updated != doc:
        sys.exit(f"{doc_path}: the system-call table is out of date; run "
                 f"tools/linux_syscall_table.py update personalities/linux {doc_path}")


if __name__ == "__main__":
    main()
