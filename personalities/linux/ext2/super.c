/* personalities/linux/ext2/super.c — mounting ext2: reading and validating
 * the superblock, the group descriptors and the bitmaps; statfs, sync and
 * unmount.
 *
 * Validation order: nothing is derived from a field before the fields it
 * depends on were checked (no division by a zero count, no shift by a
 * huge log), and nothing is written before every check passed.  Refusals
 * say why through ext2_error and return -LX_EINVAL. */
#include "ext2_internal.h"

#include "../heap.h"
#include "../personality.h"
#include "../proc.h"
#include "disks.h"
#include <kumiki/user.h>
#include <stdarg.h>

enum { MAX_ERRORS_LOGGED = 20 };

void ext2_error(struct ext2_fs *fs, const char *fmt, ...)
{
    if (fs->errors_logged >= MAX_ERRORS_LOGGED)
        return;
    fs->errors_logged++;
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    uvsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    lx_log("ext2: %s", line);
}

uint32_t ext2_now(void)
{
    return (uint32_t)(lx_realtime_ns() / 1000000000u);
}

/* ---- Geometry -------------------------------------------------------------- */

static bool is_power_of(uint32_t n, uint32_t base)
{
    while (n > 1 && n % base == 0)
        n /= base;
    return n == 1;
}

/* Group g holds a copy of the superblock and descriptors (sparse_super:
 * groups 0, 1 and powers of 3, 5 and 7). */
static bool group_has_super(const struct ext2_fs *fs, uint32_t g)
{
    if (!(fs->feature_ro_compat & RO_COMPAT_SPARSE_SUPER) || g <= 1)
        return true;
    return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

uint32_t ext2_group_of_block(const struct ext2_fs *fs, uint32_t block)
{
    return (block - fs->first_data_block) / fs->blocks_per_group;
}

static bool in_range(uint32_t x, uint32_t first, uint32_t count)
{
    return x >= first && x - first < count;
}

bool ext2_block_is_data(const struct ext2_fs *fs, uint32_t block)
{
    if (block < fs->first_data_block || block >= fs->blocks_count)
        return false;
    const struct ext2_group *g = &fs->groups[ext2_group_of_block(fs, block)];
    return block >= g->meta_end && block != g->block_bitmap && block != g->inode_bitmap &&
           !in_range(block, g->inode_table, fs->itable_blocks);
}

/* ---- The superblock ---------------------------------------------------------- */

void ext2_super_changed(struct ext2_fs *fs)
{
    fs->super_dirty = true;
}

/* The block holding the superblock and the superblock's offset in it. */
static uint32_t super_block_nr(const struct ext2_fs *fs, uint32_t *offset)
{
    *offset = fs->block_size == 1024 ? 0 : EXT2_SUPER_OFFSET;
    return fs->block_size == 1024 ? 1 : 0;
}

/* Applies fn to the superblock's bytes in the cache and marks it dirty. */
static int super_update(struct ext2_fs *fs, void (*fn)(struct ext2_fs *, uint8_t *))
{
    uint32_t off;
    struct bcache_buf *b;
    int err = bcache_read(fs->bc, super_block_nr(fs, &off), &b);
    if (err < 0)
        return err;
    fn(fs, b->data + off);
    bcache_mark_dirty(fs->bc, b);
    bcache_release(fs->bc, b);
    return 0;
}

static void put_counts(struct ext2_fs *fs, uint8_t *s)
{
    le32_put(s + SB_FREE_BLOCKS, (uint32_t)fs->free_blocks);
    le32_put(s + SB_FREE_INODES, (uint32_t)fs->free_inodes);
    le32_put(s + SB_WTIME, ext2_now());
    if (fs->rev >= 1)
        le32_put(s + SB_FEATURE_RO_COMPAT, fs->feature_ro_compat);
}

int ext2_write_super(struct ext2_fs *fs)
{
    if (fs->readonly || !fs->super_dirty)
        return 0;
    int err = super_update(fs, put_counts);
    if (err == 0)
        fs->super_dirty = false;
    return err;
}

static void put_mounted(struct ext2_fs *fs, uint8_t *s)
{
    /* Not clean while mounted writable: a crash leaves it for e2fsck. */
    le16_put(s + SB_STATE, (uint16_t)(le16_get(s + SB_STATE) & ~EXT2_STATE_VALID));
    le16_put(s + SB_MNT_COUNT, (uint16_t)(le16_get(s + SB_MNT_COUNT) + 1));
    le32_put(s + SB_MTIME, ext2_now());
    put_counts(fs, s);
}

static void put_unmounted(struct ext2_fs *fs, uint8_t *s)
{
    if (fs->was_valid)
        le16_put(s + SB_STATE, (uint16_t)(le16_get(s + SB_STATE) | EXT2_STATE_VALID));
    put_counts(fs, s);
}

/* ---- Validation ------------------------------------------------------------ */

/* The superblock's own fields: geometry that is possible and fits the device. */
static int check_super(struct ext2_fs *fs, const uint8_t *s, bool *force_ro)
{
    if (le16_get(s + SB_MAGIC) != EXT2_MAGIC) {
        ext2_error(fs, "no ext2 file system (magic 0x%x)", le16_get(s + SB_MAGIC));
        return -LX_EINVAL;
    }
    fs->rev = le32_get(s + SB_REV_LEVEL);
    if (fs->rev > 1) {
        ext2_error(fs, "revision %u is not supported", fs->rev);
        return -LX_EINVAL;
    }
    uint32_t log = le32_get(s + SB_LOG_BLOCK_SIZE);
    if (log > 2) {
        ext2_error(fs, "block size 1024 << %u is not supported (1, 2 or 4 KiB)", log);
        return -LX_EINVAL;
    }
    fs->log_block_size = 10 + log;
    fs->block_size = 1024u << log;
    if (le32_get(s + SB_LOG_FRAG_SIZE) != log) {
        ext2_error(fs, "fragments smaller than blocks are not supported");
        return -LX_EINVAL;
    }
    fs->ptrs_per_block = fs->block_size / 4;
    fs->blocks_count = le32_get(s + SB_BLOCKS_COUNT);
    fs->inodes_count = le32_get(s + SB_INODES_COUNT);
    fs->first_data_block = le32_get(s + SB_FIRST_DATA_BLOCK);
    fs->r_blocks = le32_get(s + SB_R_BLOCKS_COUNT);
    fs->blocks_per_group = le32_get(s + SB_BLOCKS_PER_GROUP);
    fs->inodes_per_group = le32_get(s + SB_INODES_PER_GROUP);
    if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u)) {
        ext2_error(fs, "first data block %u is impossible with %u-byte blocks", fs->first_data_block,
                   fs->block_size);
        return -LX_EINVAL;
    }
    uint64_t dev_blocks = blockdev_bytes(fs->dev) / fs->block_size;
    if (fs->blocks_count <= fs->first_data_block + 1 || fs->blocks_count > dev_blocks) {
        ext2_error(fs, "%u blocks do not fit the device (%lu blocks)", fs->blocks_count,
                   (unsigned long)dev_blocks);
        return -LX_EINVAL;
    }
    uint32_t bits = 8 * fs->block_size;
    if (fs->blocks_per_group < 8 || fs->blocks_per_group > bits || fs->blocks_per_group % 8 ||
        fs->inodes_per_group == 0 || fs->inodes_per_group > bits) {
        ext2_error(fs, "impossible group sizes: %u blocks, %u inodes", fs->blocks_per_group,
                   fs->inodes_per_group);
        return -LX_EINVAL;
    }
    if (fs->rev == 0) {
        fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
        fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    } else {
        fs->inode_size = le16_get(s + SB_INODE_SIZE);
        fs->first_ino = le32_get(s + SB_FIRST_INO);
        fs->feature_compat = le32_get(s + SB_FEATURE_COMPAT);
        fs->feature_incompat = le32_get(s + SB_FEATURE_INCOMPAT);
        fs->feature_ro_compat = le32_get(s + SB_FEATURE_RO_COMPAT);
    }
    if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
        (fs->inode_size & (fs->inode_size - 1))) {
        ext2_error(fs, "impossible inode size %u", fs->inode_size);
        return -LX_EINVAL;
    }
    uint64_t groups =
        ((uint64_t)fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) / fs->blocks_per_group;
    if ((uint64_t)fs->inodes_per_group * groups != fs->inodes_count) {
        ext2_error(fs, "%u inodes is not %lu groups of %u", fs->inodes_count, (unsigned long)groups,
                   fs->inodes_per_group);
        return -LX_EINVAL;
    }
    fs->group_count = (uint32_t)groups;
    if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO || fs->first_ino >= fs->inodes_count) {
        ext2_error(fs, "impossible first inode %u of %u", fs->first_ino, fs->inodes_count);
        return -LX_EINVAL;
    }
    if (le32_get(s + SB_FREE_BLOCKS) > fs->blocks_count || le32_get(s + SB_FREE_INODES) > fs->inodes_count ||
        fs->r_blocks > fs->blocks_count) {
        ext2_error(fs, "impossible free or reserved counts");
        return -LX_EINVAL;
    }
    uint32_t unknown = fs->feature_incompat & ~(uint32_t)INCOMPAT_SUPPORTED;
    if (unknown) {
        ext2_error(fs,
                   "incompatible features 0x%x are not supported (journal recovery, extents, 64-bit, "
                   "meta_bg, flex_bg, inline data...)",
                   unknown);
        return -LX_EINVAL;
    }
    fs->filetype = fs->feature_incompat & INCOMPAT_FILETYPE;
    unknown = fs->feature_ro_compat & ~(uint32_t)RO_COMPAT_SUPPORTED;
    if (unknown) {
        ext2_error(fs, "read-only-compatible features 0x%x are not supported: mounting read-only", unknown);
        *force_ro = true;
    }
    uint16_t state = le16_get(s + SB_STATE);
    if (state & EXT2_STATE_ERROR) {
        ext2_error(fs, "the file system has errors (run e2fsck): mounting read-only");
        *force_ro = true;
    } else if (!(state & EXT2_STATE_VALID)) {
        ext2_error(fs, "warning: not cleanly unmounted, e2fsck is recommended");
    }
    fs->was_valid = (state & (EXT2_STATE_VALID | EXT2_STATE_ERROR)) == EXT2_STATE_VALID;
    fs->linux_os = le32_get(s + SB_CREATOR_OS) == EXT2_OS_LINUX;
    fs->itable_blocks =
        (uint32_t)(((uint64_t)fs->inodes_per_group * fs->inode_size + fs->block_size - 1) / fs->block_size);
    fs->gdt_blocks = (uint32_t)((groups * EXT2_DESC_SIZE + fs->block_size - 1) / fs->block_size);
    fs->reserved_gdt = fs->feature_compat & COMPAT_RESIZE_INODE ? le16_get(s + SB_RESERVED_GDT_BLOCKS) : 0;
    if (fs->reserved_gdt > fs->block_size / 4) {
        ext2_error(fs, "impossible count of reserved descriptor blocks %u", fs->reserved_gdt);
        return -LX_EINVAL;
    }
    /* Group 0 must hold its superblock, descriptors, bitmaps and inode table. */
    uint64_t meta = 1ull + fs->gdt_blocks + fs->reserved_gdt + 2 + fs->itable_blocks;
    if (meta >= fs->blocks_per_group || meta >= fs->blocks_count - fs->first_data_block) {
        ext2_error(fs, "the metadata of a group (%lu blocks) does not fit in it", (unsigned long)meta);
        return -LX_EINVAL;
    }
    /* Blocks an inode can address: 12 direct, then 1, 2 and 3 levels of
     * indirection; i_blocks (512-byte units, 32 bits) bounds it too. */
    uint64_t p = fs->ptrs_per_block;
    uint64_t blocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
    uint64_t by_iblocks = (0xffffffffull * 512 / fs->block_size - (1 + p + p * p)) * fs->block_size;
    fs->max_file_size = blocks * fs->block_size;
    if (fs->max_file_size > by_iblocks)
        fs->max_file_size = by_iblocks;
    return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
    return a < b + bn && b < a + an;
}

/* Reads and checks every group descriptor. */
static int load_groups(struct ext2_fs *fs)
{
    fs->groups = lx_calloc(fs->group_count, sizeof(*fs->groups));
    if (!fs->groups)
        return -LX_ENOMEM;
    uint32_t gdt_first = fs->first_data_block + 1;
    uint32_t per_block = fs->block_size / EXT2_DESC_SIZE;
    uint64_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        struct ext2_group *gr = &fs->groups[g];
        struct bcache_buf *b;
        int err = bcache_read(fs->bc, gdt_first + g / per_block, &b);
        if (err < 0)
            return err;
        const uint8_t *d = b->data + (g % per_block) * EXT2_DESC_SIZE;
        gr->block_bitmap = le32_get(d + BG_BLOCK_BITMAP);
        gr->inode_bitmap = le32_get(d + BG_INODE_BITMAP);
        gr->inode_table = le32_get(d + BG_INODE_TABLE);
        gr->free_blocks = le16_get(d + BG_FREE_BLOCKS);
        gr->free_inodes = le16_get(d + BG_FREE_INODES);
        gr->used_dirs = le16_get(d + BG_USED_DIRS);
        uint16_t flags = le16_get(d + BG_FLAGS);
        bcache_release(fs->bc, b);
        gr->first_block = fs->first_data_block + g * fs->blocks_per_group;
        gr->nblocks = fs->blocks_count - gr->first_block < fs->blocks_per_group
                          ? fs->blocks_count - gr->first_block
                          : fs->blocks_per_group;
        gr->meta_end = gr->first_block + (group_has_super(fs, g) ? 1 + fs->gdt_blocks + fs->reserved_gdt : 0);
        bool bad = !in_range(gr->block_bitmap, gr->meta_end, gr->first_block + gr->nblocks - gr->meta_end) ||
                   !in_range(gr->inode_bitmap, gr->meta_end, gr->first_block + gr->nblocks - gr->meta_end) ||
                   gr->inode_table < gr->meta_end ||
                   (uint64_t)gr->inode_table + fs->itable_blocks > (uint64_t)gr->first_block + gr->nblocks ||
                   gr->block_bitmap == gr->inode_bitmap ||
                   ranges_overlap(gr->block_bitmap, 1, gr->inode_table, fs->itable_blocks) ||
                   ranges_overlap(gr->inode_bitmap, 1, gr->inode_table, fs->itable_blocks);
        if (bad) {
            ext2_error(fs, "group %u: bitmaps or inode table outside the group or overlapping", g);
            return -LX_EINVAL;
        }
        if (gr->free_blocks > gr->nblocks || gr->free_inodes > fs->inodes_per_group ||
            gr->used_dirs > fs->inodes_per_group - gr->free_inodes) {
            ext2_error(fs, "group %u: impossible counts (%u free blocks, %u free inodes, %u directories)", g,
                       gr->free_blocks, gr->free_inodes, gr->used_dirs);
            return -LX_EINVAL;
        }
        if (flags & (BG_INODE_UNINIT | BG_BLOCK_UNINIT) &&
            !(fs->feature_ro_compat & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM))) {
            ext2_error(fs, "group %u: uninitialized without checksummed descriptors", g);
            return -LX_EINVAL;
        }
        free_blocks += gr->free_blocks;
        free_inodes += gr->free_inodes;
    }
    if (free_blocks != fs->free_blocks || free_inodes != fs->free_inodes)
        ext2_super_changed(fs); /* the groups are the truth, as for Linux and e2fsck */
    fs->free_blocks = free_blocks;
    fs->free_inodes = free_inodes;
    return 0;
}

static bool bit_get(const uint8_t *map, uint32_t i)
{
    return map[i / 8] & (1u << (i % 8));
}

/* Set bits of a byte (no __builtin_popcount: freestanding, without libgcc). */
static uint32_t bits_set(uint8_t b)
{
    static const uint8_t nibble[16] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4 };
    return nibble[b & 15] + nibble[b >> 4];
}

/* Zero bits of a bitmap block in [0, n). */
static uint32_t count_free(const uint8_t *map, uint32_t n)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < n / 8; i++)
        used += bits_set(map[i]);
    for (uint32_t i = n / 8 * 8; i < n; i++)
        used += bit_get(map, i);
    return n - used;
}

/* Every group's bitmaps agree with its counts and mark its metadata and
 * the reserved inodes in use, so that allocation can trust them. */
static int check_bitmaps(struct ext2_fs *fs)
{
    if (fs->feature_ro_compat & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM))
        return 0; /* lazily initialized bitmaps; such a file system is read-only here */
    for (uint32_t g = 0; g < fs->group_count; g++) {
        struct ext2_group *gr = &fs->groups[g];
        struct bcache_buf *b;
        int err = bcache_read(fs->bc, gr->block_bitmap, &b);
        if (err < 0)
            return err;
        uint32_t free = count_free(b->data, gr->nblocks);
        bool meta_used = true;
        for (uint32_t blk = gr->first_block; blk < gr->meta_end; blk++)
            meta_used &= bit_get(b->data, blk - gr->first_block);
        meta_used &= bit_get(b->data, gr->block_bitmap - gr->first_block);
        meta_used &= bit_get(b->data, gr->inode_bitmap - gr->first_block);
        for (uint32_t i = 0; i < fs->itable_blocks; i++)
            meta_used &= bit_get(b->data, gr->inode_table + i - gr->first_block);
        bcache_release(fs->bc, b);
        if (free != gr->free_blocks || !meta_used) {
            ext2_error(fs, "group %u: the block bitmap (%u free%s) disagrees with the descriptor (%u free)",
                       g, free, meta_used ? "" : ", metadata marked free", gr->free_blocks);
            return -LX_EINVAL;
        }
        if ((err = bcache_read(fs->bc, gr->inode_bitmap, &b)) < 0)
            return err;
        free = count_free(b->data, fs->inodes_per_group);
        bool reserved_used = true;
        for (uint32_t ino = 1; ino < fs->first_ino; ino++)
            if (ext2_inode_group(fs, ino) == g)
                reserved_used &= bit_get(b->data, (ino - 1) % fs->inodes_per_group);
        bcache_release(fs->bc, b);
        if (free != gr->free_inodes || !reserved_used) {
            ext2_error(fs, "group %u: the inode bitmap (%u free%s) disagrees with the descriptor (%u free)",
                       g, free, reserved_used ? "" : ", reserved inodes marked free", gr->free_inodes);
            return -LX_EINVAL;
        }
    }
    return 0;
}

/* ---- Super operations -------------------------------------------------------- */

static void ext2_statfs(struct lx_superblock *sb, struct lx_statfs *out)
{
    struct ext2_fs *fs = sb->fs;
    /* Linux's "bsddf": the metadata's blocks are not counted. */
    uint64_t overhead = fs->first_data_block;
    for (uint32_t g = 0; g < fs->group_count; g++)
        overhead += (group_has_super(fs, g) ? 1 + fs->gdt_blocks : 0) + 2 + fs->itable_blocks;
    memset(out, 0, sizeof(*out));
    out->f_type = EXT2_SUPER_MAGIC;
    out->f_bsize = fs->block_size;
    out->f_blocks = fs->blocks_count > overhead ? fs->blocks_count - overhead : 0;
    out->f_bfree = fs->free_blocks;
    out->f_bavail = fs->free_blocks > fs->r_blocks ? fs->free_blocks - fs->r_blocks : 0;
    out->f_files = fs->inodes_count;
    out->f_ffree = fs->free_inodes;
    out->f_fsid[0] = (int32_t)sb->dev;
    out->f_fsid[1] = (int32_t)(sb->dev >> 32);
    out->f_namelen = LX_NAME_MAX;
    out->f_frsize = fs->block_size;
    out->f_flags = LX_ST_VALID | (fs->readonly ? LX_ST_RDONLY : 0);
}

static int sync_all(struct ext2_fs *fs)
{
    if (fs->readonly)
        return 0;
    int err = 0;
    for (struct ext2_inode *ei = fs->all; ei; ei = ei->all_next)
        if (ei->pages && ext2_pages_writeback(ei) < 0)
            err = -LX_EIO;
    if (ext2_write_super(fs) < 0)
        err = -LX_EIO;
    if (bcache_flush(fs->bc) < 0)
        err = -LX_EIO;
    return err;
}

static int ext2_sync(struct lx_superblock *sb)
{
    return sync_all(sb->fs);
}

static void fs_free(struct ext2_fs *fs)
{
    ext2_inodes_drop_all(fs);
    bcache_free(fs->bc);
    lx_free(fs->groups);
    lx_free(fs);
}

static void ext2_kill(struct lx_superblock *sb)
{
    struct ext2_fs *fs = sb->fs;
    if (!fs->readonly) {
        int err = sync_all(fs);
        if (err == 0)
            err = super_update(fs, put_unmounted);
        if (err == 0)
            err = bcache_flush(fs->bc);
        if (err < 0)
            ext2_error(fs, "unmount: writing back failed; the file system needs e2fsck");
    }
    struct lx_blockdev *dev = fs->dev;
    fs_free(fs);
    if (!lx_disk_release(dev) && dev->ops->close)
        dev->ops->close(dev);
}

/* Something outside holds an inode (an open file, a cwd, a mapping, a
 * running program): the root's one reference is its mount's. */
static bool ext2_busy(struct lx_superblock *sb)
{
    struct ext2_fs *fs = sb->fs;
    for (const struct ext2_inode *ei = fs->all; ei; ei = ei->all_next)
        if (ei->vfs.refs > (ei->vfs.ino == EXT2_ROOT_INO ? 1u : 0u))
            return true;
    return false;
}

static const struct lx_super_ops ext2_super_ops = {
    .statfs = ext2_statfs,
    .sync = ext2_sync,
    .busy = ext2_busy,
    .kill = ext2_kill,
};

/* ---- Mounting -------------------------------------------------------------- */

static int read_super(struct ext2_fs *fs, uint8_t *s)
{
    if (blockdev_bytes(fs->dev) < 2 * EXT2_SUPER_OFFSET + EXT2_SUPER_SIZE) {
        ext2_error(fs, "the device is too small for ext2");
        return -LX_EINVAL;
    }
    return blockdev_read_blocks(fs->dev, EXT2_SUPER_SIZE, 1, 1, s);
}

static int check_root(struct ext2_fs *fs, struct ext2_inode **root)
{
    int err = ext2_iget(fs, EXT2_ROOT_INO, root);
    if (err < 0) {
        ext2_error(fs, "the root directory is damaged");
        return -LX_EINVAL;
    }
    if (!inode_is_dir(&(*root)->vfs) || (*root)->parent != EXT2_ROOT_INO) {
        ext2_error(fs, "the root is not a directory whose .. is itself");
        inode_put(&(*root)->vfs);
        *root = NULL;
        return -LX_EINVAL;
    }
    return 0;
}

int ext2_mount(struct lx_blockdev *dev, uint64_t st_dev, const struct ext2_mount_opts *opts,
               struct lx_inode **root_out, bool *readonly)
{
    static const struct ext2_mount_opts defaults;
    if (!opts)
        opts = &defaults;
    struct ext2_fs *fs = lx_calloc(1, sizeof(*fs));
    uint8_t *s = lx_malloc(EXT2_SUPER_SIZE);
    if (!fs || !s) {
        lx_free(fs);
        lx_free(s);
        return -LX_ENOMEM;
    }
    fs->dev = dev;
    fs->idle.idle_next = fs->idle.idle_prev = &fs->idle;
    fs->lru.lru_next = fs->lru.lru_prev = &fs->lru;
    fs->idle_limit = opts->idle_inodes ? opts->idle_inodes : 256;
    fs->page_limit = opts->page_limit ? opts->page_limit : 2048;
    bool force_ro = opts->readonly;
    int err = read_super(fs, s);
    if (err == 0)
        err = check_super(fs, s, &force_ro);
    if (err == 0) {
        fs->free_blocks = le32_get(s + SB_FREE_BLOCKS);
        fs->free_inodes = le32_get(s + SB_FREE_INODES);
        fs->next_generation = le32_get(s + SB_WTIME) ^ le32_get(s + SB_UUID);
    }
    lx_free(s);
    fs->readonly = force_ro;
    if (err == 0) {
        uint32_t bytes = opts->cache_bytes ? opts->cache_bytes : 512 * 1024;
        /* Read-only until every check passed: nothing can be written before. */
        fs->bc = bcache_new(dev, fs->block_size, bytes / fs->block_size, true);
        if (!fs->bc)
            err = -LX_ENOMEM;
    }
    if (err == 0)
        err = load_groups(fs);
    if (err == 0)
        err = check_bitmaps(fs);
    fs->sb = (struct lx_superblock){ .ops = &ext2_super_ops,
                                     .dev = st_dev,
                                     .magic = EXT2_SUPER_MAGIC,
                                     .block_size = fs->block_size,
                                     .fs = fs };
    struct ext2_inode *root = NULL;
    if (err == 0)
        err = check_root(fs, &root);
    if (err == 0 && !fs->readonly) {
        /* Every check passed: from now on the cache may write. */
        bcache_allow_writes(fs->bc);
        err = super_update(fs, put_mounted);
    }
    if (err == 0 && !fs->readonly)
        err = bcache_flush(fs->bc);
    if (err < 0) {
        if (root)
            inode_put(&root->vfs);
        fs_free(fs);
        return err;
    }
    fs->super_dirty = false;
    *root_out = &root->vfs;
    *readonly = fs->readonly;
    return 0;
}

void ext2_get_stats(const struct lx_superblock *sb, struct ext2_stats *out)
{
    const struct ext2_fs *fs = sb->fs;
    memset(out, 0, sizeof(*out));
    out->inodes = fs->inode_count;
    out->idle_inodes = fs->idle_count;
    out->pages = fs->page_count;
    for (const struct ext2_page *p = fs->lru.lru_next; p != &fs->lru; p = p->lru_next)
        out->dirty_pages += p->dirty;
    out->cache_blocks = bcache_count(fs->bc);
    out->free_blocks = fs->free_blocks;
    out->free_inodes = fs->free_inodes;
}
