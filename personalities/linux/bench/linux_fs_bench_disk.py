#!/usr/bin/env python3
"""Make linux_fs_bench's ext2 image, run a command on it, check the image after.

usage: linux_fs_bench_disk.py --image PATH -- COMMAND [ARG...]

The image (made afresh each time, so that a run never sees what the last
one left) is what personalities/linux/bench/linux_fs_bench.c measures, the
same bytes for Kumiki's run and Linux's:

    /file_1m      1 MiB, byte at offset o = (o // 4096 * 7 + o % 251) % 256
    /dir_1000/    1,000 empty files entry_0000 .. entry_0999

made by `mke2fs -t ext2 -b 4096 -O ^dir_index -d TREE`: 4 KiB blocks (one
page per block on both sides) and no hash-indexed directories (Kumiki's
ext2 reads directories linearly; without the feature Linux does too, and
does not index the directories it changes).  UUID, hash seed and times are
fixed, so the same e2fsprogs makes the same image.

COMMAND gets this command's standard input (tools/bench.py passes the BENCH
lines printed so far, which linux_bench.py --compare reads) and its output
goes to ours.  When it succeeds, `e2fsck -fn` must find the image clean: a
benchmark that damaged the file system has figures nobody should trust.
The exit status is COMMAND's, or 1 when the image cannot be made or is not
clean afterwards.
"""
import argparse
import os
import subprocess
import sys
import tempfile

FILE_PAGES = 256
PAGE = 4096
DIR_ENTRIES = 1000
IMAGE_SIZE = "32M"
FIXED_UUID = "6b756d69-6b69-4673-8265-6e6368000001"
FIXED_TIME = 1704067200  # 2024-01-01T00:00:00Z, the benchmarks' RTC
REPORT_LINES = 30  # of e2fsck's complaints: one damaged table can give thousands


def say(text):
    print(f"linux_fs_bench_disk: {text}", file=sys.stderr, flush=True)


def pattern():
    return bytes((offset // PAGE * 7 + offset % 251) % 256 for offset in range(FILE_PAGES * PAGE))


def make_tree(root):
    with open(os.path.join(root, "file_1m"), "wb") as f:
        f.write(pattern())
    big_dir = os.path.join(root, "dir_1000")
    os.mkdir(big_dir)
    for i in range(DIR_ENTRIES):
        open(os.path.join(big_dir, f"entry_{i:04d}"), "wb").close()
    for directory, names, files in os.walk(root):
        for name in names + files:
            os.utime(os.path.join(directory, name), (FIXED_TIME, FIXED_TIME))
    os.utime(root, (FIXED_TIME, FIXED_TIME))


def make_image(image):
    with tempfile.TemporaryDirectory(prefix="linux_fs_bench-") as tree:
        make_tree(tree)
        if os.path.exists(image):
            os.remove(image)
        env = dict(os.environ, E2FSPROGS_FAKE_TIME=str(FIXED_TIME))
        result = subprocess.run(
            ["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(PAGE), "-O", "^dir_index",
             "-U", FIXED_UUID, "-E", f"hash_seed={FIXED_UUID},root_owner=0:0",
             "-d", tree, image, IMAGE_SIZE],
            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        say(f"mke2fs failed (status {result.returncode}): {(result.stderr + result.stdout).strip()}")
        sys.exit(1)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image", required=True, help="where the image is written")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("no command after --")
    make_image(args.image)
    try:
        status = subprocess.run(command).returncode
    except OSError as e:
        say(f"cannot run {command[0]}: {e}")
        return 1
    if status != 0:
        say(f"{os.path.basename(command[0])} failed (status {status}); image kept: {args.image}")
        return status if status > 0 else 1
    check = subprocess.run(["e2fsck", "-fn", args.image], capture_output=True, text=True)
    if check.returncode != 0:
        report = (check.stdout + check.stderr).rstrip().splitlines()
        shown = report[:REPORT_LINES]
        if len(report) > REPORT_LINES:
            shown.append(f"... {len(report) - REPORT_LINES} more lines")
        say(f"e2fsck -fn {args.image} after the benchmark (status {check.returncode}):\n"
            + "\n".join(shown))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
