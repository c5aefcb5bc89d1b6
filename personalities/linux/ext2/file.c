/* personalities/linux/ext2/file.c — regular files (read, write, truncate,
 * through the page cache) and symbolic links (fast ones keep the target in
 * i_block, slow ones in one block). */
#include "ext2_internal.h"

#include "../uio.h"
#include <kumiki/user.h>

enum { PAGE = 4096 };

static int64_t ext2_read(struct lx_inode *ino, uint64_t off, struct lx_uio *u)
{
    struct ext2_inode *ei = EI(ino);
    if (off >= ino->size)
        return 0;
    uint64_t len = ino->size - off;
    if (len > u->resid)
        len = u->resid;
    uint64_t done = 0;
    while (done < len) {
        uint64_t pos = off + done, in_page = pos % PAGE;
        uint64_t chunk = PAGE - in_page < len - done ? PAGE - in_page : len - done;
        struct ext2_page *p;
        int err = ext2_page_get(ei, pos / PAGE, &p);
        if (err < 0)
            return done ? (int64_t)done : err;
        int64_t moved = uio_copy_out(u, (uint8_t *)frame_ptr(p->frame) + in_page, chunk);
        if (moved < 0)
            return done ? (int64_t)done : moved;
        done += (uint64_t)moved;
        if ((uint64_t)moved < chunk)
            break;
    }
    return (int64_t)done;
}

/* Allocates the blocks under [pos, pos + *chunk), shortening *chunk to
 * what got blocks when the disk fills up. */
static int alloc_range(struct ext2_inode *ei, uint64_t pos, uint64_t *chunk)
{
    unsigned log = ei->fs->log_block_size;
    uint64_t last = (pos + *chunk - 1) >> log;
    for (uint64_t lbn = pos >> log; lbn <= last; lbn++) {
        uint32_t disk;
        int err = ext2_bmap(ei, lbn, true, &disk, NULL);
        if (err < 0) {
            uint64_t covered = (lbn << log) > pos ? (lbn << log) - pos : 0;
            if (covered == 0)
                return err;
            *chunk = covered;
            return 0;
        }
    }
    return 0;
}

static int64_t ext2_write(struct lx_inode *ino, uint64_t off, struct lx_uio *u)
{
    struct ext2_inode *ei = EI(ino);
    struct ext2_fs *fs = ei->fs;
    if (fs->readonly)
        return -LX_EROFS;
    if (off >= fs->max_file_size)
        return -LX_EFBIG;
    uint64_t len = u->resid < fs->max_file_size - off ? u->resid : fs->max_file_size - off;
    uint64_t done = 0;
    int64_t err = 0;
    while (done < len) {
        uint64_t pos = off + done, in_page = pos % PAGE;
        uint64_t chunk = PAGE - in_page < len - done ? PAGE - in_page : len - done;
        struct ext2_page *p;
        if ((err = ext2_page_get(ei, pos / PAGE, &p)) < 0)
            break;
        if ((err = alloc_range(ei, pos, &chunk)) < 0)
            break;
        int64_t moved = uio_copy_in(u, (uint8_t *)frame_ptr(p->frame) + in_page, chunk);
        if (moved < 0) {
            err = moved;
            break;
        }
        p->dirty = true;
        done += (uint64_t)moved;
        if (pos + (uint64_t)moved > ino->size)
            ino->size = pos + (uint64_t)moved;
        if ((uint64_t)moved < chunk)
            break;
    }
    /* Blocks allocated for bytes that never came (a bad address, a full
     * disk) would lie past the end: give them back. */
    if (ext2_blocks_for(fs, off + len) > ext2_blocks_for(fs, ino->size) && off + len > ino->size)
        ext2_free_blocks_from(ei, ext2_blocks_for(fs, ino->size));
    if (ext2_inode_store(ei) < 0 && !err)
        err = -LX_EIO;
    return done ? (int64_t)done : err;
}

static int ext2_truncate(struct lx_inode *ino, uint64_t size)
{
    struct ext2_inode *ei = EI(ino);
    struct ext2_fs *fs = ei->fs;
    if (fs->readonly)
        return -LX_EROFS;
    if (size > fs->max_file_size)
        return -LX_EFBIG;
    int err = 0;
    if (size < ino->size) {
        ext2_pages_drop_from(ei, (size + PAGE - 1) / PAGE);
        err = ext2_free_blocks_from(ei, ext2_blocks_for(fs, size));
        ino->size = size;
        if (size % PAGE) {
            /* The new last page keeps zeros past the end, on disk too. */
            struct ext2_page *p;
            int e = ext2_page_get(ei, size / PAGE, &p);
            if (e == 0) {
                memset((uint8_t *)frame_ptr(p->frame) + size % PAGE, 0, PAGE - size % PAGE);
                p->dirty = true;
            } else {
                err = e;
            }
        }
    }
    ino->size = size;
    if (ext2_inode_store(ei) < 0)
        err = -LX_EIO;
    return err;
}

const struct lx_inode_ops ext2_file_ops = {
    .read = ext2_read,
    .write = ext2_write,
    .truncate = ext2_truncate,
    .get_page = ext2_get_page,
    .dirty = ext2_inode_dirty,
    .fsync = ext2_fsync,
    .release = ext2_inode_release,
};

/* ---- Symbolic links ---------------------------------------------------------- */

static bool is_fast(const struct ext2_inode *ei)
{
    return !ext2_inode_has_block_pointers(ei);
}

static int ext2_readlink(struct lx_inode *ino, char *buf, size_t size)
{
    struct ext2_inode *ei = EI(ino);
    size_t len = ino->size, n = len < size ? len : size;
    if (is_fast(ei)) {
        uint8_t bytes[4 * EXT2_N_BLOCKS];
        for (int i = 0; i < EXT2_N_BLOCKS; i++)
            le32_put(bytes + 4 * i, ei->block[i]);
        memcpy(buf, bytes, n);
        return (int)len;
    }
    struct bcache_buf *b;
    int err = bcache_read(ei->fs->bc, ei->block[0], &b);
    if (err < 0)
        return err;
    memcpy(buf, b->data, n);
    bcache_release(ei->fs->bc, b);
    return (int)len;
}

int ext2_symlink_write(struct ext2_inode *ei, const char *target, size_t len)
{
    struct ext2_fs *fs = ei->fs;
    ei->vfs.size = len;
    if (len <= EXT2_FAST_SYMLINK_MAX) {
        uint8_t bytes[4 * EXT2_N_BLOCKS] = { 0 };
        memcpy(bytes, target, len);
        for (int i = 0; i < EXT2_N_BLOCKS; i++)
            ei->block[i] = le32_get(bytes + 4 * i);
        return 0;
    }
    uint32_t disk;
    int err = ext2_bmap(ei, 0, true, &disk, NULL);
    struct bcache_buf *b;
    if (err == 0)
        err = bcache_zero(fs->bc, disk, &b);
    if (err < 0)
        return err;
    memcpy(b->data, target, len);
    bcache_release(fs->bc, b);
    return 0;
}

const struct lx_inode_ops ext2_link_ops = {
    .readlink = ext2_readlink,
    .dirty = ext2_inode_dirty,
    .fsync = ext2_fsync,
    .release = ext2_inode_release,
};
