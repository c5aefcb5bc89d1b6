/* personalities/linux/heap.c — see heap.h.
 *
 * Small blocks: size classes 16, 32, ... LX_HEAP_SMALL_MAX; each class
 * carves whole pages into blocks and keeps a free list.  A block's class is
 * found from its page's header-free descriptor: every page handed to a
 * class or to a run is recorded in page_info (by page number from the heap
 * base), so lx_free needs no header in front of the block.
 * Large blocks: runs of whole pages, first fit from a free-run list,
 * split when larger; freed runs merge with a following free run. */
#include "heap.h"
#include <kumiki/user.h>
#include <stdint.h>

enum { CLASS_COUNT = 8 };          /* 16 .. 2048 */
enum { HEAP_MAX_PAGES = 1 << 16 }; /* 256 MiB of address space */

struct free_block {
    struct free_block *next;
};

/* page_info[n]: 0 unused, 1..CLASS_COUNT a small-class page (class+1),
 * RUN_HEAD | pages for the first page of a run in use, RUN_FREE | pages for
 * a free run's first page, RUN_BODY for the other pages of a run. */
#define RUN_HEAD       0x40000000u
#define RUN_FREE       0x20000000u
#define RUN_BODY       0x10000000u
#define RUN_PAGES_MASK 0x0fffffffu
static uint32_t page_info[HEAP_MAX_PAGES];
static struct free_block *class_free[CLASS_COUNT];
static uint8_t *heap_base;
static size_t heap_pages, bytes_in_use;

static unsigned class_of(size_t size)
{
    unsigned c = 0;
    size_t s = 16;
    while (s < size) {
        s <<= 1;
        c++;
    }
    return c;
}

static size_t page_number(const void *p)
{
    return (size_t)((const uint8_t *)p - heap_base) / 4096;
}

/* A run of n pages: first a free run that fits (split), else fresh pages. */
static void *run_alloc(size_t n)
{
    for (size_t pg = 0; pg < heap_pages;) {
        uint32_t info = page_info[pg];
        size_t len = info & RUN_PAGES_MASK;
        if ((info & RUN_FREE) && len >= n) {
            page_info[pg] = RUN_HEAD | (uint32_t)n;
            if (len > n)
                page_info[pg + n] = RUN_FREE | (uint32_t)(len - n);
            void *p = heap_base + pg * 4096;
            memset(p, 0, n * 4096);
            return p;
        }
        pg += (info & (RUN_HEAD | RUN_FREE)) ? len : 1;
    }
    uint8_t *p = lx_heap_grow(n);
    if (!p)
        return NULL;
    if (!heap_base)
        heap_base = p;
    size_t pg = page_number(p);
    if (pg + n > HEAP_MAX_PAGES)
        return NULL;
    heap_pages = pg + n;
    page_info[pg] = RUN_HEAD | (uint32_t)n;
    for (size_t i = 1; i < n; i++)
        page_info[pg + i] = RUN_BODY;
    return p;
}

static void run_free(size_t pg)
{
    size_t len = page_info[pg] & RUN_PAGES_MASK;
    size_t next = pg + len;
    if (next < heap_pages && (page_info[next] & RUN_FREE)) {
        len += page_info[next] & RUN_PAGES_MASK;
        page_info[next] = RUN_BODY;
    }
    page_info[pg] = RUN_FREE | (uint32_t)len;
}

void *lx_malloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > LX_HEAP_SMALL_MAX) {
        if (size > (size_t)RUN_PAGES_MASK * 4096)
            return NULL;
        size_t n = (size + 4095) / 4096;
        void *p = run_alloc(n);
        if (p)
            bytes_in_use += n * 4096;
        return p;
    }
    unsigned c = class_of(size);
    if (!class_free[c]) {
        uint8_t *page = run_alloc(1);
        if (!page)
            return NULL;
        page_info[page_number(page)] = c + 1;
        size_t block = (size_t)16 << c;
        for (size_t off = 0; off + block <= 4096; off += block) {
            struct free_block *b = (struct free_block *)(page + off);
            b->next = class_free[c];
            class_free[c] = b;
        }
    }
    struct free_block *b = class_free[c];
    class_free[c] = b->next;
    memset(b, 0, (size_t)16 << c);
    bytes_in_use += (size_t)16 << c;
    return b;
}

void *lx_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return lx_malloc(n * size); /* lx_malloc zeroes */
}

void lx_free(void *p)
{
    if (!p)
        return;
    size_t pg = page_number(p);
    uint32_t info = page_info[pg];
    if (info >= 1 && info <= CLASS_COUNT) {
        struct free_block *b = p;
        b->next = class_free[info - 1];
        class_free[info - 1] = b;
        bytes_in_use -= (size_t)16 << (info - 1);
        return;
    }
    if (info & RUN_HEAD) {
        bytes_in_use -= (size_t)(info & RUN_PAGES_MASK) * 4096;
        run_free(pg);
    }
}

char *lx_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = lx_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

size_t lx_heap_pages(void)
{
    return heap_pages;
}

size_t lx_heap_in_use(void)
{
    return bytes_in_use;
}
