/* kernel/core/pmem_ranges.c — range arithmetic for the boot frame accounting,
 * kept free of any kernel state so the host tests can drive it.
 * Invariant: ranges are sorted, disjoint and non-empty. */
#include <kernel/pmem.h>

bool pmem_ranges_subtract(struct pmem_range *ranges, unsigned *count, unsigned capacity, paddr_t start,
                          paddr_t end)
{
    if (end <= start)
        return true;
    for (unsigned i = 0; i < *count; i++) {
        struct pmem_range r = ranges[i];
        if (r.end <= start || r.start >= end)
            continue;
        if (r.start < start && r.end > end) {
            /* The only range that can overlap a strictly contained hole. */
            if (*count == capacity)
                return false;
            for (unsigned j = *count; j > i + 1; j--)
                ranges[j] = ranges[j - 1];
            ranges[i].end = start;
            ranges[i + 1] = (struct pmem_range){ end, r.end };
            (*count)++;
            return true;
        }
        if (r.start < start)
            ranges[i].end = start;
        else if (r.end > end)
            ranges[i].start = end;
        else
            ranges[i].end = ranges[i].start; /* emptied: removed below */
    }
    unsigned kept = 0;
    for (unsigned i = 0; i < *count; i++)
        if (ranges[i].end > ranges[i].start)
            ranges[kept++] = ranges[i];
    *count = kept;
    return true;
}
