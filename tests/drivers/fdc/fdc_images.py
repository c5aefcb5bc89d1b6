#!/usr/bin/env python3
"""Boots the fdc deployment with two 1.44 MB FAT12 floppies made here.

Each image (mkfs.fat + mtools, in the build directory) holds PATTERN.BIN,
whose bytes follow pattern() (the same formula as drivers/fdc/fdc_test.c),
and WRITE.BIN, zeros, which the test client overwrites through the driver.
The boot must end with the client's "0 failures" (it compares PATTERN.BIN
byte for byte on drives A and B, and checks the refusals); then, on the
host, WRITE.BIN copied out of each image with mcopy must hold the client's
pattern and PATTERN.BIN must be unchanged: the writes reached the images.

usage: fdc_images.py WORKDIR RUNNER [runner arguments...]
"""
import os
import subprocess
import sys

PATTERN_SIZE = 20000  # 40 sectors: more than one track and more than one request
WRITE_SIZE = 8192


def pattern(size, seed):
    return bytes((i * 31 + (i >> 9) * 7 + seed) & 0xFF for i in range(size))


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def make_image(path, drive):
    if os.path.exists(path):
        os.remove(path)
    run("mkfs.fat", "-C", "-n", "DRIVE" + drive, path, "1440")
    src = path + ".pattern"
    with open(src, "wb") as f:
        f.write(pattern(PATTERN_SIZE, ord(drive)))
    run("mcopy", "-i", path, src, "::PATTERN.BIN")
    with open(src, "wb") as f:
        f.write(bytes(WRITE_SIZE))
    run("mcopy", "-i", path, src, "::WRITE.BIN")
    os.remove(src)


def copy_out(image, name):
    out = subprocess.run(["mcopy", "-n", "-i", image, "::" + name, "-"], check=True,
                         stdout=subprocess.PIPE).stdout
    return out


def main():
    workdir, runner, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(workdir, exist_ok=True)
    images = {}
    for index, drive in enumerate("AB"):
        images[drive] = os.path.join(workdir, drive + ".img")
        make_image(images[drive], drive)
        rest += ["--qemu-arg=-drive", "--qemu-arg=" +
                 "file=%s,if=floppy,index=%d,format=raw" % (images[drive], index)]
    status = subprocess.run([sys.executable, runner] + rest).returncode
    if status:
        print("fdc_images: the boot failed (status %d)" % status)
        return 1
    failures = 0
    for drive, image in images.items():
        got = copy_out(image, "WRITE.BIN")
        want = pattern(WRITE_SIZE, ord(drive.lower()))
        ok = got == want
        print("%s drive %s: WRITE.BIN on the host holds what the client wrote" % ("ok" if ok else "FAILED", drive))
        if not ok:
            first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), None)
            print("  %d bytes, first difference at %s" % (len(got), first))
        failures += not ok
        ok = copy_out(image, "PATTERN.BIN") == pattern(PATTERN_SIZE, ord(drive))
        print("%s drive %s: PATTERN.BIN unchanged" % ("ok" if ok else "FAILED", drive))
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
