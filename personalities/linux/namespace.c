/* personalities/linux/namespace.c — the operations that change names:
 * mknod, mkdir, symlink, link, unlink, rmdir, rename, and readlink.
 *
 * Each checks what Linux checks, in Linux's order (so that a call with
 * several things wrong fails with the same error): the walk, the kind of
 * last component, a read-only mount, existence, then may_create /
 * may_delete (write and search permission on the directory, the sticky
 * bit), then the file system. */
#include "walk.h"

#include <kumiki/user.h>

int vfs_may_create(const struct lx_cred *cred, struct lx_inode *dir)
{
    if (dir->nlink == 0)
        return -LX_ENOENT; /* removed while we looked */
    return inode_permission(cred, dir, LX_W_OK | LX_X_OK);
}

static int may_delete(const struct lx_cred *cred, struct lx_inode *dir, struct lx_inode *victim,
                      bool want_dir)
{
    int err = inode_permission(cred, dir, LX_W_OK | LX_X_OK);
    if (err < 0)
        return err;
    /* Sticky directory (/tmp): only the file's or the directory's owner. */
    if ((dir->mode & LX_S_ISVTX) && cred->uid != 0 && cred->uid != victim->uid && cred->uid != dir->uid)
        return -LX_EPERM;
    if (want_dir && !inode_is_dir(victim))
        return -LX_ENOTDIR;
    if (!want_dir && inode_is_dir(victim))
        return -LX_EISDIR;
    if (dir->nlink == 0)
        return -LX_ENOENT;
    if (victim->mounted)
        return -LX_EBUSY;
    return 0;
}

/* Walks to the parent of a name about to be created: the name must be a
 * plain one that does not exist. */
static int create_prepare(struct walk *w, const struct lx_lookup_ctx *c, const char *path, bool want_dir)
{
    int err = walk_parent(w, c, path);
    if (err < 0)
        return err;
    if (w->last_type != WALK_LAST_NORM)
        return -LX_EEXIST;
    int readonly = path_writable(&w->dir);
    struct lx_path existing;
    err = walk_last_entry(w, &existing);
    if (err == 0) {
        path_put(&existing);
        return -LX_EEXIST;
    }
    if (err != -LX_ENOENT)
        return err;
    if (w->trailing_slash && !want_dir)
        return -LX_ENOENT; /* "name/" can only be a directory */
    return readonly;
}

int walk_create(struct walk *w, uint32_t mode, uint64_t rdev, const char *target, struct lx_inode **out)
{
    struct lx_inode *dir = w->dir.inode;
    if (!dir->ops->create)
        return -LX_EPERM;
    struct lx_cred owner = w->c->cred;
    if (dir->mode & LX_S_ISGID) {
        owner.gid = dir->gid;
        if ((mode & LX_S_IFMT) == LX_S_IFDIR)
            mode |= LX_S_ISGID;
    }
    struct lx_inode *made;
    int err = dir->ops->create(dir, w->last, w->last_len, mode, &owner, rdev, target, &made);
    if (err < 0)
        return err;
    if (out)
        *out = made;
    else
        inode_put(made);
    inode_touch(dir, true);
    return 0;
}

int vfs_mknod(const struct lx_lookup_ctx *c, const char *path, uint32_t mode, uint64_t rdev)
{
    uint32_t type = mode & LX_S_IFMT;
    if (type == 0)
        type = LX_S_IFREG;
    switch (type) {
    case LX_S_IFREG:
    case LX_S_IFCHR:
    case LX_S_IFBLK:
    case LX_S_IFIFO:
    case LX_S_IFSOCK: break;
    case LX_S_IFDIR: return -LX_EPERM;
    default: return -LX_EINVAL;
    }
    struct walk w;
    int err = create_prepare(&w, c, path, false);
    if (err == 0)
        err = vfs_may_create(&c->cred, w.dir.inode);
    /* Devices need CAP_MKNOD, except the 0:0 character device (an overlay
     * whiteout) that anyone may make since Linux 5.8. */
    bool whiteout = type == LX_S_IFCHR && rdev == 0;
    if (err == 0 && (type == LX_S_IFCHR || type == LX_S_IFBLK) && !whiteout && c->cred.uid != 0)
        err = -LX_EPERM;
    if (err == 0)
        err = walk_create(&w, type | (mode & 07777), type == LX_S_IFCHR || type == LX_S_IFBLK ? rdev : 0,
                          NULL, NULL);
    walk_end(&w);
    return err;
}

int vfs_mkdir(const struct lx_lookup_ctx *c, const char *path, uint32_t mode)
{
    struct walk w;
    int err = create_prepare(&w, c, path, true);
    if (err == 0)
        err = vfs_may_create(&c->cred, w.dir.inode);
    if (err == 0)
        err = walk_create(&w, LX_S_IFDIR | (mode & 01777), 0, NULL, NULL);
    walk_end(&w);
    return err;
}

int vfs_symlink(const struct lx_lookup_ctx *c, const char *target, const char *path)
{
    if (!target[0])
        return -LX_ENOENT;
    struct walk w;
    int err = create_prepare(&w, c, path, false);
    if (err == 0)
        err = vfs_may_create(&c->cred, w.dir.inode);
    if (err == 0)
        err = walk_create(&w, LX_S_IFLNK | 0777, 0, target, NULL);
    walk_end(&w);
    return err;
}

/* fs.protected_hardlinks (on in Debian): linking someone else's file
 * needs read and write access to it and a plain regular file. */
static int may_linkat(const struct lx_cred *cred, const struct lx_inode *ino)
{
    if (cred->uid == 0 || cred->uid == ino->uid)
        return 0;
    if (!inode_is_reg(ino) || (ino->mode & LX_S_ISUID) ||
        (ino->mode & (LX_S_ISGID | 0010)) == (LX_S_ISGID | 0010))
        return -LX_EPERM;
    if (inode_permission(cred, ino, LX_R_OK | LX_W_OK) < 0)
        return -LX_EPERM;
    return 0;
}

int vfs_link(const struct lx_lookup_ctx *oc, const char *oldpath, unsigned old_flags,
             const struct lx_lookup_ctx *nc, const char *newpath)
{
    struct lx_path old;
    int err = vfs_lookup(oc, oldpath, old_flags & (LX_LOOKUP_FOLLOW | LX_LOOKUP_EMPTY), &old);
    if (err < 0)
        return err;
    struct walk w;
    err = create_prepare(&w, nc, newpath, false);
    if (err == 0 && old.mnt != w.dir.mnt)
        err = -LX_EXDEV;
    if (err == 0)
        err = may_linkat(&nc->cred, old.inode);
    if (err == 0)
        err = vfs_may_create(&nc->cred, w.dir.inode);
    if (err == 0 && inode_is_dir(old.inode))
        err = -LX_EPERM;
    if (err == 0 && !w.dir.inode->ops->link)
        err = -LX_EPERM;
    if (err == 0 && old.inode->nlink == 0)
        err = -LX_ENOENT;
    if (err == 0)
        err = w.dir.inode->ops->link(w.dir.inode, w.last, w.last_len, old.inode);
    if (err == 0) {
        inode_touch(w.dir.inode, true);
        inode_touch(old.inode, false);
    }
    walk_end(&w);
    path_put(&old);
    return err;
}

/* unlink and rmdir. */
static int remove_entry(const struct lx_lookup_ctx *c, const char *path, bool want_dir)
{
    struct walk w;
    struct lx_path victim = { NULL, NULL };
    int err = walk_parent(&w, c, path);
    if (err < 0)
        goto out;
    switch (w.last_type) {
    case WALK_LAST_NORM: break;
    case WALK_LAST_DOT: err = want_dir ? -LX_EINVAL : -LX_EISDIR; goto out;
    case WALK_LAST_DOTDOT: err = want_dir ? -LX_ENOTEMPTY : -LX_EISDIR; goto out;
    case WALK_LAST_ROOT: err = want_dir ? -LX_EBUSY : -LX_EISDIR; goto out;
    }
    err = path_writable(&w.dir);
    if (err < 0)
        goto out;
    err = walk_last_entry(&w, &victim);
    if (!want_dir && w.trailing_slash && err == 0)
        err = inode_is_dir(victim.inode) ? -LX_EISDIR : -LX_ENOTDIR;
    else if (err == 0)
        err = may_delete(&c->cred, w.dir.inode, victim.inode, want_dir);
    if (err == 0 && !w.dir.inode->ops->unlink)
        err = -LX_EPERM;
    if (err == 0)
        err = w.dir.inode->ops->unlink(w.dir.inode, w.last, w.last_len, victim.inode);
    if (err == 0) {
        inode_touch(w.dir.inode, true);
        inode_touch(victim.inode, false);
    }
out:
    if (victim.inode)
        path_put(&victim);
    walk_end(&w);
    return err;
}

int vfs_unlink(const struct lx_lookup_ctx *c, const char *path)
{
    return remove_entry(c, path, false);
}

int vfs_rmdir(const struct lx_lookup_ctx *c, const char *path)
{
    return remove_entry(c, path, true);
}

/* a is d or one of d's ancestors within their file system. */
static bool is_ancestor_or_self(struct lx_inode *a, struct lx_inode *d)
{
    struct lx_inode *cur = d;
    inode_get(cur);
    for (;;) {
        if (cur == a) {
            inode_put(cur);
            return true;
        }
        struct lx_inode *up;
        if (!cur->ops->parent || cur->ops->parent(cur, &up) < 0) {
            inode_put(cur);
            return false;
        }
        inode_put(cur);
        if (up == cur) {
            inode_put(up);
            return false;
        }
        cur = up;
    }
}

struct rename_args {
    struct walk ow, nw;
    struct lx_path old, new; /* new.inode NULL: the name is free */
    unsigned flags;
};

/* The checks of do_renameat2 and vfs_rename after the lookups. */
static int rename_check(const struct lx_cred *cred, struct rename_args *r)
{
    struct lx_inode *odir = r->ow.dir.inode, *ndir = r->nw.dir.inode;
    struct lx_inode *old = r->old.inode, *new = r->new.inode;
    bool exchange = r->flags & LX_RENAME_EXCHANGE;
    if ((r->flags & LX_RENAME_NOREPLACE) && new)
        return -LX_EEXIST;
    if (exchange) {
        if (!new)
            return -LX_ENOENT;
        if (r->nw.trailing_slash && !inode_is_dir(new))
            return -LX_ENOTDIR;
    }
    if (!inode_is_dir(old)) {
        if (r->ow.trailing_slash)
            return -LX_ENOTDIR;
        if (r->nw.trailing_slash && !exchange)
            return -LX_ENOTDIR;
    }
    if (odir != ndir) {
        if (inode_is_dir(old) && is_ancestor_or_self(old, ndir))
            return -LX_EINVAL; /* into its own subtree */
        if (new &&inode_is_dir(new) && is_ancestor_or_self(new, odir))
            return exchange ? -LX_EINVAL : -LX_ENOTEMPTY;
    }
    if (old == new)
        return 1; /* two names of one file: nothing to do */
    int err = may_delete(cred, odir, old, inode_is_dir(old));
    if (err == 0 && new)
        err = may_delete(cred, ndir, new, exchange ? inode_is_dir(new) : inode_is_dir(old));
    else if (err == 0)
        err = vfs_may_create(cred, ndir);
    if (err == 0 && !odir->ops->rename)
        err = -LX_EPERM;
    if (err == 0 && odir != ndir && inode_is_dir(old))
        err = inode_permission(cred, old, LX_W_OK); /* its `..` changes */
    if (err == 0 && odir != ndir && exchange && inode_is_dir(new))
        err = inode_permission(cred, new, LX_W_OK);
    return err;
}

int vfs_rename(const struct lx_lookup_ctx *oc, const char *oldpath, const struct lx_lookup_ctx *nc,
               const char *newpath, unsigned flags)
{
    if (flags & ~(unsigned)(LX_RENAME_NOREPLACE | LX_RENAME_EXCHANGE | LX_RENAME_WHITEOUT))
        return -LX_EINVAL;
    if ((flags & (LX_RENAME_NOREPLACE | LX_RENAME_WHITEOUT)) && (flags & LX_RENAME_EXCHANGE))
        return -LX_EINVAL;
    if (flags & LX_RENAME_WHITEOUT)
        return -LX_EINVAL; /* no overlay file system here to need one */
    struct rename_args r = { .flags = flags };
    int err = walk_parent(&r.ow, oc, oldpath);
    int nerr = walk_parent(&r.nw, nc, newpath);
    if (err == 0)
        err = nerr;
    if (err == 0 && r.ow.dir.mnt != r.nw.dir.mnt)
        err = -LX_EXDEV;
    if (err == 0 && r.ow.last_type != WALK_LAST_NORM)
        err = -LX_EBUSY;
    if (err == 0 && r.nw.last_type != WALK_LAST_NORM)
        err = (flags & LX_RENAME_NOREPLACE) ? -LX_EEXIST : -LX_EBUSY;
    if (err == 0)
        err = path_writable(&r.ow.dir);
    if (err == 0)
        err = walk_last_entry(&r.ow, &r.old);
    if (err == 0) {
        err = walk_last_entry(&r.nw, &r.new);
        if (err == -LX_ENOENT)
            err = 0;
    }
    if (err == 0)
        err = rename_check(&oc->cred, &r);
    if (err == 0) {
        struct lx_inode *odir = r.ow.dir.inode, *ndir = r.nw.dir.inode;
        err = odir->ops->rename(odir, r.ow.last, r.ow.last_len, r.old.inode, ndir, r.nw.last, r.nw.last_len,
                                r.new.inode, flags & LX_RENAME_EXCHANGE);
        if (err == 0) {
            inode_touch(odir, true);
            if (ndir != odir)
                inode_touch(ndir, true);
            inode_touch(r.old.inode, false);
            if (r.new.inode)
                inode_touch(r.new.inode, false);
        }
    }
    if (err == 1)
        err = 0;
    if (r.old.inode)
        path_put(&r.old);
    if (r.new.inode)
        path_put(&r.new);
    walk_end(&r.ow);
    walk_end(&r.nw);
    return err;
}

int vfs_readlink(const struct lx_lookup_ctx *c, const char *path, char *buf, size_t size)
{
    struct lx_path p;
    int err = vfs_lookup(c, path, LX_LOOKUP_EMPTY, &p);
    if (err < 0)
        return err;
    struct lx_inode *ino = p.inode;
    if (!inode_is_link(ino) || (!ino->ops->readlink && !ino->ops->get_link))
        err = path[0] ? -LX_EINVAL : -LX_ENOENT;
    else if (ino->ops->get_link)
        err = ino->ops->get_link(ino, c, buf, size, NULL);
    else
        err = ino->ops->readlink(ino, buf, size);
    if (err > 0 && (size_t)err > size)
        err = (int)size;
    path_put(&p);
    return err;
}
