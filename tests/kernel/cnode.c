/* tests/kernel/cnode.c — CNODE copy, mint, move, mutate, delete and revoke:
 * rights, badges, the derivation tree, capabilities that may not be copied. */
#include "groups.h"
#include "ktest.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

static uint64_t copy(kumiki_cptr_t dest, kumiki_cptr_t src, uint64_t rights)
{
    return kumiki_cnode_copy(ROOT, dest, 64, ROOT, src, 64, rights);
}

static uint64_t mint(kumiki_cptr_t dest, kumiki_cptr_t src, uint64_t rights, uint64_t badge)
{
    return kumiki_cnode_mint(ROOT, dest, 64, ROOT, src, 64, rights, badge);
}

static uint64_t del(kumiki_cptr_t slot)
{
    return kumiki_cnode_delete(ROOT, slot, 64);
}

static uint64_t revoke(kumiki_cptr_t slot)
{
    return kumiki_cnode_revoke(ROOT, slot, 64);
}

/* Signals through `sender` and polls through `receiver`: the word seen. */
static uint64_t signal_word(kumiki_cptr_t sender, kumiki_cptr_t receiver)
{
    uint64_t word = ~0ull;
    if (kumiki_signal(sender) != KE_OK || kumiki_poll(receiver, &word) != KE_OK)
        return ~0ull;
    return word;
}

static void copy_and_delete(void)
{
    kumiki_cptr_t n, c = kt_slot(), c2 = kt_slot(), empty = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy(c, n, KUMIKI_RIGHTS_ALL));
    CHECK_EQ(kumiki_cap_type(c), KUMIKI_OBJ_NOTIFICATION);
    CHECK_ERR(copy(c, n, KUMIKI_RIGHTS_ALL), KE_DELETE_FIRST);
    CHECK_ERR(copy(c2, empty, KUMIKI_RIGHTS_ALL), KE_INVALID_CAPABILITY);
    CHECK_EQ(signal_word(c, n), 0); /* same object: an unbadged signal sets no bit but works */
    CHECK_OK(mint(c2, n, KUMIKI_RIGHTS_ALL, 0x40));
    CHECK_EQ(signal_word(c2, c), 0x40);
    CHECK_OK(del(c));
    CHECK_EQ(kumiki_cap_type(c), KUMIKI_OBJ_NULL);
    CHECK_EQ(signal_word(c2, n), 0x40); /* the others still work */
    CHECK_OK(del(c));                   /* deleting an empty slot is fine */
    CHECK_OK(del(n));                   /* the original goes; the minted copy keeps the object */
    CHECK_EQ(kumiki_cap_type(c2), KUMIKI_OBJ_NOTIFICATION);
    uint64_t w;
    CHECK_OK(kumiki_signal(c2));
    CHECK_OK(kumiki_poll(c2, &w));
    CHECK_EQ(w, 0x40);
}

static void rights_are_reduced_never_gained(void)
{
    kumiki_cptr_t n, ro = kt_slot(), wo = kt_slot(), back = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy(ro, n, KUMIKI_RIGHT_READ));
    CHECK_OK(copy(wo, n, KUMIKI_RIGHT_WRITE));
    uint64_t w;
    CHECK_ERR(kumiki_signal(ro), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_poll(wo, &w), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_wait(wo, &w), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_signal(wo));
    CHECK_OK(kumiki_poll(ro, &w));
    /* a copy of the read-only copy asking for everything is still read-only */
    CHECK_OK(copy(back, ro, KUMIKI_RIGHTS_ALL));
    CHECK_ERR(kumiki_signal(back), KE_MISSING_RIGHT);
    CHECK_OK(del(back));
    CHECK_OK(mint(back, ro, KUMIKI_RIGHTS_ALL, 3));
    CHECK_ERR(kumiki_signal(back), KE_MISSING_RIGHT);
    /* no rights at all: the capability exists but does nothing */
    CHECK_OK(del(back));
    CHECK_OK(copy(back, n, 0));
    CHECK_EQ(kumiki_cap_type(back), KUMIKI_OBJ_NOTIFICATION);
    CHECK_ERR(kumiki_signal(back), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_poll(back, &w), KE_MISSING_RIGHT);
}

static void object_rights_are_enforced(void)
{
    kumiki_cptr_t tcb, frame, node, ro_tcb = kt_slot(), wo_frame = kt_slot(), ro_node = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_new(KUMIKI_OBJ_CNODE, 2, &node));
    CHECK_OK(copy(ro_tcb, tcb, KUMIKI_RIGHT_READ));
    CHECK_OK(copy(wo_frame, frame, KUMIKI_RIGHT_WRITE));
    CHECK_OK(copy(ro_node, node, KUMIKI_RIGHT_READ));
    uint64_t v;
    CHECK_OK(kumiki_tcb_read_registers(ro_tcb, &v, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    CHECK_ERR(kumiki_tcb_suspend(ro_tcb), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_tcb_set_priority(ro_tcb, KUMIKI_CAP_INIT_TCB, 3), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_frame_get_address(wo_frame, &v), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_frame_get_address(frame, &v));
    CHECK_ERR(kumiki_cnode_copy(ro_node, 1, 2, ROOT, tcb, 64, KUMIKI_RIGHTS_ALL), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_cnode_copy(node, 1, 2, ROOT, tcb, 64, KUMIKI_RIGHTS_ALL));
}

static void badges(void)
{
    kumiki_cptr_t n, a = kt_slot(), b = kt_slot(), c = kt_slot(), ep, e1 = kt_slot(), e2 = kt_slot();
    kumiki_cptr_t tcb;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_OK(mint(a, n, KUMIKI_RIGHTS_ALL, 0x10));
    CHECK_EQ(signal_word(a, n), 0x10);
    /* a badge is forever: no re-badging, with any other value */
    CHECK_ERR(mint(b, a, KUMIKI_RIGHTS_ALL, 0x20), KE_ILLEGAL_OPERATION);
    CHECK_EQ(kumiki_cap_type(b), KUMIKI_OBJ_NULL);
    /* a plain copy keeps it */
    CHECK_OK(copy(b, a, KUMIKI_RIGHTS_ALL));
    CHECK_EQ(signal_word(b, n), 0x10);
    /* minting it with badge 0 is re-badging too */
    CHECK_ERR(mint(c, a, KUMIKI_RIGHTS_ALL, 0), KE_ILLEGAL_OPERATION);
    CHECK_EQ(kumiki_cap_type(c), KUMIKI_OBJ_NULL);
    /* endpoints too */
    CHECK_OK(mint(e1, ep, KUMIKI_RIGHTS_ALL, 5));
    CHECK_ERR(mint(e2, e1, KUMIKI_RIGHTS_ALL, 6), KE_ILLEGAL_OPERATION);
    CHECK_OK(mint(e2, ep, KUMIKI_RIGHTS_ALL, 6));
    /* objects without badges refuse one */
    CHECK_OK(del(e2));
    CHECK_ERR(mint(e2, tcb, KUMIKI_RIGHTS_ALL, 1), KE_INVALID_ARGUMENT);
    CHECK_EQ(kumiki_cap_type(e2), KUMIKI_OBJ_NULL);
}

static void move_keeps_the_object(void)
{
    kumiki_cptr_t n, c = kt_slot(), moved = kt_slot(), empty = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(mint(c, n, KUMIKI_RIGHT_WRITE, 0x3));
    CHECK_OK(kumiki_cnode_move(ROOT, moved, 64, ROOT, c, 64));
    CHECK_EQ(kumiki_cap_type(c), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(moved), KUMIKI_OBJ_NOTIFICATION);
    CHECK_EQ(signal_word(moved, n), 0x3); /* badge kept */
    uint64_t w;
    CHECK_ERR(kumiki_poll(moved, &w), KE_MISSING_RIGHT); /* rights kept */
    CHECK_ERR(kumiki_cnode_move(ROOT, moved, 64, ROOT, n, 64), KE_DELETE_FIRST);
    CHECK_ERR(kumiki_cnode_move(ROOT, c, 64, ROOT, empty, 64), KE_INVALID_CAPABILITY);
    /* the moved copy is still a child of the original: revoke reaches it */
    CHECK_OK(revoke(n));
    CHECK_EQ(kumiki_cap_type(moved), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(n), KUMIKI_OBJ_NOTIFICATION);
}

static void mutate_sets_a_badge(void)
{
    kumiki_cptr_t n, c = kt_slot(), m = kt_slot(), m2 = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy(c, n, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_mutate(ROOT, m, 64, ROOT, c, 64, 0x100));
    CHECK_EQ(kumiki_cap_type(c), KUMIKI_OBJ_NULL);
    CHECK_EQ(signal_word(m, n), 0x100);
    CHECK_ERR(kumiki_cnode_mutate(ROOT, m2, 64, ROOT, m, 64, 0x200), KE_ILLEGAL_OPERATION);
    CHECK_EQ(kumiki_cap_type(m), KUMIKI_OBJ_NOTIFICATION); /* a failed mutate moves nothing */
    CHECK_ERR(kumiki_cnode_mutate(ROOT, m2, 64, ROOT, m, 64, 0x100), KE_OK);
    CHECK_EQ(signal_word(m2, n), 0x100);
}

static void revoke_removes_descendants_only(void)
{
    kumiki_cptr_t n, c1 = kt_slot(), c2 = kt_slot(), c3 = kt_slot(), other = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy(c1, n, KUMIKI_RIGHTS_ALL));
    CHECK_OK(copy(c2, c1, KUMIKI_RIGHTS_ALL));
    CHECK_OK(mint(c3, c2, KUMIKI_RIGHTS_ALL, 1));
    CHECK_OK(copy(other, n, KUMIKI_RIGHTS_ALL));
    CHECK_OK(revoke(c1));
    CHECK_EQ(kumiki_cap_type(c1), KUMIKI_OBJ_NOTIFICATION);
    CHECK_EQ(kumiki_cap_type(c2), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(c3), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(other), KUMIKI_OBJ_NOTIFICATION);
    CHECK_OK(revoke(n));
    CHECK_EQ(kumiki_cap_type(c1), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(other), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(n), KUMIKI_OBJ_NOTIFICATION);
    CHECK_OK(revoke(n)); /* nothing left to revoke */
}

static void delete_middle_of_chain_keeps_the_rest(void)
{
    kumiki_cptr_t n, c1 = kt_slot(), c2 = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy(c1, n, KUMIKI_RIGHTS_ALL));
    CHECK_OK(copy(c2, c1, KUMIKI_RIGHTS_ALL));
    CHECK_OK(del(c1));
    /* c2 moves up under n: revoking n still reaches it */
    CHECK_OK(revoke(n));
    CHECK_EQ(kumiki_cap_type(c2), KUMIKI_OBJ_NULL);
}

enum { DEEP = 200, WIDE = 500 };

static void revoke_deep_chain(void)
{
    kumiki_cptr_t n, first = kt_slots(DEEP);
    CHECK(first);
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &n));
    kumiki_cptr_t prev = n;
    for (unsigned i = 0; i < DEEP; i++) {
        CHECK_OK(copy(first + i, prev, KUMIKI_RIGHTS_ALL));
        prev = first + i;
    }
    uint64_t start = kumiki_ticks();
    CHECK_OK(revoke(n));
    CHECK(kumiki_ticks() - start < 50);
    for (unsigned i = 0; i < DEEP; i++)
        CHECK_EQ(kumiki_cap_type(first + i), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(n), KUMIKI_OBJ_ENDPOINT);
    /* again, deleting the chain from the top: every copy keeps the object */
    prev = n;
    for (unsigned i = 0; i < DEEP; i++) {
        CHECK_OK(copy(first + i, prev, KUMIKI_RIGHTS_ALL));
        prev = first + i;
    }
    CHECK_OK(del(n));
    for (unsigned i = 0; i + 1 < DEEP; i++)
        CHECK_OK(del(first + i));
    CHECK_EQ(kumiki_cap_type(first + DEEP - 1), KUMIKI_OBJ_ENDPOINT);
}

static void revoke_wide_tree(void)
{
    kumiki_cptr_t n, first = kt_slots(WIDE);
    CHECK(first);
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    for (unsigned i = 0; i < WIDE; i++)
        CHECK_OK(i % 2 ? mint(first + i, n, KUMIKI_RIGHTS_ALL, i) : copy(first + i, n, KUMIKI_RIGHTS_ALL));
    uint64_t start = kumiki_ticks();
    CHECK_OK(revoke(n));
    CHECK(kumiki_ticks() - start < 50);
    for (unsigned i = 0; i < WIDE; i++)
        CHECK_EQ(kumiki_cap_type(first + i), KUMIKI_OBJ_NULL);
}

static void factories_cannot_be_copied(void)
{
    kumiki_cptr_t slot = kt_slot(), handler = kt_slot(), ports = kt_slot();
    static const kumiki_cptr_t factories[] = { KUMIKI_CAP_IRQ_CONTROL, KUMIKI_CAP_IOPORT_CONTROL };
    for (unsigned i = 0; i < 2; i++) {
        CHECK_ERR(copy(slot, factories[i], KUMIKI_RIGHTS_ALL), KE_ILLEGAL_OPERATION);
        CHECK_ERR(mint(slot, factories[i], KUMIKI_RIGHTS_ALL, 0), KE_ILLEGAL_OPERATION);
    }
    CHECK_ERR(copy(slot, kt.pool, KUMIKI_RIGHTS_ALL), KE_ILLEGAL_OPERATION);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    /* what they make can be copied */
    CHECK_OK(kumiki_irq_control_get(KUMIKI_CAP_IRQ_CONTROL, 5, ROOT, handler, 64));
    CHECK_OK(copy(slot, handler, KUMIKI_RIGHTS_ALL));
    CHECK_OK(del(slot));
    CHECK_OK(kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, 0x3e0, 0x3e1, ROOT, ports, 64));
    CHECK_OK(copy(slot, ports, KUMIKI_RIGHT_READ));
}

static void unknown_and_truncated_cnode_invocations(void)
{
    uint64_t words[2] = { 1, 64 };
    CHECK_ERR(kumiki_invoke(ROOT, 99, 2, words, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
    CHECK_ERR(kumiki_invoke(ROOT, KUMIKI_CNODE_DELETE, 1, words, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
    CHECK_ERR(kumiki_invoke(ROOT, KUMIKI_CNODE_COPY, 5, words, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
}

const struct ktest cnode_tests[] = {
    { "cnode: copy and delete", copy_and_delete },
    { "cnode: rights are reduced, never regained", rights_are_reduced_never_gained },
    { "cnode: reduced rights are enforced on objects", object_rights_are_enforced },
    { "cnode: badges, and no re-badging", badges },
    { "cnode: move keeps object, rights, badge and parent", move_keeps_the_object },
    { "cnode: mutate sets the badge of an unbadged capability", mutate_sets_a_badge },
    { "cnode: revoke removes descendants only", revoke_removes_descendants_only },
    { "cnode: deleting a copy in the middle of a chain", delete_middle_of_chain_keeps_the_rest },
    { "cnode: revoke a 200-deep derivation chain", revoke_deep_chain },
    { "cnode: revoke 500 copies of one capability", revoke_wide_tree },
    { "cnode: untyped, IRQ and I/O port control are not copyable", factories_cannot_be_copied },
    { "cnode: unknown and truncated invocations", unknown_and_truncated_cnode_invocations },
    { NULL, NULL },
};
