/* kernel/core/cnode.c — CNODE invocations: copy, mint, move, mutate,
 * delete, revoke, save caller, cancel badged sends.
 *
 * The invoked CNode capability is the root for the destination address
 * (index, depth); the source is addressed from the src_root capability. */
#include <kernel/abi_decode_generated.h>
#include <kernel/cdt.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/object.h>
#include <kernel/tcb.h>

/* Badge for endpoints and notifications; guard (value << 6 | bits) for
 * CNodes.  A capability keeps its first badge forever. */
static uint64_t apply_badge(struct cap *cap, uint64_t badge)
{
    switch (cap->type) {
    case KUMIKI_OBJ_ENDPOINT:
    case KUMIKI_OBJ_NOTIFICATION:
        if (cap->data && badge != cap->data)
            return KE_ILLEGAL_OPERATION;
        cap->data = badge;
        return KE_OK;
    case KUMIKI_OBJ_CNODE: {
        uint64_t bits = badge & 0x3f, value = badge >> 6;
        if (bits + cap->size_bits > KUMIKI_WORD_BITS || (bits < 64 && (value >> bits)))
            return KE_RANGE;
        cap->guard_bits = (uint8_t)bits;
        cap->data = value;
        return KE_OK;
    }
    default: return badge ? KE_INVALID_ARGUMENT : KE_OK;
    }
}

static bool may_copy(const struct cap *c)
{
    return !cap_is_factory(c) && c->type != KUMIKI_OBJ_REPLY;
}

/* COPY, MINT, MOVE, MUTATE share their first five arguments. */
static uint64_t transfer(struct invocation *inv)
{
    struct args_cnode_mint a = { 0 };
    bool is_mint = inv->label == KUMIKI_CNODE_MINT, is_copy = inv->label == KUMIKI_CNODE_COPY;
    bool is_mutate = inv->label == KUMIKI_CNODE_MUTATE;
    unsigned words = is_mint ? 6 : is_copy || is_mutate ? 5 : 4;
    if (inv->length < words || inv->extra_caps < 1)
        return KE_TRUNCATED_MESSAGE;
    a.dest_index = invocation_word(inv, 0);
    a.dest_depth = invocation_word(inv, 1);
    a.src_index = invocation_word(inv, 2);
    a.src_depth = invocation_word(inv, 3);
    a.rights = is_mint || is_copy ? invocation_word(inv, 4) : KUMIKI_RIGHTS_ALL;
    a.badge = is_mint ? invocation_word(inv, 5) : is_mutate ? invocation_word(inv, 4) : 0;

    struct cte *dest, *src;
    uint64_t e = cspace_lookup_slot(&inv->service->cap, a.dest_index, a.dest_depth, &dest);
    if (e)
        return e;
    e = cspace_lookup_slot(&inv->caps[0]->cap, a.src_index, a.src_depth, &src);
    if (e)
        return e;
    if (cap_is_null(&src->cap))
        return KE_INVALID_CAPABILITY;
    if (!cap_is_null(&dest->cap))
        return KE_DELETE_FIRST;
    struct cap cap = src->cap;
    if (is_copy || is_mint) {
        if (!may_copy(&cap))
            return KE_ILLEGAL_OPERATION;
        cap.rights &= (uint8_t)a.rights;
        cap.flags &= (uint8_t)~CAP_FLAG_MAPPED; /* the copy is not mapped anywhere */
        if (is_mint && (e = apply_badge(&cap, a.badge)))
            return e;
        slot_insert(dest, cap, src);
        return KE_OK;
    }
    if (cap.type == KUMIKI_OBJ_REPLY)
        return KE_ILLEGAL_OPERATION; /* its caller remembers the slot */
    if (is_mutate && (e = apply_badge(&cap, a.badge)))
        return e;
    cdt_move(src, dest);
    dest->cap = cap;
    return KE_OK;
}

uint64_t cnode_invoke(struct invocation *inv)
{
    switch (inv->label) {
    case KUMIKI_CNODE_COPY:
    case KUMIKI_CNODE_MINT:
    case KUMIKI_CNODE_MOVE:
    case KUMIKI_CNODE_MUTATE: return transfer(inv);
    default: break;
    }
    if (inv->length < 2)
        return KE_TRUNCATED_MESSAGE;
    struct cte *slot;
    uint64_t e =
        cspace_lookup_slot(&inv->service->cap, invocation_word(inv, 0), invocation_word(inv, 1), &slot);
    if (e)
        return e;
    switch (inv->label) {
    case KUMIKI_CNODE_REVOKE: return slot_revoke(slot) ? KE_OK : KE_RESTART;
    case KUMIKI_CNODE_DELETE: slot_delete(slot); return KE_OK;
    case KUMIKI_CNODE_SAVE_CALLER:
        if (!cap_is_null(&slot->cap))
            return KE_DELETE_FIRST;
        return ipc_save_caller(inv->caller, slot);
    case KUMIKI_CNODE_CANCEL_BADGED_SENDS:
        if (slot->cap.type != KUMIKI_OBJ_ENDPOINT)
            return KE_WRONG_TYPE;
        if (slot->cap.data)
            endpoint_cancel_badged((struct endpoint *)(uintptr_t)slot->cap.object, slot->cap.data);
        return KE_OK;
    default: return KE_UNKNOWN_INVOCATION;
    }
}
