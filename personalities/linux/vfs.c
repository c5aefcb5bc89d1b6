/* personalities/linux/vfs.c — inodes' common rules (references,
 * permissions, times, stat), statfs and sync.  The mount table is in
 * mount.c. */
#include "vfs.h"

#include "heap.h"
#include "proc.h"
#include "uio.h"
#include <kumiki/user.h>

/* ---- Inodes ----------------------------------------------------------- */

void inode_get(struct lx_inode *ino)
{
    ino->refs++;
}

void inode_put(struct lx_inode *ino)
{
    if (!ino || --ino->refs > 0)
        return;
    if (ino->ops->release)
        ino->ops->release(ino);
}

uint64_t inode_size(const struct lx_inode *ino)
{
    return ino->size;
}

int inode_permission(const struct lx_cred *c, const struct lx_inode *ino, int mask)
{
    mask &= LX_R_OK | LX_W_OK | LX_X_OK;
    if (c->uid == 0) {
        /* CAP_DAC_OVERRIDE: everything but executing a file nobody may
         * execute. */
        if ((mask & LX_X_OK) && !inode_is_dir(ino) && !(ino->mode & 0111))
            return -LX_EACCES;
        return 0;
    }
    /* The first class that matches decides, even if a later one would
     * allow more (an owner without rights is refused). */
    unsigned bits;
    if (c->uid == ino->uid)
        bits = (ino->mode >> 6) & 7;
    else if (c->gid == ino->gid)
        bits = (ino->mode >> 3) & 7;
    else
        bits = ino->mode & 7;
    return (mask & ~bits) ? -LX_EACCES : 0;
}

static struct lx_timespec timespec_now(void)
{
    uint64_t ns = lx_realtime_ns();
    return (struct lx_timespec){ (int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u) };
}

void inode_touch(struct lx_inode *ino, bool modified)
{
    ino->ctime = timespec_now();
    if (modified)
        ino->mtime = ino->ctime;
    if (ino->ops->dirty)
        ino->ops->dirty(ino);
}

void inode_stat(const struct lx_inode *ino, struct lx_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = ino->sb->dev;
    st->st_ino = ino->ino;
    st->st_nlink = ino->nlink;
    st->st_mode = ino->mode;
    st->st_uid = ino->uid;
    st->st_gid = ino->gid;
    st->st_rdev = ino->rdev;
    st->st_size = (int64_t)ino->size;
    st->st_blksize = ino->sb->block_size;
    st->st_blocks = (int64_t)ino->blocks;
    st->st_atim = ino->atime;
    st->st_mtim = ino->mtime;
    st->st_ctim = ino->ctime;
}

int64_t vfs_read_inode(struct lx_inode *ino, uint64_t off, void *buf, size_t len)
{
    if (inode_is_dir(ino))
        return -LX_EISDIR;
    if (!ino->ops->read)
        return -LX_EINVAL;
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, buf, len);
    return ino->ops->read(ino, off, &u);
}

int vfs_get_page(struct lx_inode *ino, uint64_t pgoff, lx_frame_t *out)
{
    if (!ino->ops->get_page)
        return -LX_ENODEV;
    return ino->ops->get_page(ino, pgoff, out);
}

unsigned vfs_dtype(uint32_t mode)
{
    switch (mode & LX_S_IFMT) {
    case LX_S_IFREG: return LX_DT_REG;
    case LX_S_IFDIR: return LX_DT_DIR;
    case LX_S_IFLNK: return LX_DT_LNK;
    case LX_S_IFCHR: return LX_DT_CHR;
    case LX_S_IFBLK: return LX_DT_BLK;
    case LX_S_IFIFO: return LX_DT_FIFO;
    case LX_S_IFSOCK: return LX_DT_SOCK;
    default: return LX_DT_UNKNOWN;
    }
}

int path_writable(const struct lx_path *p)
{
    return (p->mnt && (p->mnt->flags & LX_MNT_RDONLY)) ? -LX_EROFS : 0;
}

void vfs_statfs(const struct lx_path *p, struct lx_statfs *out)
{
    struct lx_superblock *sb = p->inode->sb;
    memset(out, 0, sizeof(*out));
    if (sb->ops->statfs)
        sb->ops->statfs(sb, out);
    /* The mount's flags are what statvfs reports as ST_RDONLY, ST_NOSUID,
     * ST_NODEV and ST_NOEXEC (the same bits). */
    if (p->mnt)
        out->f_flags |= p->mnt->flags & (LX_MNT_RDONLY | LX_MNT_NOSUID | LX_MNT_NODEV | LX_MNT_NOEXEC);
}

void vfs_sync_all(void)
{
    for (struct lx_mount *m = mount_first(); m; m = mount_next(m))
        if (m->sb->ops->sync)
            m->sb->ops->sync(m->sb);
}
