/* personalities/linux/rootfs.h — the root file system from the boot
 * image: a memfs tree built from a ustar archive (and vfs_init_from_tar,
 * vfs.h, which mounts it with /tmp, /dev and /proc). */
#pragma once

#include "tar.h"
#include "vfs.h"

/* Builds a new memfs from the archive: its root directory, ref'd, in
 * *root; or -errno with err saying what is wrong with which entry (the
 * half-built tree is freed).  Refused: anything tar_walk refuses, an entry
 * given twice, a parent that is not a directory (no entry reaches through
 * a symbolic link), a hard link to a missing entry or to a directory. */
int rootfs_load_tar(const void *archive, size_t size, struct lx_inode **root, struct tar_error *err);
/* Frees a tree rootfs_load_tar made that nothing else references. */
void rootfs_free(struct lx_inode *root);
/* Loads the archive into the tree whose root is root (mounted as "/"),
 * crossing the mounts already made on it: their roots take the archive's
 * entries for the mount points.  On failure what was loaded stays (the
 * caller unmounts everything). */
int rootfs_load_into(struct lx_inode *root, const void *archive, size_t size, struct tar_error *err);
