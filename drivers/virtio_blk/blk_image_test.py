#!/usr/bin/env python3
"""The disk image of the virtio_blk test deployment (blk_test.kdep).

  blk_image_test.py --make-image IMG
      writes a 1 MiB raw image, byte j of sector i = pattern A
  blk_image_test.py [--keep DIR] -- RUNNER ARGS...
      makes a fresh image in a temporary directory, runs RUNNER ARGS... (the
      QEMU runner) with the image as drive d0 on a virtio-blk-pci device in
      slot 5, and when the boot passed checks on the host that the guest's
      writes persisted: sectors 100..107 and the last one hold pattern B,
      every other sector still pattern A.

The patterns must equal those of blk_test.c.
"""
import argparse
import os
import subprocess
import sys
import tempfile

SECTOR = 512
SECTORS = 2048
WRITTEN = set(range(100, 108)) | {SECTORS - 1}


def pattern_a(i):
    return bytes((i * 131 + j + (i >> 8) * 7) & 0xFF for j in range(SECTOR))


def pattern_b(i):
    return bytes((0xA5 ^ i ^ (j * 5)) & 0xFF for j in range(SECTOR))


def make_image(path):
    with open(path, 'wb') as f:
        for i in range(SECTORS):
            f.write(pattern_a(i))


def check_image(path):
    data = open(path, 'rb').read()
    if len(data) != SECTORS * SECTOR:
        return ['image is %d bytes, not %d' % (len(data), SECTORS * SECTOR)]
    problems = []
    for i in range(SECTORS):
        want = pattern_b(i) if i in WRITTEN else pattern_a(i)
        if data[i * SECTOR:(i + 1) * SECTOR] != want:
            problems.append('sector %d: not pattern %s' % (i, 'B' if i in WRITTEN else 'A'))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--make-image', metavar='IMG')
    parser.add_argument('--keep', metavar='DIR', help='make the image in DIR and leave it there')
    parser.add_argument('runner', nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.make_image:
        make_image(args.make_image)
        return 0
    runner = args.runner[1:] if args.runner[:1] == ['--'] else args.runner
    if not runner:
        parser.error('no runner command')
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or tmp
        image = os.path.join(directory, 'virtio_blk_disk.img')
        make_image(image)
        command = runner + ['--qemu-arg=-drive', '--qemu-arg=file=%s,if=none,id=d0,format=raw' % image,
                            '--qemu-arg=-device', '--qemu-arg=virtio-blk-pci,drive=d0,addr=0x5']
        status = subprocess.call(command)
        if status != 0:
            print('blk_image_test: the boot failed (status %d)' % status)
            return 1
        problems = check_image(image)
        for p in problems[:20]:
            print('blk_image_test: ' + p)
        if problems:
            print('not ok - the image on the host does not hold what the guest wrote')
            return 1
        print('ok - the guest\'s writes persisted in the image; the rest is unchanged')
        return 0


if __name__ == '__main__':
    sys.exit(main())
