#!/usr/bin/env python3
"""Issue 9's ext2 test: busybox applets on an ext2 disk under Kumiki, compared
with the same script on the host on a copy of the same tree; then the image
must be clean for e2fsck and hold the files (debugfs), and a second boot must
read them back.  A third boot uses the disk's node as a Linux user would:
ls -l /dev/vda, umount and mount(8) it, the errors of mount(2) (ENOTBLK,
EBUSY, ENXIO), /proc/mounts, raw reads and writes with dd; the image must be
clean afterwards and hold what dd wrote.  A fourth runs du and df, whose figures must be those
e2fsprogs reads from the image (each file's block count; Linux's ext2 statfs).

    disk_test.py --kumiki-run TOOL --build DIR

Prints TAP; exits 1 on any "not ok"."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Runs in $ROOT (the disk's mount point under Kumiki, a copy on the host).
SCRIPT = r'''
cd "$ROOT" || exit 9
echo "== listing"; ls
mkdir -p a/b/c && echo deep > a/b/c/file
cp -r docs docs2 && mv docs2 moved && rm -r moved/sub
ln -s a/b/c/file link && cat link
chmod 640 notes.txt && stat -c '%a %s %n' notes.txt
touch empty && stat -c '%s %n' empty
dd if=/dev/zero of=zeros bs=1024 count=300 2>/dev/null && wc -c zeros
tar cf /tmp/t.tar docs && mkdir untar && cd untar && tar xf /tmp/t.tar && cd .. && find untar | sort
echo "== long listing"  # without owners and times, which differ from the host's by design
ls -l notes.txt zeros empty link docs/big | awk '{print $1, $2, $5, $NF}'
echo "== tree"; find . -path ./lost+found -prune -o -print | sort
echo "== sums"; find . -path ./lost+found -prune -o -type f -print | sort | xargs md5sum
rm -r untar
echo "== after rm"; ls
'''

READ_BACK = r'''
cd "$ROOT" || exit 9
find . -path ./lost+found -prune -o -type f -print | sort | xargs md5sum
'''


# The disk's node (/dev/vda, 254:0) under Kumiki, run as root with the disk
# at /mnt.  DEVICE_EXPECTED is busybox's wording with Linux's error for each
# case (mount(2): EBUSY for a mounted disk, ENOTBLK for a character device,
# ENOENT, ENXIO for a number no disk has; open for writing of a mounted disk:
# EBUSY, as Linux with bdev_allow_write_mounted=0).  The first line, ls -l's,
# is matched by DEVICE_LS (its time is the node's).
DEVICE_SCRIPT = r'''
ls -l /dev/vda
echo "== node"; stat -c '%F %a %u:%g %t:%T %s' /dev/vda
echo "== mounts"; grep vda /proc/mounts
echo "== superblock"; dd if=/dev/vda bs=1024 skip=1 count=1 2>/dev/null | od -A n -t x1 -j 56 -N 2
echo "== size"; blockdev --getsize64 /dev/vda; blockdev --getss /dev/vda
echo "== mounted: no writers"; (echo x > /dev/vda) 2>&1; echo "status $?"
echo "== busy"; cd /mnt && { umount /mnt 2>&1; echo "status $?"; cd /; }
echo "== umount"; umount /mnt && echo ok; grep -c vda /proc/mounts
echo "== raw write"; printf KUMIKI | dd of=/dev/vda bs=1 seek=100 conv=notrunc 2>/dev/null && echo ok
dd if=/dev/vda bs=2 skip=50 count=3 2>/dev/null; echo
echo "== mount"; mount -t ext2 /dev/vda /mnt && echo ok; head -1 /mnt/notes.txt; grep vda /proc/mounts
echo "== errors"
mount -t ext2 /dev/vda /tmp 2>&1; echo "status $?"
mount -t ext2 /dev/null /tmp 2>&1; echo "status $?"
mount -t ext2 /dev/nothing /tmp 2>&1; echo "status $?"
mknod /tmp/vdb b 254 16 && mount -t ext2 /tmp/vdb /tmp 2>&1; echo "status $?"
echo "== again, no type, read-only"; umount /mnt && mount -o ro /dev/vda /mnt && grep vda /proc/mounts
touch /mnt/new 2>&1; echo "status $?"
umount /mnt && mount /dev/vda /mnt && echo rw again && echo written > /mnt/after-remount
'''

DEVICE_LS = re.compile(r"^brw-rw----\s+1 root\s+disk\s+254,\s+0 .+ /dev/vda$")

DEVICE_EXPECTED = """== node
block special file 660 0:6 fe:0 0
== mounts
/dev/vda /mnt ext2 rw 0 0
== superblock
 53 ef
== size
16777216
512
== mounted: no writers
sh: can't create /dev/vda: Device or resource busy
status 1
== busy
umount: can't unmount /mnt: Device or resource busy
status 1
== umount
ok
0
== raw write
ok
KUMIKI
== mount
ok
notes
/dev/vda /mnt ext2 rw 0 0
== errors
mount: mounting /dev/vda on /tmp failed: Device or resource busy
status 255
mount: mounting /dev/null on /tmp failed: Block device required
status 255
mount: mounting /dev/nothing on /tmp failed: No such file or directory
status 255
mount: mounting /tmp/vdb on /tmp failed: No such device or address
status 255
== again, no type, read-only
/dev/vda /mnt ext2 ro 0 0
touch: /mnt/new: Read-only file system
status 1
rw again
"""


# du and df on the disk (a fourth boot): their figures are checked against
# what e2fsprogs reads from the image afterwards (the host's own file system
# allocates differently, so its du and df are no oracle).
STATS_SCRIPT = r'''
cd /mnt && du -k zeros docs/big notes.txt && df -k /mnt | tail -1
'''


def dumpe2fs(image):
    """The superblock's fields and, per group, the blocks Linux's ext2 statfs counts as overhead."""
    out = subprocess.run(["dumpe2fs", image], capture_output=True, text=True).stdout
    fields = dict(re.findall(r"^([A-Za-z ]+):\s+(\S+)", out, re.M))
    groups = re.split(r"^Group \d+:", out, flags=re.M)[1:]
    overhead = int(fields["First block"])
    for g in groups:
        m = re.search(r"superblock at \d+, Group descriptors at (\d+)-(\d+)", g)
        if m:
            overhead += 1 + int(m.group(2)) - int(m.group(1)) + 1
        overhead += 2 + int(fields["Inode blocks per group"])
    return fields, overhead


def expected_df(image):
    """df -k's line for the image without Use%, by Linux's ext2 statfs (the "bsddf" overhead not
    counted)."""
    f, overhead = dumpe2fs(image)
    kib = int(f["Block size"]) // 1024
    total = (int(f["Block count"]) - overhead) * kib
    free = int(f["Free blocks"]) * kib
    avail = max(int(f["Free blocks"]) - int(f["Reserved block count"]), 0) * kib
    return f"/dev/vda {total} {total - free} {avail} /mnt"


def expected_du(image, paths):
    """du -k's lines: each file's i_blocks (512-byte units, what debugfs calls Blockcount) / 2."""
    lines = []
    for path in paths:
        stat = subprocess.run(["debugfs", "-R", f"stat /{path}", image], capture_output=True, text=True).stdout
        m = re.search(r"Blockcount: (\d+)", stat)
        lines.append(f"{int(m.group(1)) // 2 if m else '?'}\t{path}")
    return "\n".join(lines) + "\n"


def make_tree(root):
    os.makedirs(os.path.join(root, "docs", "sub"))
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("notes\n" * 100)
    with open(os.path.join(root, "docs", "big"), "wb") as f:
        f.write(bytes(range(256)) * 1200)  # past the direct and single indirect blocks
    with open(os.path.join(root, "docs", "sub", "small"), "w") as f:
        f.write("small\n")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}")
        if not ok:
            self.failed += 1
            for line in detail.splitlines()[:40]:
                print("# " + line)
        return ok


def kumiki(args, image, script):
    cmd = [sys.executable, args.kumiki_run, "--build", args.build, "--timeout", "240", "--disk", image,
           "--env", "ROOT=/mnt", "--", "/bin/busybox", "sh", "-c", script]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kumiki-run", required=True)
    parser.add_argument("--build", required=True)
    args = parser.parse_args()
    tap = Tap()
    print("1..12")
    with tempfile.TemporaryDirectory(prefix="kumiki-disk-") as tmp:
        tree = os.path.join(tmp, "tree")
        make_tree(tree)
        image = os.path.join(tmp, "disk.img")
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-d", tree, image, "16M"], check=True)
        host_root = os.path.join(tmp, "host")
        shutil.copytree(tree, host_root, symlinks=True)
        os.mkdir(os.path.join(host_root, "lost+found"))  # mke2fs made one on the disk
        host = subprocess.run(["/bin/busybox", "sh", "-c", SCRIPT], capture_output=True, text=True,
                              env={"ROOT": host_root, "PATH": "/bin:/usr/bin"}, timeout=60)
        run = kumiki(args, image, SCRIPT)
        tap.check(run.returncode == host.returncode, "the script's status under Kumiki is the host's",
                  f"host {host.returncode}, kumiki {run.returncode}\n{run.stderr}")
        tap.check(run.stdout == host.stdout, "busybox applets on ext2 print what they print on the host",
                  "--- host\n" + host.stdout + "--- kumiki\n" + run.stdout + run.stderr)
        fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
        tap.check(fsck.returncode == 0, "e2fsck -fn finds the image clean", fsck.stdout + fsck.stderr)
        cat = subprocess.run(["debugfs", "-R", "cat /a/b/c/file", image], capture_output=True, text=True)
        tap.check(cat.stdout == "deep\n", "debugfs reads a file Kumiki wrote", cat.stdout + cat.stderr)
        host_sums = subprocess.run(["/bin/busybox", "sh", "-c", READ_BACK], capture_output=True, text=True,
                                   env={"ROOT": host_root, "PATH": "/bin:/usr/bin"}).stdout
        again = kumiki(args, image, READ_BACK)
        tap.check(again.returncode == 0 and again.stdout == host_sums, "a second boot reads every file back",
                  "--- host\n" + host_sums + "--- kumiki\n" + again.stdout + again.stderr)
        dev = kumiki(args, image, DEVICE_SCRIPT)
        first, _, rest = dev.stdout.partition("\n")
        tap.check(DEVICE_LS.match(first) is not None, "ls -l /dev/vda: a block device 254:0, root:disk 0660",
                  dev.stdout + dev.stderr)
        tap.check(dev.returncode == 0 and rest == DEVICE_EXPECTED,
                  "/dev/vda: stat, /proc/mounts, dd, blockdev, umount and mount(8), mount(2)'s errors",
                  "--- expected\n" + DEVICE_EXPECTED + "--- kumiki\n" + rest + dev.stderr)
        fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
        tap.check(fsck.returncode == 0, "e2fsck -fn finds the image clean after the umounts and mounts",
                  fsck.stdout + fsck.stderr)
        with open(image, "rb") as f:
            head = f.read(1024)
        after = subprocess.run(["debugfs", "-R", "cat /after-remount", image], capture_output=True, text=True)
        tap.check(head[100:106] == b"KUMIKI" and after.stdout == "written\n",
                  "the disk holds what dd wrote on /dev/vda and a file written after mount(8)",
                  repr(head[96:110]) + "\n" + after.stdout + after.stderr)
        stats = kumiki(args, image, STATS_SCRIPT)
        du_lines, _, df_line = stats.stdout.rpartition("\n/dev/vda")
        want_du = expected_du(image, ["zeros", "docs/big", "notes.txt"])
        tap.check(stats.returncode == 0 and du_lines + "\n" == want_du,
                  "du -k on ext2 counts each file's blocks as e2fsprogs does (indirect blocks included)",
                  "--- debugfs\n" + want_du + "--- kumiki\n" + stats.stdout + stats.stderr)
        want_df = expected_df(image)
        fields = ("/dev/vda" + df_line).split()
        got_df = " ".join(fields[:4] + fields[5:])  # Use% is busybox's rounding of the others
        tap.check(got_df == want_df, "df -k /mnt: Linux's ext2 figures from the image's counts",
                  f"expected {want_df}\nkumiki   {got_df}\n{stats.stderr}")
        bad = os.path.join(tmp, "bad.img")
        shutil.copy(image, bad)
        with open(bad, "r+b") as f:  # the superblock's magic (offset 1024 + 56)
            f.seek(1024 + 56)
            f.write(b"\0\0")
        before = open(bad, "rb").read()
        broken = kumiki(args, bad, "ls /mnt | wc -l; echo still running")
        tap.check(broken.stdout == "0\nstill running\n" and open(bad, "rb").read() == before,
                  "an image with a bad magic is refused, nothing written, the system runs on",
                  broken.stdout + broken.stderr)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
