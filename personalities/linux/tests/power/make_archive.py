#!/usr/bin/env python3
"""The boot archive of linux_power_shared: busybox and its applets (tools/kumiki_run/rootfs.py's
base tree) and a program for the console: `busybox sh -c SCRIPT`.

usage: make_archive.py --busybox FILE --output OUT.tar -- SCRIPT"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "tools"))
from kumiki_run import rootfs  # noqa: E402


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--busybox", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("script")
    args = p.parse_args(argv)
    with open(args.busybox, "rb") as f:
        busybox = f.read()
    members = rootfs.base_tree(busybox) + rootfs.run_members(
        busybox, ["/bin/busybox", "sh", "-c", args.script], console=True)
    with open(args.output, "wb") as f:
        f.write(rootfs.build_archive(members))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
