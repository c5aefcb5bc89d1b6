/* kernel/core/pmem.c — the boot frame allocator (see pmem.h). */
#include <arch/paging.h>
#include <kernel/log.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

enum { LOW_MEMORY_END = 0x100000 }; /* BIOS data, EBDA, VGA, option ROMs */

static struct pmem_range ranges[PMEM_MAX_RANGES];
static unsigned range_count;
static paddr_t ram_end;

static void insert_sorted(paddr_t start, paddr_t end)
{
    if (end <= start || range_count == PMEM_MAX_RANGES)
        return;
    unsigned i = range_count;
    while (i > 0 && ranges[i - 1].start > start) {
        ranges[i] = ranges[i - 1];
        i--;
    }
    ranges[i] = (struct pmem_range){ start, end };
    range_count++;
}

static void subtract(paddr_t start, paddr_t end)
{
    if (!pmem_ranges_subtract(ranges, &range_count, PMEM_MAX_RANGES, ALIGN_DOWN(start, PAGE_SIZE),
                              ALIGN_UP(end, PAGE_SIZE)))
        panic("pmem: memory map too fragmented (more than %u free ranges)", PMEM_MAX_RANGES);
}

void pmem_init(const struct boot_info *info, paddr_t kernel_start, paddr_t kernel_end)
{
    for (unsigned i = 0; i < info->region_count; i++) {
        const struct boot_memory_region *r = &info->regions[i];
        if (r->type != BOOT_MEMORY_AVAILABLE)
            continue;
        paddr_t start = ALIGN_UP(r->base, PAGE_SIZE), end = ALIGN_DOWN(r->base + r->length, PAGE_SIZE);
        if (r->base + r->length > ram_end)
            ram_end = r->base + r->length;
        if (end > start)
            subtract(start, end); /* the map may overlap itself: count such memory once */
        insert_sorted(start, end);
    }
    subtract(0, LOW_MEMORY_END);
    subtract(kernel_start, kernel_end);
    for (unsigned i = 0; i < info->reserved_count; i++)
        subtract(info->reserved[i].start, info->reserved[i].end);
    for (unsigned i = 0; i < info->module_count; i++)
        subtract(info->modules[i].start, info->modules[i].end);
}

paddr_t pmem_alloc_frame_below(paddr_t limit)
{
    for (unsigned i = 0; i < range_count; i++) {
        struct pmem_range *r = &ranges[i];
        if (r->start >= r->end || r->start + PAGE_SIZE > limit)
            continue;
        paddr_t frame = r->start;
        r->start += PAGE_SIZE;
        memset(phys_to_virt(frame), 0, PAGE_SIZE);
        return frame;
    }
    return 0;
}

paddr_t pmem_alloc_aligned(uint64_t size, uint64_t align)
{
    for (unsigned i = 0; i < range_count; i++) {
        paddr_t start = ALIGN_UP(ranges[i].start, align);
        if (start < ranges[i].start || start >= ranges[i].end || size > ranges[i].end - start)
            continue;
        subtract(start, start + size);
        memset(phys_to_virt(start), 0, size);
        return start;
    }
    return 0;
}

paddr_t pmem_alloc_frame(void)
{
    return pmem_alloc_frame_below(UINT64_MAX);
}

uint64_t pmem_free_bytes(void)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < range_count; i++)
        total += ranges[i].end - ranges[i].start;
    return total;
}

paddr_t pmem_ram_end(void)
{
    return ram_end;
}

unsigned pmem_free_ranges(const struct pmem_range **out)
{
    *out = ranges;
    return range_count;
}
