/* servers/root/globals.c — the objects components share, made once and
 * kept by the root task across restarts: the supervisor endpoint, one
 * endpoint per manifest endpoint, and the frames of each shared region.
 * (MMIO frames are made per declaration, in component.c, through
 * devmem.c; they too are kept by the root task.) */
#include "root.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

uint64_t root_ram_untyped(struct root *r, unsigned bits, kumiki_cptr_t *out)
{
    uint64_t e = kumiki_alloc_object(&r->alloc, KUMIKI_OBJ_UNTYPED, bits, out);
    for (uint64_t i = 0; e == KE_NOT_ENOUGH_MEMORY && i < r->bi->untyped_count; i++) {
        const struct kumiki_untyped_desc *d = &r->bi->untyped_list[i];
        if (d->is_device || d->size_bits < bits)
            continue;
        struct kumiki_allocator other = r->alloc;
        other.untyped = r->bi->untyped.start + i;
        if ((e = kumiki_alloc_object(&other, KUMIKI_OBJ_UNTYPED, bits, out)) == KE_OK)
            r->alloc.next_slot = other.next_slot;
    }
    return e;
}

static uint64_t object_of(kumiki_cptr_t slot, uint64_t *object)
{
    uint64_t info, data;
    return kumiki_slot_info(KUMIKI_CAP_INIT_CNODE, slot, &info, &data, object);
}

/* `count` new objects in consecutive root slots, from any RAM untyped. */
static uint64_t objects(struct root *r, uint64_t type, uint64_t count, kumiki_cptr_t *first)
{
    if (r->alloc.end_slot - r->alloc.next_slot < count)
        return KE_RANGE;
    *first = r->alloc.next_slot;
    uint64_t e = kumiki_untyped_retype(r->alloc.untyped, type, 0, r->alloc.cspace, 0, 0, *first, count);
    for (uint64_t i = 0; e == KE_NOT_ENOUGH_MEMORY && i < r->bi->untyped_count; i++)
        if (!r->bi->untyped_list[i].is_device)
            e = kumiki_untyped_retype(r->bi->untyped.start + i, type, 0, r->alloc.cspace, 0, 0, *first,
                                      count);
    if (!e)
        r->alloc.next_slot += count;
    return e;
}

uint64_t globals_create(struct root *r, const char **why)
{
    const struct kdm_header *h = r->header;
    uint64_t e;
    *why = "creating the supervisor endpoint";
    if ((e = objects(r, KUMIKI_OBJ_ENDPOINT, 1, &r->supervisor)) ||
        (e = object_of(r->supervisor, &r->supervisor_object)))
        return e;
    *why = "creating the endpoints";
    kumiki_cptr_t first = 0;
    if (h->endpoint_count && (e = objects(r, KUMIKI_OBJ_ENDPOINT, h->endpoint_count, &first)))
        return e;
    for (uint32_t i = 0; i < h->endpoint_count; i++) {
        r->endpoints[i] = first + i;
        if ((e = object_of(first + i, &r->endpoint_objects[i])))
            return e;
    }
    *why = "creating the shared regions' frames";
    const struct kdm_shared *shared = (const void *)((const char *)r->manifest + h->shared_offset);
    for (uint32_t i = 0; i < h->shared_count; i++) {
        struct shared_region *s = &r->shared[i];
        s->pages = shared[i].size / 4096;
        if ((e = objects(r, KUMIKI_OBJ_FRAME, s->pages, &s->first_frame)) ||
            (e = kumiki_frame_get_address(s->first_frame, &s->paddr)))
            return e;
    }
    return KE_OK;
}
