/* personalities/linux/ext2/disks.c — see disks.h. */
#include "disks.h"

#include "../devices.h"
#include "ext2.h"
#include <kumiki/user.h>

/* linux_abi.h has no ENOTBLK: the mount source is not a block device. */
enum { ENOTBLK_LINUX = 15 };

static struct lx_disk disks[LX_MAX_DISKS];
static unsigned disk_count;

struct lx_disk *lx_disk_find(uint64_t rdev)
{
    for (unsigned i = 0; i < disk_count; i++)
        if (disks[i].rdev == rdev)
            return &disks[i];
    return NULL;
}

int lx_disk_register(uint64_t rdev, const char *name, struct lx_blockdev *dev)
{
    if (lx_disk_find(rdev))
        return -LX_EBUSY;
    if (disk_count == LX_MAX_DISKS)
        return -LX_ENOSPC;
    int err = blkdev_register(rdev, name, &lx_disk_file_ops);
    if (err < 0)
        return err;
    disks[disk_count++] = (struct lx_disk){ .rdev = rdev, .dev = dev };
    return 0;
}

int lx_disk_mount_ext2(uint64_t rdev, const struct ext2_mount_opts *opts, struct lx_inode **root,
                       bool *readonly)
{
    struct lx_disk *d = lx_disk_find(rdev);
    if (!d)
        return -LX_ENXIO;
    if (d->in_use || d->writers)
        return -LX_EBUSY;
    d->in_use = true;
    int err = ext2_mount(d->dev, rdev, opts, root, readonly);
    if (err < 0) {
        d->in_use = false;
        return err;
    }
    d->fs = (*root)->sb->fs;
    return 0;
}

bool lx_disk_release(struct lx_blockdev *dev)
{
    for (unsigned i = 0; i < disk_count; i++)
        if (disks[i].dev == dev) {
            disks[i].in_use = false;
            disks[i].fs = NULL;
            return true;
        }
    return false;
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

/* The source names a block device (ENOTBLK), on a mount that allows
 * devices (EACCES), that is a registered disk (ENXIO), free (EBUSY): the
 * checks and errors of Linux's lookup_bdev and bdev_open. */
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
    if ((node.inode->mode & LX_S_IFMT) != LX_S_IFBLK)
        err = -ENOTBLK_LINUX;
    else if (node.mnt && (node.mnt->flags & LX_MNT_NODEV))
        err = -LX_EACCES;
    path_put(&node);
    if (err < 0)
        return err;
    struct ext2_mount_opts opts = { .readonly = args->readonly };
    bool ro;
    if ((err = lx_disk_mount_ext2(rdev, &opts, root, &ro)) < 0)
        return err;
    args->readonly = ro;
    return 0;
}

const struct lx_fs_type ext2_fs_type = { .name = "ext2", .nodev = false, .mount = ext2_type_mount };
