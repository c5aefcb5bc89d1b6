/* personalities/linux/slots.c — see slots.h. */
#include "slots.h"
#include "heap.h"

/* One bit per slot of [first, end); set = free.  The bitmap lives in the
 * personality's static data (a CNode has at most 2^16 slots here). */
enum { SLOTS_MAX = 1 << 16 };
static uint64_t free_bits[SLOTS_MAX / 64];
static kumiki_cptr_t slots_first, slots_end;
static unsigned free_count;
static unsigned search_from; /* no free slot below this word */

void lx_slots_init(kumiki_cptr_t first, kumiki_cptr_t end)
{
    if (end > SLOTS_MAX)
        end = SLOTS_MAX;
    slots_first = first;
    slots_end = end;
    for (kumiki_cptr_t s = first; s < end; s++)
        free_bits[s / 64] |= 1ull << (s % 64);
    free_count = first < end ? (unsigned)(end - first) : 0;
    search_from = (unsigned)(first / 64);
}

kumiki_cptr_t lx_slot_alloc(void)
{
    for (unsigned w = search_from; w < (slots_end + 63) / 64; w++) {
        if (!free_bits[w])
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(free_bits[w]);
        free_bits[w] &= ~(1ull << bit);
        free_count--;
        search_from = w;
        return (kumiki_cptr_t)w * 64 + bit;
    }
    return 0;
}

void lx_slot_free(kumiki_cptr_t slot)
{
    if (slot < slots_first || slot >= slots_end || (free_bits[slot / 64] & (1ull << (slot % 64))))
        return; /* not ours, or freed twice: keep the bitmap honest */
    free_bits[slot / 64] |= 1ull << (slot % 64);
    free_count++;
    if (slot / 64 < search_from)
        search_from = (unsigned)(slot / 64);
}

unsigned lx_slots_free_count(void)
{
    return free_count;
}
