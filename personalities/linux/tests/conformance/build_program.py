#!/usr/bin/env python3
"""Build one conformance program with musl-gcc: static, or static-PIE.

    build_program.py MUSL_GCC static|static-pie OUTPUT DEPFILE SOURCE [LINK_ARGS...]

A LINK_ARG ending in .S is an assembly source (registers a test must control
exactly around a system call): it is assembled on its own, so that the
depfile stays SOURCE's, and its object linked in.

Debian's musl-gcc links static non-PIE programs with `-static`.  Its specs file has no
static-PIE mode (-static-pie there gives a PIE that needs the musl loader), so static-PIE is
linked by hand: musl's self-relocating start file rcrt1.o, -static -pie --no-dynamic-linker.
rcrt1.o is found next to the Scrt1.o musl-gcc itself names (from `musl-gcc -###`).
"""
import os
import subprocess
import sys

C_FLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror"]


def musl_lib_dir(musl_gcc):
    """The directory of musl's start files, from the link command musl-gcc would run."""
    result = subprocess.run([musl_gcc, "-###", "-static", "-x", "c", os.devnull, "-o", os.devnull],
                            capture_output=True, text=True, check=False)
    for word in result.stderr.split():
        word = word.strip('"')
        if word.endswith("/Scrt1.o") or word.endswith("/crt1.o"):
            return os.path.dirname(word)
    sys.exit(f"build_program.py: cannot find musl's start files in `{musl_gcc} -###`:\n{result.stderr}")


def gcc_file(musl_gcc, name):
    return subprocess.run([musl_gcc, f"-print-file-name={name}"], capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv):
    if len(argv) < 5 or argv[1] not in ("static", "static-pie"):
        sys.exit(__doc__)
    musl_gcc, kind, output, depfile, source, *link_args = argv
    compile_args = C_FLAGS + ["-MD", "-MF", depfile, "-MT", output]
    pie = ["-fPIE"] if kind == "static-pie" else []
    for i, arg in enumerate(link_args):
        if arg.endswith(".S"):
            obj = f"{output}.{os.path.basename(arg)}.o"
            if subprocess.run([musl_gcc, *pie, "-c", "-o", obj, arg], check=False).returncode:
                return 1
            link_args[i] = obj
    if kind == "static":
        cmd = [musl_gcc, "-static", *compile_args, "-o", output, source, *link_args]
    else:
        lib = musl_lib_dir(musl_gcc)
        cmd = [musl_gcc, "-fPIE", "-static-pie", "-nostartfiles", "-Wl,-static", "-Wl,-pie",
               "-Wl,--no-dynamic-linker", "-Wl,-z,text", *compile_args, "-o", output,
               os.path.join(lib, "rcrt1.o"), os.path.join(lib, "crti.o"), gcc_file(musl_gcc, "crtbeginS.o"),
               source, *link_args, gcc_file(musl_gcc, "crtendS.o"), os.path.join(lib, "crtn.o")]
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
