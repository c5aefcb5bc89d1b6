/* personalities/linux/ext2/bmap.c — where a file's blocks are: twelve
 * direct pointers in the inode, then a single, a double and a triple
 * indirect block (p = block_size / 4 pointers each):
 *
 *   file block  0 .. 11                 i_block[0..11]
 *              12 .. 12+p-1             i_block[12] -> [p]
 *              .. +p^2                  i_block[13] -> [p] -> [p]
 *              .. +p^3                  i_block[14] -> [p] -> [p] -> [p]
 *
 * Every pointer read from disk is checked to be a data block before it is
 * followed or freed; one that is not is damage (-LX_EIO for this file).
 * Mapping with create allocates what is missing only after checking that
 * enough blocks are free, so it fails with -LX_ENOSPC having changed
 * nothing. */
#include "ext2_internal.h"

enum { MAX_DEPTH = 4 };

uint64_t ext2_blocks_for(const struct ext2_fs *fs, uint64_t size)
{
    return (size + fs->block_size - 1) >> fs->log_block_size;
}

/* The path to file block lbn: offsets[0] indexes i_block, the others the
 * indirect blocks; its length, or 0 beyond the last mappable block. */
static unsigned bmap_path(const struct ext2_fs *fs, uint64_t lbn, unsigned offsets[MAX_DEPTH])
{
    uint64_t p = fs->ptrs_per_block;
    if (lbn < EXT2_NDIR_BLOCKS) {
        offsets[0] = (unsigned)lbn;
        return 1;
    }
    lbn -= EXT2_NDIR_BLOCKS;
    if (lbn < p) {
        offsets[0] = EXT2_IND_BLOCK;
        offsets[1] = (unsigned)lbn;
        return 2;
    }
    lbn -= p;
    if (lbn < p * p) {
        offsets[0] = EXT2_DIND_BLOCK;
        offsets[1] = (unsigned)(lbn / p);
        offsets[2] = (unsigned)(lbn % p);
        return 3;
    }
    lbn -= p * p;
    if (lbn < p * p * p) {
        offsets[0] = EXT2_TIND_BLOCK;
        offsets[1] = (unsigned)(lbn / (p * p));
        offsets[2] = (unsigned)(lbn / p % p);
        offsets[3] = (unsigned)(lbn % p);
        return 4;
    }
    return 0;
}

static int bad_pointer(struct ext2_inode *ei, uint32_t ptr)
{
    ext2_error(ei->fs, "inode %lu: block pointer %u is outside the data blocks", (unsigned long)ei->vfs.ino,
               ptr);
    return -LX_EIO;
}

static void blocks_add(struct ext2_inode *ei, int64_t count)
{
    uint64_t unit = ei->fs->block_size / 512;
    if (count >= 0)
        ei->vfs.blocks += (uint64_t)count * unit;
    else
        ei->vfs.blocks -=
            ei->vfs.blocks >= (uint64_t)-count * unit ? (uint64_t)-count * unit : ei->vfs.blocks;
}

/* A new block near the inode's last one; indirect blocks come zeroed
 * through the cache, data blocks are written by their owner. */
static int alloc_near(struct ext2_inode *ei, bool indirect, uint32_t *out)
{
    int err = ext2_block_alloc(ei->fs, ei->alloc_goal, out);
    if (err < 0)
        return err;
    ei->alloc_goal = *out + 1;
    blocks_add(ei, 1);
    if (indirect) {
        struct bcache_buf *b;
        if ((err = bcache_zero(ei->fs->bc, *out, &b)) < 0)
            return err;
        bcache_release(ei->fs->bc, b);
    }
    return 0;
}

/* Walks the path; with create, allocates what is missing.  *missing: the
 * blocks a create would allocate (when not creating and a hole is hit). */
static int walk(struct ext2_inode *ei, const unsigned *offsets, unsigned depth, bool create, uint32_t *out,
                unsigned *missing)
{
    struct ext2_fs *fs = ei->fs;
    uint32_t ptr = ei->block[offsets[0]];
    *out = 0;
    if (ptr == 0) {
        if (!create) {
            *missing = depth;
            return 0;
        }
        int err = alloc_near(ei, depth > 1, &ptr);
        if (err < 0)
            return err;
        ei->block[offsets[0]] = ptr;
    } else if (!ext2_block_is_data(fs, ptr)) {
        return bad_pointer(ei, ptr);
    }
    for (unsigned level = 1; level < depth; level++) {
        struct bcache_buf *b;
        int err = bcache_read(fs->bc, ptr, &b);
        if (err < 0)
            return err;
        uint8_t *slot = b->data + 4 * offsets[level];
        uint32_t next = le32_get(slot);
        if (next == 0) {
            if (!create) {
                bcache_release(fs->bc, b);
                *missing = depth - level;
                return 0;
            }
            err = ext2_block_owned(fs, ptr);
            if (err == 0)
                err = alloc_near(ei, level + 1 < depth, &next);
            if (err == 0) {
                le32_put(slot, next);
                bcache_mark_dirty(fs->bc, b);
            }
        } else if (!ext2_block_is_data(fs, next)) {
            err = bad_pointer(ei, next);
        }
        bcache_release(fs->bc, b);
        if (err < 0)
            return err;
        ptr = next;
    }
    *out = ptr;
    *missing = 0;
    return 0;
}

int ext2_bmap(struct ext2_inode *ei, uint64_t lbn, bool create, uint32_t *out, bool *created)
{
    unsigned offsets[MAX_DEPTH], missing;
    unsigned depth = bmap_path(ei->fs, lbn, offsets);
    if (created)
        *created = false;
    if (depth == 0)
        return -LX_EFBIG;
    int err = walk(ei, offsets, depth, false, out, &missing);
    if (err < 0 || *out || !create)
        return err;
    if (ei->fs->readonly)
        return -LX_EROFS;
    if (ei->fs->free_blocks < missing)
        return -LX_ENOSPC;
    err = walk(ei, offsets, depth, true, out, &missing);
    if (err == 0 && created)
        *created = true;
    return err;
}

unsigned ext2_bmap_cost(const struct ext2_inode *ei, uint64_t lbn)
{
    unsigned offsets[MAX_DEPTH];
    return bmap_path(ei->fs, lbn, offsets);
}

/* ---- Freeing ------------------------------------------------------------------ */

static int free_one(struct ext2_inode *ei, uint32_t block)
{
    int err = ext2_block_free(ei->fs, block);
    if (err == 0)
        blocks_add(ei, -1);
    return err;
}

/* Frees the entries of indirect block ptr (each covering p^(level-1) file
 * blocks) from file block `from` (relative to the block's range) on. */
static int free_tree(struct ext2_inode *ei, uint32_t ptr, unsigned level, uint64_t from)
{
    struct ext2_fs *fs = ei->fs;
    if (!ext2_block_is_data(fs, ptr))
        return bad_pointer(ei, ptr);
    uint64_t child_span = 1;
    for (unsigned i = 1; i < level; i++)
        child_span *= fs->ptrs_per_block;
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, ptr, &b);
    if (err < 0)
        return err;
    for (uint64_t i = from / child_span; i < fs->ptrs_per_block; i++) {
        uint8_t *slot = b->data + 4 * i;
        uint32_t entry = le32_get(slot);
        if (entry == 0)
            continue;
        uint64_t sub_from = i == from / child_span ? from % child_span : 0;
        int e = 0;
        if (level > 1)
            e = free_tree(ei, entry, level - 1, sub_from);
        if (e == 0 && sub_from == 0)
            e = free_one(ei, entry);
        if (e == 0 && sub_from == 0) {
            le32_put(slot, 0);
            bcache_mark_dirty(fs->bc, b);
        }
        if (e < 0)
            err = e;
    }
    bcache_release(fs->bc, b);
    return err;
}

int ext2_free_blocks_from(struct ext2_inode *ei, uint64_t first)
{
    struct ext2_fs *fs = ei->fs;
    if (fs->readonly)
        return -LX_EROFS;
    int err = 0;
    for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++) {
        if (!ei->block[i])
            continue;
        int e = free_one(ei, ei->block[i]);
        if (e == 0)
            ei->block[i] = 0;
        else
            err = e;
    }
    uint64_t p = fs->ptrs_per_block, base = EXT2_NDIR_BLOCKS, span = p;
    for (unsigned level = 1; level <= 3; level++, base += span, span *= p) {
        uint32_t *root = &ei->block[EXT2_NDIR_BLOCKS + level - 1];
        if (!*root || first >= base + span)
            continue;
        uint64_t from = first > base ? first - base : 0;
        int e = free_tree(ei, *root, level, from);
        if (e == 0 && from == 0)
            e = free_one(ei, *root);
        if (e == 0 && from == 0)
            *root = 0;
        if (e < 0)
            err = e;
    }
    return err;
}
