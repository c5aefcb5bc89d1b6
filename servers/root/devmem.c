/* servers/root/devmem.c — frames at chosen physical addresses (MMIO).
 *
 * A device untyped hands out memory only upwards from its watermark, each
 * object aligned to its size.  To get the frame at offset o of a region
 * whose watermark w is below o, the gap [w, o) is first retyped into
 * "filler" child untypeds (the largest aligned power of two that fits, each
 * time); the frame then comes next.  The fillers are kept as regions of
 * their own, so an address inside one is still reachable later:
 *
 *     device untyped 0xfc000000 (32 MiB)
 *       ├── filler 0xfc000000 16 MiB  (a region: later requests may land here)
 *       └── frame  0xfd000000         (watermark now 0xfd001000)
 *
 * At any time each free device page lies above the watermark of exactly
 * one region, the smallest containing it, so a page below every watermark
 * that contains it has been handed out already.  Frames are cached by
 * address: a page asked for twice (two components sharing a device) gets
 * the same frame, and the callers give out copies. */
#include "root.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

enum { MAX_REGIONS = 512, MAX_FRAMES = 1024, PAGE = 4096 };

struct region {
    kumiki_cptr_t cap;
    uint64_t base, size, used; /* used mirrors the kernel's watermark (we never delete children) */
};

static struct region regions[MAX_REGIONS];
static unsigned region_count;
static struct {
    uint64_t paddr;
    kumiki_cptr_t slot;
} frames[MAX_FRAMES];
static unsigned frame_count;

uint64_t devmem_init(struct root *r)
{
    const struct kumiki_bootinfo *bi = r->bi;
    for (uint64_t i = 0; i < bi->untyped_count && region_count < MAX_REGIONS; i++) {
        const struct kumiki_untyped_desc *d = &bi->untyped_list[i];
        if (d->is_device)
            regions[region_count++] = (struct region){ .cap = bi->untyped.start + i,
                                                       .base = d->paddr,
                                                       .size = 1ull << d->size_bits };
    }
    return KE_OK;
}

bool devmem_contains(const struct root *r, uint64_t paddr)
{
    (void)r;
    for (unsigned i = 0; i < region_count; i++)
        if (paddr >= regions[i].base && paddr - regions[i].base < regions[i].size)
            return true;
    return false;
}

/* The region whose free part holds paddr, or NULL. */
static struct region *region_for(uint64_t paddr)
{
    for (unsigned i = 0; i < region_count; i++) {
        struct region *g = &regions[i];
        if (paddr >= g->base + g->used && paddr - g->base < g->size)
            return g;
    }
    return NULL;
}

static uint64_t retype_into(struct root *r, struct region *g, uint64_t type, unsigned bits,
                            kumiki_cptr_t *slot)
{
    *slot = kumiki_alloc_slot(&r->alloc);
    if (!*slot)
        return KE_RANGE;
    return kumiki_untyped_retype(g->cap, type, bits, r->alloc.cspace, 0, 0, *slot, 1);
}

/* Moves g's watermark up to paddr with fillers. */
static uint64_t fill_up_to(struct root *r, struct region *g, uint64_t paddr, const char **why)
{
    while (g->base + g->used < paddr) {
        uint64_t at = g->base + g->used, gap = paddr - at;
        unsigned bits = 12;
        while (bits < 47 && !(at & (1ull << bits)) && (2ull << bits) <= gap)
            bits++;
        if (region_count == MAX_REGIONS) {
            *why = "too many device memory regions";
            return KE_RANGE;
        }
        struct region *filler = &regions[region_count];
        uint64_t e = retype_into(r, g, KUMIKI_OBJ_UNTYPED, bits, &filler->cap);
        if (e) {
            *why = "retyping device memory below the range";
            return e;
        }
        filler->base = at;
        filler->size = 1ull << bits;
        filler->used = 0;
        region_count++;
        g->used += 1ull << bits;
    }
    return KE_OK;
}

static uint64_t frame_at(struct root *r, uint64_t paddr, kumiki_cptr_t *slot, const char **why)
{
    for (unsigned i = 0; i < frame_count; i++)
        if (frames[i].paddr == paddr) {
            *slot = frames[i].slot;
            return KE_OK;
        }
    struct region *g = region_for(paddr);
    if (!g) {
        *why = "the physical page is not in device memory the root task holds";
        return KE_RANGE;
    }
    if (frame_count == MAX_FRAMES) {
        *why = "too many device frames";
        return KE_RANGE;
    }
    uint64_t e = fill_up_to(r, g, paddr, why);
    if (e)
        return e;
    if ((e = retype_into(r, g, KUMIKI_OBJ_FRAME, 0, slot))) {
        *why = "retyping a device frame";
        return e;
    }
    g->used += PAGE;
    uint64_t got = 0;
    if (kumiki_frame_get_address(*slot, &got) || got != paddr) {
        *why = "a device frame is not at the physical address asked for";
        return KE_ILLEGAL_OPERATION;
    }
    frames[frame_count].paddr = paddr;
    frames[frame_count++].slot = *slot;
    return KE_OK;
}

/* Callers want the frames in consecutive slots: every frame is made first
 * (fillers take slots too), then copies of them (a copy maps like the
 * original) are put in a run of slots. */
uint64_t devmem_frames(struct root *r, uint64_t paddr, uint64_t pages, kumiki_cptr_t *first, const char **why)
{
    *first = 0;
    kumiki_cptr_t frame;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t e = frame_at(r, paddr + i * PAGE, &frame, why);
        if (e)
            return e;
    }
    for (uint64_t i = 0; i < pages; i++) {
        frame_at(r, paddr + i * PAGE, &frame, why); /* cached now */
        kumiki_cptr_t slot = kumiki_alloc_slot(&r->alloc);
        uint64_t e = slot ? kumiki_cnode_copy(r->alloc.cspace, slot, 64, r->alloc.cspace, frame, 64,
                                              KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE)
                          : KE_RANGE;
        if (e) {
            *why = "copying a device frame";
            return e;
        }
        if (!*first)
            *first = slot;
    }
    return KE_OK;
}
