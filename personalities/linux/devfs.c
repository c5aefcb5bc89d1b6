/* personalities/linux/devfs.c — see devfs.h. */
#include "devfs.h"

#include "tmpfs.h"
#include <kumiki/user.h>

static const struct devfs_node {
    const char *name;
    uint32_t mode;
    uint32_t major, minor;
    const char *target; /* symbolic links */
} nodes[] = {
    { "null", LX_S_IFCHR | 0666, 1, 3, NULL },
    { "zero", LX_S_IFCHR | 0666, 1, 5, NULL },
    { "full", LX_S_IFCHR | 0666, 1, 7, NULL },
    { "random", LX_S_IFCHR | 0666, 1, 8, NULL },
    { "urandom", LX_S_IFCHR | 0666, 1, 9, NULL },
    { "tty", LX_S_IFCHR | 0666, 5, 0, NULL },
    { "console", LX_S_IFCHR | 0600, 5, 1, NULL },
    { "fd", LX_S_IFLNK | 0777, 0, 0, "/proc/self/fd" },
    { "stdin", LX_S_IFLNK | 0777, 0, 0, "/proc/self/fd/0" },
    { "stdout", LX_S_IFLNK | 0777, 0, 0, "/proc/self/fd/1" },
    { "stderr", LX_S_IFLNK | 0777, 0, 0, "/proc/self/fd/2" },
    { "shm", LX_S_IFDIR | 01777, 0, 0, NULL },
};

const char *devfs_name(uint64_t rdev)
{
    for (unsigned i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
        if ((nodes[i].mode & LX_S_IFMT) == LX_S_IFCHR && lx_makedev(nodes[i].major, nodes[i].minor) == rdev)
            return nodes[i].name;
    return NULL;
}

int devfs_populate(struct lx_inode *dir)
{
    static const struct lx_cred root = { 0, 0 };
    for (unsigned i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        const struct devfs_node *n = &nodes[i];
        struct lx_inode *made;
        int err = dir->ops->create(dir, n->name, strlen(n->name), n->mode, &root,
                                   lx_makedev(n->major, n->minor), n->target, &made);
        if (err < 0)
            return err;
        made->mode = n->mode; /* no umask here */
        inode_put(made);
    }
    return 0;
}

static int devtmpfs_mount(struct lx_mount_args *args, struct lx_inode **root)
{
    struct tmpfs_options o;
    int err = tmpfs_parse_options(args, 0755, &o);
    if (err == 0)
        err = tmpfs_new(&o, root);
    if (err == 0 && (err = devfs_populate(*root)) < 0) {
        struct lx_superblock *sb = (*root)->sb;
        inode_put(*root);
        sb->ops->kill(sb);
    }
    return err;
}

const struct lx_fs_type lx_devtmpfs_type = { .name = "devtmpfs", .nodev = true, .mount = devtmpfs_mount };
