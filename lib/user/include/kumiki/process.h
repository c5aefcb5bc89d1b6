/* lib/user/include/kumiki/process.h — starting a native program from an ELF
 * image in a new address space (the layout of kumiki/program.h), and tearing
 * it down again.  Everything the program is made of comes from one child
 * untyped, so destroying it is one revoke. */
#pragma once

#include <kumiki/alloc.h>
#include <stdbool.h>
#include <stddef.h>

struct kumiki_spawn {
    const void *elf;
    size_t elf_size;
    const char *args;         /* copied to the program's argument page */
    kumiki_cptr_t supervisor; /* an endpoint in the spawner's CSpace */
    uint64_t badge;           /* the program's calls and faults carry it */
    uint64_t priority;
    unsigned memory_bits;         /* log2 of the program's memory budget (untyped) */
    const kumiki_cptr_t *give;    /* capabilities copied (all rights) to the program's */
    unsigned give_count;          /*   slots KUMIKI_PROGRAM_CAP_FIRST_FREE.. in order */
    kumiki_cptr_t scratch_vspace; /* the spawner's VSpace, to fill pages */
    uint64_t scratch_vaddr;       /* a free page-aligned address in it */
    unsigned cnode_radix;         /* its CNode: 2^radix slots (0: KUMIKI_PROGRAM_CNODE_RADIX) */
    bool suspended;               /* true: leave the thread stopped (TCB RESUME starts it) */
};

struct kumiki_process {
    kumiki_cptr_t untyped, tcb, cnode, vspace;
    kumiki_cptr_t first_slot; /* the spawner's slots from here on belong to the process */
};

/* The program's memory comes from a->untyped (give the allocator a pool
 * untyped of its own, so each destroy lets the pool start over).  Returns
 * KE_OK, or an error with *why saying which step failed; either way *p is
 * set so that kumiki_process_destroy cleans up. */
uint64_t kumiki_process_spawn(struct kumiki_allocator *a, const struct kumiki_spawn *s,
                              struct kumiki_process *p, const char **why);
/* KE_OK when the ELF image is one kumiki_process_spawn can load; else
 * KE_INVALID_ARGUMENT and *why says what is wrong with it. */
uint64_t kumiki_program_check(const void *elf, size_t elf_size, const char **why);
/* Revokes the process's untyped: every object of the process is gone, and
 * the spawner's slots it used are free again. */
uint64_t kumiki_process_destroy(struct kumiki_allocator *a, struct kumiki_process *p);
