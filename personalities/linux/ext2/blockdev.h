/* personalities/linux/ext2/blockdev.h — a disk as the file systems see it:
 * 512-byte sectors, a capacity, and read/write/flush.  Implemented over the
 * virtio_blk driver's IDL client in the personality (blk_client_dev.c) and over
 * memory or a host file in the tests, so ext2 runs unchanged on both.
 *
 * The device is trusted to move the sectors it is asked for; what they
 * contain is not trusted (the file system validates every structure it
 * reads).  Ranges are checked here, before the device sees them. */
#pragma once

#include <stdint.h>

enum { LX_SECTOR_SIZE = 512 };

struct lx_blockdev;

struct lx_blockdev_ops {
    /* count sectors from `sector` into / out of buf: 0 or -LX_EIO.  The
     * range is inside the device and count <= max_sectors (blockdev_*
     * split and check). */
    int (*read)(struct lx_blockdev *dev, uint64_t sector, uint32_t count, void *buf);
    int (*write)(struct lx_blockdev *dev, uint64_t sector, uint32_t count, const void *buf);
    /* Returns when everything written before is on stable storage. */
    int (*flush)(struct lx_blockdev *dev);
    /* Optional: the file system on it is gone (unmounted). */
    void (*close)(struct lx_blockdev *dev);
};

struct lx_blockdev {
    const struct lx_blockdev_ops *ops;
    uint64_t sectors;     /* capacity */
    uint32_t max_sectors; /* per request; 0: no limit */
    void *priv;           /* the implementation's */
};

/* Reads or writes count blocks of block_size bytes (a multiple of 512)
 * starting at block `block`: 0, -LX_EIO (the device failed, or the range
 * is not wholly on the device). */
int blockdev_read_blocks(struct lx_blockdev *dev, uint32_t block_size, uint64_t block, uint32_t count,
                         void *buf);
int blockdev_write_blocks(struct lx_blockdev *dev, uint32_t block_size, uint64_t block, uint32_t count,
                          const void *buf);
int blockdev_flush(struct lx_blockdev *dev);
/* The device's size in bytes. */
uint64_t blockdev_bytes(const struct lx_blockdev *dev);
