/* personalities/linux/rootfs.c — see rootfs.h and vfs_init_from_tar.
 *
 * The loader works on the file system's inode operations directly (no
 * permissions, no symbolic links followed): an archive entry names a place
 * in the tree it builds, nothing else.  Directories that entries need but
 * the archive has not (yet) listed are made with mode 0755 and remembered
 * as implicit, so that the archive's own entry for one, coming later,
 * sets its attributes instead of counting as a duplicate.
 *
 * At boot the tree is loaded with a tmpfs already mounted on /tmp: the
 * loader crosses mount points as a path walk does, so the archive's tmp/
 * entries land in the tmpfs, and the roots of mounted file systems count
 * as implicit directories (the archive's "tmp/" entry gives its mode). */
#include "rootfs.h"

#include "heap.h"
#include "memfs.h"
#include "personality.h"
#include "uio.h"
#include <kumiki/user.h>

struct loader {
    struct lx_inode *root;
    struct lx_inode **implicit; /* directories made for their children */
    size_t implicit_count, implicit_cap;
    bool root_listed;
};

static const struct lx_cred boot_owner = { 0, 0 };

static bool implicit_take(struct loader *l, struct lx_inode *dir)
{
    for (size_t i = 0; i < l->implicit_count; i++)
        if (l->implicit[i] == dir) {
            l->implicit[i] = l->implicit[--l->implicit_count];
            return true;
        }
    return false;
}

static int implicit_add(struct loader *l, struct lx_inode *dir)
{
    if (l->implicit_count == l->implicit_cap) {
        size_t cap = l->implicit_cap ? l->implicit_cap * 2 : 16;
        struct lx_inode **grown = lx_calloc(cap, sizeof(*grown));
        if (!grown)
            return -LX_ENOMEM;
        if (l->implicit_count)
            memcpy(grown, l->implicit, l->implicit_count * sizeof(*grown));
        lx_free(l->implicit);
        l->implicit = grown;
        l->implicit_cap = cap;
    }
    l->implicit[l->implicit_count++] = dir;
    return 0;
}

/* What is seen at ino: the root of the file system mounted on it, if any
 * (the reference moves to the returned inode). */
static struct lx_inode *cross_mounts(struct lx_inode *ino)
{
    while (ino->mounted) {
        struct lx_inode *root = ino->mounted->root;
        inode_get(root);
        inode_put(ino);
        ino = root;
    }
    return ino;
}

/* The inode at path[0..len) (components separated by single '/', as tar.c
 * normalizes them), ref'd; with make, missing directories are created. */
static int resolve(struct loader *l, const char *path, size_t len, bool make, struct lx_inode **out,
                   const char **why)
{
    struct lx_inode *cur = l->root;
    inode_get(cur);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        if (!inode_is_dir(cur)) {
            inode_put(cur);
            *why = "a parent that is not a directory";
            return -LX_ENOTDIR;
        }
        struct lx_inode *next;
        int err = cur->ops->lookup(cur, path + start, i - start, &next);
        if (err == -LX_ENOENT && make) {
            err = cur->ops->create(cur, path + start, i - start, LX_S_IFDIR | 0755, &boot_owner, 0, NULL,
                                   &next);
            if (err == 0 && (err = implicit_add(l, next)) < 0)
                inode_put(next);
        }
        inode_put(cur);
        if (err < 0) {
            *why = err == -LX_ENOENT ? "a hard link to a missing entry" : "out of memory";
            return err;
        }
        cur = cross_mounts(next);
        i++; /* the '/' */
    }
    *out = cur;
    return 0;
}

static void set_attributes(struct lx_inode *ino, const struct tar_entry *e)
{
    ino->mode = (ino->mode & LX_S_IFMT) | e->mode;
    ino->uid = e->uid;
    ino->gid = e->gid;
    ino->mtime = ino->atime = (struct lx_timespec){ e->mtime, 0 };
}

static int write_data(struct lx_inode *ino, const struct tar_entry *e)
{
    if (e->size == 0)
        return 0;
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, (void *)(uintptr_t)e->data, e->size);
    int64_t n = ino->ops->write(ino, 0, &u);
    if (n < 0)
        return (int)n;
    return (uint64_t)n == e->size ? 0 : -LX_ENOSPC;
}

static int make_entry(struct loader *l, struct lx_inode *dir, const char *name, size_t len,
                      const struct tar_entry *e, const char **why)
{
    struct lx_inode *made = NULL;
    int err;
    switch (e->type) {
    case TAR_HARDLINK: {
        struct lx_inode *target;
        size_t tlen = strlen(e->link);
        err = resolve(l, e->link, tlen, false, &target, why);
        if (err < 0)
            return err;
        if (inode_is_dir(target)) {
            inode_put(target);
            *why = "a hard link to a directory";
            return -LX_EINVAL;
        }
        err = dir->ops->link(dir, name, len, target);
        inode_put(target);
        *why = "out of memory";
        return err;
    }
    case TAR_FILE: err = dir->ops->create(dir, name, len, LX_S_IFREG, &boot_owner, 0, NULL, &made); break;
    case TAR_DIR: err = dir->ops->create(dir, name, len, LX_S_IFDIR, &boot_owner, 0, NULL, &made); break;
    case TAR_SYMLINK:
        err = dir->ops->create(dir, name, len, LX_S_IFLNK, &boot_owner, 0, e->link, &made);
        break;
    case TAR_FIFO: err = dir->ops->create(dir, name, len, LX_S_IFIFO, &boot_owner, 0, NULL, &made); break;
    case TAR_CHAR:
    case TAR_BLOCK:
        err = dir->ops->create(dir, name, len, e->type == TAR_CHAR ? LX_S_IFCHR : LX_S_IFBLK, &boot_owner,
                               lx_makedev(e->devmajor, e->devminor), NULL, &made);
        break;
    default: err = -LX_EINVAL; break;
    }
    if (err == 0 && e->type == TAR_FILE)
        err = write_data(made, e);
    if (err == 0 && e->type != TAR_SYMLINK)
        set_attributes(made, e);
    else if (err == 0)
        set_attributes(made,
                       &(struct tar_entry){ .mode = 0777, .uid = e->uid, .gid = e->gid, .mtime = e->mtime });
    inode_put(made);
    *why = err == -LX_ENOSPC ? "out of frames for the file's data" : "out of memory";
    return err;
}

static int load_entry(void *ctx, const struct tar_entry *e, struct tar_error *err)
{
    struct loader *l = ctx;
    if (!e->path[0]) {
        if (l->root_listed)
            return tar_fail(err, e->offset, "/", "an entry given twice");
        l->root_listed = true;
        set_attributes(l->root, e);
        return 0;
    }
    size_t len = strlen(e->path), base = len;
    while (base > 0 && e->path[base - 1] != '/')
        base--;
    const char *why = NULL;
    struct lx_inode *dir;
    int r = resolve(l, e->path, base ? base - 1 : 0, true, &dir, &why);
    if (r == 0 && !inode_is_dir(dir)) {
        inode_put(dir);
        r = -LX_ENOTDIR;
        why = "a parent that is not a directory";
    }
    if (r < 0) {
        tar_fail(err, e->offset, e->path, why);
        return r;
    }
    struct lx_inode *existing;
    if (dir->ops->lookup(dir, e->path + base, len - base, &existing) == 0) {
        existing = cross_mounts(existing);
        bool ok = e->type == TAR_DIR && inode_is_dir(existing) && implicit_take(l, existing);
        if (ok)
            set_attributes(existing, e);
        inode_put(existing);
        inode_put(dir);
        return ok ? 0 : tar_fail(err, e->offset, e->path, "an entry given twice");
    }
    r = make_entry(l, dir, e->path + base, len - base, e, &why);
    inode_put(dir);
    if (r < 0) {
        tar_fail(err, e->offset, e->path, why);
        return r;
    }
    return 0;
}

void rootfs_free(struct lx_inode *root)
{
    struct lx_superblock *sb = root->sb;
    inode_put(root);
    sb->ops->kill(sb);
}

/* Loads the archive into the tree under l->root (already holding what
 * l->implicit lists). */
static int load(struct loader *l, const void *archive, size_t size, struct tar_error *err)
{
    struct tar_scratch *scratch = lx_malloc(sizeof(*scratch));
    int r = -LX_ENOMEM;
    if (!scratch)
        tar_fail(err, 0, NULL, "out of memory");
    else
        r = tar_walk(archive, size, scratch, load_entry, l, err);
    lx_free(scratch);
    lx_free(l->implicit);
    l->implicit = NULL;
    return r;
}

int rootfs_load_tar(const void *archive, size_t size, struct lx_inode **root, struct tar_error *err)
{
    struct loader l = { 0 };
    l.root = memfs_create(lx_makedev(0, 32));
    if (!l.root) {
        tar_fail(err, 0, NULL, "out of memory");
        return -LX_ENOMEM;
    }
    int r = load(&l, archive, size, err);
    if (r < 0)
        rootfs_free(l.root);
    else
        *root = l.root;
    return r;
}

int rootfs_load_into(struct lx_inode *root, const void *archive, size_t size, struct tar_error *err)
{
    struct loader l = { .root = root };
    for (struct lx_mount *m = mount_first(); m; m = mount_next(m))
        if (m->parent && implicit_add(&l, m->root) < 0) {
            lx_free(l.implicit);
            tar_fail(err, 0, NULL, "out of memory");
            return -LX_ENOMEM;
        }
    return load(&l, archive, size, err);
}

int vfs_init_from_tar(const void *archive, size_t size)
{
    struct lx_inode *root = memfs_create(lx_makedev(0, 32));
    if (!root)
        return -LX_ENOMEM;
    int err = vfs_mount_named(NULL, root->sb, root, 0, "rootfs", "rootfs");
    if (err < 0) {
        rootfs_free(root);
        return err;
    }
    /* /tmp first, so that the archive's tmp/ entries go into it; /dev and
     * /proc after, over what the archive may have there. */
    const char *step = "tmpfs on /tmp";
    err = vfs_mount_boot("tmpfs", "/tmp");
    if (err == 0) {
        struct tar_error why;
        err = rootfs_load_into(root, archive, size, &why);
        if (err < 0) {
            lx_log("the root file system archive is refused: %s", why.message);
            vfs_unmount_all();
            return err;
        }
        step = "devtmpfs on /dev";
        err = vfs_mount_boot("devtmpfs", "/dev");
    }
    if (err == 0) {
        step = "proc on /proc";
        err = vfs_mount_boot("proc", "/proc");
    }
    if (err < 0) {
        lx_log("cannot set up the root file system: %s (error %d)", step, -err);
        vfs_unmount_all();
        return err;
    }
    return 0;
}
