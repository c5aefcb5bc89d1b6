/* kernel/include/kernel/pmem.h — physical memory accounting for boot.
 *
 * Built once from the validated memory map, minus everything in use (low
 * 1 MiB, kernel image, boot information, modules).  The kernel allocates
 * frames from it only while it builds the initial system; afterwards the
 * remaining free ranges are what user space receives (as untyped memory
 * once capabilities exist), and the kernel allocates nothing more. */
#pragma once

#include <kernel/boot_info.h>

enum { PMEM_MAX_RANGES = 128 };

struct pmem_range {
    paddr_t start, end; /* page aligned, [start, end) */
};

void pmem_init(const struct boot_info *info, paddr_t kernel_start, paddr_t kernel_end);
/* A page-aligned, zero-filled frame, or 0 when memory is exhausted.  Only
 * frames below `limit` are returned (early boot reaches < 1 GiB only). */
paddr_t pmem_alloc_frame_below(paddr_t limit);
paddr_t pmem_alloc_frame(void);
/* size bytes aligned to align (a power of two), zero-filled; 0 if none. */
paddr_t pmem_alloc_aligned(uint64_t size, uint64_t align);
uint64_t pmem_free_bytes(void);
/* Highest end address of available RAM (for the physical-memory map). */
paddr_t pmem_ram_end(void);
unsigned pmem_free_ranges(const struct pmem_range **ranges);

/* Pure helper (host-tested): removes [start, end) from a sorted list of
 * disjoint ranges, splitting where needed.  Returns false when the list
 * would overflow `capacity` (the list is then unchanged). */
bool pmem_ranges_subtract(struct pmem_range *ranges, unsigned *count, unsigned capacity, paddr_t start,
                          paddr_t end);
