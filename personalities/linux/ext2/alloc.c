/* personalities/linux/ext2/alloc.c — allocating and freeing blocks and
 * inodes in the groups' bitmaps, keeping the descriptors' counts and the
 * superblock's totals equal to the bitmaps at every step.
 *
 * The mount checked that each bitmap agrees with its descriptor and marks
 * the group's metadata in use; freeing refuses anything that is not a data
 * block in use, so the bitmaps never hand out metadata. */
#include "ext2_internal.h"

static bool bit_get(const uint8_t *map, uint32_t i)
{
    return map[i / 8] & (1u << (i % 8));
}

static void bit_set(uint8_t *map, uint32_t i, bool on)
{
    if (on)
        map[i / 8] |= (uint8_t)(1u << (i % 8));
    else
        map[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

/* The first clear bit in [from, to), or `to`. */
static uint32_t find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
    uint32_t i = from;
    while (i < to && i % 8)
        if (!bit_get(map, i++))
            return i - 1;
    for (; i + 8 <= to; i += 8)
        if (map[i / 8] != 0xff)
            break;
    for (; i < to; i++)
        if (!bit_get(map, i))
            return i;
    return to;
}

int ext2_store_group(struct ext2_fs *fs, uint32_t g)
{
    uint32_t per_block = fs->block_size / EXT2_DESC_SIZE;
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, fs->first_data_block + 1 + g / per_block, &b);
    if (err < 0)
        return err;
    uint8_t *d = b->data + (g % per_block) * EXT2_DESC_SIZE;
    const struct ext2_group *gr = &fs->groups[g];
    le16_put(d + BG_FREE_BLOCKS, (uint16_t)gr->free_blocks);
    le16_put(d + BG_FREE_INODES, (uint16_t)gr->free_inodes);
    le16_put(d + BG_USED_DIRS, (uint16_t)gr->used_dirs);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    return 0;
}

/* ---- Blocks --------------------------------------------------------------- */

/* A clear bit of group g's block bitmap from `start` on (wrapping), set:
 * 0 with *out, 1 when the bitmap is full, or -errno. */
static int take_block_in_group(struct ext2_fs *fs, uint32_t g, uint32_t start, uint32_t *out)
{
    struct ext2_group *gr = &fs->groups[g];
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, gr->block_bitmap, &b);
    if (err < 0)
        return err;
    uint32_t bit = find_clear(b->data, start, gr->nblocks);
    if (bit == gr->nblocks) {
        bit = find_clear(b->data, 0, start);
        if (bit == start)
            bit = gr->nblocks;
    }
    if (bit >= gr->nblocks || !ext2_block_is_data(fs, gr->first_block + bit)) {
        bcache_release(fs->bc, b);
        if (bit < gr->nblocks)
            ext2_error(fs, "group %u: block %u is metadata but marked free", g, gr->first_block + bit);
        return 1;
    }
    bit_set(b->data, bit, true);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    gr->free_blocks--;
    fs->free_blocks--;
    ext2_super_changed(fs);
    *out = gr->first_block + bit;
    return ext2_store_group(fs, g);
}

int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    if (fs->readonly)
        return -LX_EROFS;
    if (fs->free_blocks == 0)
        return -LX_ENOSPC;
    bool goal_ok = goal >= fs->first_data_block && goal < fs->blocks_count;
    uint32_t g0 = goal_ok ? ext2_group_of_block(fs, goal) : 0;
    for (uint32_t i = 0; i < fs->group_count; i++) {
        uint32_t g = (g0 + i) % fs->group_count;
        if (fs->groups[g].free_blocks == 0)
            continue;
        uint32_t start = i == 0 && goal_ok ? goal - fs->groups[g].first_block : 0;
        int r = take_block_in_group(fs, g, start, out);
        if (r <= 0)
            return r;
        ext2_error(fs, "group %u: counted %u free blocks but its bitmap has none", g,
                   fs->groups[g].free_blocks);
    }
    return -LX_ENOSPC;
}

int ext2_block_owned(struct ext2_fs *fs, uint32_t block)
{
    const struct ext2_group *gr = &fs->groups[ext2_group_of_block(fs, block)];
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, gr->block_bitmap, &b);
    if (err < 0)
        return err;
    bool used = bit_get(b->data, block - gr->first_block);
    bcache_release(fs->bc, b);
    if (!used) {
        ext2_error(fs, "block %u is in a file but marked free: not writing it", block);
        return -LX_EIO;
    }
    return 0;
}

int ext2_block_free(struct ext2_fs *fs, uint32_t block)
{
    if (fs->readonly)
        return -LX_EROFS;
    if (!ext2_block_is_data(fs, block)) {
        ext2_error(fs, "not freeing block %u: not a data block", block);
        return -LX_EIO;
    }
    uint32_t g = ext2_group_of_block(fs, block);
    struct ext2_group *gr = &fs->groups[g];
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, gr->block_bitmap, &b);
    if (err < 0)
        return err;
    uint32_t bit = block - gr->first_block;
    if (!bit_get(b->data, bit)) {
        bcache_release(fs->bc, b);
        ext2_error(fs, "not freeing block %u: already free (two owners?)", block);
        return -LX_EIO;
    }
    bit_set(b->data, bit, false);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    bcache_forget(fs->bc, block);
    gr->free_blocks++;
    fs->free_blocks++;
    ext2_super_changed(fs);
    return ext2_store_group(fs, g);
}

/* ---- Inodes --------------------------------------------------------------- */

uint32_t ext2_inode_group(const struct ext2_fs *fs, uint32_t ino)
{
    return (ino - 1) / fs->inodes_per_group;
}

/* Directories spread out: the group with the most free blocks among those
 * with at least the average number of free inodes. */
static uint32_t group_for_dir(const struct ext2_fs *fs)
{
    uint64_t avg = fs->free_inodes / fs->group_count;
    uint32_t best = 0;
    bool found = false;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        const struct ext2_group *gr = &fs->groups[g];
        if (gr->free_inodes == 0 || gr->free_inodes < avg)
            continue;
        if (!found || gr->free_blocks > fs->groups[best].free_blocks)
            best = g;
        found = true;
    }
    return best;
}

static int take_inode_in_group(struct ext2_fs *fs, uint32_t g, bool dir, uint32_t *out)
{
    struct ext2_group *gr = &fs->groups[g];
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, gr->inode_bitmap, &b);
    if (err < 0)
        return err;
    /* Reserved inodes (below first_ino) are never handed out. */
    uint32_t first_in_group = g * fs->inodes_per_group + 1, start = 0;
    if (first_in_group < fs->first_ino)
        start = fs->first_ino - first_in_group < fs->inodes_per_group ? fs->first_ino - first_in_group
                                                                      : fs->inodes_per_group;
    uint32_t bit = find_clear(b->data, start, fs->inodes_per_group);
    if (bit >= fs->inodes_per_group) {
        bcache_release(fs->bc, b);
        return 1;
    }
    bit_set(b->data, bit, true);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    gr->free_inodes--;
    fs->free_inodes--;
    if (dir)
        gr->used_dirs++;
    ext2_super_changed(fs);
    *out = first_in_group + bit;
    return ext2_store_group(fs, g);
}

int ext2_inode_alloc(struct ext2_fs *fs, uint32_t parent_group, bool dir, uint32_t *out)
{
    if (fs->readonly)
        return -LX_EROFS;
    if (fs->free_inodes == 0)
        return -LX_ENOSPC;
    uint32_t g0 = dir ? group_for_dir(fs) : parent_group % fs->group_count;
    for (uint32_t i = 0; i < fs->group_count; i++) {
        uint32_t g = (g0 + i) % fs->group_count;
        if (fs->groups[g].free_inodes == 0)
            continue;
        int r = take_inode_in_group(fs, g, dir, out);
        if (r <= 0)
            return r;
        ext2_error(fs, "group %u: counted %u free inodes but its bitmap has none", g,
                   fs->groups[g].free_inodes);
    }
    return -LX_ENOSPC;
}

int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir)
{
    if (fs->readonly)
        return -LX_EROFS;
    uint32_t g = ext2_inode_group(fs, ino);
    struct ext2_group *gr = &fs->groups[g];
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, gr->inode_bitmap, &b);
    if (err < 0)
        return err;
    uint32_t bit = (ino - 1) % fs->inodes_per_group;
    if (!bit_get(b->data, bit)) {
        bcache_release(fs->bc, b);
        ext2_error(fs, "not freeing inode %u: already free", ino);
        return -LX_EIO;
    }
    bit_set(b->data, bit, false);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    gr->free_inodes++;
    fs->free_inodes++;
    if (dir && gr->used_dirs)
        gr->used_dirs--;
    ext2_super_changed(fs);
    return ext2_store_group(fs, g);
}

int ext2_inode_in_use(struct ext2_fs *fs, uint32_t ino)
{
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, fs->groups[ext2_inode_group(fs, ino)].inode_bitmap, &b);
    if (err < 0)
        return err;
    int used = bit_get(b->data, (ino - 1) % fs->inodes_per_group);
    bcache_release(fs->bc, b);
    return used;
}
