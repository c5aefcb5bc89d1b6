/* personalities/linux/ext2/disks.c — see disks.h. */
#include "disks.h"

#include "ext2.h"
#include <kumiki/user.h>

/* linux_abi.h has no ENOTBLK: the mount source is not a block device. */
enum { ENOTBLK_LINUX = 15 };

static struct disk {
    uint64_t rdev;
    struct lx_blockdev *dev;
    bool in_use;
} disks[LX_MAX_DISKS];
static unsigned disk_count;

int lx_disk_register(uint64_t rdev, struct lx_blockdev *dev)
{
    for (unsigned i = 0; i < disk_count; i++)
        if (disks[i].rdev == rdev)
            return -LX_EBUSY;
    if (disk_count == LX_MAX_DISKS)
        return -LX_ENOSPC;
    disks[disk_count++] = (struct disk){ rdev, dev, false };
    return 0;
}

int lx_disk_claim(uint64_t rdev, struct lx_blockdev **out)
{
    for (unsigned i = 0; i < disk_count; i++)
        if (disks[i].rdev == rdev) {
            if (disks[i].in_use)
                return -LX_EBUSY;
            disks[i].in_use = true;
            *out = disks[i].dev;
            return 0;
        }
    return -LX_ENXIO;
}

bool lx_disk_release(struct lx_blockdev *dev)
{
    for (unsigned i = 0; i < disk_count; i++)
        if (disks[i].dev == dev) {
            disks[i].in_use = false;
            return true;
        }
    return false;
}

bool lx_disk_at(unsigned index, uint64_t *rdev)
{
    if (index >= disk_count)
        return false;
    *rdev = disks[index].rdev;
    return true;
}

/* "", "ro", "rw", comma-separated: 0 with *readonly updated, or -LX_EINVAL. */
static int parse_options(const char *data, bool *readonly)
{
    while (*data) {
        const char *end = data;
        while (*end && *end != ',')
            end++;
        size_t len = (size_t)(end - data);
        if (len == 2 && memcmp(data, "ro", 2) == 0)
            *readonly = true;
        else if (len == 2 && memcmp(data, "rw", 2) == 0)
            *readonly = false;
        else if (len != 0)
            return -LX_EINVAL;
        data = *end ? end + 1 : end;
    }
    return 0;
}

static int ext2_type_mount(struct lx_mount_args *args, struct lx_inode **root)
{
    if (!args->source[0])
        return -LX_ENOENT;
    int err = parse_options(args->data, &args->readonly);
    if (err < 0)
        return err;
    struct lx_path node;
    if ((err = vfs_lookup(args->c, args->source, LX_LOOKUP_FOLLOW, &node)) < 0)
        return err;
    uint64_t rdev = node.inode->rdev;
    bool blk = (node.inode->mode & LX_S_IFMT) == LX_S_IFBLK;
    path_put(&node);
    if (!blk)
        return -ENOTBLK_LINUX;
    struct lx_blockdev *dev;
    if ((err = lx_disk_claim(rdev, &dev)) < 0)
        return err;
    struct ext2_mount_opts opts = { .readonly = args->readonly };
    bool ro;
    if ((err = ext2_mount(dev, rdev, &opts, root, &ro)) < 0) {
        lx_disk_release(dev);
        return err;
    }
    args->readonly = ro;
    return 0;
}

const struct lx_fs_type ext2_fs_type = { .name = "ext2", .nodev = false, .mount = ext2_type_mount };
