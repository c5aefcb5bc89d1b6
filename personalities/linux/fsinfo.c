/* personalities/linux/fsinfo.c — a process's root, cwd and umask, and
 * getcwd: the name of the cwd (or of any directory: vfs_dir_name) is
 * found the Unix way, by climbing `..` and looking for the child's inode
 * number among the parent's entries (there is no dentry cache to remember
 * names). */
#include "heap.h"
#include "vfs.h"
#include <kumiki/user.h>

struct lx_fsinfo *fsinfo_new_root(void)
{
    struct lx_path root;
    if (!vfs_root(&root))
        return NULL;
    struct lx_fsinfo *fs = lx_calloc(1, sizeof(*fs));
    if (!fs) {
        path_put(&root);
        return NULL;
    }
    fs->refs = 1;
    fs->root = root;
    fs->cwd = root;
    path_get(&fs->cwd);
    fs->umask = 022;
    return fs;
}

struct lx_fsinfo *fsinfo_clone(struct lx_fsinfo *from)
{
    struct lx_fsinfo *fs = lx_calloc(1, sizeof(*fs));
    if (!fs)
        return NULL;
    fs->refs = 1;
    fs->root = from->root;
    fs->cwd = from->cwd;
    path_get(&fs->root);
    path_get(&fs->cwd);
    fs->umask = from->umask;
    return fs;
}

void fsinfo_get(struct lx_fsinfo *fs)
{
    fs->refs++;
}

void fsinfo_put(struct lx_fsinfo *fs)
{
    if (!fs || --fs->refs > 0)
        return;
    path_put(&fs->root);
    path_put(&fs->cwd);
    lx_free(fs);
}

/* *slot = p, taking a reference to p and dropping the old one's. */
static void path_assign(struct lx_path *slot, const struct lx_path *p)
{
    struct lx_path old = *slot;
    *slot = *p;
    path_get(slot);
    path_put(&old);
}

void fsinfo_set_cwd(struct lx_fsinfo *fs, const struct lx_path *p)
{
    path_assign(&fs->cwd, p);
}

void fsinfo_set_root(struct lx_fsinfo *fs, const struct lx_path *p)
{
    path_assign(&fs->root, p);
}

struct name_search {
    uint64_t ino;
    char name[LX_NAME_MAX + 1];
    size_t len;
    bool found;
};

static bool name_search_fill(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
                             uint64_t next_pos)
{
    struct name_search *s = ctx;
    bool dots = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
    if (dots || ino != s->ino || len > LX_NAME_MAX)
        return true;
    memcpy(s->name, name, len);
    s->len = len;
    s->found = true;
    return false;
}

/* The name of child in dir, or -LX_ENOENT. */
static int name_in_parent(struct lx_inode *dir, const struct lx_inode *child, struct name_search *s)
{
    s->ino = child->ino;
    s->found = false;
    uint64_t pos = 0;
    if (!dir->ops->readdir)
        return -LX_ENOENT;
    int err = dir->ops->readdir(dir, &pos, name_search_fill, s);
    if (err < 0)
        return err;
    return s->found ? 0 : -LX_ENOENT;
}

/* Prepends "/name" to the string that ends at buf + size. */
static int prepend(char *buf, size_t *start, const char *name, size_t len)
{
    if (*start < len + 1)
        return -LX_ENAMETOOLONG;
    *start -= len + 1;
    buf[*start] = '/';
    memcpy(buf + *start + 1, name, len);
    return 0;
}

/* getcwd alone marks a directory outside the root: Linux's getcwd puts
 * "(unreachable)" before its name; d_path (/proc links, fd names) does not. */
int vfs_getcwd(const struct lx_fsinfo *fs, char *out, size_t size)
{
    bool unreachable = false;
    static const char mark[] = "(unreachable)";
    int n = vfs_dir_name_reach(&fs->root, &fs->cwd, out, size, &unreachable);
    if (n <= 0 || !unreachable)
        return n;
    if ((size_t)n + sizeof(mark) - 1 > size)
        return -LX_ERANGE;
    memmove(out + sizeof(mark) - 1, out, (size_t)n);
    memcpy(out, mark, sizeof(mark) - 1);
    return n + (int)sizeof(mark) - 1;
}

int vfs_dir_name(const struct lx_path *root, const struct lx_path *dir, char *out, size_t size)
{
    return vfs_dir_name_reach(root, dir, out, size, NULL);
}

int vfs_dir_name_reach(const struct lx_path *root, const struct lx_path *dir, char *out, size_t size,
                       bool *unreachable_out)
{
    char *buf = lx_malloc(LX_PATH_MAX);
    struct name_search *s = lx_malloc(sizeof(*s));
    if (!buf || !s) {
        lx_free(buf);
        lx_free(s);
        return -LX_ENOMEM;
    }
    size_t start = LX_PATH_MAX;
    struct lx_path cur = *dir;
    path_get(&cur);
    int err = cur.inode->nlink == 0 ? -LX_ENOENT : 0;
    bool unreachable = false;
    while (err == 0 && !path_equal(&cur, root)) {
        struct lx_mount *m = cur.mnt;
        if (cur.inode == m->root) {
            if (!m->parent) {
                unreachable = true; /* outside the process root (chroot) */
                break;
            }
            struct lx_path up = { m->parent, m->mountpoint };
            path_get(&up);
            path_put(&cur);
            cur = up;
            continue;
        }
        struct lx_inode *parent;
        err = cur.inode->ops->parent ? cur.inode->ops->parent(cur.inode, &parent) : -LX_ENOENT;
        if (err < 0)
            break;
        err = name_in_parent(parent, cur.inode, s);
        if (err == 0)
            err = prepend(buf, &start, s->name, s->len);
        inode_put(cur.inode);
        cur.inode = parent;
    }
    path_put(&cur);
    if (err == 0 && start == LX_PATH_MAX)
        buf[--start] = '/';
    if (unreachable_out)
        *unreachable_out = unreachable;
    size_t len = LX_PATH_MAX - start;
    if (err == 0 && len + 1 > size)
        err = -LX_ERANGE;
    if (err == 0) {
        memcpy(out, buf + start, len);
        out[len] = '\0';
        err = (int)(len + 1);
    }
    lx_free(buf);
    lx_free(s);
    return err;
}
