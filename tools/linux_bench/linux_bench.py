#!/usr/bin/env python3
"""Run a static benchmark program under Debian's Linux in QEMU; print its BENCH lines.

usage: linux_bench.py --init INIT [--program PROGRAM [--arg ARG]...]
                      [--kernel-module NAME]... [--qemu-arg ARG]... [--append TEXT]
                      [--suffix SUFFIX] [--compare RATIO=NUMERATOR/DENOMINATOR]...
                      [--qemu QEMU] [--cache DIR] [--work DIR] [--package NAME]
                      [--timeout SECONDS] [--show-log]
       linux_bench.py --skip REASON

Linux runs in the setup of Kumiki's benchmarks (tools/bench.py): QEMU's `pc`
machine, one CPU, `-icount shift=0,sleep=off` (rdtsc counts guest
instructions), no NIC, the RTC at a fixed date, byte-identical boot images
and no address or stack randomisation, so that its figures are the same run
to run (docs/linux-bench.md).

* The kernel is Debian's `linux-image-6.1.0-<n>-amd64` (the one the
  metapackage linux-image-amd64 depends on, or --package / the environment
  variable KUMIKI_LINUX_PACKAGE), fetched with `apt-get download` (no root
  needed) and unpacked with `dpkg -x` into the cache: --cache, else
  $XDG_CACHE_HOME/kumiki/linux, else ~/.cache/kumiki/linux.
* The initramfs (an uncompressed newc cpio with fixed times, owners and
  inode numbers) holds INIT as /init, /dev/console, each --kernel-module
  with the modules it depends on (listed in load order in
  /lib/modules/load.list), and PROGRAM as /program.  INIT is a program
  built on guest/linux_bench_guest.h: a benchmark itself, or
  guest/run_program.c, which runs /program with the --arg words (they reach
  it through the kernel command line after "--": no blanks or quotes;
  --arg=-x for a word that starts with a dash).
* The guest must print "linux_bench: done, 0 failed" and power off.  Its
  `BENCH <name> <value> <unit>` lines are printed here (with SUFFIX added
  to each name), its other "linux_bench:" lines go to standard error.
* --compare RATIO=A/B prints `BENCH RATIO <A/B> x`, A and B taken from the
  guest's BENCH lines or from those given on standard input (tools/bench.py
  passes the lines printed before this command): a Kumiki figure over the
  Linux one.

If the kernel cannot be had (no network, no apt lists), or with --skip, the
Linux figures are skipped with a message saying why, and the exit status is
0: the other benchmarks still count.  Anything else that goes wrong (the
guest fails, a figure to compare is missing) is an error (exit status 1).
"""
import argparse
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

BENCH_LINE = re.compile(r"^BENCH (\S+) (\S+)(?: (\S+))?\s*$")
DONE_LINE = "linux_bench: done, 0 failed"
# What tools/qemu_tap_runner.py gives Kumiki, plus what Linux needs: more
# memory and a kernel command line.  `quiet` keeps the serial console (slow
# under TCG) to warnings; panic=-1 with -no-reboot makes a panic end QEMU.
QEMU_SETUP = ["-machine", "pc", "-m", "512M", "-smp", "1", "-display", "none", "-no-reboot",
              "-serial", "stdio", "-monitor", "none", "-nic", "none",
              "-rtc", "base=2024-01-01T00:00:00,clock=vm", "-icount", "shift=0,sleep=off"]
# Nothing random where it moves instruction counts between boots: nokaslr
# and norandmaps put the kernel and every process at the same addresses;
# randomize_kstack_offset=off keeps the kernel stack of each system call at
# the same place (the offset comes from the TSC, which under icount counts
# idle time too, and its alignment changes the instructions of copies).
KERNEL_COMMAND_LINE = "console=ttyS0 quiet panic=-1 nokaslr norandmaps randomize_kstack_offset=off"
INIT_ARGUMENT = re.compile(r"[^\s'\"\\]+")


class Unavailable(Exception):
    """The Linux kernel cannot be had here: the figures are skipped, not failed."""


def say(text):
    print(f"linux_bench: {text}", file=sys.stderr, flush=True)


# --- the kernel ------------------------------------------------------------

def apt_query(argv, cwd=None):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    except OSError as e:
        raise Unavailable(f"cannot run {argv[0]}: {e}") from e
    return result.returncode, result.stdout, result.stderr


def kernel_package(requested):
    """The package name: the one asked for, or the one linux-image-amd64 depends on."""
    if requested:
        if not re.fullmatch(r"linux-image-[0-9][0-9a-z.+~-]*-amd64", requested):
            sys.exit(f"linux_bench: {requested!r} is not a linux-image-<version>-amd64 package name")
        return requested
    status, out, err = apt_query(["apt-cache", "depends", "linux-image-amd64"])
    found = re.search(r"Depends: (linux-image-[0-9][0-9a-z.+~-]*-amd64)\b", out)
    if status != 0 or not found:
        raise Unavailable("apt-cache knows no linux-image-amd64 (are the apt lists there? "
                          f"apt-get update): {err.strip() or out.strip()}")
    return found.group(1)


def package_version(package):
    status, out, err = apt_query(["apt-cache", "show", "--no-all-versions", package])
    found = re.search(r"^Version: (\S+)$", out, re.M)
    if status != 0 or not found:
        raise Unavailable(f"apt-cache knows no {package}: {err.strip()}")
    return found.group(1)


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kumiki", "linux")


def fetch_kernel(cache, package):
    """The unpacked package's root directory, downloaded into the cache once."""
    version = package_version(package)
    # Version strings hold only [0-9A-Za-z.+~:-]; ':' (an epoch) is kept out of paths.
    tree = os.path.join(cache, f"{package}_{version.replace(':', '%3a')}")
    if os.path.isdir(tree):
        return tree, version
    os.makedirs(cache, exist_ok=True)
    say(f"downloading {package} {version} into {cache} (once)")
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as scratch:
        status, out, err = apt_query(["apt-get", "-q", "download", f"{package}={version}"],
                                     cwd=scratch)
        debs = [f for f in os.listdir(scratch) if f.endswith(".deb")]
        if status != 0 or len(debs) != 1:
            lines = [line for line in (err + out).splitlines() if line.startswith(("E:", "Err"))]
            raise Unavailable(f"cannot download {package} {version}: "
                              f"{'; '.join(lines) or err.strip() or 'no .deb file'}")
        unpacked = os.path.join(scratch, "tree")
        result = subprocess.run(["dpkg", "-x", os.path.join(scratch, debs[0]), unpacked],
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"linux_bench: dpkg -x {debs[0]} failed: {result.stderr.strip()}")
        try:
            os.rename(unpacked, tree)  # atomic: a cache entry is whole or absent
        except OSError:
            if not os.path.isdir(tree):  # not merely a concurrent run that was first
                raise
    return tree, version


def kernel_files(tree):
    """(vmlinuz, modules directory) of an unpacked linux-image package."""
    boot = os.path.join(tree, "boot")
    images = sorted(f for f in os.listdir(boot) if f.startswith("vmlinuz-"))
    if len(images) != 1:
        sys.exit(f"linux_bench: {boot} holds {len(images)} vmlinuz files, not one")
    release = images[0][len("vmlinuz-"):]
    return os.path.join(boot, images[0]), os.path.join(tree, "lib", "modules", release), release


# --- kernel modules --------------------------------------------------------

def module_name(path):
    return os.path.basename(path)[:-len(".ko")].replace("-", "_")


def modinfo_depends(path):
    """The modules a .ko file depends on: 'depends=' in its .modinfo section."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        sys.exit(f"linux_bench: {path} is not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)

    def section(index):
        name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", elf, shoff + index * shentsize)
        return name, elf[offset:offset + size]

    _, names = section(shstrndx)
    for index in range(shnum):
        name, data = section(index)
        if names[name:names.index(b"\0", name)] == b".modinfo":
            for field in data.split(b"\0"):
                if field.startswith(b"depends="):
                    return [d for d in field[len(b"depends="):].decode().split(",") if d]
            return []
    sys.exit(f"linux_bench: {path} has no .modinfo section")


def modules_in_load_order(modules_dir, wanted):
    """.ko paths of the wanted modules and their dependencies, dependencies first."""
    files = {}
    for directory, _, names in os.walk(os.path.join(modules_dir, "kernel")):
        for name in names:
            if name.endswith(".ko"):
                files[module_name(name)] = os.path.join(directory, name)
    builtin = set()
    builtin_list = os.path.join(modules_dir, "modules.builtin")
    if os.path.exists(builtin_list):
        with open(builtin_list) as f:
            builtin = {module_name(line.strip()) for line in f if line.strip()}
    order, visiting = [], set()

    def visit(name):
        name = name.replace("-", "_")
        if name in builtin or files.get(name) in order:
            return
        if name not in files:
            sys.exit(f"linux_bench: the kernel has no module {name!r}")
        if name in visiting:
            sys.exit(f"linux_bench: module dependency cycle through {name!r}")
        visiting.add(name)
        for dependency in modinfo_depends(files[name]):
            visit(dependency)
        visiting.discard(name)
        order.append(files[name])

    for name in wanted:
        visit(name)
    return order


# --- the initramfs ---------------------------------------------------------

def cpio_entry(name, mode, data=b"", ino=0, rdev=(0, 0)):
    """One newc record: owner root, time 0, one link, so the archive depends
    only on the names, modes and contents."""
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0]
    header = b"070701" + b"".join(b"%08X" % v for v in fields)
    record = header + name_bytes
    record += b"\0" * (-len(record) % 4) + data
    return record + b"\0" * (-len(record) % 4)


def make_initramfs(path, init, modules, program=None):
    entries = [(".", stat.S_IFDIR | 0o755, b"", (0, 0)),
               ("dev", stat.S_IFDIR | 0o755, b"", (0, 0)),
               ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)),
               ("proc", stat.S_IFDIR | 0o755, b"", (0, 0)),
               ("sys", stat.S_IFDIR | 0o755, b"", (0, 0))]
    with open(init, "rb") as f:
        entries.append(("init", stat.S_IFREG | 0o755, f.read(), (0, 0)))
    if program:
        with open(program, "rb") as f:
            entries.append(("program", stat.S_IFREG | 0o755, f.read(), (0, 0)))
    if modules:
        entries += [("lib", stat.S_IFDIR | 0o755, b"", (0, 0)),
                    ("lib/modules", stat.S_IFDIR | 0o755, b"", (0, 0))]
        for module in modules:
            with open(module, "rb") as f:
                entries.append((f"lib/modules/{os.path.basename(module)}", stat.S_IFREG | 0o644,
                                f.read(), (0, 0)))
        load_list = "".join(os.path.basename(m) + "\n" for m in modules).encode()
        entries.append(("lib/modules/load.list", stat.S_IFREG | 0o644, load_list, (0, 0)))
    archive = b"".join(cpio_entry(name, mode, data, ino, rdev)
                       for ino, (name, mode, data, rdev) in enumerate(entries, start=1))
    archive += cpio_entry("TRAILER!!!", 0)
    archive += b"\0" * (-len(archive) % 512)
    with open(path + ".tmp", "wb") as f:
        f.write(archive)
    os.replace(path + ".tmp", path)


# --- the run ---------------------------------------------------------------

def run_guest(args, vmlinuz, initramfs):
    append = KERNEL_COMMAND_LINE + (" " + args.append if args.append else "")
    if args.arg:
        append += " -- " + " ".join(args.arg)
    command = [args.qemu, *QEMU_SETUP, "-kernel", vmlinuz, "-initrd", initramfs,
               "-append", append, *args.qemu_arg]
    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=args.timeout)
        status, output = result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as e:
        status, output = None, (e.stdout or b"") + (e.stderr or b"")
    lines = output.decode("utf-8", "replace").replace("\r", "").splitlines()
    problems = []
    if status is None:
        problems.append(f"no power-off within {args.timeout:g} s")
    elif status != 0:
        problems.append(f"QEMU exit status {status}, not 0 (power-off)")
    if DONE_LINE not in lines:
        problems.append(f"the guest did not print {DONE_LINE!r}")
    if args.show_log or problems:
        sys.stderr.write("".join(f"  | {line}\n" for line in lines))
    if problems:
        sys.exit(f"linux_bench: {name(args)}: {'; '.join(problems)}")
    for line in lines:
        if line.startswith("linux_bench: ") and line != DONE_LINE:
            say(f"{name(args)}: {line[len('linux_bench: '):]}")
    bench = []
    for line in lines:
        match = BENCH_LINE.match(line)
        if match:
            figure, value, unit = match.groups()
            bench.append(f"BENCH {figure}{args.suffix} {value}" + (f" {unit}" if unit else ""))
    return bench


def name(args):
    """The benchmark's name in messages: its program's file name."""
    return os.path.basename(args.program or args.init)


def ratio_lines(compares, known):
    values = {}
    for line in known:
        figure, value, _ = BENCH_LINE.match(line).groups()
        try:
            values[figure] = float(value)
        except ValueError:
            pass
    out = []
    for compare in compares:
        ratio, _, fraction = compare.partition("=")
        numerator, _, denominator = fraction.partition("/")
        for figure in (numerator, denominator):
            if figure not in values:
                sys.exit(f"linux_bench: --compare {compare}: no BENCH {figure} line to compare")
        if values[denominator] == 0:
            sys.exit(f"linux_bench: --compare {compare}: {denominator} is 0")
        out.append(f"BENCH {ratio} {values[numerator] / values[denominator]:.2f} x")
    return out


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--skip", metavar="REASON", help="only say that the Linux figures are skipped")
    p.add_argument("--init", help="the static program to run as /init")
    p.add_argument("--program", help="a static program for /init to run as /program")
    p.add_argument("--arg", action="append", default=[], help="an argument for /program")
    p.add_argument("--suffix", default="", help="added to the name of each BENCH line of the guest")
    p.add_argument("--kernel-module", action="append", default=[],
                   help="a module to load before the benchmark (its dependencies come too)")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--append", help="more kernel command line")
    p.add_argument("--compare", action="append", default=[], metavar="RATIO=NUMERATOR/DENOMINATOR")
    p.add_argument("--cache", default=default_cache())
    p.add_argument("--work", help="where the initramfs is written (default: a temporary directory)")
    p.add_argument("--package", default=os.environ.get("KUMIKI_LINUX_PACKAGE"))
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--show-log", action="store_true", help="copy the guest's console to stderr")
    args = p.parse_args(argv)
    if not args.skip and not args.init:
        p.error("--init PROGRAM is required")
    for word in args.arg:
        if not INIT_ARGUMENT.fullmatch(word):
            p.error(f"--arg {word!r}: blanks, quotes and backslashes cannot cross the kernel command line")
    if args.arg and not args.program:
        p.error("--arg needs --program")
    if not re.fullmatch(r"\w*", args.suffix):
        p.error(f"--suffix {args.suffix!r}: letters, digits and _ only")
    for compare in args.compare:
        if not re.fullmatch(r"\w+=\w+/\w+", compare):
            p.error(f"--compare {compare!r}: not RATIO=NUMERATOR/DENOMINATOR")
    return args


def main(argv):
    args = parse_args(argv)
    if args.skip:
        say(f"Linux figures SKIPPED: {args.skip}")
        return 0
    # Figures printed before (tools/bench.py's Kumiki boots) arrive on stdin.
    known = []
    if args.compare and not sys.stdin.isatty():
        known = [line.strip() for line in sys.stdin if BENCH_LINE.match(line.strip())]
    try:
        package = kernel_package(args.package)
        tree, version = fetch_kernel(args.cache, package)
    except Unavailable as e:
        say(f"Linux figures SKIPPED ({name(args)}): {e}")
        return 0
    vmlinuz, modules_dir, release = kernel_files(tree)
    modules = modules_in_load_order(modules_dir, args.kernel_module)
    say(f"{name(args)} on Linux {release} ({package} {version})")
    work = args.work or tempfile.mkdtemp(prefix="linux_bench-")
    os.makedirs(work, exist_ok=True)
    initramfs = os.path.join(work, name(args) + ".cpio")
    make_initramfs(initramfs, args.init, modules, args.program)
    try:
        lines = run_guest(args, vmlinuz, initramfs)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    lines += ratio_lines(args.compare, known + lines)
    for line in lines:
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
