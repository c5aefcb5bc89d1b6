/* lib/user/include/kumiki/alloc.h — slots and objects for a component that
 * builds others (the root task, supervisors, tests).
 *
 * Slots are handed out upwards from a range of the component's CSpace root
 * CNode; objects are retyped from one untyped capability at a time.  The
 * kernel checks every retype; the allocator only picks where to ask. */
#pragma once

#include <kumiki/abi.h>

struct kumiki_allocator {
    kumiki_cptr_t cspace; /* the CSpace root CNode (slot addresses are its indexes) */
    kumiki_cptr_t next_slot, end_slot;
    kumiki_cptr_t untyped; /* objects come from here */
    unsigned untyped_bits;
};

/* Root task: free slots from the boot info, objects from its largest RAM
 * untyped.  Returns KE_OK or KE_NOT_ENOUGH_MEMORY. */
uint64_t kumiki_alloc_init_root(struct kumiki_allocator *a, const struct kumiki_bootinfo *bi);
kumiki_cptr_t kumiki_alloc_slot(struct kumiki_allocator *a);
/* A new object in a new slot; *out = its address. */
uint64_t kumiki_alloc_object(struct kumiki_allocator *a, uint64_t type, uint64_t size_bits,
                             kumiki_cptr_t *out);

/* Maps frame at vaddr in vspace, making any missing page-table level from
 * the allocator first. */
uint64_t kumiki_map_page(struct kumiki_allocator *a, kumiki_cptr_t vspace, kumiki_cptr_t frame,
                         uint64_t vaddr, uint64_t rights);
/* The same with FRAME MAP attributes (bit 0: uncached, for device memory). */
uint64_t kumiki_map_page_attributes(struct kumiki_allocator *a, kumiki_cptr_t vspace, kumiki_cptr_t frame,
                                    uint64_t vaddr, uint64_t rights, uint64_t attributes);
/* Maps one page-table level (type KUMIKI_OBJ_PAGE_TABLE, _PAGE_DIRECTORY or
 * _PDPT) at vaddr in vspace: the kernel's error, KE_NOT_MAPPED when a level
 * above it is missing.  For servers that make their own tables. */
uint64_t kumiki_map_table(uint64_t type, kumiki_cptr_t table, kumiki_cptr_t vspace, uint64_t vaddr);
