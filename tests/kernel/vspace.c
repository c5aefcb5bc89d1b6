/* tests/kernel/vspace.c — frames and page tables: map, unmap, remap with
 * other rights, missing levels, occupied entries, alignment, the kernel
 * half, physical addresses, 2 MiB frames, and unmapping after the address
 * space is gone. */
#include "groups.h"
#include "probe.h"

#define ROOT   KUMIKI_CAP_INIT_CNODE
#define VSPACE KUMIKI_CAP_INIT_VSPACE
#define RW     (KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE)

#define CHECK_PROBE(va, access, r) CHECK_OK(probe(va, access, r))

static void map_write_read_unmap(void)
{
    kumiki_cptr_t frame;
    uint64_t va;
    struct probe_result r;
    CHECK_OK(kt_new_mapped_frame(&frame, &va));
    *(volatile uint64_t *)(va + 8) = 0xfeed;
    CHECK_PROBE(va + 8, PROBE_READ, &r);
    CHECK(!r.faulted);
    CHECK_EQ(r.value, 0xfeed);
    CHECK_PROBE(va, PROBE_WRITE, &r);
    CHECK(!r.faulted);
    CHECK_EQ(*(volatile uint64_t *)va, 0x77);
    CHECK_OK(kumiki_frame_unmap(frame));
    CHECK_PROBE(va + 8, PROBE_READ, &r);
    CHECK(r.faulted);
    CHECK_EQ(r.address, va + 8);
    CHECK_EQ(r.error_code & 3, 0);       /* not present, read */
    CHECK_OK(kumiki_frame_unmap(frame)); /* twice is harmless */
    /* mapped again, the contents are still there */
    CHECK_OK(kt_map(frame, va, KUMIKI_RIGHT_READ));
    CHECK_PROBE(va + 8, PROBE_READ, &r);
    CHECK_EQ(r.value, 0xfeed);
}

static void remap_changes_rights(void)
{
    kumiki_cptr_t frame;
    uint64_t va;
    struct probe_result r;
    CHECK_OK(kt_new_mapped_frame(&frame, &va));
    CHECK_OK(kumiki_frame_map(frame, VSPACE, va, KUMIKI_RIGHT_READ, 0));
    CHECK_PROBE(va, PROBE_WRITE, &r);
    CHECK(r.faulted);
    CHECK_EQ(r.error_code & 3, 3); /* protection, write */
    CHECK_PROBE(va, PROBE_READ, &r);
    CHECK(!r.faulted);
    CHECK_OK(kumiki_frame_map(frame, VSPACE, va, RW, 0));
    CHECK_PROBE(va, PROBE_WRITE, &r);
    CHECK(!r.faulted);
    /* a mapping must be readable */
    CHECK_ERR(kumiki_frame_map(frame, VSPACE, va, KUMIKI_RIGHT_WRITE, 0), KE_INVALID_ARGUMENT);
    CHECK_ERR(kumiki_frame_map(frame, VSPACE, va, 0, 0), KE_INVALID_ARGUMENT);
}

static void capability_rights_limit_the_mapping(void)
{
    kumiki_cptr_t frame, no_exec = kt_slot(), no_read = kt_slot();
    struct probe_result r;
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kumiki_cnode_copy(ROOT, no_exec, 64, ROOT, frame, 64, RW));
    CHECK_OK(kumiki_cnode_copy(ROOT, no_read, 64, ROOT, frame, 64, KUMIKI_RIGHT_WRITE));
    uint64_t va = kt_vaddr(4096, 4096), va2 = kt_vaddr(4096, 4096);
    /* code: mov $0x5a5a, %eax; ret */
    CHECK_OK(kt_map(frame, va, RW));
    static const uint8_t code[] = { 0xb8, 0x5a, 0x5a, 0x00, 0x00, 0xc3 };
    memcpy((void *)va, code, sizeof(code));
    CHECK_PROBE(va, PROBE_EXECUTE, &r);
    CHECK(r.faulted);
    CHECK_EQ(r.is_fetch, 1);
    CHECK_EQ(r.address, va);
    CHECK_OK(kumiki_frame_map(frame, VSPACE, va, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_EXECUTE, 0));
    CHECK_PROBE(va, PROBE_EXECUTE, &r);
    CHECK(!r.faulted);
    CHECK_EQ(r.value, 0x5a5a);
    /* a copy without EXECUTE cannot map it executable */
    CHECK_OK(kt_map(no_exec, va2, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_EXECUTE));
    CHECK_PROBE(va2, PROBE_EXECUTE, &r);
    CHECK(r.faulted);
    CHECK_EQ(r.is_fetch, 1);
    /* without READ on the capability there is nothing to map: MAP needs READ */
    CHECK_ERR(kumiki_frame_map(no_read, VSPACE, kt_vaddr(4096, 4096), RW, 0), KE_MISSING_RIGHT);
    /* a read-only capability maps, read-only even when asked for more */
    kumiki_cptr_t read_only = kt_slot();
    uint64_t va3 = kt_vaddr(4096, 4096);
    CHECK_OK(kumiki_cnode_copy(ROOT, read_only, 64, ROOT, frame, 64, KUMIKI_RIGHT_READ));
    CHECK_OK(kumiki_frame_map(read_only, VSPACE, va3, RW, 0));
    CHECK_PROBE(va3, PROBE_WRITE, &r);
    CHECK(r.faulted);
}

static void missing_levels_and_occupied_entries(void)
{
    kumiki_cptr_t pml4, pdpt, pdpt2, pd, pt, pt2, frame, frame2, large;
    CHECK_OK(kt_new(KUMIKI_OBJ_PML4, 0, &pml4));
    CHECK_OK(kt_new(KUMIKI_OBJ_PDPT, 0, &pdpt));
    CHECK_OK(kt_new(KUMIKI_OBJ_PDPT, 0, &pdpt2));
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_DIRECTORY, 0, &pd));
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_TABLE, 0, &pt));
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_TABLE, 0, &pt2));
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame2));
    CHECK_OK(kt_new(KUMIKI_OBJ_LARGE_FRAME, 0, &large));
    const uint64_t va = 0x0000123440000000ull; /* 1 GiB aligned */
    CHECK_ERR(kumiki_frame_map(frame, pml4, va, RW, 0), KE_NOT_MAPPED);
    CHECK_ERR(kumiki_page_table_map(pt, pml4, va), KE_NOT_MAPPED);
    CHECK_ERR(kumiki_page_directory_map(pd, pml4, va), KE_NOT_MAPPED);
    CHECK_OK(kumiki_pdpt_map(pdpt, pml4, va));
    CHECK_ERR(kumiki_pdpt_map(pdpt2, pml4, va + 0x1000), KE_ALREADY_MAPPED); /* same 512 GiB */
    CHECK_ERR(kumiki_pdpt_map(pdpt, pml4, 0), KE_ALREADY_MAPPED);            /* this one is in use */
    CHECK_ERR(kumiki_frame_map(frame, pml4, va, RW, 0), KE_NOT_MAPPED);
    CHECK_OK(kumiki_page_directory_map(pd, pml4, va));
    CHECK_ERR(kumiki_frame_map(frame, pml4, va, RW, 0), KE_NOT_MAPPED);
    CHECK_OK(kumiki_page_table_map(pt, pml4, va));
    CHECK_ERR(kumiki_page_table_map(pt2, pml4, va + 0x1000), KE_ALREADY_MAPPED);
    CHECK_OK(kumiki_frame_map(frame, pml4, va, RW, 0));
    CHECK_ERR(kumiki_frame_map(frame2, pml4, va, RW, 0), KE_ALREADY_MAPPED);
    CHECK_ERR(kumiki_frame_map(frame, pml4, va + 0x1000, RW, 0), KE_ALREADY_MAPPED); /* one mapping per cap */
    CHECK_ERR(kumiki_frame_map(frame, VSPACE, kt_vaddr(4096, 4096), RW, 0), KE_ALREADY_MAPPED);
    CHECK_OK(kumiki_frame_map(frame2, pml4, va + 0x1000, RW, 0));
    /* a 2 MiB frame where a page table is, and next to it */
    CHECK_ERR(kumiki_frame_map(large, pml4, va, RW, 0), KE_ALREADY_MAPPED);
    CHECK_OK(kumiki_frame_map(large, pml4, va + 0x200000, RW, 0));
    CHECK_ERR(kumiki_page_table_map(pt2, pml4, va + 0x200000), KE_ALREADY_MAPPED);
    /* the wrong VSpace argument */
    CHECK_ERR(kumiki_page_table_map(pt2, pd, va + 0x400000), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_frame_map(frame2, frame, va, RW, 0), KE_WRONG_TYPE);
}

static void alignment_and_range(void)
{
    kumiki_cptr_t frame, large, pdpt, pt;
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_new(KUMIKI_OBJ_LARGE_FRAME, 0, &large));
    CHECK_OK(kt_new(KUMIKI_OBJ_PDPT, 0, &pdpt));
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_TABLE, 0, &pt));
    uint64_t va = kt_vaddr(0x400000, 0x200000);
    CHECK_ERR(kumiki_frame_map(frame, VSPACE, va + 8, RW, 0), KE_ALIGNMENT);
    CHECK_ERR(kumiki_frame_map(frame, VSPACE, va + 0x800, RW, 0), KE_ALIGNMENT);
    CHECK_ERR(kumiki_frame_map(large, VSPACE, va + 0x1000, RW, 0), KE_ALIGNMENT);
    static const uint64_t outside[] = { 0,
                                        0x00007ffffffff000ull,
                                        0x0000800000000000ull,
                                        0xffff800000000000ull,
                                        0xffffffff80000000ull,
                                        0xfffffffffffff000ull };
    for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
        CHECK_ERR(kumiki_frame_map(frame, VSPACE, outside[i], RW, 0), KE_RANGE);
    /* a 2 MiB frame that would reach past the user half */
    CHECK_ERR(kumiki_frame_map(large, VSPACE, 0x00007fffffe00000ull, RW, 0), KE_RANGE);
    CHECK_ERR(kumiki_pdpt_map(pdpt, VSPACE, 0xffff800000000000ull), KE_RANGE);
    CHECK_ERR(kumiki_pdpt_map(pdpt, VSPACE, 0xffffff8000000000ull), KE_RANGE);
    CHECK_ERR(kumiki_page_table_map(pt, VSPACE, 0xffffffff80000000ull), KE_RANGE);
    CHECK_OK(kt_map(frame, va, RW));
}

static void physical_addresses(void)
{
    kumiki_cptr_t ut, frame, copy = kt_slot(), large, pt, pml4;
    uint64_t a = 0, b = 1, l = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_UNTYPED, 22, &ut));
    frame = kt_slot();
    large = kt_slot();
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_FRAME, 0, ROOT, 0, 0, frame, 1));
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_LARGE_FRAME, 0, ROOT, 0, 0, large, 1));
    CHECK_OK(kumiki_cnode_copy(ROOT, copy, 64, ROOT, frame, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_frame_get_address(frame, &a));
    CHECK_OK(kumiki_frame_get_address(copy, &b));
    CHECK_EQ(a, b);
    CHECK_EQ(a & 0xfff, 0);
    CHECK_OK(kumiki_large_frame_get_address(large, &l));
    CHECK_EQ(l & 0x1fffff, 0);
    CHECK_EQ(l, a + 0x200000); /* the untyped's first 4 KiB, then the next 2 MiB boundary */
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_TABLE, 0, &pt));
    CHECK_OK(kt_new(KUMIKI_OBJ_PML4, 0, &pml4));
    CHECK_ERR(kumiki_frame_get_address(pt, &a), KE_UNKNOWN_INVOCATION);
    CHECK_ERR(kumiki_invoke(pml4, KUMIKI_FRAME_UNMAP, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
    CHECK_ERR(kumiki_invoke(frame, 9, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
}

static void large_frames(void)
{
    kumiki_cptr_t large;
    struct probe_result r;
    CHECK_OK(kt_new(KUMIKI_OBJ_LARGE_FRAME, 0, &large));
    uint64_t va = kt_vaddr(0x200000, 0x200000);
    /* a page directory is needed, no page table */
    CHECK_OK(kt_map(large, va, RW));
    volatile uint64_t *p = (volatile uint64_t *)va;
    p[0] = 1;
    p[0x200000 / 8 - 1] = 2;
    CHECK_PROBE(va + 0x123458, PROBE_WRITE, &r);
    CHECK(!r.faulted);
    CHECK_EQ(p[0x123458 / 8], 0x77);
    CHECK_EQ(p[0], 1);
    CHECK_EQ(p[0x200000 / 8 - 1], 2);
    CHECK_OK(kumiki_large_frame_unmap(large));
    CHECK_PROBE(va + 0x1ff000, PROBE_READ, &r);
    CHECK(r.faulted);
}

static void shared_frame_two_mappings(void)
{
    kumiki_cptr_t frame, copy = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kumiki_cnode_copy(ROOT, copy, 64, ROOT, frame, 64, KUMIKI_RIGHTS_ALL));
    uint64_t a = kt_vaddr(4096, 4096), b = kt_vaddr(4096, 4096);
    CHECK_OK(kt_map(frame, a, RW));
    CHECK_OK(kt_map(copy, b, KUMIKI_RIGHT_READ));
    *(volatile uint64_t *)(a + 64) = 0xc0ffee;
    CHECK_EQ(*(volatile uint64_t *)(b + 64), 0xc0ffee);
    /* deleting one capability removes its mapping only */
    CHECK_OK(kumiki_cnode_delete(ROOT, frame, 64));
    CHECK_EQ(*(volatile uint64_t *)(b + 64), 0xc0ffee);
    struct probe_result r;
    CHECK_PROBE(a + 64, PROBE_READ, &r);
    CHECK(r.faulted);
}

static void unmap_after_vspace_is_gone(void)
{
    kumiki_cptr_t pml4, pdpt, pd, pt, frame, large, pml4b;
    CHECK_OK(kt_new(KUMIKI_OBJ_PML4, 0, &pml4));
    CHECK_OK(kt_new(KUMIKI_OBJ_PDPT, 0, &pdpt));
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_DIRECTORY, 0, &pd));
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_TABLE, 0, &pt));
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_new(KUMIKI_OBJ_LARGE_FRAME, 0, &large));
    const uint64_t va = 0x40000000;
    CHECK_OK(kumiki_pdpt_map(pdpt, pml4, va));
    CHECK_OK(kumiki_page_directory_map(pd, pml4, va));
    CHECK_OK(kumiki_page_table_map(pt, pml4, va));
    CHECK_OK(kumiki_frame_map(frame, pml4, va, RW, 0));
    CHECK_OK(kumiki_frame_map(large, pml4, va + 0x200000, RW, 0));
    CHECK_OK(kumiki_cnode_delete(ROOT, pml4, 64));
    /* a new address space (it may get the old one's ASID) */
    CHECK_OK(kt_new(KUMIKI_OBJ_PML4, 0, &pml4b));
    CHECK_OK(kumiki_frame_unmap(frame));
    CHECK_OK(kumiki_large_frame_unmap(large));
    CHECK_OK(kumiki_page_table_unmap(pt));
    CHECK_OK(kumiki_page_directory_unmap(pd));
    CHECK_OK(kumiki_pdpt_unmap(pdpt));
    /* everything can be used again */
    CHECK_OK(kumiki_pdpt_map(pdpt, pml4b, va));
    CHECK_OK(kumiki_page_directory_map(pd, pml4b, va));
    CHECK_OK(kumiki_page_table_map(pt, pml4b, va));
    CHECK_OK(kumiki_frame_map(frame, pml4b, va, RW, 0));
    CHECK_OK(kt_map(large, kt_vaddr(0x200000, 0x200000), RW));
    /* and deleting the tables out from under mapped frames is safe too */
    CHECK_OK(kumiki_cnode_delete(ROOT, pt, 64));
    CHECK_OK(kumiki_cnode_delete(ROOT, pdpt, 64));
    CHECK_OK(kumiki_frame_unmap(frame));
    CHECK_OK(kumiki_cnode_delete(ROOT, pml4b, 64));
    CHECK_ERR(kumiki_frame_map(frame, pml4b, va, RW, 0), KE_WRONG_TYPE); /* the slot is empty now */
}

static void unmapping_a_page_table(void)
{
    kumiki_cptr_t pt, frame;
    struct probe_result r;
    uint64_t va = kt_vaddr(0x200000, 0x200000);
    CHECK_OK(kt_new(KUMIKI_OBJ_PAGE_TABLE, 0, &pt));
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kumiki_frame_map(frame, VSPACE, va, RW, 0) == KE_NOT_MAPPED ? KE_OK : KE_INVALID_ARGUMENT);
    /* make the upper levels exist with a throwaway frame elsewhere in the 1 GiB */
    kumiki_cptr_t other;
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &other));
    CHECK_OK(kt_map(other, va + 0x200000, RW));
    CHECK_OK(kumiki_page_table_map(pt, VSPACE, va));
    CHECK_OK(kumiki_frame_map(frame, VSPACE, va, RW, 0));
    *(volatile uint64_t *)va = 5;
    CHECK_OK(kumiki_page_table_unmap(pt));
    CHECK_PROBE(va, PROBE_READ, &r);
    CHECK(r.faulted);
    /* the frame's capability still records its mapping until unmapped */
    CHECK_ERR(kumiki_frame_map(frame, VSPACE, kt_vaddr(4096, 4096), RW, 0), KE_ALREADY_MAPPED);
    CHECK_OK(kumiki_frame_unmap(frame));
    CHECK_OK(kumiki_page_table_map(pt, VSPACE, va));
    CHECK_PROBE(va, PROBE_READ, &r);
    CHECK(r.faulted); /* the table kept no entry for the unmapped frame */
    CHECK_OK(kumiki_frame_map(frame, VSPACE, va, KUMIKI_RIGHT_READ, 0));
    CHECK_PROBE(va, PROBE_READ, &r);
    CHECK(!r.faulted);
    CHECK_EQ(r.value, 5);
}

const struct ktest vspace_tests[] = {
    { "vspace: map, write, read, unmap", map_write_read_unmap },
    { "vspace: remapping changes the rights (read-only: writes fault)", remap_changes_rights },
    { "vspace: capability rights limit the mapping (execute)", capability_rights_limit_the_mapping },
    { "vspace: missing levels NOT_MAPPED, occupied ALREADY_MAPPED", missing_levels_and_occupied_entries },
    { "vspace: ALIGNMENT, and RANGE outside the user half", alignment_and_range },
    { "vspace: GET_ADDRESS", physical_addresses },
    { "vspace: 2 MiB frames", large_frames },
    { "vspace: one frame, two mappings", shared_frame_two_mappings },
    { "vspace: unmap after the VSpace is gone", unmap_after_vspace_is_gone },
    { "vspace: unmapping a page table", unmapping_a_page_table },
    { NULL, NULL },
};
