/* personalities/linux/rootfs.h — the root file system of part 1: a memfs
 * tree built from the ustar archive in the boot image. */
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
/* Adds what a Linux system needs and the archive may lack: /dev with
 * null, zero and full, and /tmp (mode 1777). */
int rootfs_add_basics(struct lx_inode *root);
