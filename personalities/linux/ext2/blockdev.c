/* personalities/linux/ext2/blockdev.c — see blockdev.h. */
#include "blockdev.h"

#include "../linux_abi.h"
#include <stdbool.h>
#include <stddef.h>

/* [first, first + count) sectors lie on the device (no wrap-around). */
static bool range_ok(const struct lx_blockdev *dev, uint64_t first, uint64_t count)
{
    return count > 0 && first < dev->sectors && count <= dev->sectors - first;
}

static int transfer(struct lx_blockdev *dev, uint32_t block_size, uint64_t block, uint32_t count, void *buf,
                    bool write)
{
    if (block_size == 0 || block_size % LX_SECTOR_SIZE != 0)
        return -LX_EIO;
    uint64_t per_block = block_size / LX_SECTOR_SIZE;
    if (block > UINT64_MAX / per_block)
        return -LX_EIO;
    uint64_t first = block * per_block, total = (uint64_t)count * per_block;
    if (!range_ok(dev, first, total))
        return -LX_EIO;
    uint8_t *p = buf;
    while (total > 0) {
        uint64_t n = total;
        if (dev->max_sectors && n > dev->max_sectors)
            n = dev->max_sectors;
        if (n > UINT32_MAX)
            n = UINT32_MAX;
        int err =
            write ? dev->ops->write(dev, first, (uint32_t)n, p) : dev->ops->read(dev, first, (uint32_t)n, p);
        if (err < 0)
            return -LX_EIO;
        first += n;
        total -= n;
        p += n * LX_SECTOR_SIZE;
    }
    return 0;
}

int blockdev_read_blocks(struct lx_blockdev *dev, uint32_t block_size, uint64_t block, uint32_t count,
                         void *buf)
{
    return transfer(dev, block_size, block, count, buf, false);
}

int blockdev_write_blocks(struct lx_blockdev *dev, uint32_t block_size, uint64_t block, uint32_t count,
                          const void *buf)
{
    return transfer(dev, block_size, block, count, (void *)buf, true);
}

int blockdev_flush(struct lx_blockdev *dev)
{
    return dev->ops->flush && dev->ops->flush(dev) < 0 ? -LX_EIO : 0;
}

uint64_t blockdev_bytes(const struct lx_blockdev *dev)
{
    return dev->sectors > UINT64_MAX / LX_SECTOR_SIZE ? UINT64_MAX : dev->sectors * LX_SECTOR_SIZE;
}
