/* personalities/linux/ext2/blk_client_dev.h — a block device (blockdev.h)
 * over the blk interface of drivers/virtio_blk (blk.idl): requests go to
 * the driver's endpoint, sectors move through the memory region the
 * personality shares with it (its deployment's `shared` declaration).
 *
 * Data is copied out of the shared region into the caller's buffer right
 * after the reply (and into it right before a write), so what the file
 * system validates is its own copy, not memory the driver can still
 * change. */
#pragma once

#include "../vfs.h"
#include "blockdev.h"
#include "kidl_runtime.h"
#include <stddef.h>

struct blk_client_dev {
    struct lx_blockdev dev;
    kidl_cptr_t endpoint;
    uint8_t *shared; /* the region shared with the driver */
    size_t shared_size;
};

/* Asks the driver for the disk's capacity: 0, or -LX_EIO (the call failed,
 * or the region cannot hold one sector). */
int blk_client_dev_init(struct blk_client_dev *d, kidl_cptr_t endpoint, void *shared, size_t shared_size);

struct ext2_mount_opts;

/* Mounts the ext2 file system on the driver's disk on the directory `at`
 * (NULL: as the root file system).  The disk is registered as st_dev
 * with Linux's virtio name for it (disks.h; lx_makedev(254, 0) is
 * /dev/vda, which devtmpfs then shows and /proc/mounts names as the
 * source) and ext2 as a type for mount(2), so after an umount the disk
 * can be mounted again.  opts (NULL:
 * defaults) may ask for a read-only mount (ext2 may also decide on one)
 * and set the caches' bounds.  0, or -errno after a message saying why
 * (the disk stays registered once it answered). */
int ext2_mount_blk(kidl_cptr_t endpoint, void *shared, size_t shared_size, const struct lx_path *at,
                   uint64_t st_dev, const struct ext2_mount_opts *opts);
