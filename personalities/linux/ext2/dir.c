/* personalities/linux/ext2/dir.c — directories: linked lists of entries
 * (inode, rec_len, name_len, file type, name) filling each block, and the
 * name-space operations built on them.
 *
 * Every directory block is checked before use: each entry's rec_len is a
 * multiple of 4, at least 8, holds its name, and stays inside the block;
 * its inode number is in range; its name has no '/' or NUL.  A block that fails is -LX_EIO for this
 * directory.  A directory whose `..` is not the directory it was found in
 * is refused as well: that is how a hard link to a directory, and so any
 * loop, shows (every directory reachable from the root has exactly one
 * name besides its `.` entries). */
#include "ext2_internal.h"

#include <kumiki/user.h>

#define NO_PREV 0xffffffffu

/* Where an entry is: its block, its offset, the previous entry's offset in
 * the block (NO_PREV if first), and its inode. */
struct dirent_loc {
    uint64_t lbn;
    uint32_t off, prev, ino;
};

static unsigned name_len_of(const struct ext2_fs *fs, const uint8_t *de)
{
    return fs->filetype ? de[DE_NAME_LEN] : le16_get(de + DE_NAME_LEN);
}

static void entry_put(const struct ext2_fs *fs, uint8_t *de, uint32_t ino, uint32_t rec_len, const char *name,
                      size_t len, unsigned type)
{
    le32_put(de + DE_INODE, ino);
    le16_put(de + DE_REC_LEN, (uint16_t)rec_len);
    if (fs->filetype) {
        de[DE_NAME_LEN] = (uint8_t)len;
        de[DE_FILE_TYPE] = (uint8_t)type;
    } else {
        le16_put(de + DE_NAME_LEN, (uint16_t)len);
    }
    memcpy(de + DE_NAME, name, len);
}

unsigned ext2_file_type(uint32_t mode)
{
    switch (mode & LX_S_IFMT) {
    case LX_S_IFREG: return EXT2_FT_REG_FILE;
    case LX_S_IFDIR: return EXT2_FT_DIR;
    case LX_S_IFCHR: return EXT2_FT_CHRDEV;
    case LX_S_IFBLK: return EXT2_FT_BLKDEV;
    case LX_S_IFIFO: return EXT2_FT_FIFO;
    case LX_S_IFSOCK: return EXT2_FT_SOCK;
    case LX_S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static unsigned dtype_of(const struct ext2_fs *fs, const uint8_t *de)
{
    static const unsigned dtypes[] = { LX_DT_UNKNOWN, LX_DT_REG,  LX_DT_DIR,  LX_DT_CHR,
                                       LX_DT_BLK,     LX_DT_FIFO, LX_DT_SOCK, LX_DT_LNK };
    unsigned t = fs->filetype ? de[DE_FILE_TYPE] : EXT2_FT_UNKNOWN;
    return t < sizeof(dtypes) / sizeof(dtypes[0]) ? dtypes[t] : LX_DT_UNKNOWN;
}

/* ---- Blocks ------------------------------------------------------------------- */

/* A name a path can reach: no '/' and no NUL. */
static bool name_ok(const uint8_t *name, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == 0)
            return false;
    return true;
}

static int block_check(struct ext2_inode *dir, uint64_t lbn, const uint8_t *blk)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t off = 0;
    while (off < fs->block_size) {
        const uint8_t *de = blk + off;
        uint32_t rec = fs->block_size - off >= DE_MIN_SIZE ? le16_get(de + DE_REC_LEN) : 0;
        uint32_t ino = rec ? le32_get(de + DE_INODE) : 0;
        unsigned len = rec ? name_len_of(fs, de) : 0;
        if (rec < DE_MIN_SIZE || rec % 4 || rec > fs->block_size - off ||
            (ino && (len == 0 || len > LX_NAME_MAX || DE_MIN_SIZE + len > rec || ino > fs->inodes_count ||
                     !name_ok(de + DE_NAME, len)))) {
            ext2_error(fs, "directory %lu, block %lu: bad entry at offset %u", (unsigned long)dir->vfs.ino,
                       (unsigned long)lbn, off);
            return -LX_EIO;
        }
        off += rec;
    }
    return 0;
}

/* Directory block lbn, read, checked and pinned; for_write: about to be
 * changed, so it must be marked in use. */
static int dir_block_get(struct ext2_inode *dir, uint64_t lbn, bool for_write, struct bcache_buf **out)
{
    uint32_t disk;
    int err = ext2_bmap(dir, lbn, false, &disk, NULL);
    if (err < 0)
        return err;
    if (!disk) {
        ext2_error(dir->fs, "directory %lu has a hole at block %lu", (unsigned long)dir->vfs.ino,
                   (unsigned long)lbn);
        return -LX_EIO;
    }
    if (for_write && (err = ext2_block_owned(dir->fs, disk)) < 0)
        return err;
    if ((err = bcache_read(dir->fs->bc, disk, out)) < 0)
        return err;
    if ((err = block_check(dir, lbn, (*out)->data)) < 0)
        bcache_release(dir->fs->bc, *out);
    return err;
}

static int dir_block(struct ext2_inode *dir, uint64_t lbn, struct bcache_buf **out)
{
    return dir_block_get(dir, lbn, false, out);
}

static int dir_block_w(struct ext2_inode *dir, uint64_t lbn, struct bcache_buf **out)
{
    return dir_block_get(dir, lbn, true, out);
}

static uint64_t dir_blocks(const struct ext2_inode *dir)
{
    return dir->vfs.size >> dir->fs->log_block_size;
}

static int dir_find(struct ext2_inode *dir, const char *name, size_t len, struct dirent_loc *loc)
{
    struct ext2_fs *fs = dir->fs;
    for (uint64_t lbn = 0; lbn < dir_blocks(dir); lbn++) {
        struct bcache_buf *b;
        int err = dir_block(dir, lbn, &b);
        if (err < 0)
            return err;
        uint32_t prev = NO_PREV;
        for (uint32_t off = 0; off < fs->block_size; off += le16_get(b->data + off + DE_REC_LEN)) {
            const uint8_t *de = b->data + off;
            uint32_t ino = le32_get(de + DE_INODE);
            if (ino && name_len_of(fs, de) == len && memcmp(de + DE_NAME, name, len) == 0) {
                *loc = (struct dirent_loc){ lbn, off, prev, ino };
                bcache_release(fs->bc, b);
                return 0;
            }
            prev = off;
        }
        bcache_release(fs->bc, b);
    }
    return -LX_ENOENT;
}

int ext2_dir_read_dots(struct ext2_inode *dir, uint32_t *parent)
{
    struct ext2_fs *fs = dir->fs;
    struct bcache_buf *b;
    int err = dir_block(dir, 0, &b);
    if (err < 0)
        return err;
    const uint8_t *dot = b->data;
    uint32_t rec = le16_get(dot + DE_REC_LEN);
    const uint8_t *dotdot = rec < fs->block_size ? dot + rec : NULL;
    bool ok = le32_get(dot + DE_INODE) == dir->vfs.ino && name_len_of(fs, dot) == 1 && dot[DE_NAME] == '.' &&
              dotdot && le32_get(dotdot + DE_INODE) && name_len_of(fs, dotdot) == 2 &&
              memcmp(dotdot + DE_NAME, "..", 2) == 0;
    if (ok)
        *parent = le32_get(dotdot + DE_INODE);
    bcache_release(fs->bc, b);
    if (!ok) {
        ext2_error(fs, "directory %lu does not begin with . and ..", (unsigned long)dir->vfs.ino);
        return -LX_EIO;
    }
    return 0;
}

/* Points dir's `..` at parent. */
static int set_dotdot(struct ext2_inode *dir, uint32_t parent)
{
    struct ext2_fs *fs = dir->fs;
    struct bcache_buf *b;
    int err = dir_block_w(dir, 0, &b);
    if (err < 0)
        return err;
    uint8_t *dotdot = b->data + le16_get(b->data + DE_REC_LEN);
    le32_put(dotdot + DE_INODE, parent);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    dir->parent = parent;
    return 0;
}

/* A changed directory is no longer what its hash index describes. */
static void drop_index(struct ext2_inode *dir)
{
    dir->flags &= ~(uint32_t)EXT2_INDEX_FL;
}

/* Adds name -> ino.  Either adds it or fails having changed nothing
 * (-LX_ENOSPC before anything is allocated). */
static int dir_add(struct ext2_inode *dir, const char *name, size_t len, uint32_t ino, unsigned type)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t need = ext2_dirent_size((uint32_t)len);
    uint64_t nblocks = dir_blocks(dir);
    for (uint64_t lbn = 0; lbn < nblocks; lbn++) {
        struct bcache_buf *b;
        int err = dir_block_w(dir, lbn, &b);
        if (err < 0)
            return err;
        for (uint32_t off = 0; off < fs->block_size;) {
            uint8_t *de = b->data + off;
            uint32_t rec = le16_get(de + DE_REC_LEN);
            uint32_t used = le32_get(de + DE_INODE) ? ext2_dirent_size(name_len_of(fs, de)) : 0;
            if (rec >= used + need) {
                if (used)
                    le16_put(de + DE_REC_LEN, (uint16_t)used);
                entry_put(fs, de + used, ino, rec - used, name, len, type);
                bcache_mark_dirty(fs->bc, b);
                bcache_release(fs->bc, b);
                drop_index(dir);
                return 0;
            }
            off += rec;
        }
        bcache_release(fs->bc, b);
    }
    /* A new block at the end. */
    if (fs->free_blocks < ext2_bmap_cost(dir, nblocks))
        return -LX_ENOSPC;
    uint32_t disk;
    int err = ext2_bmap(dir, nblocks, true, &disk, NULL);
    struct bcache_buf *b;
    if (err == 0)
        err = bcache_zero(fs->bc, disk, &b);
    if (err < 0)
        return err;
    entry_put(fs, b->data, ino, fs->block_size, name, len, type);
    bcache_release(fs->bc, b);
    dir->vfs.size += fs->block_size;
    drop_index(dir);
    return ext2_inode_store(dir);
}

static int dir_remove(struct ext2_inode *dir, const struct dirent_loc *loc)
{
    struct ext2_fs *fs = dir->fs;
    struct bcache_buf *b;
    int err = dir_block_w(dir, loc->lbn, &b);
    if (err < 0)
        return err;
    uint8_t *de = b->data + loc->off;
    if (loc->prev != NO_PREV) {
        uint8_t *prev = b->data + loc->prev;
        le16_put(prev + DE_REC_LEN, (uint16_t)(le16_get(prev + DE_REC_LEN) + le16_get(de + DE_REC_LEN)));
    } else {
        le32_put(de + DE_INODE, 0);
    }
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    drop_index(dir);
    return 0;
}

/* Makes the entry at loc name ino instead. */
static int dir_set(struct ext2_inode *dir, const struct dirent_loc *loc, uint32_t ino, unsigned type)
{
    struct ext2_fs *fs = dir->fs;
    struct bcache_buf *b;
    int err = dir_block_w(dir, loc->lbn, &b);
    if (err < 0)
        return err;
    uint8_t *de = b->data + loc->off;
    le32_put(de + DE_INODE, ino);
    if (fs->filetype)
        de[DE_FILE_TYPE] = (uint8_t)type;
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    return 0;
}

/* 1 when dir holds nothing but "." and "..", 0 if more, or -errno. */
static int dir_is_empty(struct ext2_inode *dir)
{
    struct ext2_fs *fs = dir->fs;
    for (uint64_t lbn = 0; lbn < dir_blocks(dir); lbn++) {
        struct bcache_buf *b;
        int err = dir_block(dir, lbn, &b);
        if (err < 0)
            return err;
        for (uint32_t off = 0; off < fs->block_size; off += le16_get(b->data + off + DE_REC_LEN)) {
            const uint8_t *de = b->data + off;
            unsigned len = name_len_of(fs, de);
            bool dots = (len == 1 && de[DE_NAME] == '.') || (len == 2 && memcmp(de + DE_NAME, "..", 2) == 0);
            if (le32_get(de + DE_INODE) && !(lbn == 0 && dots)) {
                bcache_release(fs->bc, b);
                return 0;
            }
        }
        bcache_release(fs->bc, b);
    }
    return 1;
}

/* ---- Looking up and reading ---------------------------------------------------- */

/* A directory found by a name in `parent` must have `parent` as its "..". */
static int check_parent(struct ext2_inode *child, struct ext2_inode *parent)
{
    if (!inode_is_dir(&child->vfs) || child->parent == parent->vfs.ino)
        return 0;
    ext2_error(child->fs, "directory %lu is named in directory %lu but its .. is %u: a loop or a second name",
               (unsigned long)child->vfs.ino, (unsigned long)parent->vfs.ino, child->parent);
    return -LX_EIO;
}

static int ext2_lookup(struct lx_inode *ino, const char *name, size_t len, struct lx_inode **out)
{
    struct ext2_inode *dir = EI(ino), *child;
    if (ino->nlink == 0)
        return -LX_ENOENT;
    struct dirent_loc loc;
    int err = dir_find(dir, name, len, &loc);
    if (err == 0)
        err = ext2_iget(dir->fs, loc.ino, &child);
    if (err < 0)
        return err;
    if ((err = check_parent(child, dir)) < 0) {
        inode_put(&child->vfs);
        return err;
    }
    *out = &child->vfs;
    return 0;
}

static int ext2_parent(struct lx_inode *ino, struct lx_inode **out)
{
    struct ext2_inode *dir = EI(ino), *up;
    if (ino->nlink == 0)
        return -LX_ENOENT; /* removed: its parent may be gone too */
    if (ino->ino == EXT2_ROOT_INO) {
        inode_get(ino);
        *out = ino;
        return 0;
    }
    int err = ext2_iget(dir->fs, dir->parent, &up);
    if (err < 0)
        return err;
    if (!inode_is_dir(&up->vfs)) {
        ext2_error(dir->fs, "directory %lu: its .. is not a directory", (unsigned long)ino->ino);
        inode_put(&up->vfs);
        return -LX_EIO;
    }
    *out = &up->vfs;
    return 0;
}

static int ext2_readdir(struct lx_inode *ino, uint64_t *pos, lx_filldir_fn fill, void *ctx)
{
    struct ext2_inode *dir = EI(ino);
    struct ext2_fs *fs = dir->fs;
    if (ino->nlink == 0)
        return 0;
    while (*pos < ino->size) {
        uint64_t lbn = *pos >> fs->log_block_size, base = lbn << fs->log_block_size;
        uint32_t want = (uint32_t)(*pos - base);
        struct bcache_buf *b;
        int err = dir_block(dir, lbn, &b);
        if (err < 0)
            return err;
        for (uint32_t off = 0; off < fs->block_size;) {
            const uint8_t *de = b->data + off;
            uint32_t rec = le16_get(de + DE_REC_LEN);
            uint32_t ino_nr = le32_get(de + DE_INODE);
            /* A position inside an entry (a program's lseek) goes on at the next one. */
            if (off >= want && ino_nr) {
                if (!fill(ctx, (const char *)de + DE_NAME, name_len_of(fs, de), ino_nr, dtype_of(fs, de),
                          base + off + rec)) {
                    bcache_release(fs->bc, b);
                    return 0;
                }
                *pos = base + off + rec;
            }
            off += rec;
        }
        bcache_release(fs->bc, b);
        *pos = base + fs->block_size;
    }
    return 0;
}

/* ---- Changing names ----------------------------------------------------------- */

static int check_writable(struct ext2_inode *dir)
{
    if (dir->fs->readonly)
        return -LX_EROFS;
    if (dir->vfs.nlink == 0)
        return -LX_ENOENT;
    return 0;
}

/* -LX_EEXIST when name exists in dir, 0 when it does not, or -errno. */
static int check_absent(struct ext2_inode *dir, const char *name, size_t len)
{
    struct dirent_loc loc;
    int err = dir_find(dir, name, len, &loc);
    return err == 0 ? -LX_EEXIST : err == -LX_ENOENT ? 0 : err;
}

/* A new directory's first block: "." and "..". */
static int make_dir_block(struct ext2_inode *ei, uint32_t parent)
{
    struct ext2_fs *fs = ei->fs;
    uint32_t disk;
    int err = ext2_bmap(ei, 0, true, &disk, NULL);
    struct bcache_buf *b;
    if (err == 0)
        err = bcache_zero(fs->bc, disk, &b);
    if (err < 0)
        return err;
    uint32_t dot = ext2_dirent_size(1);
    entry_put(fs, b->data, (uint32_t)ei->vfs.ino, dot, ".", 1, EXT2_FT_DIR);
    entry_put(fs, b->data + dot, parent, fs->block_size - dot, "..", 2, EXT2_FT_DIR);
    bcache_release(fs->bc, b);
    ei->vfs.size = fs->block_size;
    ei->parent = parent;
    return 0;
}

static int ext2_create(struct lx_inode *dir_ino, const char *name, size_t len, uint32_t mode,
                       const struct lx_cred *owner, uint64_t rdev, const char *target, struct lx_inode **out)
{
    struct ext2_inode *dir = EI(dir_ino);
    struct ext2_fs *fs = dir->fs;
    int err = check_writable(dir);
    if (err == 0)
        err = check_absent(dir, name, len);
    if (err < 0)
        return err;
    uint32_t type = mode & LX_S_IFMT;
    bool is_dir = type == LX_S_IFDIR;
    size_t target_len = 0;
    if (type == LX_S_IFLNK) {
        if (!target || !(target_len = strlen(target)))
            return -LX_EINVAL;
        if (target_len >= fs->block_size)
            return -LX_ENAMETOOLONG;
    }
    if (is_dir && dir_ino->nlink >= EXT2_LINK_MAX)
        return -LX_EMLINK;
    /* Enough room for everything, so that only an I/O error can fail
     * half-way (and is then undone by freeing the new inode). */
    uint64_t need = ext2_bmap_cost(dir, dir_blocks(dir)) + (is_dir || target_len > EXT2_FAST_SYMLINK_MAX);
    if (fs->free_blocks < need || fs->free_inodes == 0)
        return -LX_ENOSPC;
    uint32_t ino;
    if ((err = ext2_inode_alloc(fs, ext2_inode_group(fs, (uint32_t)dir_ino->ino), is_dir, &ino)) < 0)
        return err;
    struct ext2_inode *ei;
    if ((err = ext2_inode_new(fs, ino, mode, owner, &ei)) < 0) {
        ext2_inode_free(fs, ino, is_dir);
        return err;
    }
    ei->vfs.nlink = is_dir ? 2 : 1;
    if (is_dir)
        err = make_dir_block(ei, (uint32_t)dir_ino->ino);
    else if (type == LX_S_IFLNK)
        err = ext2_symlink_write(ei, target, target_len);
    else if (type == LX_S_IFCHR || type == LX_S_IFBLK)
        ext2_inode_set_rdev(ei, rdev);
    if (err == 0)
        err = ext2_inode_store(ei);
    if (err == 0)
        err = dir_add(dir, name, len, ino, ext2_file_type(mode));
    if (err < 0) {
        ei->vfs.nlink = 0;
        inode_put(&ei->vfs); /* frees what was allocated */
        return err;
    }
    if (is_dir) {
        dir_ino->nlink++;
        ext2_inode_store(dir);
    }
    *out = &ei->vfs;
    return 0;
}

static int ext2_link(struct lx_inode *dir_ino, const char *name, size_t len, struct lx_inode *target)
{
    struct ext2_inode *dir = EI(dir_ino);
    int err = check_writable(dir);
    if (err < 0)
        return err;
    if (target->nlink == 0)
        return -LX_ENOENT;
    if (target->nlink >= EXT2_LINK_MAX)
        return -LX_EMLINK;
    if ((err = check_absent(dir, name, len)) < 0)
        return err;
    if ((err = dir_add(dir, name, len, (uint32_t)target->ino, ext2_file_type(target->mode))) < 0)
        return err;
    target->nlink++;
    return ext2_inode_store(EI(target));
}

/* victim lost the name that pointed at it from dir. */
static void name_dropped(struct ext2_inode *dir, struct lx_inode *victim)
{
    if (inode_is_dir(victim)) {
        victim->nlink = 0; /* its "." goes too */
        dir->vfs.nlink--;  /* and its ".." */
    } else {
        victim->nlink--;
    }
    ext2_inode_store(EI(victim));
}

static int ext2_unlink(struct lx_inode *dir_ino, const char *name, size_t len, struct lx_inode *victim)
{
    struct ext2_inode *dir = EI(dir_ino);
    if (dir->fs->readonly)
        return -LX_EROFS;
    struct dirent_loc loc;
    int err = dir_find(dir, name, len, &loc);
    if (err < 0)
        return err;
    if (loc.ino != victim->ino)
        return -LX_ENOENT;
    if (inode_is_dir(victim) && (err = dir_is_empty(EI(victim))) <= 0)
        return err < 0 ? err : -LX_ENOTEMPTY;
    if ((err = dir_remove(dir, &loc)) < 0)
        return err;
    name_dropped(dir, victim);
    return ext2_inode_store(dir);
}

static int rename_exchange(struct ext2_inode *odir, const struct dirent_loc *oloc, struct lx_inode *moved,
                           struct ext2_inode *ndir, const struct dirent_loc *nloc, struct lx_inode *replaced)
{
    int err = dir_set(odir, oloc, (uint32_t)replaced->ino, ext2_file_type(replaced->mode));
    if (err == 0)
        err = dir_set(ndir, nloc, (uint32_t)moved->ino, ext2_file_type(moved->mode));
    if (err < 0 || odir == ndir)
        return err;
    bool m_dir = inode_is_dir(moved), r_dir = inode_is_dir(replaced);
    if (m_dir)
        err = set_dotdot(EI(moved), (uint32_t)ndir->vfs.ino);
    if (r_dir && err == 0)
        err = set_dotdot(EI(replaced), (uint32_t)odir->vfs.ino);
    if (m_dir && !r_dir) {
        odir->vfs.nlink--;
        ndir->vfs.nlink++;
    } else if (r_dir && !m_dir) {
        ndir->vfs.nlink--;
        odir->vfs.nlink++;
    }
    ext2_inode_store(odir);
    ext2_inode_store(ndir);
    return err;
}

static int ext2_rename(struct lx_inode *old_dir, const char *old_name, size_t old_len, struct lx_inode *moved,
                       struct lx_inode *new_dir, const char *new_name, size_t new_len,
                       struct lx_inode *replaced, bool exchange)
{
    struct ext2_inode *odir = EI(old_dir), *ndir = EI(new_dir);
    if (odir->fs->readonly)
        return -LX_EROFS;
    struct dirent_loc oloc, nloc;
    int err = dir_find(odir, old_name, old_len, &oloc);
    if (err < 0)
        return err;
    if (oloc.ino != moved->ino)
        return -LX_ENOENT;
    err = dir_find(ndir, new_name, new_len, &nloc);
    if (err < 0 && err != -LX_ENOENT)
        return err;
    if ((err == 0 ? nloc.ino : 0) != (replaced ? replaced->ino : 0))
        return -LX_ENOENT;
    if (new_dir->nlink == 0)
        return -LX_ENOENT;
    if (exchange)
        return replaced ? rename_exchange(odir, &oloc, moved, ndir, &nloc, replaced) : -LX_ENOENT;
    bool m_dir = inode_is_dir(moved);
    if (replaced && inode_is_dir(replaced) && (err = dir_is_empty(EI(replaced))) <= 0)
        return err < 0 ? err : -LX_ENOTEMPTY;
    if (m_dir && !replaced && odir != ndir && new_dir->nlink >= EXT2_LINK_MAX)
        return -LX_EMLINK;
    if (replaced)
        err = dir_set(ndir, &nloc, (uint32_t)moved->ino, ext2_file_type(moved->mode));
    else
        err = dir_add(ndir, new_name, new_len, (uint32_t)moved->ino, ext2_file_type(moved->mode));
    /* The old entry's predecessor may have changed (the new entry may sit
     * right before it): find it again. */
    if (err == 0)
        err = dir_find(odir, old_name, old_len, &oloc);
    if (err == 0)
        err = dir_remove(odir, &oloc);
    if (err < 0)
        return err;
    if (replaced)
        name_dropped(ndir, replaced);
    if (m_dir && odir != ndir) {
        err = set_dotdot(EI(moved), (uint32_t)new_dir->ino);
        old_dir->nlink--;
        new_dir->nlink++;
    }
    ext2_inode_store(odir);
    if (ndir != odir)
        ext2_inode_store(ndir);
    return err;
}

const struct lx_inode_ops ext2_dir_ops = {
    .lookup = ext2_lookup,
    .parent = ext2_parent,
    .create = ext2_create,
    .link = ext2_link,
    .unlink = ext2_unlink,
    .rename = ext2_rename,
    .readdir = ext2_readdir,
    .dirty = ext2_inode_dirty,
    .fsync = ext2_fsync,
    .release = ext2_inode_release,
};
