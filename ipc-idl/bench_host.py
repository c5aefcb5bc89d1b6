#!/usr/bin/env python3
"""Instructions per IDL call on the host loopback, counted exactly.

usage: bench_host.py IDL_BENCH_EXE

Runs the bench program under valgrind's callgrind with two iteration counts
per procedure; (I2 - I1) / (N2 - N1) is the instruction count of one call,
client stub to handler and back, free of start-up and exit costs.  Prints:

    BENCH idl_call_6_scalars_host <n> instructions
    BENCH idl_call_256_bytes_host <n> instructions
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ITERATIONS = (1000, 3000)
BENCHMARKS = [
    ("idl_call_6_scalars_host", "six_scalars"),
    ("idl_call_256_bytes_host", "buffer_256"),
]


def instructions(valgrind, program, procedure, iterations, workdir):
    """Total instructions (callgrind's Ir) of one run of the program."""
    out_file = os.path.join(workdir, f"callgrind.{procedure}.{iterations}")
    command = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out_file}",
               program, procedure, str(iterations)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(f"bench_host.py: {' '.join(command)} failed ({result.returncode})")
    with open(out_file, encoding="utf-8") as output:
        for line in output:
            match = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if match:
                return int(match.group(1))
    sys.exit(f"bench_host.py: no instruction total in {out_file}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    program = sys.argv[1]
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        sys.stderr.write("bench_host.py: valgrind is not installed; the IDL benchmark counts "
                         "instructions with callgrind (apt-get install valgrind)\n")
        return 1
    low, high = ITERATIONS
    with tempfile.TemporaryDirectory(prefix="kidl-bench-") as workdir:
        for bench_name, procedure in BENCHMARKS:
            difference = (instructions(valgrind, program, procedure, high, workdir) -
                          instructions(valgrind, program, procedure, low, workdir))
            per_call, remainder = divmod(difference, high - low)
            if remainder:
                # Every call runs the same instructions, so this means noise
                # crept in; report it rather than hide it.
                sys.stderr.write(f"bench_host.py: {bench_name}: {difference} instructions over "
                                 f"{high - low} calls is not a whole number per call\n")
                per_call = round(difference / (high - low))
            print(f"BENCH {bench_name} {per_call} instructions", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
