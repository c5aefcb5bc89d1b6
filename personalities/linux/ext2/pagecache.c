/* personalities/linux/ext2/pagecache.c — regular files' data in 4 KiB
 * page-cache frames (frames.h), shared with the programs that map them,
 * written back to the file's blocks around the block cache.
 *
 * Invariants:
 *   - a page holds the file's bytes; bytes past the end of the file are
 *     zero (so growing a file shows zeros, and get_page may hand out the
 *     last page);
 *   - every block of a dirty page below the file's end is allocated (write
 *     allocated it), except where a shared mapping wrote into a hole,
 *     which write-back allocates;
 *   - a page handed to a mapping (`mapped`) may be changed behind our
 *     back: write-back compares it with the checksum of what was last on
 *     disk and writes it when they differ.
 * Bounded by fs->page_limit: least recently used pages no mapping holds
 * are written back and dropped (ext2_pages_trim). */
#include "ext2_internal.h"

#include "../heap.h"
#include <kumiki/user.h>

enum { PAGE = 4096 };

static unsigned hash_of(const struct ext2_inode *ei, uint64_t index)
{
    uint64_t h = ((uintptr_t)ei >> 4) * 0x9e3779b97f4a7c15ull ^ index * 0xc2b2ae3d27d4eb4full;
    return (unsigned)(h >> 40) % EXT2_PAGE_HASH;
}

/* A checksum of a page's bytes (FNV-1a over 64-bit words). */
static uint64_t page_sum(lx_frame_t f)
{
    const uint64_t *w = frame_ptr(f);
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < PAGE / 8; i++)
        h = (h ^ w[i]) * 0x100000001b3ull;
    return h;
}

static struct ext2_page *page_find(struct ext2_inode *ei, uint64_t index)
{
    for (struct ext2_page *p = ei->fs->page_hash[hash_of(ei, index)]; p; p = p->hash_next)
        if (p->owner == ei && p->index == index)
            return p;
    return NULL;
}

void ext2_page_touch(struct ext2_fs *fs, struct ext2_page *p)
{
    p->lru_prev->lru_next = p->lru_next;
    p->lru_next->lru_prev = p->lru_prev;
    p->lru_next = fs->lru.lru_next;
    p->lru_prev = &fs->lru;
    fs->lru.lru_next->lru_prev = p;
    fs->lru.lru_next = p;
}

static void page_insert(struct ext2_inode *ei, struct ext2_page *p)
{
    struct ext2_fs *fs = ei->fs;
    unsigned h = hash_of(ei, p->index);
    p->hash_next = fs->page_hash[h];
    fs->page_hash[h] = p;
    p->ino_next = ei->pages;
    p->ino_prev = NULL;
    if (ei->pages)
        ei->pages->ino_prev = p;
    ei->pages = p;
    p->lru_next = fs->lru.lru_next;
    p->lru_prev = &fs->lru;
    fs->lru.lru_next->lru_prev = p;
    fs->lru.lru_next = p;
    fs->page_count++;
}

static void page_remove(struct ext2_page *p)
{
    struct ext2_inode *ei = p->owner;
    struct ext2_fs *fs = ei->fs;
    struct ext2_page **link = &fs->page_hash[hash_of(ei, p->index)];
    while (*link != p)
        link = &(*link)->hash_next;
    *link = p->hash_next;
    if (p->ino_prev)
        p->ino_prev->ino_next = p->ino_next;
    else
        ei->pages = p->ino_next;
    if (p->ino_next)
        p->ino_next->ino_prev = p->ino_prev;
    p->lru_prev->lru_next = p->lru_next;
    p->lru_next->lru_prev = p->lru_prev;
    fs->page_count--;
    frame_unref(p->frame); /* a mapping may keep the frame alive */
    lx_free(p);
}

/* ---- Moving blocks ---------------------------------------------------------- */

/* A run of consecutive disk blocks backing consecutive parts of a page. */
struct run {
    uint32_t disk, count;
    uint8_t *mem;
};

static int run_flush(struct ext2_fs *fs, struct run *r, bool write)
{
    int err = 0;
    if (r->count)
        err = write ? blockdev_write_blocks(fs->dev, fs->block_size, r->disk, r->count, r->mem)
                    : blockdev_read_blocks(fs->dev, fs->block_size, r->disk, r->count, r->mem);
    r->count = 0;
    return err;
}

static int run_add(struct ext2_fs *fs, struct run *r, uint32_t disk, uint8_t *mem, bool write)
{
    if (r->count && r->disk + r->count == disk && r->mem + r->count * fs->block_size == mem) {
        r->count++;
        return 0;
    }
    int err = run_flush(fs, r, write);
    *r = (struct run){ disk, 1, mem };
    return err;
}

/* Zeroes the page's bytes past the end of the file. */
static void zero_past_end(struct ext2_inode *ei, uint64_t index, lx_frame_t f)
{
    uint64_t start = index * PAGE;
    if (ei->vfs.size >= start + PAGE)
        return;
    uint64_t keep = ei->vfs.size > start ? ei->vfs.size - start : 0;
    memset((uint8_t *)frame_ptr(f) + keep, 0, PAGE - keep);
}

static int page_load(struct ext2_inode *ei, uint64_t index, lx_frame_t f)
{
    struct ext2_fs *fs = ei->fs;
    uint32_t per_page = PAGE / fs->block_size;
    uint64_t end = ext2_blocks_for(fs, ei->vfs.size);
    struct run r = { 0, 0, NULL };
    int err = 0;
    for (uint32_t k = 0; k < per_page && err == 0; k++) {
        uint64_t lbn = index * per_page + k;
        if (lbn >= end)
            break;
        uint32_t disk;
        err = ext2_bmap(ei, lbn, false, &disk, NULL);
        if (err == 0 && disk)
            err = run_add(fs, &r, disk, (uint8_t *)frame_ptr(f) + k * fs->block_size, false);
    }
    if (err == 0)
        err = run_flush(fs, &r, false);
    zero_past_end(ei, index, f);
    return err;
}

static bool all_zero(const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (p[i])
            return false;
    return true;
}

/* Writes page p's blocks below the end of the file; a hole a mapping wrote
 * into gets a block. */
static int page_write(struct ext2_page *p)
{
    struct ext2_inode *ei = p->owner;
    struct ext2_fs *fs = ei->fs;
    uint32_t per_page = PAGE / fs->block_size;
    uint64_t end = ext2_blocks_for(fs, ei->vfs.size);
    zero_past_end(ei, p->index, p->frame);
    struct run r = { 0, 0, NULL };
    bool allocated = false;
    int err = 0;
    for (uint32_t k = 0; k < per_page && err == 0; k++) {
        uint64_t lbn = p->index * per_page + k;
        if (lbn >= end)
            break;
        uint8_t *mem = (uint8_t *)frame_ptr(p->frame) + k * fs->block_size;
        uint32_t disk;
        bool created = false;
        err = ext2_bmap(ei, lbn, false, &disk, NULL);
        if (err == 0 && disk)
            err = ext2_block_owned(fs, disk);
        else if (err == 0 && !all_zero(mem, fs->block_size))
            err = ext2_bmap(ei, lbn, true, &disk, &created);
        allocated |= created;
        if (err == 0 && disk)
            err = run_add(fs, &r, disk, mem, true);
    }
    if (err == 0)
        err = run_flush(fs, &r, true);
    if (allocated && ext2_inode_store(ei) < 0)
        err = -LX_EIO;
    return err;
}

/* Writes p back if it may differ from the disk. */
static int page_clean(struct ext2_page *p)
{
    if (!p->dirty && !p->mapped)
        return 0;
    uint64_t sum = 0;
    if (!p->dirty) {
        sum = page_sum(p->frame);
        if (sum == p->disk_sum)
            goto written;
    }
    int err = page_write(p);
    if (err < 0)
        return err;
    p->dirty = false;
    sum = page_sum(p->frame);
written:
    if (frame_refcount(p->frame) > 1)
        p->disk_sum = sum;
    else
        p->mapped = false;
    return 0;
}

/* ---- The cache -------------------------------------------------------------- */

/* Writes back and drops least recently used pages no mapping holds until
 * at most target remain (or none can go). */
static void trim_to(struct ext2_fs *fs, uint32_t target)
{
    struct ext2_page *p = fs->lru.lru_prev;
    while (p != &fs->lru && fs->page_count > target) {
        struct ext2_page *prev = p->lru_prev;
        if (frame_refcount(p->frame) == 1) {
            if (page_clean(p) == 0)
                page_remove(p);
            else
                ext2_error(fs, "inode %lu: writing page %lu back failed", (unsigned long)p->owner->vfs.ino,
                           (unsigned long)p->index);
        }
        p = prev;
    }
}

void ext2_pages_trim(struct ext2_fs *fs)
{
    if (fs->page_count >= fs->page_limit)
        trim_to(fs, fs->page_limit - fs->page_limit / 8);
}

int ext2_page_get(struct ext2_inode *ei, uint64_t index, struct ext2_page **out)
{
    struct ext2_fs *fs = ei->fs;
    struct ext2_page *p = page_find(ei, index);
    if (p) {
        ext2_page_touch(fs, p);
        *out = p;
        return 0;
    }
    ext2_pages_trim(fs);
    lx_frame_t f = frame_alloc();
    if (!f) {
        /* The frame pool is shared with the programs' memory: give back
         * half of the cache before failing. */
        trim_to(fs, fs->page_count / 2);
        f = frame_alloc();
    }
    if (!f)
        return -LX_ENOMEM;
    p = lx_calloc(1, sizeof(*p));
    if (!p) {
        frame_unref(f);
        return -LX_ENOMEM;
    }
    int err = index * PAGE < ei->vfs.size ? page_load(ei, index, f) : 0;
    if (err < 0) {
        frame_unref(f);
        lx_free(p);
        return err;
    }
    p->owner = ei;
    p->index = index;
    p->frame = f;
    page_insert(ei, p);
    *out = p;
    return 0;
}

int ext2_pages_writeback(struct ext2_inode *ei)
{
    if (ei->fs->readonly)
        return 0;
    int err = 0;
    for (struct ext2_page *p = ei->pages; p; p = p->ino_next)
        if (page_clean(p) < 0)
            err = -LX_EIO;
    return err;
}

void ext2_pages_drop_from(struct ext2_inode *ei, uint64_t first)
{
    struct ext2_page *p = ei->pages;
    while (p) {
        struct ext2_page *next = p->ino_next;
        if (p->index >= first)
            page_remove(p);
        p = next;
    }
}

/* The VFS's get_page: the frame a mapping of the file shares. */
int ext2_get_page(struct lx_inode *ino, uint64_t pgoff, lx_frame_t *out)
{
    struct ext2_inode *ei = EI(ino);
    if (pgoff >= (ino->size + PAGE - 1) / PAGE) {
        /* Wholly past the end: zeros that belong to nobody else. */
        lx_frame_t f = frame_alloc();
        if (!f)
            return -LX_ENOMEM;
        *out = f;
        return 0;
    }
    struct ext2_page *p;
    int err = ext2_page_get(ei, pgoff, &p);
    if (err < 0)
        return err;
    if (!p->mapped && !p->dirty)
        p->disk_sum = page_sum(p->frame);
    p->mapped = true;
    frame_ref(p->frame);
    *out = p->frame;
    return 0;
}
