#!/usr/bin/env python3
"""The ext2 host test (meson test linux_ext2): real images, made at test time.

usage: test_ext2.py TEST_BINARY

For 1, 2 and 4 KiB blocks (revision 1) and 1 KiB blocks of revision 0,
it builds a tree (files of many sizes: one block, twelve, thirteen for
the single indirect block, more than 268 KiB for the double indirect one
with 1 KiB blocks, a hole reaching the triple indirect range; fast and
slow symbolic links, hard links, devices, a FIFO, owners above 65535,
a directory of several blocks), makes an image of it with
`mke2fs -t ext2 -d`, and then
  - test_linux_ext2 verify: the image, read through ext2 and the VFS,
    holds exactly the tree;
  - test_linux_ext2 mutate: random operations on the image and, through
    Linux, on a copy of the tree give the same results and trees;
    `e2fsck -fn` finds the image clean and `debugfs rdump` / `cat` give
    back exactly the copy;
  - test_linux_ext2 unit on an empty image, then `e2fsck -fn`;
  - test_linux_ext2 readonly;
  - test_linux_ext2 blk: the same through blk_client_dev.c and the blk
    interface to a fake driver, then `e2fsck -fn`;
and makes damaged copies of the 1 KiB image (bad magic, impossible
counts, a block pointer out of range, a bad rec_len, a directory loop...)
that must be refused without a byte written, or mount and give EIO for
the damaged file only.
"""
import filecmp
import hashlib
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

TEST = None
failures = []
count = 0


def report(ok, what, detail=""):
    global count
    count += 1
    print(f"{'ok' if ok else 'not ok'} {count} - {what}")
    if not ok:
        failures.append(what)
        if detail:
            print("  " + detail.replace("\n", "\n  "))


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def run_test(what, *args):
    r = run([TEST, *args])
    report(r.returncode == 0, what, (r.stdout + r.stderr)[-4000:])
    return r


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def make_tree(root, rng, as_root):
    os.makedirs(root)
    os.mkdir(f"{root}/lost+found", 0o700)
    data = lambda n: bytes(rng.getrandbits(8) for _ in range(n))
    for name, size in [("empty", 0), ("one", 1), ("small", 1000), ("b1024", 1024), ("b2048", 2048),
                       ("b4096", 4096), ("twelve", 12 * 1024), ("thirteen", 13 * 1024 + 17),
                       ("doubly", 300 * 1024 + 5), ("big", 2 * 1024 * 1024 + 333)]:
        write(f"{root}/{name}", data(size))
    write(f"{root}/zeros", bytes(20000))
    with open(f"{root}/holes", "wb") as f:
        f.write(data(5000))
        f.seek(1024 * 1024)
        f.write(data(3000))
    with open(f"{root}/far", "wb") as f:  # triple indirect with 1 KiB blocks
        f.write(b"start")
        f.seek(70 * 1024 * 1024)
        f.write(data(2000))
    os.makedirs(f"{root}/a/b/c")
    write(f"{root}/a/b/c/deep", b"deep file\n")
    os.makedirs(f"{root}/many")
    for i in range(300):
        write(f"{root}/many/{'n' * (1 + i % 40)}-{i}", data(i % 50))
    write(f"{root}/{'L' * 255}", b"a name of 255 bytes")
    os.symlink("one", f"{root}/l-short")
    os.symlink("x" * 200, f"{root}/l-long")
    os.symlink("/nowhere/at/all", f"{root}/l-dangling")
    os.symlink("a/b", f"{root}/l-dir")
    os.link(f"{root}/one", f"{root}/a/one-link")
    os.link(f"{root}/one", f"{root}/a/b/one-link2")
    os.link(f"{root}/doubly", f"{root}/many/doubly-link")
    os.mkfifo(f"{root}/fifo")
    os.chmod(f"{root}/small", 0o600)
    os.chmod(f"{root}/b1024", 0o4755)
    os.mkdir(f"{root}/sticky")
    os.chmod(f"{root}/sticky", 0o1777)
    if as_root:
        os.mknod(f"{root}/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(f"{root}/bigdev", 0o600 | stat.S_IFBLK, os.makedev(300, 70000))
        os.chown(f"{root}/b2048", 1000, 1000)
        os.chown(f"{root}/b4096", 65537, 70000)
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for n in filenames + dirnames:
            os.utime(f"{dirpath}/{n}", (1600000000, 1600000000 + len(n)), follow_symlinks=False)
    os.utime(root, (1600000000, 1600000000))


def mkfs(image, tree, block_size, rev, size_mb, extra=()):
    groups = {1024: 4096, 2048: 4096, 4096: 2048}[block_size]
    args = ["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block_size), "-g", str(groups), "-N", "2048",
            "-r", str(rev), *extra]
    if tree:
        args += ["-d", tree]
    r = run(args + [image, f"{size_mb}M"])
    if r.returncode != 0:
        sys.exit(f"mke2fs failed: {r.stderr}")


def fsck_clean(image, what):
    r = run(["e2fsck", "-fn", image])
    report(r.returncode == 0, f"{what}: e2fsck -fn finds it clean", r.stdout + r.stderr)


def compare_rdump(image, mirror, what, tmp):
    out = f"{tmp}/rdump"
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    r = run(["debugfs", "-R", f"rdump / {out}", image])
    problems = []

    def walk(rel):
        a, b = f"{out}/{rel}", f"{mirror}/{rel}"
        names_a = sorted(os.listdir(a))
        # debugfs does not dump device nodes and FIFOs.
        names_b = sorted(n for n in os.listdir(b) if not stat.S_ISFIFO(os.lstat(f"{b}/{n}").st_mode)
                         and not stat.S_ISCHR(os.lstat(f"{b}/{n}").st_mode)
                         and not stat.S_ISBLK(os.lstat(f"{b}/{n}").st_mode))
        if names_a != names_b:
            problems.append(f"{rel}: {names_a} != {names_b}")
            return
        for n in names_a:
            pa, pb = f"{a}/{n}", f"{b}/{n}"
            sa, sb = os.lstat(pa), os.lstat(pb)
            # debugfs keeps the permission bits only (no set-user-ID, no sticky bit).
            if stat.S_IFMT(sa.st_mode) != stat.S_IFMT(sb.st_mode) or (sa.st_mode ^ sb.st_mode) & 0o777:
                problems.append(f"{rel}/{n}: mode {oct(sa.st_mode)} != {oct(sb.st_mode)}")
            elif stat.S_ISDIR(sa.st_mode):
                walk(f"{rel}/{n}")
            elif stat.S_ISLNK(sa.st_mode):
                if os.readlink(pa) != os.readlink(pb):
                    problems.append(f"{rel}/{n}: link target differs")
            elif not filecmp.cmp(pa, pb, shallow=False):
                problems.append(f"{rel}/{n}: content differs")

    walk(".")
    report(r.returncode == 0 and not problems, f"{what}: debugfs rdump gives back the tree",
           "\n".join(problems[:20]) + r.stderr[-500:])
    # debugfs cat, file by file, for the regular files at the top.
    bad = []
    for n in sorted(os.listdir(mirror)):
        p = f"{mirror}/{n}"
        if stat.S_ISREG(os.lstat(p).st_mode) and os.path.getsize(p) < 4 * 1024 * 1024:
            got = subprocess.run(["debugfs", "-R", f"cat /{n}", image], capture_output=True).stdout
            if got != open(p, "rb").read():
                bad.append(n)
    report(not bad, f"{what}: debugfs cat gives back each file", " ".join(bad))


def debugfs_w(image, *commands):
    for c in commands:
        r = run(["debugfs", "-w", "-R", c, image])
        if r.returncode != 0 or "rror" in r.stderr.replace("debugfs 1.", ""):
            sys.exit(f"debugfs -w '{c}' failed: {r.stderr}")


def patch(image, offset, data):
    with open(image, "r+b") as f:
        f.seek(offset)
        f.write(data)


def block_of(image, path, index=0):
    r = run(["debugfs", "-R", f"blocks {path}", image])
    return int(r.stdout.split()[index])


def corrupted(good, tmp, name, edit):
    image = f"{tmp}/bad-{name}.img"
    shutil.copyfile(good, image)
    edit(image)
    return image


def damaged_images(good, tmp, block_size):
    sb = 1024
    u32 = lambda v: struct.pack("<I", v)
    u16 = lambda v: struct.pack("<H", v)
    refused = {
        "bad magic": lambda i: patch(i, sb + 56, u16(0x1234)),
        "revision 5": lambda i: patch(i, sb + 76, u32(5)),
        "block size log 7": lambda i: patch(i, sb + 24, u32(7)),
        "more blocks than the device": lambda i: patch(i, sb + 4, u32(10 ** 8)),
        "inode count not groups x per group": lambda i: patch(i, sb + 0, u32(12345)),
        "zero blocks per group": lambda i: patch(i, sb + 32, u32(0)),
        "zero inodes per group": lambda i: patch(i, sb + 40, u32(0)),
        "free blocks above the total": lambda i: patch(i, sb + 12, u32(0xfffffff0)),
        "inode size 100": lambda i: patch(i, sb + 88, u16(100)),
        "first inode 0": lambda i: patch(i, sb + 84, u32(0)),
        "unknown incompatible feature (extents)": lambda i: debugfs_w(i, "feature extent"),
        "journal needs recovery": lambda i: debugfs_w(i, "feature needs_recovery"),
        "inode table overlapping the bitmaps": lambda i: debugfs_w(i, "set_bg 0 inode_table 4"),
        "block bitmap outside its group": lambda i: debugfs_w(i, "set_bg 1 block_bitmap 1"),
        "group free count above its size": lambda i: debugfs_w(i, "set_bg 0 free_blocks_count 60000"),
        "group free count not the bitmap's": lambda i: debugfs_w(i, "set_bg 0 free_blocks_count 7"),
        "metadata block marked free": lambda i: debugfs_w(i, f"freeb {block_size == 1024 and 3 or 2}"),
        "reserved inode marked free": lambda i: debugfs_w(i, "freei <7>"),
        "root not a directory": lambda i: debugfs_w(i, "sif <2> mode 0100644"),
        "root without links": lambda i: debugfs_w(i, "set_inode_field <2> links_count 0"),
        "truncated device": lambda i: os.truncate(i, os.path.getsize(i) // 2),
        "tiny device": lambda i: os.truncate(i, 1500),
    }
    for what, edit in refused.items():
        image = corrupted(good, tmp, what.replace(" ", "-").replace("'", ""), edit)
        before = sha(image)
        run_test(f"damaged ({what}): refused", "refuse", image)
        report(sha(image) == before, f"damaged ({what}): not a byte written")

    def bad_rec_len(i):
        blk = block_of(i, "/a")
        patch(i, blk * block_size + 12 + 4, u16(3))  # ".."'s rec_len: not a multiple of 4

    def rec_len_past_block(i):
        blk = block_of(i, "/a/b")
        patch(i, blk * block_size + 12 + 4, u16(block_size * 2))

    def name_past_entry(i):
        blk = block_of(i, "/many")
        patch(i, blk * block_size + 24 + 6, bytes([250]))  # the third entry's name_len beyond its rec_len

    def slash_in_name(i):
        blk = block_of(i, "/a/b/c")
        patch(i, blk * block_size + 24 + 8 + 1, b"/")  # "deep" -> "d/ep"

    eio = {
        "block pointer out of range": (lambda i: debugfs_w(i, "sif /twelve block[3] 99999999"),
                                       "twelve", ["one", "thirteen"]),
        "indirect pointer into the inode table": (lambda i: debugfs_w(i, "sif /thirteen block[IND] 5"),
                                                  "thirteen", ["twelve", "doubly"]),
        "double indirect pointer to the superblock": (
            lambda i: debugfs_w(i, f"sif /doubly block[DIND] {block_size == 1024 and 1 or 0}"), "doubly",
            ["one"]),
        "bad rec_len": (bad_rec_len, "a", ["one", "many"]),
        "rec_len past the block": (rec_len_past_block, "a/b", ["a/one-link"]),
        "name longer than its entry": (name_past_entry, "many", ["a/b/one-link2"]),
        "a name with a slash": (slash_in_name, "a/b/c", ["a/b/one-link2"]),
        "directory larger than the file system": (lambda i: debugfs_w(i, "sif /sticky size 0x4000000"),
                                                  "sticky", ["a"]),
        "directory loop": (lambda i: debugfs_w(i, "link /a /a/b/loop"), "a/b/loop", ["a/b/c/deep"]),
        "entry naming a free inode": (lambda i: debugfs_w(i, "link <1900> /ghost"), "ghost", ["one"]),
        "entry naming a reserved inode": (lambda i: debugfs_w(i, "link <7> /resize"), "resize", ["one"]),
        "extents flag": (lambda i: debugfs_w(i, "sif /small flags 0x80000"), "small", ["one"]),
        "symbolic link too long": (lambda i: debugfs_w(i, "sif /l-long size 99999"), "l-long", ["l-short"]),
        "directory of size 0": (lambda i: debugfs_w(i, "sif /sticky size 0"), "sticky", ["a"]),
        "file larger than its blocks can address": (
            lambda i: debugfs_w(i, "sif /one size 0x7fffffffffffffff"), "one", ["small"]),
    }
    for what, (edit, bad, good_paths) in eio.items():
        image = corrupted(good, tmp, what.replace(" ", "-"), edit)
        before = sha(image)
        run_test(f"damaged ({what}): EIO for {bad} only", "eio", image, bad, *good_paths)
        report(sha(image) == before, f"damaged ({what}): not a byte written")

    # A file pointing at a block the bitmap calls free: its data is not
    # written there (another file may get that block).
    free = int(run(["debugfs", "-R", "ffb 1 20000", good]).stdout.split()[-1])
    image = corrupted(good, tmp, "free-pointer", lambda i: debugfs_w(i, f"sif /twelve block[2] {free}"))
    before = open(image, "rb").read()[free * block_size:(free + 1) * block_size]
    run_test("damaged (a block pointer to a free block): write-back fails with EIO", "write-eio", image, "twelve")
    after = open(image, "rb").read()[free * block_size:(free + 1) * block_size]
    report(before == after, "damaged (a block pointer to a free block): the free block not written")

    image = corrupted(good, tmp, "ro-compat", lambda i: debugfs_w(i, "ssv feature_ro_compat 0x1003"))
    before = sha(image)
    run_test("unknown read-only-compatible feature: mounted read-only", "readonly", image)
    report(sha(image) == before, "unknown read-only-compatible feature: not a byte written")


def main():
    global TEST
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    TEST = sys.argv[1]
    as_root = os.geteuid() == 0
    tmp = tempfile.mkdtemp(prefix="kumiki-ext2-")
    try:
        tree = f"{tmp}/tree"
        make_tree(tree, random.Random(1), as_root)
        for block_size, rev in [(1024, 1), (2048, 1), (4096, 1), (1024, 0)]:
            what = f"{block_size // 1024} KiB blocks, revision {rev}"
            image = f"{tmp}/fs-{block_size}-{rev}.img"
            mkfs(image, tree, block_size, rev, 24)
            run_test(f"{what}: the image holds the tree", "verify", image, tree)
            fsck_clean(image, f"{what}, verified")
            run_test(f"{what}: mounted read-only, nothing changes", "readonly", image)
            if rev == 1:
                blk = f"{tmp}/blk.img"
                shutil.copyfile(image, blk)
                run_test(f"{what}: through the blk interface's client", "blk", blk, tree)
                fsck_clean(blk, f"{what}, changed through the blk interface")
            if block_size == 1024 and rev == 1:
                damaged_images(image, tmp, block_size)
            mirror = f"{tmp}/mirror"
            shutil.rmtree(mirror, ignore_errors=True)
            subprocess.run(["cp", "-a", tree, mirror], check=True)
            for seed in (1, 2):
                run_test(f"{what}: random operations (seed {seed}) as on Linux", "mutate", image, mirror,
                         str(seed * 1000 + block_size + rev), "1500")
            fsck_clean(image, f"{what}, changed")
            compare_rdump(image, mirror, f"{what}, changed", tmp)
            unit = f"{tmp}/unit-{block_size}-{rev}.img"
            mkfs(unit, None, block_size, rev, 8)
            run_test(f"{what}: scenarios on an empty file system", "unit", unit)
            fsck_clean(unit, f"{what}, scenarios")
    finally:
        shutil.rmtree(tmp)
    print(f"1..{count}")
    print(f"{len(failures)} of {count} failed" if failures else f"all {count} passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
