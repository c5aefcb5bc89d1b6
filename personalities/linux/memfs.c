/* personalities/linux/memfs.c — see memfs.h.
 *
 * Lifetime: a node lives while it has links (nlink > 0) or references
 * (vfs.refs > 0); release frees one with neither.  A directory holds a
 * reference on its parent (its `..`), so a removed directory that is still
 * someone's cwd can still answer `..`; freeing such chains is a loop, not
 * a recursion, because directories nest without bound.  Every node is also
 * on the file system's list, which is how kill frees a whole tree.
 *
 * File data: a two-level table of frame numbers (0 = hole, reads as
 * zeros).  Invariant: the bytes of a file's pages past its size are zero,
 * so that growing the file (write past the end, truncate up) shows zeros
 * without clearing anything, and get_page can hand out the last page. */
#include "memfs.h"

#include "heap.h"
#include "proc.h"
#include "uio.h"
#include <kumiki/user.h>

enum {
    LEAF_FRAMES = 512,        /* frames per leaf: 2 KiB of lx_frame_t, 2 MiB of file */
    DIR_BOGO_ENTRY_SIZE = 20, /* tmpfs's directory size per entry */
};

struct memfs_dirent {
    uint64_t cookie; /* readdir position; increases along the array */
    struct memfs_node *node;
    uint8_t len;
    char name[];
};

struct memfs_node {
    struct lx_inode vfs; /* first: an lx_inode * is a memfs_node * */
    struct memfs *fs;
    struct memfs_node *all_prev, *all_next;
    struct memfs_node *parent; /* directories; the root's is itself */
    union {
        struct {
            lx_frame_t **leaves;
            uint32_t leaf_count;
        } file;
        struct {
            struct memfs_dirent **ents;
            uint32_t count, cap;
            uint64_t next_cookie;
        } dir;
        struct {
            char *target;
            size_t len;
        } link;
    } u;
};

struct memfs {
    struct lx_superblock sb;
    struct memfs_node *all;
    uint64_t next_ino, inode_count;
};

static const struct lx_inode_ops memfs_ops;

static struct memfs_node *node_of(struct lx_inode *ino)
{
    return (struct memfs_node *)ino;
}

static struct lx_timespec now(void)
{
    uint64_t ns = lx_realtime_ns();
    return (struct lx_timespec){ (int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u) };
}

static struct memfs_node *node_new(struct memfs *fs, uint32_t mode, const struct lx_cred *owner)
{
    if (fs->inode_count >= MEMFS_MAX_INODES)
        return NULL;
    struct memfs_node *n = lx_calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->vfs.refs = 1;
    n->vfs.mode = mode;
    n->vfs.uid = owner->uid;
    n->vfs.gid = owner->gid;
    n->vfs.ino = fs->next_ino++;
    n->vfs.sb = &fs->sb;
    n->vfs.ops = &memfs_ops;
    n->vfs.atime = n->vfs.mtime = n->vfs.ctime = now();
    n->fs = fs;
    n->all_next = fs->all;
    if (fs->all)
        fs->all->all_prev = n;
    fs->all = n;
    fs->inode_count++;
    return n;
}

/* ---- File pages --------------------------------------------------------- */

static lx_frame_t *page_slot(struct memfs_node *n, uint64_t index, bool create)
{
    uint64_t leaf = index / LEAF_FRAMES;
    if (leaf >= n->u.file.leaf_count) {
        if (!create)
            return NULL;
        uint64_t count = n->u.file.leaf_count ? n->u.file.leaf_count : 1;
        while (count <= leaf)
            count *= 2;
        lx_frame_t **leaves = lx_calloc(count, sizeof(*leaves));
        if (!leaves)
            return NULL;
        if (n->u.file.leaf_count)
            memcpy(leaves, n->u.file.leaves, n->u.file.leaf_count * sizeof(*leaves));
        lx_free(n->u.file.leaves);
        n->u.file.leaves = leaves;
        n->u.file.leaf_count = (uint32_t)count;
    }
    if (!n->u.file.leaves[leaf]) {
        if (!create)
            return NULL;
        n->u.file.leaves[leaf] = lx_calloc(LEAF_FRAMES, sizeof(lx_frame_t));
        if (!n->u.file.leaves[leaf])
            return NULL;
    }
    return &n->u.file.leaves[leaf][index % LEAF_FRAMES];
}

static lx_frame_t page_get(struct memfs_node *n, uint64_t index)
{
    lx_frame_t *slot = page_slot(n, index, false);
    return slot ? *slot : 0;
}

/* The frame of page index in *out, allocated (zeroed) if it was a hole:
 * 0, -LX_ENOMEM (no memory for the page table) or -LX_ENOSPC (no frame). */
static int page_make(struct memfs_node *n, uint64_t index, lx_frame_t *out)
{
    lx_frame_t *slot = page_slot(n, index, true);
    if (!slot)
        return -LX_ENOMEM;
    if (!*slot) {
        *slot = frame_alloc();
        if (!*slot)
            return -LX_ENOSPC;
        n->vfs.blocks += LX_PAGE / 512;
    }
    *out = *slot;
    return 0;
}

/* Drops every page from index `first` on. */
static void pages_drop_from(struct memfs_node *n, uint64_t first)
{
    for (uint64_t leaf = first / LEAF_FRAMES; leaf < n->u.file.leaf_count; leaf++) {
        lx_frame_t *frames = n->u.file.leaves[leaf];
        if (!frames)
            continue;
        uint64_t start = leaf == first / LEAF_FRAMES ? first % LEAF_FRAMES : 0;
        for (uint64_t i = start; i < LEAF_FRAMES; i++)
            if (frames[i]) {
                frame_unref(frames[i]);
                frames[i] = 0;
                n->vfs.blocks -= LX_PAGE / 512;
            }
        if (start == 0) {
            lx_free(frames);
            n->u.file.leaves[leaf] = NULL;
        }
    }
}

static int64_t memfs_read(struct lx_inode *ino, uint64_t off, struct lx_uio *u)
{
    struct memfs_node *n = node_of(ino);
    if (off >= ino->size)
        return 0;
    uint64_t len = ino->size - off;
    if (len > u->resid)
        len = u->resid;
    uint64_t done = 0;
    while (done < len) {
        uint64_t pos = off + done, in_page = pos % LX_PAGE;
        uint64_t chunk = LX_PAGE - in_page;
        if (chunk > len - done)
            chunk = len - done;
        lx_frame_t f = page_get(n, pos / LX_PAGE);
        int64_t moved =
            f ? uio_copy_out(u, (uint8_t *)frame_ptr(f) + in_page, chunk) : uio_zero_out(u, chunk);
        if (moved < 0)
            return done ? (int64_t)done : moved;
        done += (uint64_t)moved;
        if ((uint64_t)moved < chunk)
            break;
    }
    return (int64_t)done;
}

static int64_t memfs_write(struct lx_inode *ino, uint64_t off, struct lx_uio *u)
{
    struct memfs_node *n = node_of(ino);
    if (off >= MEMFS_MAX_FILE_SIZE)
        return -LX_EFBIG;
    uint64_t len = u->resid;
    if (len > MEMFS_MAX_FILE_SIZE - off)
        len = MEMFS_MAX_FILE_SIZE - off;
    uint64_t done = 0;
    int64_t err = 0;
    while (done < len) {
        uint64_t pos = off + done, in_page = pos % LX_PAGE;
        uint64_t chunk = LX_PAGE - in_page;
        if (chunk > len - done)
            chunk = len - done;
        lx_frame_t f;
        if ((err = page_make(n, pos / LX_PAGE, &f)) < 0)
            break;
        int64_t moved = uio_copy_in(u, (uint8_t *)frame_ptr(f) + in_page, chunk);
        if (moved < 0) {
            err = moved;
            break;
        }
        done += (uint64_t)moved;
        if ((uint64_t)moved < chunk)
            break;
    }
    if (done && off + done > ino->size)
        ino->size = off + done;
    return done ? (int64_t)done : err;
}

static int memfs_truncate(struct lx_inode *ino, uint64_t size)
{
    struct memfs_node *n = node_of(ino);
    if (size > MEMFS_MAX_FILE_SIZE)
        return -LX_EFBIG;
    if (size < ino->size) {
        pages_drop_from(n, (size + LX_PAGE - 1) / LX_PAGE);
        lx_frame_t last = size % LX_PAGE ? page_get(n, size / LX_PAGE) : 0;
        if (last)
            memset((uint8_t *)frame_ptr(last) + size % LX_PAGE, 0, LX_PAGE - size % LX_PAGE);
    }
    ino->size = size;
    return 0;
}

static int memfs_get_page(struct lx_inode *ino, uint64_t pgoff, lx_frame_t *out)
{
    struct memfs_node *n = node_of(ino);
    lx_frame_t f;
    if (pgoff >= (ino->size + LX_PAGE - 1) / LX_PAGE) {
        /* Wholly past the end: zeros that belong to nobody else. */
        f = frame_alloc();
        if (!f)
            return -LX_ENOMEM;
        *out = f;
        return 0;
    }
    int err = page_make(n, pgoff, &f);
    if (err < 0)
        return -LX_ENOMEM;
    frame_ref(f);
    *out = f;
    return 0;
}

/* ---- Directories ---------------------------------------------------------- */

static int dir_find(struct memfs_node *dir, const char *name, size_t len)
{
    for (uint32_t i = 0; i < dir->u.dir.count; i++) {
        struct memfs_dirent *e = dir->u.dir.ents[i];
        if (e->len == len && memcmp(e->name, name, len) == 0)
            return (int)i;
    }
    return -1;
}

/* Room for one more entry (so that adding cannot fail later). */
static int dir_reserve(struct memfs_node *dir)
{
    if (dir->u.dir.count < dir->u.dir.cap)
        return 0;
    uint32_t cap = dir->u.dir.cap ? dir->u.dir.cap * 2 : 8;
    struct memfs_dirent **ents = lx_calloc(cap, sizeof(*ents));
    if (!ents)
        return -LX_ENOMEM;
    if (dir->u.dir.count)
        memcpy(ents, dir->u.dir.ents, dir->u.dir.count * sizeof(*ents));
    lx_free(dir->u.dir.ents);
    dir->u.dir.ents = ents;
    dir->u.dir.cap = cap;
    return 0;
}

static struct memfs_dirent *dirent_new(const char *name, size_t len, struct memfs_node *node)
{
    struct memfs_dirent *e = lx_malloc(sizeof(*e) + len);
    if (!e)
        return NULL;
    e->cookie = 0;
    e->node = node;
    e->len = (uint8_t)len;
    memcpy(e->name, name, len);
    return e;
}

/* Appends e (room reserved). */
static void dir_append(struct memfs_node *dir, struct memfs_dirent *e)
{
    e->cookie = dir->u.dir.next_cookie++;
    dir->u.dir.ents[dir->u.dir.count++] = e;
    dir->vfs.size += DIR_BOGO_ENTRY_SIZE;
    if (inode_is_dir(&e->node->vfs))
        dir->vfs.nlink++;
}

/* Removes entry i; returns its node. */
static struct memfs_node *dir_remove(struct memfs_node *dir, uint32_t i)
{
    struct memfs_dirent *e = dir->u.dir.ents[i];
    struct memfs_node *node = e->node;
    for (uint32_t j = i; j + 1 < dir->u.dir.count; j++)
        dir->u.dir.ents[j] = dir->u.dir.ents[j + 1];
    dir->u.dir.count--;
    dir->vfs.size -= DIR_BOGO_ENTRY_SIZE;
    if (inode_is_dir(&node->vfs))
        dir->vfs.nlink--;
    lx_free(e);
    return node;
}

/* The name no longer refers to node: one link less (a directory loses
 * its own `.` too). */
static void node_unlinked(struct memfs_node *node)
{
    if (inode_is_dir(&node->vfs))
        node->vfs.nlink = 0;
    else
        node->vfs.nlink--;
}

static void parent_set(struct memfs_node *child, struct memfs_node *parent)
{
    struct memfs_node *old = child->parent;
    child->parent = parent;
    parent->vfs.refs++;
    /* old is still referenced by the caller (the VFS holds both
     * directories of a rename), so this cannot be its last reference. */
    old->vfs.refs--;
}

static int memfs_lookup(struct lx_inode *ino, const char *name, size_t len, struct lx_inode **out)
{
    struct memfs_node *dir = node_of(ino);
    int i = dir->vfs.nlink ? dir_find(dir, name, len) : -1;
    if (i < 0)
        return -LX_ENOENT;
    *out = &dir->u.dir.ents[i]->node->vfs;
    inode_get(*out);
    return 0;
}

static int memfs_parent(struct lx_inode *ino, struct lx_inode **out)
{
    *out = &node_of(ino)->parent->vfs;
    inode_get(*out);
    return 0;
}

static int memfs_create_node(struct lx_inode *dir_ino, const char *name, size_t len, uint32_t mode,
                             const struct lx_cred *owner, uint64_t rdev, const char *target,
                             struct lx_inode **out)
{
    struct memfs_node *dir = node_of(dir_ino);
    if (!dir->vfs.nlink)
        return -LX_ENOENT;
    if (dir_find(dir, name, len) >= 0)
        return -LX_EEXIST;
    size_t target_len = target ? strlen(target) : 0;
    char *target_copy = NULL;
    if ((mode & LX_S_IFMT) == LX_S_IFLNK) {
        if (!target || !target_len || target_len >= LX_PATH_MAX)
            return -LX_EINVAL;
        target_copy = lx_malloc(target_len + 1);
        if (!target_copy)
            return -LX_ENOMEM;
        memcpy(target_copy, target, target_len + 1);
    }
    struct memfs_dirent *e = NULL;
    struct memfs_node *n = NULL;
    int err = dir_reserve(dir);
    if (err == 0 && !(e = dirent_new(name, len, NULL)))
        err = -LX_ENOMEM;
    if (err == 0 && !(n = node_new(dir->fs, mode, owner)))
        err = dir->fs->inode_count >= MEMFS_MAX_INODES ? -LX_ENOSPC : -LX_ENOMEM;
    if (err < 0) {
        lx_free(target_copy);
        lx_free(e);
        return err;
    }
    switch (mode & LX_S_IFMT) {
    case LX_S_IFDIR:
        n->vfs.nlink = 2;
        n->vfs.size = 2 * DIR_BOGO_ENTRY_SIZE;
        n->u.dir.next_cookie = 2; /* 0 and 1 are "." and ".." */
        n->parent = dir;
        dir->vfs.refs++;
        break;
    case LX_S_IFLNK:
        n->vfs.nlink = 1;
        n->u.link.target = target_copy;
        n->u.link.len = target_len;
        n->vfs.size = target_len;
        break;
    case LX_S_IFCHR:
    case LX_S_IFBLK:
        n->vfs.rdev = rdev;
        n->vfs.nlink = 1;
        break;
    default: n->vfs.nlink = 1; break;
    }
    e->node = n;
    dir_append(dir, e);
    *out = &n->vfs;
    return 0;
}

static int memfs_link(struct lx_inode *dir_ino, const char *name, size_t len, struct lx_inode *target)
{
    struct memfs_node *dir = node_of(dir_ino);
    if (!dir->vfs.nlink || !target->nlink)
        return -LX_ENOENT;
    if (dir_find(dir, name, len) >= 0)
        return -LX_EEXIST;
    int err = dir_reserve(dir);
    if (err < 0)
        return err;
    struct memfs_dirent *e = dirent_new(name, len, node_of(target));
    if (!e)
        return -LX_ENOMEM;
    dir_append(dir, e);
    target->nlink++;
    return 0;
}

static int memfs_unlink(struct lx_inode *dir_ino, const char *name, size_t len, struct lx_inode *victim)
{
    struct memfs_node *dir = node_of(dir_ino);
    int i = dir_find(dir, name, len);
    if (i < 0 || &dir->u.dir.ents[i]->node->vfs != victim)
        return -LX_ENOENT;
    if (inode_is_dir(victim) && node_of(victim)->u.dir.count)
        return -LX_ENOTEMPTY;
    node_unlinked(dir_remove(dir, (uint32_t)i));
    return 0;
}

static int memfs_rename(struct lx_inode *old_dir_ino, const char *old_name, size_t old_len,
                        struct lx_inode *moved, struct lx_inode *new_dir_ino, const char *new_name,
                        size_t new_len, struct lx_inode *replaced, bool exchange)
{
    struct memfs_node *old_dir = node_of(old_dir_ino), *new_dir = node_of(new_dir_ino);
    struct memfs_node *m = node_of(moved), *r = replaced ? node_of(replaced) : NULL;
    int oi = dir_find(old_dir, old_name, old_len);
    int ni = dir_find(new_dir, new_name, new_len);
    if (oi < 0 || old_dir->u.dir.ents[oi]->node != m)
        return -LX_ENOENT;
    if ((ni >= 0 ? new_dir->u.dir.ents[ni]->node : NULL) != r)
        return -LX_ENOENT;
    if (!new_dir->vfs.nlink)
        return -LX_ENOENT;
    if (exchange) {
        if (!r)
            return -LX_ENOENT;
        old_dir->u.dir.ents[oi]->node = r;
        new_dir->u.dir.ents[ni]->node = m;
        if (old_dir != new_dir) {
            bool m_dir = inode_is_dir(moved), r_dir = inode_is_dir(replaced);
            if (m_dir)
                parent_set(m, new_dir);
            if (r_dir)
                parent_set(r, old_dir);
            if (m_dir && !r_dir) {
                old_dir->vfs.nlink--;
                new_dir->vfs.nlink++;
            } else if (r_dir && !m_dir) {
                new_dir->vfs.nlink--;
                old_dir->vfs.nlink++;
            }
        }
        return 0;
    }
    if (r && inode_is_dir(replaced) && r->u.dir.count)
        return -LX_ENOTEMPTY;
    struct memfs_dirent *e = NULL;
    if (!r) {
        int err = dir_reserve(new_dir);
        if (err < 0)
            return err;
        if (!(e = dirent_new(new_name, new_len, m)))
            return -LX_ENOMEM;
    }
    /* Nothing can fail from here on. */
    if (r) {
        struct memfs_dirent *target = new_dir->u.dir.ents[ni];
        if (inode_is_dir(replaced))
            new_dir->vfs.nlink--;
        node_unlinked(r);
        target->node = m;
        if (inode_is_dir(moved))
            new_dir->vfs.nlink++;
    } else {
        dir_append(new_dir, e);
    }
    /* Entries are only appended or changed in place above, so oi still
     * indexes the old entry. */
    dir_remove(old_dir, (uint32_t)oi);
    if (inode_is_dir(moved) && old_dir != new_dir)
        parent_set(m, new_dir);
    return 0;
}

static int memfs_readdir(struct lx_inode *ino, uint64_t *pos, lx_filldir_fn fill, void *ctx)
{
    struct memfs_node *dir = node_of(ino);
    if (*pos == 0) {
        if (!fill(ctx, ".", 1, dir->vfs.ino, LX_DT_DIR, 1))
            return 0;
        *pos = 1;
    }
    if (*pos == 1) {
        if (!fill(ctx, "..", 2, dir->parent->vfs.ino, LX_DT_DIR, 2))
            return 0;
        *pos = 2;
    }
    /* The first entry at or after *pos (cookies increase along the array). */
    uint32_t lo = 0, hi = dir->u.dir.count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (dir->u.dir.ents[mid]->cookie < *pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < dir->u.dir.count; i++) {
        struct memfs_dirent *e = dir->u.dir.ents[i];
        if (!fill(ctx, e->name, e->len, e->node->vfs.ino, vfs_dtype(e->node->vfs.mode), e->cookie + 1))
            return 0;
        *pos = e->cookie + 1;
    }
    return 0;
}

static int memfs_readlink(struct lx_inode *ino, char *buf, size_t size)
{
    struct memfs_node *n = node_of(ino);
    memcpy(buf, n->u.link.target, n->u.link.len < size ? n->u.link.len : size);
    return (int)n->u.link.len;
}

/* ---- Freeing ------------------------------------------------------------- */

static void node_free_data(struct memfs_node *n)
{
    switch (n->vfs.mode & LX_S_IFMT) {
    case LX_S_IFREG:
        pages_drop_from(n, 0);
        lx_free(n->u.file.leaves);
        break;
    case LX_S_IFDIR:
        for (uint32_t i = 0; i < n->u.dir.count; i++)
            lx_free(n->u.dir.ents[i]);
        lx_free(n->u.dir.ents);
        break;
    case LX_S_IFLNK: lx_free(n->u.link.target); break;
    default: break;
    }
}

static void node_free(struct memfs_node *n)
{
    struct memfs *fs = n->fs;
    if (n->all_prev)
        n->all_prev->all_next = n->all_next;
    else
        fs->all = n->all_next;
    if (n->all_next)
        n->all_next->all_prev = n->all_prev;
    fs->inode_count--;
    node_free_data(n);
    lx_free(n);
}

static void memfs_release(struct lx_inode *ino)
{
    struct memfs_node *n = node_of(ino);
    while (n && n->vfs.refs == 0 && n->vfs.nlink == 0) {
        struct memfs_node *parent = inode_is_dir(&n->vfs) && n->parent != n ? n->parent : NULL;
        node_free(n);
        /* The directory's reference on its parent, dropped without
         * recursing. */
        if (parent && --parent->vfs.refs > 0)
            parent = NULL;
        n = parent;
    }
}

static void memfs_kill(struct lx_superblock *sb)
{
    struct memfs *fs = sb->fs;
    while (fs->all)
        node_free(fs->all);
    lx_free(fs);
}

static void memfs_statfs(struct lx_superblock *sb, struct lx_statfs *out)
{
    struct memfs *fs = sb->fs;
    memset(out, 0, sizeof(*out));
    out->f_type = LX_TMPFS_MAGIC;
    out->f_bsize = LX_PAGE;
    out->f_blocks = frames_total();
    out->f_bfree = out->f_bavail = frames_total() - frames_in_use();
    out->f_files = MEMFS_MAX_INODES;
    out->f_ffree = MEMFS_MAX_INODES - fs->inode_count;
    out->f_fsid[0] = (int32_t)sb->dev;
    out->f_namelen = LX_NAME_MAX;
    out->f_frsize = LX_PAGE;
    out->f_flags = LX_ST_VALID;
}

/* References from outside: every node's refs, less those the tree holds
 * itself (each directory's on its parent) and the mount's on the root. */
static bool memfs_busy(struct lx_superblock *sb)
{
    struct memfs *fs = sb->fs;
    uint64_t refs = 0, own = 1;
    for (struct memfs_node *n = fs->all; n; n = n->all_next) {
        refs += n->vfs.refs;
        if (inode_is_dir(&n->vfs) && n->parent != n)
            own++;
    }
    return refs > own;
}

static const struct lx_inode_ops memfs_ops = {
    .lookup = memfs_lookup,
    .parent = memfs_parent,
    .create = memfs_create_node,
    .link = memfs_link,
    .unlink = memfs_unlink,
    .rename = memfs_rename,
    .readdir = memfs_readdir,
    .readlink = memfs_readlink,
    .read = memfs_read,
    .write = memfs_write,
    .truncate = memfs_truncate,
    .get_page = memfs_get_page,
    .release = memfs_release,
};

static const struct lx_super_ops memfs_super_ops = {
    .statfs = memfs_statfs,
    .busy = memfs_busy,
    .kill = memfs_kill,
};

struct lx_inode *memfs_create(uint64_t dev)
{
    struct memfs *fs = lx_calloc(1, sizeof(*fs));
    if (!fs)
        return NULL;
    fs->sb = (struct lx_superblock){
        .ops = &memfs_super_ops, .dev = dev, .magic = LX_TMPFS_MAGIC, .block_size = LX_PAGE, .fs = fs
    };
    fs->next_ino = 1;
    struct lx_cred root = { 0, 0 };
    struct memfs_node *n = node_new(fs, LX_S_IFDIR | 0755, &root);
    if (!n) {
        lx_free(fs);
        return NULL;
    }
    n->vfs.nlink = 2;
    n->vfs.size = 2 * DIR_BOGO_ENTRY_SIZE;
    n->u.dir.next_cookie = 2;
    n->parent = n;
    return &n->vfs;
}

uint64_t memfs_inode_count(const struct lx_superblock *sb)
{
    return ((const struct memfs *)sb->fs)->inode_count;
}
