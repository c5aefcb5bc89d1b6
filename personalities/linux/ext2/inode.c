/* personalities/linux/ext2/inode.c — the inode cache: loading and
 * validating inodes from the inode tables, storing them back, the idle
 * list of unreferenced inodes, and freeing an inode whose last link and
 * last reference are gone (unlink while open ends here).
 *
 * An on-disk inode is trusted only after inode_decode accepted it; a
 * damaged one is an -LX_EIO for whoever looks it up, and stays on disk
 * untouched. */
#include "ext2_internal.h"

#include "../heap.h"
#include "../proc.h"
#include <kumiki/user.h>

static unsigned hash_of(uint32_t ino)
{
    return ino % EXT2_INODE_HASH;
}

static void inode_location(const struct ext2_fs *fs, uint32_t ino, uint32_t *block, uint32_t *offset)
{
    uint32_t g = ext2_inode_group(fs, ino);
    uint64_t byte = (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;
    *block = fs->groups[g].inode_table + (uint32_t)(byte / fs->block_size);
    *offset = (uint32_t)(byte % fs->block_size);
}

/* ---- Times and device numbers ------------------------------------------------ */

/* Large inodes keep nanoseconds and two more bits of seconds (epoch) in
 * *_extra fields, when the inode's extra space covers them. */
static bool has_extra_times(const struct ext2_inode *ei)
{
    return ei->fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE && ei->extra_isize >= EXT2_EXTRA_ISIZE_TIMES;
}

static struct lx_timespec time_decode(const uint8_t *raw, unsigned sec_off, unsigned extra_off, bool extra)
{
    struct lx_timespec t = { (int32_t)le32_get(raw + sec_off), 0 };
    if (extra) {
        uint32_t x = le32_get(raw + extra_off);
        t.tv_sec += (int64_t)(x & 3) << 32;
        t.tv_nsec = x >> 2 < 1000000000u ? x >> 2 : 0;
    }
    return t;
}

static void time_encode(uint8_t *raw, unsigned sec_off, unsigned extra_off, bool extra, struct lx_timespec t)
{
    le32_put(raw + sec_off, (uint32_t)t.tv_sec);
    if (extra) {
        uint32_t epoch = (uint32_t)(((t.tv_sec - (int32_t)t.tv_sec) >> 32) & 3);
        le32_put(raw + extra_off, epoch | (uint32_t)t.tv_nsec << 2);
    }
}

static uint64_t rdev_decode(const uint32_t *block)
{
    if (block[0])
        return lx_makedev((block[0] >> 8) & 0xff, block[0] & 0xff);
    uint32_t d = block[1];
    return lx_makedev((d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00));
}

static void rdev_encode(uint64_t rdev, uint32_t *block)
{
    uint32_t major = lx_dev_major(rdev), minor = lx_dev_minor(rdev);
    if (major < 256 && minor < 256) {
        block[0] = major << 8 | minor;
        block[1] = 0;
    } else {
        block[0] = 0;
        block[1] = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
    }
    block[2] = 0;
}

/* ---- Decoding and storing ---------------------------------------------------- */

static const struct lx_inode_ops *ops_for(uint32_t mode)
{
    switch (mode & LX_S_IFMT) {
    case LX_S_IFDIR: return &ext2_dir_ops;
    case LX_S_IFREG: return &ext2_file_ops;
    case LX_S_IFLNK: return &ext2_link_ops;
    default: return &ext2_special_ops;
    }
}

static bool mode_known(uint32_t mode)
{
    switch (mode & LX_S_IFMT) {
    case LX_S_IFDIR:
    case LX_S_IFREG:
    case LX_S_IFLNK:
    case LX_S_IFCHR:
    case LX_S_IFBLK:
    case LX_S_IFIFO:
    case LX_S_IFSOCK: return true;
    default: return false;
    }
}

/* A fast symbolic link keeps its target in i_block (Linux's test: no
 * blocks besides an extended-attribute block). */
static bool is_fast_symlink(const struct ext2_inode *ei)
{
    uint64_t acl_blocks = ei->file_acl ? ei->fs->block_size / 512 : 0;
    return ei->vfs.blocks == acl_blocks;
}

bool ext2_inode_has_block_pointers(const struct ext2_inode *ei)
{
    uint32_t type = ei->vfs.mode & LX_S_IFMT;
    return type == LX_S_IFREG || type == LX_S_IFDIR || (type == LX_S_IFLNK && !is_fast_symlink(ei));
}

/* Fills ei from its raw inode; -LX_EIO (with a message) if damaged. */
static int inode_decode(struct ext2_inode *ei, const uint8_t *raw)
{
    struct ext2_fs *fs = ei->fs;
    struct lx_inode *v = &ei->vfs;
    uint32_t ino = (uint32_t)v->ino;
    v->mode = le16_get(raw + I_MODE);
    v->nlink = le16_get(raw + I_LINKS_COUNT);
    v->uid = le16_get(raw + I_UID) | (fs->linux_os ? (uint32_t)le16_get(raw + I_UID_HIGH) << 16 : 0);
    v->gid = le16_get(raw + I_GID) | (fs->linux_os ? (uint32_t)le16_get(raw + I_GID_HIGH) << 16 : 0);
    v->size = le32_get(raw + I_SIZE);
    uint32_t size_high = le32_get(raw + I_SIZE_HIGH);
    v->blocks = le32_get(raw + I_BLOCKS);
    ei->flags = le32_get(raw + I_FLAGS);
    ei->file_acl = le32_get(raw + I_FILE_ACL);
    ei->generation = le32_get(raw + I_GENERATION);
    ei->dtime = le32_get(raw + I_DTIME);
    for (int i = 0; i < EXT2_N_BLOCKS; i++)
        ei->block[i] = le32_get(raw + I_BLOCK + 4 * i);
    ei->extra_isize = fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE ? le16_get(raw + I_EXTRA_ISIZE) : 0;
    bool extra = has_extra_times(ei) && ei->extra_isize <= fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE;
    v->atime = time_decode(raw, I_ATIME, I_ATIME_EXTRA, extra);
    v->mtime = time_decode(raw, I_MTIME, I_MTIME_EXTRA, extra);
    v->ctime = time_decode(raw, I_CTIME, I_CTIME_EXTRA, extra);
    const char *why = NULL;
    if (!mode_known(v->mode))
        why = "unknown file type";
    else if (v->nlink == 0)
        why = "no links (a deleted inode)";
    else if (ei->flags & EXT2_UNSUPPORTED_FL)
        why = "uses extents, inline data, compression or encryption";
    else if (ei->extra_isize > fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE || (ei->extra_isize & 3))
        why = "impossible extra inode size";
    else if (ei->file_acl && !ext2_block_is_data(fs, ei->file_acl))
        why = "extended-attribute block outside the data blocks";
    if (!why) {
        switch (v->mode & LX_S_IFMT) {
        case LX_S_IFREG:
            v->size |= (uint64_t)size_high << 32;
            if (v->size > fs->max_file_size)
                why = "size beyond what its blocks can address";
            break;
        case LX_S_IFDIR:
            /* Bounded by the file system's size too: a directory cannot
             * hold more blocks than there are, and lookups scan it all. */
            if (size_high || v->size == 0 || v->size % fs->block_size ||
                v->size > (uint64_t)fs->blocks_count * fs->block_size)
                why = "impossible directory size";
            break;
        case LX_S_IFLNK:
            if (v->size == 0 || v->size >= fs->block_size || v->size >= LX_PATH_MAX)
                why = "impossible symbolic link size";
            else if (is_fast_symlink(ei) && v->size > EXT2_FAST_SYMLINK_MAX)
                why = "fast symbolic link too long";
            else if (!is_fast_symlink(ei) && !ext2_block_is_data(fs, ei->block[0]))
                why = "symbolic link block outside the data blocks";
            break;
        case LX_S_IFCHR:
        case LX_S_IFBLK: v->rdev = rdev_decode(ei->block); break;
        default: break;
        }
    }
    if (why) {
        ext2_error(fs, "inode %u is damaged: %s", ino, why);
        return -LX_EIO;
    }
    v->ops = ops_for(v->mode);
    return 0;
}

int ext2_inode_store(struct ext2_inode *ei)
{
    struct ext2_fs *fs = ei->fs;
    if (fs->readonly)
        return 0;
    uint32_t blk, off;
    inode_location(fs, (uint32_t)ei->vfs.ino, &blk, &off);
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, blk, &b);
    if (err < 0)
        return err;
    uint8_t *raw = b->data + off;
    const struct lx_inode *v = &ei->vfs;
    bool reg = (v->mode & LX_S_IFMT) == LX_S_IFREG;
    le16_put(raw + I_MODE, (uint16_t)v->mode);
    le16_put(raw + I_UID, (uint16_t)v->uid);
    le16_put(raw + I_GID, (uint16_t)v->gid);
    if (fs->linux_os) {
        le16_put(raw + I_UID_HIGH, (uint16_t)(v->uid >> 16));
        le16_put(raw + I_GID_HIGH, (uint16_t)(v->gid >> 16));
    }
    le32_put(raw + I_SIZE, (uint32_t)v->size);
    le32_put(raw + I_SIZE_HIGH, reg ? (uint32_t)(v->size >> 32) : 0);
    le16_put(raw + I_LINKS_COUNT, (uint16_t)(v->nlink > 0xffff ? 0xffff : v->nlink));
    le32_put(raw + I_BLOCKS, (uint32_t)v->blocks);
    le32_put(raw + I_FLAGS, ei->flags);
    le32_put(raw + I_DTIME, ei->dtime);
    le32_put(raw + I_GENERATION, ei->generation);
    le32_put(raw + I_FILE_ACL, ei->file_acl);
    for (int i = 0; i < EXT2_N_BLOCKS; i++)
        le32_put(raw + I_BLOCK + 4 * i, ei->block[i]);
    bool extra = has_extra_times(ei);
    if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE)
        le16_put(raw + I_EXTRA_ISIZE, ei->extra_isize);
    time_encode(raw, I_ATIME, I_ATIME_EXTRA, extra, v->atime);
    time_encode(raw, I_MTIME, I_MTIME_EXTRA, extra, v->mtime);
    time_encode(raw, I_CTIME, I_CTIME_EXTRA, extra, v->ctime);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    if (reg && v->size > 0x7fffffffu && !(fs->feature_ro_compat & RO_COMPAT_LARGE_FILE)) {
        fs->feature_ro_compat |= RO_COMPAT_LARGE_FILE;
        ext2_super_changed(fs);
    }
    return 0;
}

void ext2_inode_dirty(struct lx_inode *ino)
{
    struct ext2_inode *ei = EI(ino);
    if (ext2_inode_store(ei) < 0)
        ext2_error(ei->fs, "inode %lu: could not store its attributes", (unsigned long)ino->ino);
}

/* ---- The cache ---------------------------------------------------------------- */

static struct ext2_inode *inode_alloc(struct ext2_fs *fs, uint32_t ino)
{
    struct ext2_inode *ei = lx_calloc(1, sizeof(*ei));
    if (!ei)
        return NULL;
    ei->fs = fs;
    ei->vfs.refs = 1;
    ei->vfs.ino = ino;
    ei->vfs.sb = &fs->sb;
    ei->vfs.ops = &ext2_special_ops;
    return ei;
}

static void inode_insert(struct ext2_fs *fs, struct ext2_inode *ei)
{
    unsigned h = hash_of((uint32_t)ei->vfs.ino);
    ei->hash_next = fs->inode_hash[h];
    fs->inode_hash[h] = ei;
    ei->all_next = fs->all;
    if (fs->all)
        fs->all->all_prev = ei;
    fs->all = ei;
    fs->inode_count++;
}

static void idle_unlink(struct ext2_fs *fs, struct ext2_inode *ei)
{
    ei->idle_prev->idle_next = ei->idle_next;
    ei->idle_next->idle_prev = ei->idle_prev;
    ei->idle_prev = ei->idle_next = NULL;
    fs->idle_count--;
}

/* Forgets ei (its pages must be gone) and frees the memory. */
static void inode_forget(struct ext2_fs *fs, struct ext2_inode *ei)
{
    struct ext2_inode **link = &fs->inode_hash[hash_of((uint32_t)ei->vfs.ino)];
    while (*link != ei)
        link = &(*link)->hash_next;
    *link = ei->hash_next;
    if (ei->all_prev)
        ei->all_prev->all_next = ei->all_next;
    else
        fs->all = ei->all_next;
    if (ei->all_next)
        ei->all_next->all_prev = ei->all_prev;
    if (ei->idle_next)
        idle_unlink(fs, ei);
    fs->inode_count--;
    lx_free(ei);
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out)
{
    if (ino == 0 || ino > fs->inodes_count || (ino < fs->first_ino && ino != EXT2_ROOT_INO)) {
        ext2_error(fs, "a directory entry names inode %u, which no file can have", ino);
        return -LX_EIO;
    }
    for (struct ext2_inode *ei = fs->inode_hash[hash_of(ino)]; ei; ei = ei->hash_next)
        if (ei->vfs.ino == ino) {
            if (ei->idle_next)
                idle_unlink(fs, ei);
            inode_get(&ei->vfs);
            *out = ei;
            return 0;
        }
    int used = ext2_inode_in_use(fs, ino);
    if (used <= 0) {
        if (used == 0)
            ext2_error(fs, "a directory entry names inode %u, which is free", ino);
        return -LX_EIO;
    }
    uint32_t blk, off;
    inode_location(fs, ino, &blk, &off);
    struct ext2_inode *ei = inode_alloc(fs, ino);
    if (!ei)
        return -LX_ENOMEM;
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, blk, &b);
    if (err == 0) {
        err = inode_decode(ei, b->data + off);
        bcache_release(fs->bc, b);
    }
    ei->alloc_goal = fs->groups[ext2_inode_group(fs, ino)].first_block;
    if (err == 0 && inode_is_dir(&ei->vfs))
        err = ext2_dir_read_dots(ei, &ei->parent);
    if (err < 0) {
        lx_free(ei);
        return err;
    }
    inode_insert(fs, ei);
    *out = ei;
    return 0;
}

int ext2_inode_new(struct ext2_fs *fs, uint32_t ino, uint32_t mode, const struct lx_cred *owner,
                   struct ext2_inode **out)
{
    struct ext2_inode *ei = inode_alloc(fs, ino);
    if (!ei)
        return -LX_ENOMEM;
    uint32_t blk, off;
    inode_location(fs, ino, &blk, &off);
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, blk, &b);
    if (err < 0) {
        lx_free(ei);
        return err;
    }
    /* Whatever a freed inode left (extended attributes in its extra space
     * included) goes. */
    memset(b->data + off, 0, fs->inode_size);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    uint64_t ns = lx_realtime_ns();
    struct lx_timespec now = { (int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u) };
    ei->vfs.mode = mode;
    ei->vfs.uid = owner->uid;
    ei->vfs.gid = owner->gid;
    ei->vfs.atime = ei->vfs.mtime = ei->vfs.ctime = now;
    ei->vfs.ops = ops_for(mode);
    ei->generation = fs->next_generation++;
    ei->extra_isize =
        fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE_NEW ? EXT2_EXTRA_ISIZE_NEW : 0;
    ei->alloc_goal = fs->groups[ext2_inode_group(fs, ino)].first_block;
    inode_insert(fs, ei);
    *out = ei;
    return 0;
}

/* ---- Freeing ------------------------------------------------------------------- */

/* Drops the inode's reference on its extended-attribute block. */
static int xattr_release(struct ext2_inode *ei)
{
    struct ext2_fs *fs = ei->fs;
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, ei->file_acl, &b);
    if (err < 0)
        return err;
    uint32_t refs = le32_get(b->data + XATTR_H_REFCOUNT);
    if (le32_get(b->data + XATTR_H_MAGIC) != XATTR_MAGIC || refs == 0) {
        bcache_release(fs->bc, b);
        ext2_error(fs, "inode %lu: damaged extended-attribute block %u left alone",
                   (unsigned long)ei->vfs.ino, ei->file_acl);
        return -LX_EIO;
    }
    if (refs > 1) {
        le32_put(b->data + XATTR_H_REFCOUNT, refs - 1);
        bcache_mark_dirty(fs->bc, b);
    }
    bcache_release(fs->bc, b);
    if (refs == 1 && (err = ext2_block_free(fs, ei->file_acl)) < 0)
        return err;
    ei->file_acl = 0;
    ei->vfs.blocks -= ei->vfs.blocks >= fs->block_size / 512 ? fs->block_size / 512 : ei->vfs.blocks;
    return 0;
}

/* The last link and the last reference are gone: free the blocks, the
 * attribute block and the inode, and mark it deleted (dtime). */
static void inode_delete(struct ext2_fs *fs, struct ext2_inode *ei)
{
    ext2_pages_drop_from(ei, 0);
    int err = 0;
    if (ext2_inode_has_block_pointers(ei))
        err = ext2_free_blocks_from(ei, 0);
    if (err == 0 && ei->file_acl)
        err = xattr_release(ei);
    ei->vfs.size = 0;
    ei->vfs.nlink = 0;
    ei->dtime = ext2_now() ? ext2_now() : 1;
    if (err == 0)
        err = ext2_inode_store(ei);
    if (err == 0)
        err = ext2_inode_free(fs, (uint32_t)ei->vfs.ino, inode_is_dir(&ei->vfs));
    if (err < 0)
        ext2_error(fs, "inode %lu: freeing it failed; e2fsck will find its remains",
                   (unsigned long)ei->vfs.ino);
    inode_forget(fs, ei);
}

/* Evicts the least recently idle inodes beyond the limit. */
static void idle_trim(struct ext2_fs *fs)
{
    while (fs->idle_count > fs->idle_limit) {
        struct ext2_inode *ei = fs->idle.idle_prev;
        if (ei->pages && ext2_pages_writeback(ei) < 0)
            ext2_error(fs, "inode %lu: writing its data back failed", (unsigned long)ei->vfs.ino);
        ext2_pages_drop_from(ei, 0);
        inode_forget(fs, ei);
    }
}

void ext2_inode_release(struct lx_inode *ino)
{
    struct ext2_inode *ei = EI(ino);
    struct ext2_fs *fs = ei->fs;
    if (ino->nlink == 0 && !fs->readonly) {
        inode_delete(fs, ei);
        return;
    }
    ei->idle_next = fs->idle.idle_next;
    ei->idle_prev = &fs->idle;
    fs->idle.idle_next->idle_prev = ei;
    fs->idle.idle_next = ei;
    fs->idle_count++;
    idle_trim(fs);
}

void ext2_inodes_drop_all(struct ext2_fs *fs)
{
    while (fs->all) {
        struct ext2_inode *ei = fs->all;
        ext2_pages_drop_from(ei, 0);
        inode_forget(fs, ei);
    }
}

/* ---- Operations of device nodes, FIFOs and sockets ------------------------------- */

int ext2_fsync(struct lx_inode *ino)
{
    struct ext2_inode *ei = EI(ino);
    struct ext2_fs *fs = ei->fs;
    if (fs->readonly)
        return 0;
    int err = ei->pages ? ext2_pages_writeback(ei) : 0;
    if (ext2_inode_store(ei) < 0)
        err = -LX_EIO;
    if (ext2_write_super(fs) < 0 || bcache_flush(fs->bc) < 0)
        err = -LX_EIO;
    return err;
}

const struct lx_inode_ops ext2_special_ops = {
    .dirty = ext2_inode_dirty,
    .fsync = ext2_fsync,
    .release = ext2_inode_release,
};

/* Device numbers are stored in i_block. */
void ext2_inode_set_rdev(struct ext2_inode *ei, uint64_t rdev)
{
    ei->vfs.rdev = rdev;
    rdev_encode(rdev, ei->block);
}
