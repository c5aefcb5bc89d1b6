/* tests/host/fuzz_cspace.c — libFuzzer target for cspace_lookup().
 *
 * The input describes up to six CNodes (radix 1..6) and capabilities in
 * their slots (empty, endpoint, or a CNode capability to one of them with
 * any guard), a root CNode capability, then lookups (address, depth,
 * exact).  Every lookup must agree with a bit-by-bit reference resolver,
 * and a successful one must return a slot inside one of the arrays (never
 * slot 0).  Input layout, each field read in turn (zeros once the input
 * ends):
 *
 *   u8 cnodes  u8 radix * cnodes  guard(root)  u8 edges
 *   edges * { u8 cnode  u8 slot  u8 kind  u8 target  guard }
 *   { u64 cptr  u8 depth  u8 exact } until the input ends
 *
 * guard = u8 bits (bit 7 set: the value is not masked to the bit count,
 * bits % 72) then u64 value. */
#include <kernel/cspace.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CNODES = 6, MAX_RADIX = 6 };

static struct cte arrays[MAX_CNODES][1u << MAX_RADIX];
static unsigned radixes[MAX_CNODES];

struct reader {
    const uint8_t *data;
    size_t size;
};

static uint8_t u8(struct reader *r)
{
    if (!r->size)
        return 0;
    r->size--;
    return *r->data++;
}

static uint64_t u64(struct reader *r)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)u8(r) << (8 * i);
    return v;
}

static struct cap cnode_cap(struct reader *r, unsigned which)
{
    uint8_t bits = u8(r);
    uint64_t value = u64(r);
    unsigned guard_bits = (bits & 0x7f) % 72;
    if (!(bits & 0x80) && guard_bits < 64)
        value &= (1ull << guard_bits) - 1;
    return (struct cap){ .type = KUMIKI_OBJ_CNODE,
                         .rights = KUMIKI_RIGHTS_ALL,
                         .size_bits = (uint8_t)radixes[which],
                         .guard_bits = (uint8_t)guard_bits,
                         .object = (uint64_t)(uintptr_t)arrays[which],
                         .data = value };
}

/* The reference: reads the address one bit at a time, most significant
 * of the `depth` bits first. */
static struct lookup_result reference(const struct cap *root, uint64_t cptr, unsigned depth, bool exact)
{
    struct lookup_result fail = { KE_FAILED_LOOKUP, NULL };
    if (depth < 1 || depth > 64)
        return (struct lookup_result){ KE_RANGE, NULL };
    const struct cap *cnode = root;
    unsigned remaining = depth;
    for (;;) {
        if (cnode->type != KUMIKI_OBJ_CNODE)
            return fail;
        unsigned g = cnode->guard_bits, radix = cnode->size_bits;
        if (g + radix > remaining)
            return fail;
        uint64_t guard = 0, index = 0;
        for (unsigned i = 0; i < g; i++)
            guard = guard << 1 | ((cptr >> --remaining) & 1);
        if (g && guard != cnode->data) /* no guard bits: nothing to compare */
            return fail;
        for (unsigned i = 0; i < radix; i++)
            index = index << 1 | ((cptr >> --remaining) & 1);
        if (index == 0)
            return fail;
        struct cte *slot = &((struct cte *)(uintptr_t)cnode->object)[index];
        if (remaining == 0 || (!exact && slot->cap.type != KUMIKI_OBJ_CNODE))
            return (struct lookup_result){ KE_OK, slot };
        cnode = &slot->cap;
    }
}

static bool inside_arrays(const struct cte *slot)
{
    for (unsigned i = 0; i < MAX_CNODES; i++)
        if (slot > &arrays[i][0] && slot < &arrays[i][1u << radixes[i]])
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = { data, size };
    memset(arrays, 0, sizeof(arrays));
    unsigned cnodes = 1 + u8(&r) % MAX_CNODES;
    for (unsigned i = 0; i < MAX_CNODES; i++)
        radixes[i] = i < cnodes ? 1 + u8(&r) % MAX_RADIX : 1;
    struct cap root = cnode_cap(&r, 0);
    unsigned edges = u8(&r) % 64;
    for (unsigned e = 0; e < edges; e++) {
        unsigned from = u8(&r) % cnodes;
        unsigned slot = u8(&r) % (1u << radixes[from]);
        unsigned kind = u8(&r) % 3;
        unsigned to = u8(&r) % cnodes;
        struct cap cap = cnode_cap(&r, to);
        if (kind == 0)
            cap = cap_null();
        else if (kind == 1)
            cap = (struct cap){ .type = KUMIKI_OBJ_ENDPOINT, .rights = KUMIKI_RIGHTS_ALL, .object = 0x1000 };
        arrays[from][slot].cap = cap;
    }
    do {
        uint64_t cptr = u64(&r);
        unsigned depth = u8(&r);
        bool exact = u8(&r) & 1;
        struct lookup_result got = cspace_lookup(&root, cptr, depth, exact);
        struct lookup_result want = reference(&root, cptr, depth, exact);
        if (got.error != want.error || got.slot != want.slot)
            abort();
        if (got.error == KE_OK && !inside_arrays(got.slot))
            abort();
        if (got.error != KE_OK && got.slot)
            abort();
    } while (r.size);
    return 0;
}
