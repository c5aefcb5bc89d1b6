#!/usr/bin/env python3
"""Generated code and the runtime must build for Kumiki's user programs.

usage: check_freestanding.py --nm NM --cc CC [--cc CC2] -I DIR... FILE.c... LIB.a...

Each .c file is compiled with each compiler, freestanding (-ffreestanding
-fno-builtin), against the compiler's own headers only (-nostdinc: no libc
header can sneak in), with warnings as errors, at -O0, -O2 and -O3; then the
object may only need the transport's functions (kidl_call, kidl_msg_buffer):
in particular no memcpy or memset the compiler might have emitted for a
copy loop or a struct copy.  Each .a (already built by meson with the cross
flags) gets the same symbol check.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ALLOWED_UNDEFINED = {"kidl_call", "kidl_msg_buffer"}
OPTIMIZATIONS = ["-O0", "-O2", "-O3"]
FLAGS = ["-std=gnu11", "-ffreestanding", "-fno-builtin", "-fno-stack-protector", "-fno-pic",
         "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow", "-Wstrict-prototypes",
         "-Wmissing-prototypes", "-Wvla", "-Wpointer-arith", "-Wundef", "-nostdinc"]


def compiler_include_dir(cc):
    """The compiler's own freestanding headers (stdint.h, stddef.h, stdbool.h)."""
    path = subprocess.run([cc, "-print-file-name=include"], capture_output=True,
                          text=True).stdout.strip()
    if os.path.isabs(path) and os.path.isdir(path):
        return path
    resource = subprocess.run([cc, "-print-resource-dir"], capture_output=True,
                              text=True).stdout.strip()
    return os.path.join(resource, "include")


def undefined_symbols(nm, path):
    out = subprocess.run([nm, "-u", path], check=True, capture_output=True, text=True).stdout
    return {word for word in out.split() if word != "U" and not word.endswith(":")}


def check_compile(nm, cc, include_dir, includes, source, optimization, workdir):
    obj = os.path.join(workdir, f"{os.path.basename(cc)}{optimization}-{os.path.basename(source)}.o")
    command = [cc, *FLAGS, optimization, "-isystem", include_dir, *includes, "-c", source,
               "-o", obj]
    result = subprocess.run(command, capture_output=True, text=True)
    what = f"{os.path.basename(cc)} {optimization} {os.path.basename(source)}"
    if result.returncode != 0:
        return f"{what}: does not compile\n{' '.join(command)}\n{result.stderr}"
    extra = undefined_symbols(nm, obj) - ALLOWED_UNDEFINED
    if extra:
        return f"{what}: needs undefined symbols {sorted(extra)}"
    return None


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--nm", required=True)
    parser.add_argument("--cc", action="append", required=True)
    parser.add_argument("-I", dest="includes", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    includes = [f"-I{d}" for d in args.includes]
    sources = [f for f in args.files if f.endswith(".c")]
    libraries = [f for f in args.files if not f.endswith(".c")]
    problems = []
    with tempfile.TemporaryDirectory(prefix="kidl-freestanding-") as workdir, \
            ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = []
        for cc in args.cc:
            include_dir = compiler_include_dir(cc)
            for source in sources:
                for optimization in OPTIMIZATIONS:
                    jobs.append(pool.submit(check_compile, args.nm, cc, include_dir, includes,
                                            source, optimization, workdir))
        problems += [job.result() for job in jobs if job.result()]
    for library in libraries:
        extra = undefined_symbols(args.nm, library) - ALLOWED_UNDEFINED
        if extra:
            problems.append(f"{library}: needs undefined symbols {sorted(extra)}")
    for problem in problems:
        print(problem)
    checked = len(args.cc) * len(sources) * len(OPTIMIZATIONS)
    print(f"{checked} freestanding compiles, {len(libraries)} libraries: "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
