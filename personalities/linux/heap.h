/* personalities/linux/heap.h — the personality's own memory allocator.
 *
 * The personality keeps per-process state (address-space maps, file tables,
 * pipe buffers, argument copies) whose sizes are known only at run time, so
 * it needs malloc-like allocation.  Memory comes from frames retyped out of
 * the personality's untyped and mapped at LX_HEAP_BASE upward; it is never
 * returned to the untyped, only reused.  Small blocks come from power-of-two
 * size classes, blocks above LX_HEAP_SMALL_MAX from runs of whole pages. */
#pragma once

#include <stddef.h>

enum { LX_HEAP_SMALL_MAX = 2048 };

void *lx_malloc(size_t size);           /* NULL when out of memory */
void *lx_calloc(size_t n, size_t size); /* zeroed; NULL on overflow or out of memory */
void lx_free(void *p);                  /* NULL is allowed */
char *lx_strdup(const char *s);

/* Pages the heap holds (mapped) and bytes currently handed out: /proc/meminfo. */
size_t lx_heap_pages(void);
size_t lx_heap_in_use(void);

/* The page source: maps `pages` fresh zeroed pages at the heap's end and
 * returns their address, or NULL.  Provided by the environment (kobj.c in
 * the personality, a mmap-based one in host tests). */
void *lx_heap_grow(size_t pages);
