/* kernel/include/kernel/cspace.h — capability addresses and CNodes.
 *
 * A CSpace is a tree of CNodes.  A CNode capability carries a guard (value,
 * bit count) and the CNode's radix.  Resolving an address takes, at each
 * level, the guard bits (which must equal the guard) and then radix bits as
 * the slot index, from the most significant end of the `depth` bits:
 *
 *     cptr:  | guard (g bits) | index (r bits) | guard | index | ... |
 *              level 1                            level 2
 *
 * Slot 0 of every CNode holds the CNode's header (the kernel's bookkeeping
 * for deletion), so index 0 never resolves: address 0 is always null.  Pure
 * code: tested on the host with fabricated CNodes. */
#pragma once

#include <kernel/cap.h>

/* The header in slot 0 of every CNode. */
struct cnode_header {
    uint64_t radix;
    struct cte *next_doomed; /* slot array of the next CNode awaiting cleanup */
    uint64_t cleanup_index;  /* next slot to empty while dying */
    uint64_t dying;
    uint64_t unused[4];
};
_Static_assert(sizeof(struct cnode_header) == sizeof(struct cte), "header fills slot 0");

static inline struct cte *cnode_slots(const struct cap *c)
{
    return (struct cte *)(uintptr_t)c->object;
}
static inline struct cnode_header *cnode_header(struct cte *slots)
{
    return (struct cnode_header *)(void *)slots;
}

struct lookup_result {
    uint64_t error; /* KE_OK, KE_FAILED_LOOKUP, KE_RANGE */
    struct cte *slot;
};

/* Resolves cptr (its low `depth` bits) from the CNode capability `root`.
 * exact: every one of the depth bits must be consumed (CNode operations);
 * otherwise resolution stops at the first slot that does not hold a CNode
 * (capability lookups for system calls, depth 64). */
struct lookup_result cspace_lookup(const struct cap *root, uint64_t cptr, unsigned depth, bool exact);

/* The slot at (index, depth) below the CNode capability `root`, resolved
 * exactly, as invocations name their destinations: KE_WRONG_TYPE if root
 * is not a CNode, the lookup's error, else KE_OK with *out set. */
uint64_t cspace_lookup_slot(const struct cap *root, uint64_t index, uint64_t depth, struct cte **out);
/* The same, and the slot must be empty (KE_DELETE_FIRST otherwise). */
uint64_t cspace_lookup_empty_slot(const struct cap *root, uint64_t index, uint64_t depth, struct cte **out);
