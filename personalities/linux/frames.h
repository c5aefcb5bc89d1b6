/* personalities/linux/frames.h — the pool of 4 KiB frames that hold Linux
 * memory: anonymous pages, page-cache pages of files, page tables' worth of
 * nothing else (kernel page tables come from the process's own untyped).
 *
 * Invariant: every pool frame f (1 <= f < limit) that was ever allocated is
 * mapped read-write in the personality at frame_ptr(f) through its original
 * capability frame_cap(f), for as long as the personality lives.  A Linux
 * mapping of f is a copy of that capability (mm.c owns those copies).  So
 * the personality reads and writes any Linux page without mapping anything,
 * the way a kernel uses its direct map.
 *
 * refcount counts owners: each address space page entry, each page-cache
 * slot, each pipe buffer.  At zero the frame goes back to the free list
 * (zeroed when handed out again). */
#pragma once

#include <kumiki/abi.h>
#include <stdint.h>

typedef uint32_t lx_frame_t; /* 0 = no frame */

/* Frames come from `untyped` up to `max_frames`; frame_ptr(f) is
 * base + f * 4096. */
void frames_init(kumiki_cptr_t untyped, uint64_t base, uint32_t max_frames);
lx_frame_t frame_alloc(void); /* zeroed, refcount 1; 0 when the pool is exhausted */
void frame_ref(lx_frame_t f);
void frame_unref(lx_frame_t f);
uint32_t frame_refcount(lx_frame_t f);
void *frame_ptr(lx_frame_t f);
kumiki_cptr_t frame_cap(lx_frame_t f);
/* Statistics for /proc/meminfo and the tests. */
uint32_t frames_total(void); /* the pool's limit */
uint32_t frames_in_use(void);
