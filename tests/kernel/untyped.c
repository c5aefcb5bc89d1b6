/* tests/kernel/untyped.c — UNTYPED RETYPE: every object type, sizes,
 * ranges, occupied slots, exhaustion, the watermark and device memory. */
#include "groups.h"
#include "ktest.h"

/* A child untyped of 2^bits from the pool. */
static uint64_t new_untyped(unsigned bits, kumiki_cptr_t *out)
{
    return kt_new(KUMIKI_OBJ_UNTYPED, bits, out);
}

static uint64_t retype(kumiki_cptr_t ut, uint64_t type, uint64_t bits, kumiki_cptr_t slot, uint64_t count)
{
    return kumiki_untyped_retype(ut, type, bits, KUMIKI_CAP_INIT_CNODE, 0, 0, slot, count);
}

static uint64_t frame_address(kumiki_cptr_t frame)
{
    uint64_t paddr = ~0ull;
    uint64_t e = kumiki_frame_get_address(frame, &paddr);
    return e ? ~0ull : paddr;
}

static void retype_every_type(void)
{
    static const struct {
        uint64_t type, bits;
    } objects[] = {
        { KUMIKI_OBJ_UNTYPED, 12 },     { KUMIKI_OBJ_TCB, 0 },        { KUMIKI_OBJ_ENDPOINT, 0 },
        { KUMIKI_OBJ_NOTIFICATION, 0 }, { KUMIKI_OBJ_CNODE, 4 },      { KUMIKI_OBJ_FRAME, 0 },
        { KUMIKI_OBJ_LARGE_FRAME, 0 },  { KUMIKI_OBJ_PAGE_TABLE, 0 }, { KUMIKI_OBJ_PAGE_DIRECTORY, 0 },
        { KUMIKI_OBJ_PDPT, 0 },         { KUMIKI_OBJ_PML4, 0 },
    };
    for (unsigned i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
        kumiki_cptr_t slot = kt_slot();
        CHECK(slot);
        CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
        CHECK_OK(retype(kt.pool, objects[i].type, objects[i].bits, slot, 1));
        CHECK_EQ(kumiki_cap_type(slot), objects[i].type);
    }
}

static void retype_many_at_once(void)
{
    kumiki_cptr_t first = kt_slots(64);
    CHECK(first);
    CHECK_OK(retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, first, 64));
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(kumiki_cap_type(first + i), KUMIKI_OBJ_ENDPOINT);
    kumiki_cptr_t frames = kt_slots(3);
    CHECK_OK(retype(kt.pool, KUMIKI_OBJ_FRAME, 0, frames, 3));
    CHECK_EQ(frame_address(frames + 1), frame_address(frames) + 4096);
    CHECK_EQ(frame_address(frames + 2), frame_address(frames) + 8192);
}

static void retype_bad_sizes(void)
{
    kumiki_cptr_t slot = kt_slot(), small;
    CHECK_ERR(retype(kt.pool, KUMIKI_OBJ_UNTYPED, KUMIKI_MIN_UNTYPED_BITS - 1, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(kt.pool, KUMIKI_OBJ_UNTYPED, KUMIKI_MAX_UNTYPED_BITS + 1, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(kt.pool, KUMIKI_OBJ_UNTYPED, kt.pool_bits + 1, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(kt.pool, KUMIKI_OBJ_UNTYPED, ~0ull, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(kt.pool, KUMIKI_OBJ_CNODE, 0, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(kt.pool, KUMIKI_OBJ_CNODE, KUMIKI_MAX_CNODE_RADIX + 1, slot, 1), KE_BAD_SIZE);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    /* An object bigger than the whole untyped. */
    CHECK_OK(new_untyped(12, &small));
    CHECK_ERR(retype(small, KUMIKI_OBJ_LARGE_FRAME, 0, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(small, KUMIKI_OBJ_UNTYPED, 13, slot, 1), KE_BAD_SIZE);
    CHECK_ERR(retype(small, KUMIKI_OBJ_CNODE, 7, slot, 1), KE_BAD_SIZE); /* 2^(7+6) bytes */
    CHECK_OK(retype(small, KUMIKI_OBJ_CNODE, 6, slot, 1));               /* exactly 4 KiB */
}

static void retype_bad_types(void)
{
    kumiki_cptr_t slot = kt_slot();
    static const uint64_t not_retypable[] = { KUMIKI_OBJ_NULL,        KUMIKI_OBJ_IRQ_CONTROL,
                                              KUMIKI_OBJ_IRQ_HANDLER, KUMIKI_OBJ_IOPORT_CONTROL,
                                              KUMIKI_OBJ_IOPORT,      KUMIKI_OBJ_REPLY,
                                              KUMIKI_OBJ_COUNT,       1000 };
    for (unsigned i = 0; i < sizeof(not_retypable) / sizeof(not_retypable[0]); i++)
        CHECK_ERR(retype(kt.pool, not_retypable[i], 0, slot, 1), KE_INVALID_ARGUMENT);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
}

static void retype_ranges(void)
{
    kumiki_cptr_t node;
    CHECK_OK(kt_new(KUMIKI_OBJ_CNODE, 4, &node)); /* 16 slots: 1..15 usable */
    /* count */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 1, 0), KE_RANGE);
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 1, 16), KE_RANGE);
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 14, 3), KE_RANGE);
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 1, 1ull << 40), KE_RANGE);
    /* offset: slot 0 never, 16 is past the end */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 0, 1), KE_RANGE);
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 16, 1), KE_RANGE);
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, ~0ull, 1), KE_RANGE);
    /* the full legal range works: slots 1..15 */
    CHECK_OK(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, node, 0, 0, 1, 15));
    /* the same CNode reached through the root CNode (index, depth 64) */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, KUMIKI_CAP_INIT_CNODE, node, 64, 3, 1),
              KE_DELETE_FIRST);
    /* a depth that ends inside the root's guard */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_ENDPOINT, 0, KUMIKI_CAP_INIT_CNODE, node, 32, 3, 1),
              KE_FAILED_LOOKUP);
}

static void retype_occupied_destination(void)
{
    kumiki_cptr_t ut, base = kt_slot(), first = kt_slots(3);
    CHECK_OK(new_untyped(16, &ut));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, base, 1));
    CHECK_OK(retype(ut, KUMIKI_OBJ_NOTIFICATION, 0, first + 1, 1));
    /* the middle slot is taken: nothing is created, no memory is used up */
    CHECK_ERR(retype(ut, KUMIKI_OBJ_FRAME, 0, first, 3), KE_DELETE_FIRST);
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(first + 1), KUMIKI_OBJ_NOTIFICATION);
    CHECK_EQ(kumiki_cap_type(first + 2), KUMIKI_OBJ_NULL);
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, first, 1));
    /* frame, notification (32 bytes, then aligned up), frame */
    CHECK_EQ(frame_address(first), frame_address(base) + 8192);
}

static void retype_wrong_types(void)
{
    kumiki_cptr_t slot = kt_slot(), ep, tcb;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    /* the root argument must be a CNode */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_FRAME, 0, tcb, 0, 0, 1, 1), KE_WRONG_TYPE);
    /* the node at index/depth must be a CNode */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_FRAME, 0, KUMIKI_CAP_INIT_CNODE, ep, 64, 1, 1),
              KE_WRONG_TYPE);
    /* an empty capability as root */
    CHECK_ERR(kumiki_untyped_retype(kt.pool, KUMIKI_OBJ_FRAME, 0, kt.empty_slot, 0, 0, 1, 1), KE_WRONG_TYPE);
    /* UNTYPED has no method 2 */
    CHECK_ERR(kumiki_invoke(kt.pool, 2, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
}

static void retype_truncated(void)
{
    kumiki_cptr_t slot = kt_slot();
    uint64_t words[6] = { KUMIKI_OBJ_ENDPOINT, 0, 0, 0, slot, 1 };
    kumiki_cptr_t caps[1] = { KUMIKI_CAP_INIT_CNODE };
    /* five words of six */
    CHECK_ERR(kumiki_invoke(kt.pool, KUMIKI_UNTYPED_RETYPE, 5, words, 1, caps, 0, NULL),
              KE_TRUNCATED_MESSAGE);
    /* no capability */
    CHECK_ERR(kumiki_invoke(kt.pool, KUMIKI_UNTYPED_RETYPE, 6, words, 0, caps, 0, NULL),
              KE_TRUNCATED_MESSAGE);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    CHECK_OK(kumiki_invoke(kt.pool, KUMIKI_UNTYPED_RETYPE, 6, words, 1, caps, 0, NULL));
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_ENDPOINT);
}

static void retype_until_exhausted(void)
{
    kumiki_cptr_t ut, first = kt_slots(8);
    CHECK_OK(new_untyped(14, &ut)); /* four frames */
    CHECK_ERR(retype(ut, KUMIKI_OBJ_FRAME, 0, first, 5), KE_NOT_ENOUGH_MEMORY);
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NULL);
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, first, 3));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, first + 3, 1));
    CHECK_ERR(retype(ut, KUMIKI_OBJ_FRAME, 0, first + 4, 1), KE_NOT_ENOUGH_MEMORY);
    CHECK_ERR(retype(ut, KUMIKI_OBJ_ENDPOINT, 0, first + 4, 1), KE_NOT_ENOUGH_MEMORY);
    CHECK_EQ(kumiki_cap_type(first + 4), KUMIKI_OBJ_NULL);
    /* the four frames tile the untyped */
    for (unsigned i = 1; i < 4; i++)
        CHECK_EQ(frame_address(first + i), frame_address(first) + i * 4096);
}

static void retype_alignment(void)
{
    kumiki_cptr_t ut, first = kt_slots(3);
    CHECK_OK(new_untyped(14, &ut));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, first, 1));
    CHECK_OK(retype(ut, KUMIKI_OBJ_ENDPOINT, 0, first + 1, 1));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, first + 2, 1));
    /* the endpoint took 32 bytes at base + 4 KiB; the next frame is aligned up */
    CHECK_EQ(frame_address(first + 2), frame_address(first) + 8192);
}

static void watermark_reset_after_revoke(void)
{
    kumiki_cptr_t ut, a = kt_slots(2), b = kt_slots(2);
    CHECK_OK(new_untyped(16, &ut));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, a, 2));
    uint64_t first = frame_address(a), second = frame_address(a + 1);
    CHECK(first != ~0ull && second == first + 4096);
    /* deleting one of two children keeps the watermark */
    CHECK_OK(kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, a, 64));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, b, 1));
    CHECK_EQ(frame_address(b), first + 8192);
    /* revoke: no children left, the same addresses come back */
    CHECK_OK(kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, ut, 64));
    CHECK_EQ(kumiki_cap_type(a + 1), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(b), KUMIKI_OBJ_NULL);
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, a, 2));
    CHECK_EQ(frame_address(a), first);
    CHECK_EQ(frame_address(a + 1), second);
}

static void retyped_memory_is_zeroed(void)
{
    kumiki_cptr_t ut, frame = kt_slot();
    CHECK_OK(new_untyped(12, &ut));
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, frame, 1));
    uint64_t va = kt_vaddr(4096, 4096);
    CHECK_OK(kt_map(frame, va, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE));
    volatile uint64_t *p = (volatile uint64_t *)va;
    for (unsigned i = 0; i < 512; i++)
        p[i] = 0xdeadbeefcafef00dull;
    CHECK_OK(kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, ut, 64)); /* unmaps it too */
    CHECK_OK(retype(ut, KUMIKI_OBJ_FRAME, 0, frame, 1));
    CHECK_OK(kt_map(frame, va, KUMIKI_RIGHT_READ));
    for (unsigned i = 0; i < 512; i++)
        CHECK_EQ(p[i], 0);
}

static void device_untyped(void)
{
    const struct kumiki_bootinfo *bi = kt.bi;
    kumiki_cptr_t dev = 0;
    uint64_t paddr = 0;
    for (uint64_t i = 0; i < bi->untyped_count; i++) {
        if (bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 16) {
            dev = bi->untyped.start + i;
            paddr = bi->untyped_list[i].paddr;
            break;
        }
    }
    CHECK(dev);
    kumiki_cptr_t slot = kt_slot(), frame = kt_slot(), child = kt_slot();
    static const uint64_t refused[] = {
        KUMIKI_OBJ_TCB,  KUMIKI_OBJ_ENDPOINT,   KUMIKI_OBJ_NOTIFICATION,   KUMIKI_OBJ_CNODE,
        KUMIKI_OBJ_PML4, KUMIKI_OBJ_PAGE_TABLE, KUMIKI_OBJ_PAGE_DIRECTORY, KUMIKI_OBJ_PDPT
    };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        CHECK_ERR(retype(dev, refused[i], 4, slot, 1), KE_INVALID_ARGUMENT);
    CHECK_OK(retype(dev, KUMIKI_OBJ_FRAME, 0, frame, 1));
    CHECK_EQ(frame_address(frame), paddr);
    CHECK_OK(retype(dev, KUMIKI_OBJ_UNTYPED, 12, child, 1));
    /* a device untyped's children are device memory too */
    CHECK_ERR(retype(child, KUMIKI_OBJ_ENDPOINT, 0, slot, 1), KE_INVALID_ARGUMENT);
    CHECK_OK(retype(child, KUMIKI_OBJ_FRAME, 0, slot, 1));
    CHECK_EQ(frame_address(slot), paddr + 4096);
    CHECK_OK(kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, dev, 64));
    CHECK_EQ(kumiki_cap_type(frame), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(child), KUMIKI_OBJ_NULL);
}

static void untyped_is_not_copyable(void)
{
    kumiki_cptr_t ut, slot = kt_slot();
    CHECK_OK(new_untyped(12, &ut));
    /* so there is no way to hold an untyped without WRITE: rights cannot be cut */
    CHECK_ERR(
        kumiki_cnode_copy(KUMIKI_CAP_INIT_CNODE, slot, 64, KUMIKI_CAP_INIT_CNODE, ut, 64, KUMIKI_RIGHT_READ),
        KE_ILLEGAL_OPERATION);
    CHECK_ERR(kumiki_cnode_mint(KUMIKI_CAP_INIT_CNODE, slot, 64, KUMIKI_CAP_INIT_CNODE, ut, 64,
                                KUMIKI_RIGHT_READ, 0),
              KE_ILLEGAL_OPERATION);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    /* moving is allowed, and the moved untyped still works */
    CHECK_OK(kumiki_cnode_move(KUMIKI_CAP_INIT_CNODE, slot, 64, KUMIKI_CAP_INIT_CNODE, ut, 64));
    CHECK_EQ(kumiki_cap_type(ut), KUMIKI_OBJ_NULL);
    kumiki_cptr_t ep = kt_slot();
    CHECK_OK(retype(slot, KUMIKI_OBJ_ENDPOINT, 0, ep, 1));
    /* revoking the pool reaches it through the moved capability */
    CHECK_OK(kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, kt.pool, 64));
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(ep), KUMIKI_OBJ_NULL);
}

static void revoke_untyped_destroys_everything(void)
{
    kumiki_cptr_t ut, ep = kt_slot(), tcb = kt_slot(), node = kt_slot(), ntfn = kt_slot();
    kumiki_cptr_t copy = kt_slot(), minted = kt_slot();
    CHECK_OK(new_untyped(16, &ut));
    CHECK_OK(retype(ut, KUMIKI_OBJ_ENDPOINT, 0, ep, 1));
    CHECK_OK(retype(ut, KUMIKI_OBJ_TCB, 0, tcb, 1));
    CHECK_OK(retype(ut, KUMIKI_OBJ_CNODE, 3, node, 1));
    CHECK_OK(retype(ut, KUMIKI_OBJ_NOTIFICATION, 0, ntfn, 1));
    CHECK_OK(
        kumiki_cnode_copy(KUMIKI_CAP_INIT_CNODE, copy, 64, KUMIKI_CAP_INIT_CNODE, ep, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_mint(KUMIKI_CAP_INIT_CNODE, minted, 64, KUMIKI_CAP_INIT_CNODE, copy, 64,
                               KUMIKI_RIGHTS_ALL, 9));
    /* caps inside the new CNode, including one to the CNode itself */
    CHECK_OK(kumiki_cnode_copy(node, 1, 3, KUMIKI_CAP_INIT_CNODE, ntfn, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_copy(node, 2, 3, KUMIKI_CAP_INIT_CNODE, node, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_tcb_bind_notification(tcb, ntfn));
    CHECK_OK(kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, ut, 64));
    kumiki_cptr_t all[] = { ep, tcb, node, ntfn, copy, minted };
    for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        CHECK_EQ(kumiki_cap_type(all[i]), KUMIKI_OBJ_NULL);
    /* and the memory is whole again */
    CHECK_OK(retype(ut, KUMIKI_OBJ_UNTYPED, 16, ep, 1));
}

const struct ktest untyped_tests[] = {
    { "untyped: retype every object type", retype_every_type },
    { "untyped: many objects in one retype", retype_many_at_once },
    { "untyped: sizes out of range are BAD_SIZE", retype_bad_sizes },
    { "untyped: types that are not retypable", retype_bad_types },
    { "untyped: count and offset out of range", retype_ranges },
    { "untyped: occupied destination is DELETE_FIRST", retype_occupied_destination },
    { "untyped: destination of the wrong type", retype_wrong_types },
    { "untyped: truncated retype message", retype_truncated },
    { "untyped: running out of memory", retype_until_exhausted },
    { "untyped: objects are aligned to their size", retype_alignment },
    { "untyped: watermark resets when every child is gone", watermark_reset_after_revoke },
    { "untyped: retyped memory is zeroed", retyped_memory_is_zeroed },
    { "untyped: device memory makes frames and untypeds only", device_untyped },
    { "untyped: cannot be copied or minted, only moved", untyped_is_not_copyable },
    { "untyped: revoke destroys everything made from it", revoke_untyped_destroys_everything },
    { NULL, NULL },
};
