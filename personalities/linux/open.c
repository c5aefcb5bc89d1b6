/* personalities/linux/open.c — open(2) on a path: the walk, O_CREAT's
 * create-or-open (following a final symbolic link, creating its target if
 * dangling, as Linux does), the checks of may_open, O_TRUNC, and the file
 * operations of each kind of inode; plus the opens the personality makes
 * for itself (execve, boot). */
#include "devices.h"
#include "file.h"
#include "proc.h"
#include "walk.h"
#include <kumiki/user.h>

/* Permission bits an open needs (Linux's ACC_MODE; access mode 3 needs
 * both and allows neither read nor write: ioctl-only opens). */
static int open_access(unsigned flags)
{
    static const int acc[4] = { LX_R_OK, LX_W_OK, LX_R_OK | LX_W_OK, LX_R_OK | LX_W_OK };
    int mask = acc[flags & LX_O_ACCMODE];
    if (flags & LX_O_TRUNC)
        mask |= LX_W_OK;
    return mask;
}

static unsigned open_fmode(unsigned flags)
{
    unsigned acc = flags & LX_O_ACCMODE;
    return (acc == LX_O_RDONLY || acc == LX_O_RDWR ? LX_FMODE_READ : 0) |
           (acc == LX_O_WRONLY || acc == LX_O_RDWR ? LX_FMODE_WRITE : 0);
}

/* The file operations and extra file modes for an inode's kind. */
static int open_kind(struct lx_inode *ino, const struct lx_file_ops **ops, unsigned *fmode)
{
    switch (ino->mode & LX_S_IFMT) {
    case LX_S_IFREG:
        *ops = &lx_regular_file_ops;
        *fmode |= LX_FMODE_SEEK;
        return 0;
    case LX_S_IFDIR:
        *ops = &lx_directory_file_ops;
        *fmode |= LX_FMODE_SEEK;
        return 0;
    case LX_S_IFCHR:
        *ops = chrdev_ops(ino->rdev);
        if (!*ops)
            return -LX_ENXIO;
        if ((*ops)->lseek)
            *fmode |= LX_FMODE_SEEK;
        return 0;
    case LX_S_IFBLK:
        *ops = blkdev_ops(ino->rdev);
        if (!*ops)
            return -LX_ENXIO;
        *fmode |= LX_FMODE_SEEK;
        return 0;
    case LX_S_IFLNK: return -LX_ELOOP;
    default:
        /* Named pipes and sockets are not supported yet (part 2). */
        return -LX_ENXIO;
    }
}

/* may_open and the making of the description (created: the file was just
 * made by this open, which needs no permission on it). */
static int open_inode(const struct lx_cred *c, const struct lx_path *p, unsigned flags, bool created,
                      struct lx_file **out)
{
    struct lx_inode *ino = p->inode;
    if (flags & LX_O_PATH) {
        *out = file_new(p, &lx_path_file_ops, LX_FMODE_PATH,
                        flags & (LX_O_PATH | LX_O_DIRECTORY | LX_O_NOFOLLOW), NULL);
        return *out ? 0 : -LX_ENOMEM;
    }
    int mask = open_access(flags);
    if (inode_is_link(ino))
        return -LX_ELOOP;
    bool device = (ino->mode & LX_S_IFMT) == LX_S_IFCHR || (ino->mode & LX_S_IFMT) == LX_S_IFBLK;
    if (device && p->mnt && (p->mnt->flags & LX_MNT_NODEV))
        return -LX_EACCES;
    if (inode_is_dir(ino) && (mask & LX_W_OK))
        return -LX_EISDIR;
    if ((mask & LX_W_OK) && (inode_is_reg(ino) || inode_is_dir(ino))) {
        int err = path_writable(p);
        if (err < 0)
            return err;
    }
    if (!created) {
        int err = inode_permission(c, ino, mask);
        if (err < 0)
            return err;
    }
    if ((flags & LX_O_NOATIME) && c->uid != 0 && c->uid != ino->uid)
        return -LX_EPERM;
    if (inode_is_anon(ino) && !device)
        return anon_inode_reopen(ino, flags, out); /* a pipe through /proc/<pid>/fd/N */
    const struct lx_file_ops *ops;
    unsigned fmode = open_fmode(flags);
    int err = open_kind(ino, &ops, &fmode);
    if (err < 0)
        return err;
    if ((flags & LX_O_TRUNC) && inode_is_reg(ino) && !created) {
        err = vfs_truncate(NULL, p, 0);
        if (err < 0)
            return err;
    }
    unsigned kept = (flags & ~(unsigned)(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_CLOEXEC)) |
                    LX_O_LARGEFILE;
    struct lx_file *f = file_new(p, ops, fmode, kept, NULL);
    if (!f)
        return -LX_ENOMEM;
    if ((ino->ops->open && (err = ino->ops->open(ino, f)) < 0) ||
        (f->ops->open && (err = f->ops->open(f)) < 0)) {
        file_put(f);
        return err;
    }
    *out = f;
    return 0;
}

int vfs_open_path(const struct lx_cred *c, const struct lx_path *p, unsigned flags, struct lx_file **out)
{
    return open_inode(c, p, flags, false, out);
}

/* A file just opened at the end of walk w gets the name it was found by
 * (file.h): directories need none, a magic link's file has the name of
 * the open file it came from. */
static void name_file(struct lx_file *f, const struct walk *w)
{
    if (inode_is_dir(file_inode(f)))
        return;
    if (w->jumped) {
        if (w->jump_file)
            file_copy_name(f, w->jump_file);
    } else if (w->last_type == WALK_LAST_NORM) {
        file_set_name(f, &w->dir, w->last, w->last_len);
    }
}

/* open_inode for the file walk w ended on. */
static int open_walked(const struct lx_cred *c, struct walk *w, const struct lx_path *p, unsigned flags,
                       bool created, struct lx_file **out)
{
    int err = open_inode(c, p, flags, created, out);
    if (err == 0)
        name_file(*out, w);
    return err;
}

/* O_CREAT: the walk is at the parent of the last component. */
static int open_create(const struct lx_lookup_ctx *c, struct walk *w, unsigned flags, uint32_t mode,
                       struct lx_file **out)
{
    for (;;) {
        if (w->jumped && w->last_type == WALK_LAST_ROOT) {
            /* A magic link (/dev/stdout, /proc/self/fd/1) leads to a file
             * that exists: O_CREAT opens it. */
            if (flags & LX_O_EXCL)
                return -LX_EEXIST;
            if (inode_is_dir(w->dir.inode))
                return -LX_EISDIR;
            return open_walked(&c->cred, w, &w->dir, flags, false, out);
        }
        if (w->last_type != WALK_LAST_NORM || w->trailing_slash)
            return -LX_EISDIR;
        struct lx_path found;
        int err = walk_last_child(w, &found);
        if (err == 0) {
            if (flags & LX_O_EXCL) {
                path_put(&found);
                return -LX_EEXIST;
            }
            if (inode_is_link(found.inode)) {
                if (flags & LX_O_NOFOLLOW) {
                    path_put(&found);
                    return -LX_ELOOP;
                }
                struct lx_inode *link = found.inode;
                inode_get(link);
                path_put(&found);
                err = walk_follow_last(w, link);
                inode_put(link);
                if (err < 0)
                    return err;
                continue;
            }
            err =
                inode_is_dir(found.inode) ? -LX_EISDIR : open_walked(&c->cred, w, &found, flags, false, out);
            path_put(&found);
            return err;
        }
        if (err != -LX_ENOENT)
            return err;
        err = path_writable(&w->dir);
        if (err == 0)
            err = vfs_may_create(&c->cred, w->dir.inode);
        struct lx_inode *made;
        if (err == 0)
            err = walk_create(w, LX_S_IFREG | (mode & 07777), 0, NULL, &made);
        if (err < 0)
            return err;
        struct lx_path p = { w->dir.mnt, made };
        err = open_walked(&c->cred, w, &p, flags, true, out);
        inode_put(made);
        return err;
    }
}

int vfs_open(const struct lx_lookup_ctx *c, const char *path, unsigned flags, uint32_t mode, uint32_t umask,
             struct lx_file **out)
{
    *out = NULL;
    if (flags & LX_O_TMPFILE_BIT)
        return -LX_EOPNOTSUPP;
    if ((flags & LX_O_CREAT) && (flags & LX_O_DIRECTORY))
        return -LX_EINVAL;
    if (flags & LX_O_PATH)
        flags &= LX_O_DIRECTORY | LX_O_NOFOLLOW | LX_O_PATH;
    struct walk w;
    int err = walk_parent(&w, c, path);
    if (err == 0 && !(flags & LX_O_CREAT)) {
        unsigned lookup = (flags & LX_O_NOFOLLOW ? 0 : LX_LOOKUP_FOLLOW) |
                          (flags & LX_O_DIRECTORY ? LX_LOOKUP_DIRECTORY : 0);
        struct lx_path p;
        err = walk_last(&w, lookup, &p);
        if (err == 0) {
            err = open_walked(&c->cred, &w, &p, flags, false, out);
            path_put(&p);
        }
    } else if (err == 0) {
        err = open_create(c, &w, flags, mode & ~umask, out);
    }
    walk_end(&w);
    return err;
}

/* The absolute name of the file walk w ended on ("" when it has none or
 * it does not fit). */
static void walked_name(struct walk *w, char *name, size_t size)
{
    name[0] = '\0';
    const char *last = w->last;
    size_t last_len = w->last_len;
    const struct lx_path *dir = &w->dir;
    if (w->jumped) {
        /* Through /proc/<pid>/fd/N or exe: the name of the file it named. */
        if (!w->jump_file || !w->jump_file->name)
            return;
        dir = &w->jump_file->name_dir;
        last = w->jump_file->name;
        last_len = strlen(last);
    } else if (w->last_type != WALK_LAST_NORM) {
        return;
    }
    int n = vfs_dir_name(&w->c->root, dir, name, size);
    if (n <= 0) {
        name[0] = '\0';
        return;
    }
    size_t used = (size_t)n - 1;
    if (used == 1)
        used = 0; /* "/" + name: no second slash */
    if (used + 1 + last_len + 1 > size) {
        name[0] = '\0';
        return;
    }
    name[used] = '/';
    memcpy(name + used + 1, last, last_len);
    name[used + 1 + last_len] = '\0';
}

int vfs_open_exec_named(struct lx_proc *p, const char *path, struct lx_inode **out, char *name, size_t size)
{
    struct lx_lookup_ctx c = {
        .cred = { p->euid, p->egid }, .root = p->fs->root, .start = p->fs->cwd, .proc = p
    };
    struct walk w;
    struct lx_path found = { NULL, NULL };
    int err = walk_parent(&w, &c, path);
    if (err == 0)
        err = walk_last(&w, LX_LOOKUP_FOLLOW, &found);
    if (err == 0 && !inode_is_reg(found.inode))
        err = -LX_EACCES;
    else if (err == 0 && (found.mnt->flags & LX_MNT_NOEXEC))
        err = -LX_EACCES;
    else if (err == 0)
        err = inode_permission(&c.cred, found.inode, LX_X_OK);
    if (err == 0) {
        *out = found.inode;
        inode_get(*out);
        if (name && size)
            walked_name(&w, name, size);
    }
    if (found.inode)
        path_put(&found);
    walk_end(&w);
    return err;
}

int vfs_open_exec(struct lx_proc *p, const char *path, struct lx_inode **out)
{
    return vfs_open_exec_named(p, path, out, NULL, 0);
}

struct lx_file *vfs_open_kernel(const char *path, unsigned flags)
{
    struct lx_lookup_ctx c = { .cred = { 0, 0 } };
    if (!vfs_root(&c.root))
        return NULL;
    c.start = c.root;
    struct lx_file *f;
    int err = vfs_open(&c, path, flags, 0644, 022, &f);
    path_put(&c.root);
    return err < 0 ? NULL : f;
}
