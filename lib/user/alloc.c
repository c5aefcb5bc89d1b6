/* lib/user/alloc.c — see kumiki/alloc.h. */
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>

uint64_t kumiki_alloc_init_root(struct kumiki_allocator *a, const struct kumiki_bootinfo *bi)
{
    a->cspace = KUMIKI_CAP_INIT_CNODE;
    a->next_slot = bi->empty.start;
    a->end_slot = bi->empty.end;
    a->untyped = 0;
    a->untyped_bits = 0;
    for (uint64_t i = 0; i < bi->untyped_count; i++) {
        const struct kumiki_untyped_desc *d = &bi->untyped_list[i];
        if (!d->is_device && d->size_bits > a->untyped_bits) {
            a->untyped = bi->untyped.start + i;
            a->untyped_bits = d->size_bits;
        }
    }
    return a->untyped ? KE_OK : KE_NOT_ENOUGH_MEMORY;
}

kumiki_cptr_t kumiki_alloc_slot(struct kumiki_allocator *a)
{
    return a->next_slot < a->end_slot ? a->next_slot++ : 0;
}

uint64_t kumiki_alloc_object(struct kumiki_allocator *a, uint64_t type, uint64_t size_bits,
                             kumiki_cptr_t *out)
{
    kumiki_cptr_t slot = kumiki_alloc_slot(a);
    if (!slot)
        return KE_RANGE;
    uint64_t e = kumiki_untyped_retype(a->untyped, type, size_bits, a->cspace, 0, 0, slot, 1);
    if (e) {
        a->next_slot--;
        return e;
    }
    *out = slot;
    return KE_OK;
}

/* The table types that may be missing, lowest level first. */
static const uint64_t table_types[] = { KUMIKI_OBJ_PAGE_TABLE, KUMIKI_OBJ_PAGE_DIRECTORY, KUMIKI_OBJ_PDPT };

uint64_t kumiki_map_table(uint64_t type, kumiki_cptr_t table, kumiki_cptr_t vspace, uint64_t vaddr)
{
    switch (type) {
    case KUMIKI_OBJ_PAGE_TABLE: return kumiki_page_table_map(table, vspace, vaddr);
    case KUMIKI_OBJ_PAGE_DIRECTORY: return kumiki_page_directory_map(table, vspace, vaddr);
    default: return kumiki_pdpt_map(table, vspace, vaddr);
    }
}

uint64_t kumiki_map_page(struct kumiki_allocator *a, kumiki_cptr_t vspace, kumiki_cptr_t frame,
                         uint64_t vaddr, uint64_t rights)
{
    return kumiki_map_page_attributes(a, vspace, frame, vaddr, rights, 0);
}

uint64_t kumiki_map_page_attributes(struct kumiki_allocator *a, kumiki_cptr_t vspace, kumiki_cptr_t frame,
                                    uint64_t vaddr, uint64_t rights, uint64_t attributes)
{
    for (unsigned attempt = 0; attempt < 4; attempt++) {
        uint64_t e = kumiki_frame_map(frame, vspace, vaddr, rights, attributes);
        if (e != KE_NOT_MAPPED)
            return e;
        /* Install the lowest missing level; its own map may need the next. */
        for (unsigned level = 0; level < 3; level++) {
            kumiki_cptr_t table;
            e = kumiki_alloc_object(a, table_types[level], 0, &table);
            if (e)
                return e;
            e = kumiki_map_table(table_types[level], table, vspace, vaddr);
            if (e == KE_OK)
                break;
            kumiki_cnode_delete(a->cspace, table, 64);
            if (table == a->next_slot - 1)
                a->next_slot--;
            if (e != KE_NOT_MAPPED)
                return e;
        }
    }
    return KE_NOT_MAPPED;
}
