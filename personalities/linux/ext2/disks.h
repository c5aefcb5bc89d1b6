/* personalities/linux/ext2/disks.h — the disks mount(2) can name: each
 * block device registered with the device number and name of its node
 * (Linux's first virtio disk is /dev/vda, 254:0).  Registering makes the
 * node in devtmpfs (devices.h's blkdev_register), whose descriptions read
 * and write the disk itself (disk_file.c).  A registered disk lives as
 * long as the personality.
 *
 * Who may use a disk, as Linux with bdev_allow_write_mounted=0 (its
 * CONFIG_BLK_DEV_WRITE_MOUNTED off) has it: at most one mount at a time;
 * a mounted disk refuses opens of its node for writing (EBUSY), and a disk
 * open for writing refuses to be mounted (EBUSY).  Reading the node while
 * the disk is mounted sees the file system's metadata as its block cache
 * has it (disk_file.c).
 *
 * ext2_fs_type is ext2 for mount(2) (vfs_register_fs): its source is the
 * path of a block-device node whose number is registered here; its options
 * are "", "ro" or "rw" (comma-separated). */
#pragma once

#include "../vfs.h"
#include "blockdev.h"

struct ext2_fs;
struct ext2_mount_opts;

enum { LX_MAX_DISKS = 8 };

struct lx_disk {
    uint64_t rdev;
    struct lx_blockdev *dev;
    bool in_use;        /* claimed by a mount (mounting or mounted) */
    struct ext2_fs *fs; /* mounted: the file system on it, else NULL */
    unsigned writers;   /* descriptions of its node open for writing */
};

/* Registers dev as the disk rdev, shown as /dev/<name>: 0, -LX_EBUSY (the
 * number or name is taken), -LX_ENOSPC (a table is full), -LX_EINVAL (a
 * bad name). */
int lx_disk_register(uint64_t rdev, const char *name, struct lx_blockdev *dev);
/* The disk registered as rdev, or NULL. */
struct lx_disk *lx_disk_find(uint64_t rdev);
/* Mounts the ext2 file system on the disk rdev: 0 with *root and
 * *readonly as ext2_mount gives them, -LX_ENXIO (no such disk), -LX_EBUSY
 * (mounted already, or open for writing), or ext2_mount's error (the disk
 * is free again then).  opts may be NULL. */
int lx_disk_mount_ext2(uint64_t rdev, const struct ext2_mount_opts *opts, struct lx_inode **root,
                       bool *readonly);
/* The file system on dev is gone (unmounted): false when dev is not a
 * registered disk (its close op then ends it). */
bool lx_disk_release(struct lx_blockdev *dev);

extern const struct lx_fs_type ext2_fs_type;
/* The operations of a disk's node (disk_file.c). */
extern const struct lx_file_ops lx_disk_file_ops;
