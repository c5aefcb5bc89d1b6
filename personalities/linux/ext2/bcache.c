/* personalities/linux/ext2/bcache.c — see bcache.h.
 *
 * Invariants: every buffer is on the hash chain of its block and on the
 * LRU list (most recently used at lru.lru_next); count buffers exist,
 * count <= capacity; a pinned buffer is neither evicted nor forgotten. */
#include "bcache.h"

#include "../heap.h"
#include "../linux_abi.h"
#include "../personality.h"
#include <kumiki/user.h>

enum { HASH_SIZE = 256 };

struct bcache {
    struct lx_blockdev *dev;
    uint32_t block_size, capacity, count, dirty;
    bool readonly;
    bool write_failed; /* an eviction's write-back failed: the next flush reports it */
    uint64_t device_reads;
    struct bcache_buf *hash[HASH_SIZE];
    struct bcache_buf lru; /* sentinel */
};

static unsigned hash_of(uint64_t block)
{
    return (unsigned)((block * 0x9e3779b97f4a7c15ull) >> 56) % HASH_SIZE;
}

static void lru_unlink(struct bcache_buf *b)
{
    b->lru_prev->lru_next = b->lru_next;
    b->lru_next->lru_prev = b->lru_prev;
}

static void lru_push_front(struct bcache *bc, struct bcache_buf *b)
{
    b->lru_next = bc->lru.lru_next;
    b->lru_prev = &bc->lru;
    bc->lru.lru_next->lru_prev = b;
    bc->lru.lru_next = b;
}

static void hash_unlink(struct bcache *bc, struct bcache_buf *b)
{
    struct bcache_buf **link = &bc->hash[hash_of(b->block)];
    while (*link != b)
        link = &(*link)->hash_next;
    *link = b->hash_next;
}

struct bcache *bcache_new(struct lx_blockdev *dev, uint32_t block_size, uint32_t capacity, bool readonly)
{
    struct bcache *bc = lx_calloc(1, sizeof(*bc));
    if (!bc)
        return NULL;
    bc->dev = dev;
    bc->block_size = block_size;
    bc->capacity = capacity < 8 ? 8 : capacity;
    bc->readonly = readonly;
    bc->lru.lru_next = bc->lru.lru_prev = &bc->lru;
    return bc;
}

void bcache_allow_writes(struct bcache *bc)
{
    bc->readonly = false;
}

static void buf_free(struct bcache *bc, struct bcache_buf *b)
{
    hash_unlink(bc, b);
    lru_unlink(b);
    if (b->dirty)
        bc->dirty--;
    bc->count--;
    lx_free(b->data);
    lx_free(b);
}

void bcache_free(struct bcache *bc)
{
    if (!bc)
        return;
    while (bc->lru.lru_next != &bc->lru)
        buf_free(bc, bc->lru.lru_next);
    lx_free(bc);
}

static struct bcache_buf *find(struct bcache *bc, uint64_t block)
{
    for (struct bcache_buf *b = bc->hash[hash_of(block)]; b; b = b->hash_next)
        if (b->block == block)
            return b;
    return NULL;
}

const uint8_t *bcache_peek(const struct bcache *bc, uint64_t block)
{
    for (const struct bcache_buf *b = bc->hash[hash_of(block)]; b; b = b->hash_next)
        if (b->block == block)
            return b->data;
    return NULL;
}

static int write_back(struct bcache *bc, struct bcache_buf *b)
{
    if (blockdev_write_blocks(bc->dev, bc->block_size, b->block, 1, b->data) < 0)
        return -LX_EIO;
    b->dirty = false;
    bc->dirty--;
    return 0;
}

/* A buffer for `block`, not yet on the hash or LRU: a new one while under
 * capacity, else the least recently used unpinned one (written back first
 * if dirty).  NULL when none can be had. */
static struct bcache_buf *buf_obtain(struct bcache *bc)
{
    if (bc->count < bc->capacity) {
        struct bcache_buf *b = lx_calloc(1, sizeof(*b));
        uint8_t *data = b ? lx_malloc(bc->block_size) : NULL;
        if (data) {
            b->data = data;
            bc->count++;
            return b;
        }
        lx_free(b);
    }
    for (struct bcache_buf *b = bc->lru.lru_prev; b != &bc->lru; b = b->lru_prev) {
        if (b->pins)
            continue;
        if (b->dirty && write_back(bc, b) < 0) {
            bc->write_failed = true;
            continue; /* keep it: its contents are the only copy */
        }
        hash_unlink(bc, b);
        lru_unlink(b);
        return b;
    }
    return NULL;
}

static int get(struct bcache *bc, uint64_t block, bool read, struct bcache_buf **out)
{
    struct bcache_buf *b = find(bc, block);
    if (b) {
        lru_unlink(b);
    } else {
        b = buf_obtain(bc);
        if (!b)
            return -LX_ENOMEM;
        b->block = block;
        b->pins = 0;
        b->dirty = false;
        if (read) {
            bc->device_reads++;
            if (blockdev_read_blocks(bc->dev, bc->block_size, block, 1, b->data) < 0) {
                bc->count--;
                lx_free(b->data);
                lx_free(b);
                return -LX_EIO;
            }
        }
        b->hash_next = bc->hash[hash_of(block)];
        bc->hash[hash_of(block)] = b;
    }
    lru_push_front(bc, b);
    b->pins++;
    *out = b;
    return 0;
}

int bcache_read(struct bcache *bc, uint64_t block, struct bcache_buf **out)
{
    return get(bc, block, true, out);
}

int bcache_zero(struct bcache *bc, uint64_t block, struct bcache_buf **out)
{
    if (bc->readonly)
        return -LX_EROFS;
    int err = get(bc, block, false, out);
    if (err < 0)
        return err;
    memset((*out)->data, 0, bc->block_size);
    bcache_mark_dirty(bc, *out);
    return 0;
}

void bcache_mark_dirty(struct bcache *bc, struct bcache_buf *b)
{
    if (bc->readonly) {
        /* A bug in the file system, not a user error: say so, write nothing. */
        lx_log("ext2: internal error: block %lu changed on a read-only device", (unsigned long)b->block);
        return;
    }
    if (!b->dirty) {
        b->dirty = true;
        bc->dirty++;
    }
}

void bcache_release(struct bcache *bc, struct bcache_buf *b)
{
    (void)bc;
    if (b && b->pins)
        b->pins--;
}

void bcache_forget(struct bcache *bc, uint64_t block)
{
    struct bcache_buf *b = find(bc, block);
    if (!b)
        return;
    if (b->pins) {
        if (b->dirty) {
            b->dirty = false;
            bc->dirty--;
        }
        return;
    }
    buf_free(bc, b);
}

int bcache_flush(struct bcache *bc)
{
    int err = bc->write_failed ? -LX_EIO : 0;
    bc->write_failed = false;
    if (bc->readonly)
        return err;
    for (struct bcache_buf *b = bc->lru.lru_next; b != &bc->lru && bc->dirty; b = b->lru_next)
        if (b->dirty && write_back(bc, b) < 0)
            err = -LX_EIO;
    if (blockdev_flush(bc->dev) < 0)
        err = -LX_EIO;
    return err;
}

uint32_t bcache_count(const struct bcache *bc)
{
    return bc->count;
}

uint32_t bcache_dirty_count(const struct bcache *bc)
{
    return bc->dirty;
}

uint64_t bcache_device_reads(const struct bcache *bc)
{
    return bc->device_reads;
}
