/* personalities/linux/ext2/disks.h — the disks mount(2) can name: each
 * block device registered with the device number of its node (Linux's
 * first virtio disk, /dev/vda, is 254:0), and mounted at most once at a
 * time.  A registered device lives as long as the personality.
 *
 * ext2_fs_type is ext2 for mount(2) (vfs_register_fs): its source is the
 * path of a block-device node whose number is registered here; its options
 * are "", "ro" or "rw" (comma-separated). */
#pragma once

#include "../vfs.h"
#include "blockdev.h"

enum { LX_MAX_DISKS = 8 };

/* 0, -LX_EBUSY (the number is taken) or -LX_ENOSPC (the table is full). */
int lx_disk_register(uint64_t rdev, struct lx_blockdev *dev);
/* The disk registered as rdev, marked in use: 0, -LX_ENXIO (none),
 * -LX_EBUSY (mounted already). */
int lx_disk_claim(uint64_t rdev, struct lx_blockdev **out);
/* The file system on dev is gone (unmounted): false when dev is not a
 * registered disk (its close op then ends it). */
bool lx_disk_release(struct lx_blockdev *dev);
/* The registered disks in order, for /dev: index 0, 1, ... until false. */
bool lx_disk_at(unsigned index, uint64_t *rdev);

extern const struct lx_fs_type ext2_fs_type;
