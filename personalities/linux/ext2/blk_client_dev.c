/* personalities/linux/ext2/blk_client_dev.c — see blk_client_dev.h. */
#include "blk_client_dev.h"

#include "../heap.h"
#include "../personality.h"
#include "blk_client.h"
#include "disks.h"
#include "ext2.h"
#include <kumiki/user.h>

static struct blk_client_dev *of(struct lx_blockdev *dev)
{
    return dev->priv;
}

/* Sectors one request may move: the driver's limit and the region's size. */
static uint32_t chunk_sectors(const struct blk_client_dev *d, uint32_t count)
{
    uint64_t room = d->shared_size / LX_SECTOR_SIZE;
    uint32_t n = count < d->dev.max_sectors ? count : d->dev.max_sectors;
    return n < room ? n : (uint32_t)room;
}

static int client_read(struct lx_blockdev *dev, uint64_t sector, uint32_t count, void *buf)
{
    struct blk_client_dev *d = of(dev);
    uint8_t *p = buf;
    while (count) {
        uint32_t n = chunk_sectors(d, count);
        size_t bytes = (size_t)n * LX_SECTOR_SIZE;
        if (blk_read(d->endpoint, sector, n, 0, bytes) != 0)
            return -LX_EIO;
        memcpy(p, d->shared, bytes);
        p += bytes;
        sector += n;
        count -= n;
    }
    return 0;
}

static int client_write(struct lx_blockdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
    struct blk_client_dev *d = of(dev);
    const uint8_t *p = buf;
    while (count) {
        uint32_t n = chunk_sectors(d, count);
        size_t bytes = (size_t)n * LX_SECTOR_SIZE;
        memcpy(d->shared, p, bytes);
        if (blk_write(d->endpoint, sector, n, 0, bytes) != 0)
            return -LX_EIO;
        p += bytes;
        sector += n;
        count -= n;
    }
    return 0;
}

static int client_flush(struct lx_blockdev *dev)
{
    return blk_flush(of(dev)->endpoint) == 0 ? 0 : -LX_EIO;
}

static const struct lx_blockdev_ops client_ops = {
    .read = client_read,
    .write = client_write,
    .flush = client_flush,
};

int blk_client_dev_init(struct blk_client_dev *d, kidl_cptr_t endpoint, void *shared, size_t shared_size)
{
    uint64_t sectors = 0;
    uint32_t max_sectors = 0;
    if (shared_size < LX_SECTOR_SIZE || blk_capacity(endpoint, &sectors, &max_sectors) != 0 ||
        max_sectors == 0)
        return -LX_EIO;
    *d = (struct blk_client_dev){
        .dev = { .ops = &client_ops, .sectors = sectors, .max_sectors = max_sectors, .priv = d },
        .endpoint = endpoint,
        .shared = shared,
        .shared_size = shared_size,
    };
    return 0;
}

/* Linux's name of the virtio disk st_dev (drivers/block/virtio_blk.c: 16
 * minors a disk, "vd" and a letter, then the partition's number): "vda"
 * for 254:0, "vdb2" for 254:18.  false past "vdz". */
static bool virtio_disk_name(uint64_t st_dev, char name[8])
{
    uint32_t minor = lx_dev_minor(st_dev), disk = minor / 16, part = minor % 16;
    if (disk >= 26)
        return false;
    size_t n = 0;
    name[n++] = 'v';
    name[n++] = 'd';
    name[n++] = (char)('a' + disk);
    if (part >= 10)
        name[n++] = (char)('0' + part / 10);
    if (part)
        name[n++] = (char)('0' + part % 10);
    name[n] = '\0';
    return true;
}

int ext2_mount_blk(kidl_cptr_t endpoint, void *shared, size_t shared_size, const struct lx_path *at,
                   uint64_t st_dev, const struct ext2_mount_opts *opts)
{
    char source[16] = "/dev/", *name = source + 5;
    if (!virtio_disk_name(st_dev, name))
        return -LX_EINVAL;
    int err = vfs_register_fs(&ext2_fs_type);
    if (err < 0 && err != -LX_EBUSY)
        return err;
    /* Registered, the device lives as long as the personality: mount(2)
     * may mount it again after an umount. */
    struct blk_client_dev *d = lx_calloc(1, sizeof(*d));
    if (!d)
        return -LX_ENOMEM;
    if ((err = blk_client_dev_init(d, endpoint, shared, shared_size)) < 0) {
        lx_log("ext2: the disk does not answer (capacity)");
        lx_free(d);
        return err;
    }
    if ((err = lx_disk_register(st_dev, name, &d->dev)) < 0) {
        lx_free(d);
        return err;
    }
    struct lx_inode *root;
    bool ro;
    if ((err = lx_disk_mount_ext2(st_dev, opts, &root, &ro)) < 0)
        return err;
    struct lx_superblock *sb = root->sb;
    if ((err = vfs_mount_named(at, sb, root, ro ? LX_MNT_RDONLY : 0, ext2_fs_type.name, source)) < 0) {
        lx_log("ext2: the mount itself failed (%d)", err);
        inode_put(root);
        sb->ops->kill(sb); /* releases the disk */
    }
    return err;
}
