/* personalities/linux/attr.c — changing an inode's attributes: mode,
 * owner, times and size, with Linux's rules on who may change what. */
#include "vfs.h"

#include "proc.h"

static bool is_owner(const struct lx_cred *c, const struct lx_inode *ino)
{
    return c->uid == 0 || c->uid == ino->uid;
}

int vfs_chmod(const struct lx_cred *c, const struct lx_path *p, uint32_t mode)
{
    struct lx_inode *ino = p->inode;
    int err = path_writable(p);
    if (err < 0)
        return err;
    if (!is_owner(c, ino))
        return -LX_EPERM;
    mode &= 07777;
    /* Only a member of the file's group may keep set-group-ID. */
    if (c->uid != 0 && c->gid != ino->gid)
        mode &= ~(uint32_t)LX_S_ISGID;
    ino->mode = (ino->mode & LX_S_IFMT) | mode;
    inode_touch(ino, false);
    return 0;
}

int vfs_chown(const struct lx_cred *c, const struct lx_path *p, uint32_t uid, uint32_t gid)
{
    struct lx_inode *ino = p->inode;
    int err = path_writable(p);
    if (err < 0)
        return err;
    bool set_uid = uid != (uint32_t)-1, set_gid = gid != (uint32_t)-1;
    if (c->uid != 0) {
        /* An owner may only give the file to a group it is in (no
         * supplementary groups here: its own), and not to another user. */
        if (set_uid && (uid != ino->uid || c->uid != ino->uid))
            return -LX_EPERM;
        if (set_gid && (c->uid != ino->uid || (gid != ino->gid && gid != c->gid)))
            return -LX_EPERM;
    }
    if (set_uid)
        ino->uid = uid;
    if (set_gid)
        ino->gid = gid;
    /* A new owner must not inherit set-user-ID rights (nor
     * set-group-ID ones on a group-executable file). */
    if (!inode_is_dir(ino) && (set_uid || set_gid)) {
        ino->mode &= ~(uint32_t)LX_S_ISUID;
        if (ino->mode & 0010)
            ino->mode &= ~(uint32_t)LX_S_ISGID;
    }
    inode_touch(ino, false);
    return 0;
}

static bool nsec_valid(int64_t nsec)
{
    return nsec == LX_UTIME_NOW || nsec == LX_UTIME_OMIT || (nsec >= 0 && nsec < 1000000000);
}

int vfs_utimes(const struct lx_cred *c, const struct lx_path *p, const struct lx_timespec *times)
{
    struct lx_inode *ino = p->inode;
    if (times) {
        if (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec))
            return -LX_EINVAL;
        if (times[0].tv_nsec == LX_UTIME_NOW && times[1].tv_nsec == LX_UTIME_NOW)
            times = NULL;
    }
    int err = path_writable(p);
    if (err < 0)
        return err;
    if (times) {
        /* Setting explicit times is the owner's right. */
        if (!is_owner(c, ino))
            return -LX_EPERM;
    } else if (!is_owner(c, ino) && inode_permission(c, ino, LX_W_OK) < 0) {
        return -LX_EACCES; /* "now" needs write access */
    }
    uint64_t ns = lx_realtime_ns();
    struct lx_timespec now = { (int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u) };
    for (int i = 0; i < 2; i++) {
        struct lx_timespec *field = i == 0 ? &ino->atime : &ino->mtime;
        if (!times || times[i].tv_nsec == LX_UTIME_NOW)
            *field = now;
        else if (times[i].tv_nsec != LX_UTIME_OMIT)
            *field = times[i];
    }
    inode_touch(ino, false);
    return 0;
}

int vfs_truncate(const struct lx_cred *c, const struct lx_path *p, uint64_t size)
{
    struct lx_inode *ino = p->inode;
    if (inode_is_dir(ino))
        return -LX_EISDIR;
    if (!inode_is_reg(ino))
        return -LX_EINVAL;
    int err = path_writable(p);
    if (err == 0 && c)
        err = inode_permission(c, ino, LX_W_OK);
    if (err < 0)
        return err;
    if (!ino->ops->truncate)
        return -LX_EPERM;
    err = ino->ops->truncate(ino, size);
    if (err == 0)
        inode_touch(ino, true);
    return err;
}
