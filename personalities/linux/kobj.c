/* personalities/linux/kobj.c — see kobj.h. */
#include "kobj.h"
#include "heap.h"
#include "slots.h"
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

static kumiki_cptr_t own_untyped;
static uint64_t heap_end = LX_HEAP_BASE;

void kobj_init(kumiki_cptr_t untyped)
{
    own_untyped = untyped;
}

kumiki_cptr_t kobj_new(uint64_t type, uint64_t size_bits)
{
    kumiki_cptr_t slot = lx_slot_alloc();
    if (!slot)
        return 0;
    if (kumiki_untyped_retype(own_untyped, type, size_bits, KUMIKI_PROGRAM_CAP_CNODE, 0, 0, slot, 1)) {
        lx_slot_free(slot);
        return 0;
    }
    return slot;
}

void kobj_delete(kumiki_cptr_t slot)
{
    if (!slot)
        return;
    kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, slot, 64);
    lx_slot_free(slot);
}

/* Tries the mapping; on NOT_MAPPED installs the lowest missing table level
 * (the kernel says only that some level is missing) and tries again. */
uint64_t kobj_map_in(kumiki_cptr_t vspace, kumiki_cptr_t frame, uint64_t vaddr, uint64_t rights,
                     struct kobj_tables *tables)
{
    static const uint64_t levels[] = { KUMIKI_OBJ_PAGE_TABLE, KUMIKI_OBJ_PAGE_DIRECTORY, KUMIKI_OBJ_PDPT };
    for (unsigned attempt = 0; attempt < 4; attempt++) {
        uint64_t e = kumiki_frame_map(frame, vspace, vaddr, rights, 0);
        if (e != KE_NOT_MAPPED)
            return e;
        for (unsigned l = 0; l < 3; l++) {
            kumiki_cptr_t table = tables->spare[l];
            tables->spare[l] = 0;
            if (!table && !(table = tables->retype(tables->ctx, levels[l])))
                return KE_NOT_ENOUGH_MEMORY;
            e = kumiki_map_table(levels[l], table, vspace, vaddr);
            if (e == KE_OK)
                break;
            tables->spare[l] = table; /* this level exists, or a higher one is missing */
            if (e != KE_NOT_MAPPED)
                return e;
        }
    }
    return KE_NOT_MAPPED;
}

static kumiki_cptr_t own_retype(void *ctx, uint64_t type)
{
    (void)ctx;
    return kobj_new(type, 0);
}

static struct kobj_tables own_tables = { .retype = own_retype };

uint64_t kobj_map_own(kumiki_cptr_t frame, uint64_t vaddr)
{
    return kobj_map_in(KUMIKI_PROGRAM_CAP_VSPACE, frame, vaddr, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE,
                       &own_tables);
}

void *lx_heap_grow(size_t pages)
{
    uint64_t start = heap_end;
    for (size_t i = 0; i < pages; i++) {
        kumiki_cptr_t frame = kobj_new(KUMIKI_OBJ_FRAME, 0);
        if (!frame || kobj_map_own(frame, heap_end)) {
            kobj_delete(frame);
            return NULL; /* the pages mapped so far stay for the next request */
        }
        heap_end += 4096;
    }
    return (void *)start;
}
