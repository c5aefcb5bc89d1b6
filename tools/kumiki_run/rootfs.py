"""The root file system of one run: a ustar archive, byte for byte the same for the same inputs.

The Linux personality loads it from the boot module `linux_root.tar` into its in-memory file
system.  Members (names relative to '/', no leading '/' or './'; directories end in '/'):

    bin/                 0755  busybox (0755) and one symlink per applet in APPLETS ("busybox")
    dev/                 0755  console (character device 5,1, 0600) and tty (5,0, 0666): the
                               personality's console, as Linux's initramfs has /dev/console
                               (the personality adds null, zero and full itself)
    mnt/ proc/ root/     0755  empty (mnt: where a --disk is mounted)
    etc/                 0755  passwd, group, hostname (0644)
    tmp/                 1777  empty
    usr/ usr/bin/        0755  empty: PATH names /usr/bin
    .kumiki/             0755  what to run:
        prog             0755  the program (a static x86_64 ELF)
        argv             0644  its arguments, each NUL-terminated, argv[0] first
        env              0644  its environment, KEY=VALUE entries, each NUL-terminated
        stdin            0644  its standard input; absent: standard input is /dev/null
        cwd              0644  its working directory (the path's bytes, no terminator); absent: '/'
        console          0644  empty; present (kumiki-run --console): the program's standard
                               input, output and error are the console (the serial port), not
                               the host link streams, and there is no stdin file
plus any extra files (`--file HOST:GUEST`), whose missing parent directories are made 0755.

Determinism: members sorted by path components (a directory before its contents), every
mtime MTIME, uid and gid 0 (uname and gname "root"), plain ustar headers (no pax or GNU
extensions; names longer than ustar holds are an error).  Member types: '0' regular file,
'2' symlink, '3' character device, '5' directory.
"""
import dataclasses
import io
import posixpath
import tarfile

MTIME = 1704067200  # 2024-01-01T00:00:00Z

# Applets the tests and a user's shell need; each is a symlink bin/NAME -> busybox.
APPLETS = ("[", "ash", "basename", "cat", "cp", "cut", "dirname", "echo", "env", "expr",
           "false", "grep", "head", "id", "kill", "ls", "mkdir", "mv", "printf", "pwd",
           "rm", "sed", "seq", "sh", "sleep", "sort", "tac", "tail", "tee", "test", "touch", "tr",
           "true", "uname", "uniq", "wc", "xargs", "yes")

DEFAULT_ENV = ("PATH=/bin:/usr/bin", "HOME=/root", "TERM=dumb")

KUMIKI_DIR = ".kumiki"


class RootfsError(ValueError):
    """An input the archive cannot hold; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class Member:
    """One archive member: path relative to '/', kind 'file', 'dir', 'symlink' or 'chardev'
    (with its device numbers)."""
    path: str
    kind: str
    mode: int
    data: bytes = b""
    target: str = ""
    major: int = 0
    minor: int = 0


def _normal_path(path):
    """'/a/b' or 'a/b' -> 'a/b'; refuses '..', empty and NUL-containing paths."""
    if not path or "\0" in path:
        raise RootfsError(f"bad path {path!r}: empty or contains NUL")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts:
        raise RootfsError(f"bad path {path!r}: names the root directory")
    if ".." in parts:
        raise RootfsError(f"bad path {path!r}: '..' is not allowed")
    return "/".join(parts)


def base_tree(busybox):
    """The fixed part of every archive; `busybox` is the bytes of the busybox binary."""
    members = [
        Member("bin", "dir", 0o755),
        Member("bin/busybox", "file", 0o755, busybox),
        Member("dev", "dir", 0o755),
        Member("dev/console", "chardev", 0o600, major=5, minor=1),
        Member("dev/tty", "chardev", 0o666, major=5, minor=0),
        Member("etc", "dir", 0o755),
        Member("etc/group", "file", 0o644, b"root:x:0:\ndisk:x:6:\n"),  # disk: /dev/vda
        Member("etc/hostname", "file", 0o644, b"kumiki\n"),
        Member("etc/passwd", "file", 0o644, b"root:x:0:0:root:/root:/bin/sh\n"),
        Member("mnt", "dir", 0o755),
        Member("proc", "dir", 0o755),
        Member("root", "dir", 0o755),
        Member("tmp", "dir", 0o1777),
        Member("usr", "dir", 0o755),
        Member("usr/bin", "dir", 0o755),
    ]
    members += [Member("bin/" + applet, "symlink", 0o777, target="busybox") for applet in APPLETS]
    return members


def nul_list(strings):
    """Each string as bytes (os.fsencode's surrogateescape), NUL-terminated, concatenated."""
    out = bytearray()
    for s in strings:
        b = s.encode("utf-8", "surrogateescape") if isinstance(s, str) else bytes(s)
        if b"\0" in b:
            raise RootfsError(f"{s!r} contains a NUL byte")
        out += b + b"\0"
    return bytes(out)


def check_env(entries):
    """Every entry is KEY=VALUE with a non-empty KEY; returns them as a tuple."""
    for entry in entries:
        key, equals, _ = entry.partition("=")
        if not equals or not key:
            raise RootfsError(f"environment entry {entry!r} is not KEY=VALUE with a non-empty KEY")
    return tuple(entries)


def run_members(program, argv, env=DEFAULT_ENV, stdin=None, cwd=None, console=False):
    """The .kumiki/ directory of one run (see the module docstring)."""
    if not argv:
        raise RootfsError("argv is empty: argv[0] is required")
    if console and stdin is not None:
        raise RootfsError("a console run reads the console: it has no stdin file")
    members = [
        Member(KUMIKI_DIR, "dir", 0o755),
        Member(KUMIKI_DIR + "/argv", "file", 0o644, nul_list(argv)),
        Member(KUMIKI_DIR + "/env", "file", 0o644, nul_list(check_env(env))),
        Member(KUMIKI_DIR + "/prog", "file", 0o755, program),
    ]
    if stdin is not None:
        members.append(Member(KUMIKI_DIR + "/stdin", "file", 0o644, bytes(stdin)))
    if cwd is not None:
        if not cwd.startswith("/") or "\0" in cwd:
            raise RootfsError(f"working directory {cwd!r} is not an absolute path")
        members.append(Member(KUMIKI_DIR + "/cwd", "file", 0o644, cwd.encode("utf-8", "surrogateescape")))
    if console:
        members.append(Member(KUMIKI_DIR + "/console", "file", 0o644))
    return members


def extra_file(guest_path, data, executable):
    """A file the user adds at `guest_path` (0755 if executable, else 0644)."""
    return Member(_normal_path(guest_path), "file", 0o755 if executable else 0o644, data)


def _with_parents(members):
    """Adds each missing parent directory (0755); refuses a path given twice or a parent that is
    not a directory."""
    by_path = {}
    for member in members:
        path = _normal_path(member.path)
        if path in by_path:
            raise RootfsError(f"'/{path}' is given twice")
        by_path[path] = dataclasses.replace(member, path=path)
    for path in list(by_path):
        parent = posixpath.dirname(path)
        while parent:
            existing = by_path.get(parent)
            if existing is None:
                by_path[parent] = Member(parent, "dir", 0o755)
            elif existing.kind != "dir":
                raise RootfsError(f"'/{path}' is inside '/{parent}', which is not a directory")
            parent = posixpath.dirname(parent)
    return by_path.values()


def _tar_info(member):
    info = tarfile.TarInfo(member.path)
    info.mtime = MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mode = member.mode
    if member.kind == "dir":
        info.type = tarfile.DIRTYPE
    elif member.kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = member.target
    elif member.kind == "file":
        info.type = tarfile.REGTYPE
        info.size = len(member.data)
    elif member.kind == "chardev":
        info.type = tarfile.CHRTYPE
        info.devmajor, info.devminor = member.major, member.minor
    else:
        raise RootfsError(f"'/{member.path}': unknown member kind {member.kind!r}")
    return info


def build_archive(members):
    """The ustar archive of `members` (plus missing parents), as bytes."""
    ordered = sorted(_with_parents(members), key=lambda m: m.path.split("/"))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for member in ordered:
            try:
                info = _tar_info(member)
                tar.addfile(info, io.BytesIO(member.data) if member.kind == "file" else None)
            except ValueError as error:  # ustar limits: name > 255 bytes, link name > 100 bytes
                raise RootfsError(f"'/{member.path}' does not fit a ustar header: {error}") from None
    return out.getvalue()
