/* personalities/linux/ext2/ext2.h — the ext2 file system (revisions 0
 * and 1; 1, 2 and 4 KiB blocks; no journal) on a block device, read and
 * write, behind the VFS's inode and superblock operations (vfs.h).
 *
 * Mounting validates the superblock, the group descriptors and the
 * bitmaps against each other and against the device's size, and refuses
 * (with a message through lx_log, nothing written) an image that is
 * inconsistent or uses an incompatible feature it lacks; unknown
 * read-only-compatible features, an image marked with errors, or a
 * read-only request mount it read-only, and then nothing is ever written.
 * Damage found later (a block pointer outside the file system, a bad
 * directory entry, a directory reached by a second name, which is how a
 * loop shows) is an -LX_EIO error for that file only.
 *
 * Use:
 *     struct lx_inode *root;
 *     bool readonly;
 *     int err = ext2_mount(dev, st_dev, NULL, &root, &readonly);
 *     if (err == 0)
 *         err = vfs_mount(at, root->sb, root, readonly ? LX_MNT_RDONLY : 0);
 * Unmounting (the VFS's kill) writes everything back, marks the file
 * system clean, flushes the device and calls its close op. */
#pragma once

#include "../vfs.h"
#include "blockdev.h"

#define EXT2_SUPER_MAGIC 0xef53

struct ext2_mount_opts {
    bool readonly;        /* mount read-only even if it could be written */
    uint32_t cache_bytes; /* the metadata block cache's bound; 0: 512 KiB */
    uint32_t page_limit;  /* page-cache frames kept for file data; 0: 2048 (8 MiB) */
    uint32_t idle_inodes; /* unreferenced inodes kept in memory; 0: 256 */
};

/* Mounts the ext2 file system on dev (which it uses until unmounted):
 * 0 with *root (one reference; root->sb is the superblock, st_dev its
 * dev) and *readonly (whether the VFS mount must be read-only), or
 * -LX_EINVAL (not ext2, or refused: the message says why), -LX_EIO (the
 * device failed), -LX_ENOMEM.  opts may be NULL. */
int ext2_mount(struct lx_blockdev *dev, uint64_t st_dev, const struct ext2_mount_opts *opts,
               struct lx_inode **root, bool *readonly);

/* Counters for the tests: inodes and pages held in memory. */
struct ext2_stats {
    uint32_t inodes, idle_inodes, pages, dirty_pages, cache_blocks;
    uint64_t free_blocks, free_inodes;
};
void ext2_get_stats(const struct lx_superblock *sb, struct ext2_stats *out);
