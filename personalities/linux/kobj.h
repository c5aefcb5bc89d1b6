/* personalities/linux/kobj.h — the personality's own kernel objects: where
 * they come from (its untyped), and its own address space (heap, frame
 * pool).  Everything that retypes or maps for the personality itself is
 * here, so the rest of the code asks for memory, not for capabilities. */
#pragma once

#include <kumiki/abi.h>
#include <stdint.h>

/* The personality's own virtual layout (the deployment's resources live at
 * 0x0000700000000000 upward, the program at 0x400000). */
#define LX_HEAP_BASE   0x0000100000000000ull
#define LX_FRAMES_BASE 0x0000200000000000ull

void kobj_init(kumiki_cptr_t untyped);
/* A new object of type/size_bits from the personality's untyped in a new
 * slot; 0 when out of memory or slots. */
kumiki_cptr_t kobj_new(uint64_t type, uint64_t size_bits);
/* Maps frame at vaddr in the personality's own VSpace (read-write), making
 * page tables from the untyped as needed.  KE_* */
uint64_t kobj_map_own(kumiki_cptr_t frame, uint64_t vaddr);
/* Deletes the capability in slot and frees the slot. */
void kobj_delete(kumiki_cptr_t slot);
/* Where the page tables of one VSpace come from.  A table that turned out
 * not to be needed (its level existed) is kept as a spare for the next
 * miss instead of being deleted: deleting would not give its memory back
 * to the untyped. */
struct kobj_tables {
    kumiki_cptr_t spare[3]; /* page table, page directory, PDPT */
    kumiki_cptr_t (*retype)(void *ctx, uint64_t type);
    void *ctx;
};
/* Maps frame at vaddr in vspace with rights, installing missing tables.
 * KE_* */
uint64_t kobj_map_in(kumiki_cptr_t vspace, kumiki_cptr_t frame, uint64_t vaddr, uint64_t rights,
                     struct kobj_tables *tables);
