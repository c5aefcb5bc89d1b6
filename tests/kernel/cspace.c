/* tests/kernel/cspace.c — capability addresses: guarded multi-level lookup,
 * depths, slot 0, and deleting CNodes that hold CNodes. */
#include "groups.h"
#include "ktest.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

/* A two-level CSpace: top (radix 4, no guard); its slot 3 holds `inner`
 * (radix 4) with a 3-bit guard of 5.  An address of inner's slot i from
 * top, depth 11: | top index 3 (4 bits) | guard 5 (3 bits) | i (4 bits) |. */
enum { TOP_SLOT = 3, GUARD = 5, GUARD_BITS = 3, RADIX = 4, DEPTH = RADIX + GUARD_BITS + RADIX };

static uint64_t inner_address(uint64_t guard, uint64_t index)
{
    return ((uint64_t)TOP_SLOT << (GUARD_BITS + RADIX)) | (guard << RADIX) | index;
}

static uint64_t make_two_levels(kumiki_cptr_t *top, kumiki_cptr_t *inner)
{
    uint64_t e = kt_new(KUMIKI_OBJ_CNODE, RADIX, top);
    if (!e)
        e = kt_new(KUMIKI_OBJ_CNODE, RADIX, inner);
    if (!e)
        e = kumiki_cnode_mint(*top, TOP_SLOT, RADIX, ROOT, *inner, 64, KUMIKI_RIGHTS_ALL,
                              (GUARD << 6) | GUARD_BITS);
    return e;
}

static void two_level_lookup(void)
{
    kumiki_cptr_t top, inner, n, back = kt_slot(), back2 = kt_slot();
    CHECK_OK(make_two_levels(&top, &inner));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    /* into inner slot 7, addressed from top */
    CHECK_OK(kumiki_cnode_copy(top, inner_address(GUARD, 7), DEPTH, ROOT, n, 64, KUMIKI_RIGHTS_ALL));
    /* inner's own capability (no guard) sees it at index 7, depth 4 */
    CHECK_OK(kumiki_cnode_copy(ROOT, back, 64, inner, 7, RADIX, KUMIKI_RIGHTS_ALL));
    CHECK_EQ(kumiki_cap_type(back), KUMIKI_OBJ_NOTIFICATION);
    /* and back out from top into the root CNode */
    CHECK_OK(kumiki_cnode_copy(ROOT, back2, 64, top, inner_address(GUARD, 7), DEPTH, KUMIKI_RIGHTS_ALL));
    CHECK_EQ(kumiki_cap_type(back2), KUMIKI_OBJ_NOTIFICATION);
    /* delete through the long address */
    CHECK_OK(kumiki_cnode_delete(top, inner_address(GUARD, 7), DEPTH));
    CHECK_ERR(kumiki_cnode_copy(ROOT, kt_slot(), 64, inner, 7, RADIX, KUMIKI_RIGHTS_ALL),
              KE_INVALID_CAPABILITY);
}

static void guard_and_depth_mismatch(void)
{
    kumiki_cptr_t top, inner, n, dest = kt_slot();
    CHECK_OK(make_two_levels(&top, &inner));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kumiki_cnode_copy(inner, 7, RADIX, ROOT, n, 64, KUMIKI_RIGHTS_ALL));
    for (uint64_t guard = 0; guard < 8; guard++)
        if (guard != GUARD)
            CHECK_ERR(
                kumiki_cnode_copy(ROOT, dest, 64, top, inner_address(guard, 7), DEPTH, KUMIKI_RIGHTS_ALL),
                KE_FAILED_LOOKUP);
    /* depth ending inside inner's guard or index */
    CHECK_ERR(
        kumiki_cnode_copy(ROOT, dest, 64, top, inner_address(GUARD, 7) >> 1, DEPTH - 1, KUMIKI_RIGHTS_ALL),
        KE_FAILED_LOOKUP);
    CHECK_ERR(
        kumiki_cnode_copy(ROOT, dest, 64, top, inner_address(GUARD, 7) >> 5, DEPTH - 5, KUMIKI_RIGHTS_ALL),
        KE_FAILED_LOOKUP);
    /* depth longer than the CSpace: the extra bits go past inner, which
     * holds a notification, not a CNode */
    CHECK_ERR(
        kumiki_cnode_copy(ROOT, dest, 64, top, inner_address(GUARD, 7) << 2, DEPTH + 2, KUMIKI_RIGHTS_ALL),
        KE_FAILED_LOOKUP);
    /* depths that are not depths */
    CHECK_ERR(kumiki_cnode_copy(ROOT, dest, 64, top, 3, 0, KUMIKI_RIGHTS_ALL), KE_RANGE);
    CHECK_ERR(kumiki_cnode_copy(ROOT, dest, 64, top, 3, 65, KUMIKI_RIGHTS_ALL), KE_RANGE);
    CHECK_ERR(kumiki_cnode_copy(ROOT, dest, 65, ROOT, n, 64, KUMIKI_RIGHTS_ALL), KE_RANGE);
    CHECK_ERR(kumiki_cnode_copy(ROOT, dest, 1ull << 40, ROOT, n, 64, KUMIKI_RIGHTS_ALL), KE_RANGE);
    CHECK_EQ(kumiki_cap_type(dest), KUMIKI_OBJ_NULL);
    /* the exact address works */
    CHECK_OK(kumiki_cnode_copy(ROOT, dest, 64, top, inner_address(GUARD, 7), DEPTH, KUMIKI_RIGHTS_ALL));
}

static void guard_values_out_of_range(void)
{
    kumiki_cptr_t node, slot = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_CNODE, 4, &node));
    /* guard bits + radix > 64 */
    CHECK_ERR(kumiki_cnode_mint(ROOT, slot, 64, ROOT, node, 64, KUMIKI_RIGHTS_ALL, 61), KE_RANGE);
    /* a value wider than its bit count */
    CHECK_ERR(kumiki_cnode_mint(ROOT, slot, 64, ROOT, node, 64, KUMIKI_RIGHTS_ALL, (8 << 6) | 3), KE_RANGE);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    CHECK_OK(kumiki_cnode_mint(ROOT, slot, 64, ROOT, node, 64, KUMIKI_RIGHTS_ALL, (7 << 6) | 3));
}

/* A CSpace of 64-bit addresses built by hand: a CNode of radix 8 with a
 * 56-bit guard of 0 resolves word-sized addresses like the root's. */
static void full_width_guard(void)
{
    kumiki_cptr_t node, guarded = kt_slot(), n, back = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_CNODE, 8, &node));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kumiki_cnode_mint(ROOT, guarded, 64, ROOT, node, 64, KUMIKI_RIGHTS_ALL, 56));
    CHECK_OK(kumiki_cnode_copy(guarded, 200, 64, ROOT, n, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_copy(ROOT, back, 64, node, 200, 8, KUMIKI_RIGHTS_ALL));
    CHECK_EQ(kumiki_cap_type(back), KUMIKI_OBJ_NOTIFICATION);
    /* any bit set in the guard part fails */
    CHECK_ERR(kumiki_cnode_copy(ROOT, kt_slot(), 64, guarded, (1ull << 63) | 200, 64, KUMIKI_RIGHTS_ALL),
              KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_cnode_copy(ROOT, kt_slot(), 64, guarded, (1ull << 8) | 200, 64, KUMIKI_RIGHTS_ALL),
              KE_FAILED_LOOKUP);
}

static void slot_zero_is_never_addressable(void)
{
    kumiki_cptr_t node, n, slot = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_CNODE, 4, &node));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_ERR(kumiki_cnode_copy(ROOT, 0, 64, ROOT, n, 64, KUMIKI_RIGHTS_ALL), KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_cnode_copy(ROOT, slot, 64, ROOT, 0, 64, KUMIKI_RIGHTS_ALL), KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_cnode_copy(node, 0, 4, ROOT, n, 64, KUMIKI_RIGHTS_ALL), KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_cnode_delete(node, 0, 4), KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_cnode_revoke(ROOT, 0, 64), KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_cnode_move(node, 0, 4, ROOT, n, 64), KE_FAILED_LOOKUP);
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 0, 1), KE_RANGE);
    CHECK_EQ(kumiki_cap_type(0), KUMIKI_OBJ_NULL);
    struct kumiki_msg m = { .label = 1 };
    CHECK_ERR(kumiki_nb_send(0, &m), KE_INVALID_CAPABILITY);
    CHECK_ERR(kumiki_signal(0), KE_INVALID_CAPABILITY);
    /* and addresses beyond the root CNode, in its guard */
    CHECK_ERR(kumiki_signal(1ull << 40), KE_INVALID_CAPABILITY);
    CHECK_EQ(kumiki_cap_type(~0ull), KUMIKI_OBJ_NULL);
}

enum { NESTED = 100 };

/* CNode i+1's only capability lives in CNode i; deleting CNode 0 must
 * destroy the whole chain without recursion in the kernel. */
static void delete_nested_cnode_chain(void)
{
    kumiki_cptr_t first = kt_slots(NESTED), n, ut, probe = kt_slot();
    CHECK(first);
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_UNTYPED, 15, &ut)); /* 100 CNodes of 256 bytes */
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_CNODE, 2, ROOT, 0, 0, first, NESTED));
    for (unsigned i = 0; i < NESTED; i++)
        CHECK_OK(kumiki_cnode_mint(first + i, 2, 2, ROOT, n, 64, KUMIKI_RIGHTS_ALL, i + 1));
    for (unsigned i = NESTED - 1; i > 0; i--)
        CHECK_OK(kumiki_cnode_move(first + i - 1, 1, 2, ROOT, first + i, 64));
    CHECK_EQ(kumiki_cap_type(first + 1), KUMIKI_OBJ_NULL);
    CHECK_OK(kumiki_cnode_delete(ROOT, first, 64));
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NULL);
    /* every CNode of the chain is gone: the untyped has no children left,
     * so all of it can be retyped again */
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_UNTYPED, 15, ROOT, 0, 0, probe, 1));
    uint64_t w;
    CHECK_OK(kumiki_signal(n));
    CHECK_OK(kumiki_poll(n, &w));
}

/* A CNode holding a copy of its own capability, and two CNodes holding
 * each other: unreachable once the root's capabilities go, and revoking
 * their untyped must still clean them up. */
static void cnode_cycles(void)
{
    kumiki_cptr_t ut, a = kt_slot(), b = kt_slot(), c = kt_slot(), probe = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_UNTYPED, 14, &ut));
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_CNODE, 2, ROOT, 0, 0, a, 1));
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_CNODE, 2, ROOT, 0, 0, b, 1));
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_CNODE, 2, ROOT, 0, 0, c, 1));
    CHECK_OK(kumiki_cnode_copy(a, 1, 2, ROOT, a, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_copy(b, 1, 2, ROOT, c, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_copy(c, 1, 2, ROOT, b, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_delete(ROOT, a, 64));
    CHECK_OK(kumiki_cnode_delete(ROOT, b, 64));
    CHECK_OK(kumiki_cnode_delete(ROOT, c, 64));
    CHECK_OK(kumiki_cnode_revoke(ROOT, ut, 64));
    /* all memory back: a retype of the whole untyped succeeds */
    CHECK_OK(kumiki_untyped_retype(ut, KUMIKI_OBJ_UNTYPED, 14, ROOT, 0, 0, probe, 1));
}

const struct ktest cspace_tests[] = {
    { "cspace: two-level lookup with a guard", two_level_lookup },
    { "cspace: guard and depth mismatches fail the lookup", guard_and_depth_mismatch },
    { "cspace: guards that do not fit are RANGE", guard_values_out_of_range },
    { "cspace: a 56-bit guard resolves full-width addresses", full_width_guard },
    { "cspace: slot 0 is never addressable", slot_zero_is_never_addressable },
    { "cspace: deleting a 100-deep chain of nested CNodes", delete_nested_cnode_chain },
    { "cspace: CNodes that hold themselves or each other", cnode_cycles },
    { NULL, NULL },
};
