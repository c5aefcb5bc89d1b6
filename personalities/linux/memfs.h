/* personalities/linux/memfs.h — an in-memory file system (like tmpfs):
 * regular files, directories, symbolic links and device nodes, with file
 * data in page-cache frames of the frame pool (frames.h), so that a
 * mapping of a file shares its pages.  The root file system loaded from
 * the boot archive is one, and so is every tmpfs and devtmpfs (tmpfs.h).
 *
 * Limits: MEMFS_MAX_FILE_SIZE per file (EFBIG beyond), MEMFS_MAX_INODES
 * inodes (ENOSPC), frames while the pool lasts (ENOSPC). */
#pragma once

#include "vfs.h"

#define MEMFS_MAX_FILE_SIZE (1ull << 36)
enum { MEMFS_MAX_INODES = 1 << 20 };

/* A new file system whose root directory (mode 0755, owned by root) is
 * returned with one reference; NULL when out of memory.  sb = root->sb. */
struct lx_inode *memfs_create(uint64_t dev);
/* Inodes alive (tests). */
uint64_t memfs_inode_count(const struct lx_superblock *sb);
