/* personalities/linux/file.c — open file descriptions, the operations of
 * regular files and directories, and anonymous inodes. */
#include "file.h"

#include "heap.h"
#include "proc.h"
#include "uio.h"
#include <kumiki/user.h>

struct lx_file *file_new(const struct lx_path *path, const struct lx_file_ops *ops, unsigned fmode,
                         unsigned flags, void *priv)
{
    struct lx_file *f = lx_calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->refs = 1;
    f->fmode = fmode;
    f->flags = flags;
    f->path = *path;
    path_get(&f->path);
    f->ops = ops;
    f->priv = priv;
    return f;
}

void file_get(struct lx_file *f)
{
    f->refs++;
}

void file_put(struct lx_file *f)
{
    if (!f || --f->refs > 0)
        return;
    if (f->ops->release)
        f->ops->release(f);
    path_put(&f->path);
    if (f->name_dir.inode)
        path_put(&f->name_dir);
    lx_free(f->name);
    lx_free(f);
}

void file_set_name(struct lx_file *f, const struct lx_path *dir, const char *name, size_t len)
{
    char *copy = lx_malloc(len + 1);
    if (!copy)
        return; /* unnamed: /proc/<pid>/fd shows less, nothing breaks */
    memcpy(copy, name, len);
    copy[len] = '\0';
    if (f->name_dir.inode)
        path_put(&f->name_dir);
    lx_free(f->name);
    f->name = copy;
    f->name_dir = *dir;
    path_get(&f->name_dir);
}

void file_copy_name(struct lx_file *to, const struct lx_file *from)
{
    if (from->name && from->name_dir.inode)
        file_set_name(to, &from->name_dir, from->name, strlen(from->name));
}

int64_t file_lseek_generic(struct lx_file *f, int64_t off, int whence)
{
    struct lx_inode *ino = file_inode(f);
    int64_t base;
    switch (whence) {
    case LX_SEEK_SET: base = 0; break;
    case LX_SEEK_CUR: base = (int64_t)f->pos; break;
    case LX_SEEK_END:
        if (inode_is_dir(ino))
            return -LX_EINVAL; /* as tmpfs: a directory has no end to seek from */
        base = (int64_t)ino->size;
        break;
    case LX_SEEK_DATA:
    case LX_SEEK_HOLE:
        /* No holes are reported: data runs from off to the end. */
        if (inode_is_dir(ino))
            return -LX_EINVAL;
        if (off < 0 || (uint64_t)off >= ino->size)
            return -LX_ENXIO;
        f->pos = whence == LX_SEEK_DATA ? (uint64_t)off : ino->size;
        return (int64_t)f->pos;
    default: return -LX_EINVAL;
    }
    int64_t pos;
    if (__builtin_add_overflow(base, off, &pos))
        return -LX_EOVERFLOW;
    if (pos < 0)
        return -LX_EINVAL;
    f->pos = (uint64_t)pos;
    return pos;
}

/* ---- Regular files ---------------------------------------------------- */

static int64_t regular_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    struct lx_inode *ino = file_inode(f);
    if (!ino->ops->read)
        return -LX_EINVAL;
    int64_t n = ino->ops->read(ino, *pos, u);
    if (n > 0)
        *pos += (uint64_t)n;
    return n;
}

static int64_t regular_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    struct lx_inode *ino = file_inode(f);
    if (!ino->ops->write)
        return -LX_EINVAL;
    /* O_APPEND: every write (pwrite too, as on Linux) goes to the end. */
    if (f->flags & LX_O_APPEND)
        *pos = ino->size;
    if (u->resid == 0)
        return 0;
    int64_t n = ino->ops->write(ino, *pos, u);
    if (n > 0) {
        *pos += (uint64_t)n;
        inode_touch(ino, true);
    }
    return n;
}

const struct lx_file_ops lx_regular_file_ops = {
    .read = regular_read,
    .write = regular_write,
};

/* ---- Directories ------------------------------------------------------ */

static int64_t directory_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return -LX_EISDIR;
}

const struct lx_file_ops lx_directory_file_ops = {
    .read = directory_read,
    .write = directory_read,
};

/* ---- O_PATH ----------------------------------------------------------- */

static int64_t path_io(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return -LX_EBADF;
}

static unsigned path_poll(struct lx_file *f, struct lx_thread *t)
{
    return LX_POLLNVAL;
}

static int64_t path_ioctl(struct lx_file *f, struct lx_thread *t, unsigned cmd, uint64_t arg)
{
    return -LX_EBADF;
}

const struct lx_file_ops lx_path_file_ops = {
    .read = path_io,
    .write = path_io,
    .poll = path_poll,
    .ioctl = path_ioctl,
};

/* ---- Anonymous inodes --------------------------------------------------
 * One superblock and one mount that no path reaches; an inode lives as
 * long as its file. */

struct anon_inode {
    struct lx_inode vfs; /* first: an lx_inode * of the anonymous mount is an anon_inode * */
    anon_reopen_fn reopen;
    void *reopen_priv;
};

static void anon_release(struct lx_inode *ino)
{
    lx_free(ino);
}

static const struct lx_inode_ops anon_inode_ops = {
    .release = anon_release,
};

static void anon_statfs(struct lx_superblock *sb, struct lx_statfs *out)
{
    memset(out, 0, sizeof(*out));
    out->f_type = 0x50495045; /* PIPEFS_MAGIC */
    out->f_bsize = 4096;
    out->f_namelen = LX_NAME_MAX;
    out->f_frsize = 4096;
    out->f_flags = LX_ST_VALID;
}

static const struct lx_super_ops anon_super_ops = { .statfs = anon_statfs };
static struct lx_superblock anon_sb = {
    .ops = &anon_super_ops,
    .dev = 13, /* pipefs's st_dev on Linux: major 0, minor 13 (varies) */
    .magic = 0x50495045,
    .block_size = 4096,
};
/* Never freed: refs starts at one that nothing drops. */
static struct lx_mount anon_mount = { .refs = 1, .sb = &anon_sb };
static uint64_t anon_next_ino = 1;

struct lx_inode *anon_inode_new(uint32_t mode, const struct lx_cred *owner)
{
    struct anon_inode *a = lx_calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    struct lx_inode *ino = &a->vfs;
    ino->refs = 1;
    ino->mode = mode;
    ino->uid = owner->uid;
    ino->gid = owner->gid;
    ino->nlink = 1;
    ino->ino = anon_next_ino++;
    ino->sb = &anon_sb;
    ino->ops = &anon_inode_ops;
    inode_touch(ino, true);
    ino->atime = ino->mtime;
    return ino;
}

void anon_path(struct lx_inode *ino, struct lx_path *out)
{
    out->mnt = &anon_mount;
    out->inode = ino;
}

bool inode_is_anon(const struct lx_inode *ino)
{
    return ino->sb == &anon_sb;
}

void anon_inode_set_reopen(struct lx_inode *ino, anon_reopen_fn fn, void *priv)
{
    struct anon_inode *a = (struct anon_inode *)ino;
    a->reopen = fn;
    a->reopen_priv = priv;
}

int anon_inode_reopen(struct lx_inode *ino, unsigned flags, struct lx_file **out)
{
    struct anon_inode *a = (struct anon_inode *)ino;
    if (!inode_is_anon(ino) || !a->reopen)
        return -LX_ENXIO;
    return a->reopen(ino, a->reopen_priv, flags, out);
}
