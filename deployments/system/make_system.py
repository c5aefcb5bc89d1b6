#!/usr/bin/env python3
"""Makes the default Linux system's two boot inputs (docs/linux-system.md):

  the root disk    an ext2 image made with `mke2fs -d` from a staging tree: the files of
                   deployments/system/root (inittab, rcS, profile, passwd, ...), busybox-static
                   at /bin/busybox with a symbolic link per applet where `busybox --list-full`
                   puts it (/sbin/init, /bin/sh, /usr/bin/...), and the empty directories a
                   Linux system mounts on or writes to (/dev /proc /sys /tmp /mnt /root /home
                   /var/log /run); every file owned by root
  the boot archive linux_root.tar for the personality's `rootfs` module: only
                   /.kumiki/root, saying that the root file system is the disk /dev/vda

usage: make_system.py --busybox FILE --tree DIR --image OUT [--size MIB]
       make_system.py --archive OUT

The image is the same bytes for the same inputs (fixed UUID, hash seed and time), so that a
rebuild changes nothing it need not.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)
from kumiki_run import rootfs  # noqa: E402  (the deterministic ustar writer)

EMPTY_DIRS = {"dev": 0o755, "proc": 0o555, "sys": 0o555, "tmp": 0o1777, "mnt": 0o755, "root": 0o700,
              "home": 0o755, "var": 0o755, "var/log": 0o755, "run": 0o755, "etc": 0o755, "bin": 0o755,
              "sbin": 0o755, "usr": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755}
ROOT_DEVICE = "/dev/vda"
FIXED_UUID = "4b756d69-6b69-4c69-6e75-782d726f6f74"
FIXED_HASH_SEED = "4b756d69-6b69-6861-7368-2d7365656421"


class MakeError(Exception):
    pass


def applets(busybox):
    """The applet paths busybox names, relative to '/' ('bin/sh', 'sbin/init', ...)."""
    try:
        out = subprocess.run([busybox, "--list-full"], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise MakeError(f"{busybox} --list-full failed: {error}") from None
    paths = sorted({line.strip().lstrip("/") for line in out.splitlines() if line.strip()})
    for path in paths:
        if ".." in path.split("/") or not path:
            raise MakeError(f"busybox names an odd applet path {path!r}")
    return paths


def stage(stage_dir, busybox, tree):
    """Fills stage_dir with the root tree; returns nothing, raises MakeError."""
    os.chmod(stage_dir, 0o755)  # the root directory's mode (mkdtemp made it 0700)
    for rel, mode in sorted(EMPTY_DIRS.items()):
        os.makedirs(os.path.join(stage_dir, rel), exist_ok=True)
        os.chmod(os.path.join(stage_dir, rel), mode)
    shutil.copytree(tree, stage_dir, symlinks=True, dirs_exist_ok=True)
    target = os.path.join(stage_dir, "bin", "busybox")
    shutil.copyfile(busybox, target)
    os.chmod(target, 0o755)
    for path in applets(busybox):
        if path == "bin/busybox":
            continue
        link = os.path.join(stage_dir, path)
        if os.path.lexists(link):
            continue  # the tree's own file wins
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink("/bin/busybox", link)
    # Deterministic times: every entry gets the archive's fixed time.
    for dirpath, dirnames, filenames in os.walk(stage_dir, topdown=False):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (rootfs.MTIME, rootfs.MTIME), follow_symlinks=False)
    os.utime(stage_dir, (rootfs.MTIME, rootfs.MTIME))


def owners_to_root(image, stage_dir):
    """mke2fs -d copies the builder's uid and gid: when that is not root, set every inode's
    owner to 0 with one debugfs batch."""
    if os.getuid() == 0 and os.getgid() == 0:
        return
    commands = []
    for dirpath, dirnames, filenames in os.walk(stage_dir):
        for name in [""] + dirnames + filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), stage_dir)
            guest = "/" if rel == "." else "/" + rel
            commands += [f'sif "{guest}" uid 0', f'sif "{guest}" gid 0']
    with tempfile.NamedTemporaryFile("w", suffix=".debugfs", delete=False) as f:
        f.write("\n".join(commands) + "\n")
        script = f.name
    try:
        subprocess.run(["debugfs", "-w", "-f", script, image], check=True, capture_output=True)
    finally:
        os.unlink(script)


def make_image(image, stage_dir, size_mib):
    env = dict(os.environ, E2FSPROGS_FAKE_TIME=str(rootfs.MTIME))
    if os.path.exists(image):
        os.unlink(image)
    cmd = ["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-L", "kumiki-root", "-U", FIXED_UUID,
           "-E", f"hash_seed={FIXED_HASH_SEED},root_owner=0:0", "-d", stage_dir, image, f"{size_mib}M"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise MakeError(f"{' '.join(cmd)} failed: {result.stderr.strip()}")
    owners_to_root(image, stage_dir)


def make_archive(path):
    members = [rootfs.Member(".kumiki", "dir", 0o755),
               rootfs.Member(".kumiki/root", "file", 0o644, (ROOT_DEVICE + "\n").encode())]
    with open(path, "wb") as f:
        f.write(rootfs.build_archive(members))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--busybox")
    p.add_argument("--tree")
    p.add_argument("--image")
    p.add_argument("--archive")
    p.add_argument("--size", type=int, default=64, help="image size in MiB (default 64)")
    args = p.parse_args(argv)
    if args.image and not (args.busybox and args.tree):
        p.error("--image needs --busybox and --tree")
    if not args.image and not args.archive:
        p.error("nothing to make: give --image or --archive")
    if args.image and not os.path.isfile(args.busybox):
        print(f"make_system: no busybox at {args.busybox} (Debian package busybox-static)", file=sys.stderr)
        return 1
    try:
        if args.image:
            with tempfile.TemporaryDirectory(prefix="kumiki-system-") as stage_dir:
                stage(stage_dir, args.busybox, args.tree)
                make_image(args.image, stage_dir, args.size)
        if args.archive:
            make_archive(args.archive)
    except (MakeError, OSError) as error:
        print(f"make_system: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
