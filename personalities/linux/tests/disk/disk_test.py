#!/usr/bin/env python3
"""Issue 9's ext2 test: busybox applets on an ext2 disk under Kumiki, compared
with the same script on the host on a copy of the same tree; then the image
must be clean for e2fsck and hold the files (debugfs), and a second boot must
read them back.

    disk_test.py --kumiki-run TOOL --build DIR

Prints TAP; exits 1 on any "not ok"."""
import argparse
import os
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
echo "== tree"; find . -path ./lost+found -prune -o -print | sort
echo "== sums"; find . -path ./lost+found -prune -o -type f -print | sort | xargs md5sum
rm -r untar
echo "== after rm"; ls
'''

READ_BACK = r'''
cd "$ROOT" || exit 9
find . -path ./lost+found -prune -o -type f -print | sort | xargs md5sum
'''


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
    print("1..6")
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
