/* kernel/core/cspace.c — guarded radix lookup (see cspace.h). */
#include <kernel/cspace.h>

static uint64_t low_bits(uint64_t value, unsigned bits)
{
    return bits >= 64 ? value : value & ((1ull << bits) - 1);
}

struct lookup_result cspace_lookup(const struct cap *root, uint64_t cptr, unsigned depth, bool exact)
{
    struct lookup_result r = { KE_FAILED_LOOKUP, NULL };
    if (depth < 1 || depth > KUMIKI_WORD_BITS) {
        r.error = KE_RANGE;
        return r;
    }
    const struct cap *cnode = root;
    unsigned remaining = depth;
    for (;;) {
        if (cnode->type != KUMIKI_OBJ_CNODE)
            return r;
        unsigned guard_bits = cnode->guard_bits, radix = cnode->size_bits;
        unsigned level_bits = guard_bits + radix;
        if (level_bits > remaining)
            return r; /* depth ends inside this level */
        if (radix == 0)
            return r; /* no index bits: only slot 0, and no shift by the whole width below */
        if (guard_bits && low_bits(cptr >> (remaining - guard_bits), guard_bits) != cnode->data)
            return r;
        uint64_t index = low_bits(cptr >> (remaining - level_bits), radix);
        if (index == 0)
            return r; /* slot 0 is the CNode header */
        struct cte *slot = &cnode_slots(cnode)[index];
        remaining -= level_bits;
        if (remaining == 0 || (!exact && slot->cap.type != KUMIKI_OBJ_CNODE)) {
            r.error = KE_OK;
            r.slot = slot;
            return r;
        }
        cnode = &slot->cap;
    }
}

uint64_t cspace_lookup_slot(const struct cap *root, uint64_t index, uint64_t depth, struct cte **out)
{
    if (root->type != KUMIKI_OBJ_CNODE)
        return KE_WRONG_TYPE;
    /* a depth above 64 is out of range: pass 65 so the lookup says so */
    struct lookup_result r = cspace_lookup(root, index, (unsigned)(depth > 64 ? 65 : depth), true);
    *out = r.slot;
    return r.error;
}

uint64_t cspace_lookup_empty_slot(const struct cap *root, uint64_t index, uint64_t depth, struct cte **out)
{
    uint64_t e = cspace_lookup_slot(root, index, depth, out);
    if (!e && !cap_is_null(&(*out)->cap))
        return KE_DELETE_FIRST;
    return e;
}
