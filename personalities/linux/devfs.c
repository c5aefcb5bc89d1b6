/* personalities/linux/devfs.c — see devfs.h.
 *
 * Every devtmpfs mounted is on the `instances` list from its mount until
 * its superblock is killed (its super ops are memfs's with kill wrapped to
 * take it off), so a node added later can be made in each.  The list
 * holds no reference to the root directory: that would make umount see
 * the file system busy; the root lives exactly as long as the superblock. */
#include "devfs.h"

#include "heap.h"
#include "personality.h"
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
enum { NODE_COUNT = sizeof(nodes) / sizeof(nodes[0]) };

/* The nodes devfs_add_node added, in order. */
static struct added_node {
    char name[DEVFS_NAME_MAX + 1];
    uint32_t mode, gid;
    uint64_t rdev;
} added[DEVFS_MAX_ADDED];
static unsigned added_count;

/* The devtmpfs instances alive. */
struct instance {
    struct lx_superblock *sb;
    struct lx_inode *root; /* not ref'd: lives as long as sb */
    struct instance *next;
};
static struct instance *instances;

const char *devfs_name(uint64_t rdev)
{
    for (unsigned i = 0; i < NODE_COUNT; i++)
        if ((nodes[i].mode & LX_S_IFMT) == LX_S_IFCHR && lx_makedev(nodes[i].major, nodes[i].minor) == rdev)
            return nodes[i].name;
    return NULL;
}

/* Makes one node in dir with exactly mode, uid 0 and gid (no umask, no
 * set-group-ID directory): 0 or -errno (-LX_EEXIST when the name is taken). */
static int make_node(struct lx_inode *dir, const char *name, uint32_t mode, uint32_t gid, uint64_t rdev,
                     const char *target)
{
    const struct lx_cred owner = { 0, gid };
    struct lx_inode *made;
    int err = dir->ops->create(dir, name, strlen(name), mode, &owner, rdev, target, &made);
    if (err < 0)
        return err;
    made->mode = mode;
    made->uid = 0;
    made->gid = gid;
    inode_put(made);
    return 0;
}

int devfs_populate(struct lx_inode *dir)
{
    for (unsigned i = 0; i < NODE_COUNT; i++) {
        const struct devfs_node *n = &nodes[i];
        int err = make_node(dir, n->name, n->mode, 0, lx_makedev(n->major, n->minor), n->target);
        if (err < 0)
            return err;
    }
    for (unsigned i = 0; i < added_count; i++) {
        int err = make_node(dir, added[i].name, added[i].mode, added[i].gid, added[i].rdev, NULL);
        if (err < 0)
            return err;
    }
    return 0;
}

static bool name_taken(const char *name)
{
    for (unsigned i = 0; i < NODE_COUNT; i++)
        if (strcmp(nodes[i].name, name) == 0)
            return true;
    for (unsigned i = 0; i < added_count; i++)
        if (strcmp(added[i].name, name) == 0)
            return true;
    return false;
}

static bool has_slash(const char *name)
{
    for (; *name; name++)
        if (*name == '/')
            return true;
    return false;
}

int devfs_add_node(const char *name, uint32_t mode, uint32_t gid, uint64_t rdev)
{
    size_t len = name ? strlen(name) : 0;
    uint32_t type = mode & LX_S_IFMT;
    if (len == 0 || len > DEVFS_NAME_MAX || has_slash(name) || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || (type != LX_S_IFBLK && type != LX_S_IFCHR) ||
        (mode & ~(LX_S_IFMT | 07777)))
        return -LX_EINVAL;
    if (name_taken(name))
        return -LX_EBUSY;
    if (added_count == DEVFS_MAX_ADDED)
        return -LX_ENOSPC;
    struct added_node *a = &added[added_count++];
    memcpy(a->name, name, len + 1);
    a->mode = mode;
    a->gid = gid;
    a->rdev = rdev;
    for (struct instance *in = instances; in; in = in->next) {
        int err = make_node(in->root, a->name, a->mode, a->gid, a->rdev, NULL);
        if (err < 0 && err != -LX_EEXIST)
            lx_log("devtmpfs: no room for /dev/%s in an instance (%d)", a->name, -err);
    }
    return 0;
}

/* memfs's super ops with kill wrapped (made at the first mount: memfs
 * keeps its own ops private). */
static struct lx_super_ops devtmpfs_super_ops;
static const struct lx_super_ops *memfs_super_ops;

static void devtmpfs_kill(struct lx_superblock *sb)
{
    for (struct instance **pp = &instances; *pp; pp = &(*pp)->next)
        if ((*pp)->sb == sb) {
            struct instance *gone = *pp;
            *pp = gone->next;
            lx_free(gone);
            break;
        }
    memfs_super_ops->kill(sb);
}

static int devtmpfs_mount(struct lx_mount_args *args, struct lx_inode **root)
{
    struct tmpfs_options o;
    int err = tmpfs_parse_options(args, 0755, &o);
    if (err == 0)
        err = tmpfs_new(&o, root);
    if (err < 0)
        return err;
    struct lx_superblock *sb = (*root)->sb;
    struct instance *in = lx_malloc(sizeof(*in));
    if (!in)
        err = -LX_ENOMEM;
    else
        err = devfs_populate(*root);
    if (err < 0) {
        lx_free(in);
        inode_put(*root);
        sb->ops->kill(sb);
        return err;
    }
    if (!memfs_super_ops) {
        memfs_super_ops = sb->ops;
        devtmpfs_super_ops = *sb->ops;
        devtmpfs_super_ops.kill = devtmpfs_kill;
    }
    sb->ops = &devtmpfs_super_ops;
    *in = (struct instance){ sb, *root, instances };
    instances = in;
    return 0;
}

const struct lx_fs_type lx_devtmpfs_type = { .name = "devtmpfs", .nodev = true, .mount = devtmpfs_mount };
