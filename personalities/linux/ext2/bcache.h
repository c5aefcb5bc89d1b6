/* personalities/linux/ext2/bcache.h — a small write-back cache of a
 * device's blocks, for file-system metadata (superblock, group
 * descriptors, bitmaps, inode tables, directories, indirect blocks).
 * File data goes through the page cache instead (ext2/pagecache.c).
 *
 * Bounded: at most `capacity` blocks are held.  A block in use is pinned
 * (bcache_read/bcache_zero pin, bcache_release unpins) and never evicted;
 * an unpinned dirty block is written back before its buffer is reused,
 * least recently used first.  bcache_flush writes every dirty block and
 * flushes the device: fsync, sync and unmount call it.
 *
 * A read-only cache refuses to mark blocks dirty, so a file system mounted
 * read-only (or refused) can never write to its device through it. */
#pragma once

#include "blockdev.h"
#include <stdbool.h>
#include <stdint.h>

struct bcache;

struct bcache_buf {
    uint64_t block;
    uint8_t *data; /* block_size bytes */
    /* Internal. */
    unsigned pins;
    bool dirty;
    struct bcache_buf *hash_next, *lru_prev, *lru_next;
};

/* NULL when out of memory.  capacity >= 8. */
struct bcache *bcache_new(struct lx_blockdev *dev, uint32_t block_size, uint32_t capacity, bool readonly);
/* A cache made read-only may write from now on (a file system whose
 * checks all passed). */
void bcache_allow_writes(struct bcache *bc);
/* Frees the cache, dropping dirty blocks (bcache_flush first to keep them). */
void bcache_free(struct bcache *bc);

/* The block, read from the device unless cached, pinned: 0, -LX_EIO,
 * -LX_ENOMEM (no memory, or every buffer pinned). */
int bcache_read(struct bcache *bc, uint64_t block, struct bcache_buf **out);
/* The block as zeros without reading it (a block just allocated), pinned
 * and dirty.  -LX_EROFS on a read-only cache. */
int bcache_zero(struct bcache *bc, uint64_t block, struct bcache_buf **out);
/* The pinned buffer's contents changed: write them back later. */
void bcache_mark_dirty(struct bcache *bc, struct bcache_buf *b);
void bcache_release(struct bcache *bc, struct bcache_buf *b); /* NULL allowed */
/* The block was freed: forget it without writing it back (a later owner
 * of the block, file data written around the cache, must not be
 * overwritten by stale metadata). */
void bcache_forget(struct bcache *bc, uint64_t block);
/* The cached contents of block (block_size bytes), or NULL when it is not
 * cached; nothing is read, pinned or reordered.  Valid until the next call
 * into the cache.  Reading the disk's node while it is mounted
 * (disk_file.c) lays these over what the device holds: a cached block is
 * newer than the device's copy (dirty) or equal to it. */
const uint8_t *bcache_peek(const struct bcache *bc, uint64_t block);
/* Writes every dirty block back, then flushes the device: 0 or -LX_EIO
 * (also when an earlier write-back on eviction failed). */
int bcache_flush(struct bcache *bc);

/* Statistics for the tests. */
uint32_t bcache_count(const struct bcache *bc);
uint32_t bcache_dirty_count(const struct bcache *bc);
uint64_t bcache_device_reads(const struct bcache *bc);
