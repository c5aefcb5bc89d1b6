/* tests/host/test_cspace.c — cspace_lookup() (kernel/core/cspace.c) on
 * fabricated CNodes: one to three levels, guards, exact and non-exact
 * lookups, every error, and a sweep of guard/radix/depth combinations run
 * under UBSan so that no shift is undefined. */
#include "check.h"

#include <kernel/cspace.h>
#include <string.h>

static struct cap cnode_cap(struct cte *slots, unsigned radix, unsigned guard_bits, uint64_t guard)
{
    return (struct cap){ .type = KUMIKI_OBJ_CNODE,
                         .rights = KUMIKI_RIGHTS_ALL,
                         .size_bits = (uint8_t)radix,
                         .guard_bits = (uint8_t)guard_bits,
                         .object = (uint64_t)(uintptr_t)slots,
                         .data = guard };
}

static struct cap endpoint_cap(void)
{
    return (struct cap){ .type = KUMIKI_OBJ_ENDPOINT, .rights = KUMIKI_RIGHTS_ALL, .object = 0x1000 };
}

static bool resolves(struct lookup_result r, const struct cte *slot)
{
    return r.error == KE_OK && r.slot == slot;
}

static bool fails(struct lookup_result r, uint64_t error)
{
    return r.error == error && r.slot == NULL;
}

/* The root CSpace of this system: radix r, guard_bits 64 - r, guard 0. */
static void test_single_level(void)
{
    static struct cte a[16];
    memset(a, 0, sizeof(a));
    a[5].cap = endpoint_cap();
    struct cap root = cnode_cap(a, 4, 60, 0);
    CHECK(resolves(cspace_lookup(&root, 5, 64, false), &a[5]));
    CHECK(resolves(cspace_lookup(&root, 5, 64, true), &a[5]));
    CHECK(resolves(cspace_lookup(&root, 15, 64, false), &a[15]));            /* empty slots resolve too */
    CHECK(fails(cspace_lookup(&root, 0, 64, false), KE_FAILED_LOOKUP));      /* slot 0: the header */
    CHECK(fails(cspace_lookup(&root, 16 + 5, 64, false), KE_FAILED_LOOKUP)); /* guard mismatch */
    CHECK(fails(cspace_lookup(&root, 1ull << 63 | 5, 64, false), KE_FAILED_LOOKUP));
    CHECK(fails(cspace_lookup(&root, ~0ull, 64, false), KE_FAILED_LOOKUP));
    /* Depth: 1..64 only. */
    CHECK(fails(cspace_lookup(&root, 5, 0, false), KE_RANGE));
    CHECK(fails(cspace_lookup(&root, 5, 65, false), KE_RANGE));
    CHECK(fails(cspace_lookup(&root, 5, 1000, true), KE_RANGE));
    /* A depth that ends inside the level. */
    CHECK(fails(cspace_lookup(&root, 5, 63, false), KE_FAILED_LOOKUP));
    CHECK(fails(cspace_lookup(&root, 5, 4, true), KE_FAILED_LOOKUP));

    /* No guard at all: depth = radix. */
    struct cap bare = cnode_cap(a, 4, 0, 0);
    CHECK(resolves(cspace_lookup(&bare, 5, 4, true), &a[5]));
    CHECK(resolves(cspace_lookup(&bare, 0x35, 4, true), &a[5])); /* bits above depth are ignored */
    CHECK(fails(cspace_lookup(&bare, 5, 3, true), KE_FAILED_LOOKUP));
    /* Non-exact: a non-CNode slot ends the lookup even with bits left;
     * exact: the leftover bits fail. */
    CHECK(resolves(cspace_lookup(&bare, 5 << 4, 8, false), &a[5]));
    CHECK(fails(cspace_lookup(&bare, 5 << 4, 8, true), KE_FAILED_LOOKUP));
    CHECK(fails(cspace_lookup(&bare, 0, 8, false), KE_FAILED_LOOKUP));

    /* A non-zero guard. */
    struct cap guarded = cnode_cap(a, 4, 8, 0xa5);
    CHECK(resolves(cspace_lookup(&guarded, 0xa57, 12, true), &a[7]));
    CHECK(fails(cspace_lookup(&guarded, 0xa47, 12, true), KE_FAILED_LOOKUP));
    CHECK(resolves(cspace_lookup(&guarded, 0xa57ull << 52, 64, false), &a[7]));
    /* A guard value wider than its bit count never matches. */
    struct cap wide = cnode_cap(a, 4, 4, 0x15);
    CHECK(fails(cspace_lookup(&wide, 0x57, 8, true), KE_FAILED_LOOKUP));

    /* A root that is not a CNode. */
    struct cap ep = endpoint_cap(), null = cap_null();
    CHECK(fails(cspace_lookup(&ep, 5, 64, false), KE_FAILED_LOOKUP));
    CHECK(fails(cspace_lookup(&null, 5, 64, false), KE_FAILED_LOOKUP));
}

/* root (radix 4, guard 48 bits 0) -> slot 3: B (radix 8, guard 4 bits 0xa)
 * -> slot 0x21: C (radix 2, guard 2 bits 0b10). */
static struct cte ra[16], rb[256], rc[4];

static void build_three_levels(struct cap *root)
{
    memset(ra, 0, sizeof(ra));
    memset(rb, 0, sizeof(rb));
    memset(rc, 0, sizeof(rc));
    *root = cnode_cap(ra, 4, 48, 0);
    ra[3].cap = cnode_cap(rb, 8, 4, 0xa);
    ra[5].cap = endpoint_cap();
    rb[7].cap = endpoint_cap();
    rb[0x21].cap = cnode_cap(rc, 2, 2, 2);
    rc[1].cap = endpoint_cap();
}

static void test_multi_level(void)
{
    struct cap root;
    build_three_levels(&root);
    uint64_t to_b = 3ull << 12 | 0xaull << 8; /* 64 bits: 48 guard, 4 index, 4 guard, 8 index */
    CHECK(resolves(cspace_lookup(&root, to_b | 7, 64, false), &rb[7]));
    CHECK(resolves(cspace_lookup(&root, to_b | 7, 64, true), &rb[7]));
    CHECK(resolves(cspace_lookup(&root, to_b | 0x99, 64, true), &rb[0x99]));
    CHECK(fails(cspace_lookup(&root, to_b | 0, 64, false), KE_FAILED_LOOKUP)); /* B's slot 0 */
    /* The second level's guard. */
    CHECK(fails(cspace_lookup(&root, 3ull << 12 | 0xbull << 8 | 7, 64, false), KE_FAILED_LOOKUP));
    /* The CNode slot itself: exact at the depth of the first level. */
    CHECK(resolves(cspace_lookup(&root, 3, 52, true), &ra[3]));
    CHECK(resolves(cspace_lookup(&root, 5, 52, true), &ra[5]));
    /* Depth 52 non-exact also stops at ra[3]: nothing is left to resolve. */
    CHECK(resolves(cspace_lookup(&root, 3, 52, false), &ra[3]));
    /* Non-exact stops at a non-CNode; exact refuses the unused bits. */
    CHECK(resolves(cspace_lookup(&root, 5ull << 12 | 0xabc, 64, false), &ra[5]));
    CHECK(fails(cspace_lookup(&root, 5ull << 12 | 0xabc, 64, true), KE_FAILED_LOOKUP));
    /* Depth ends inside B's level (52 + 4 guard bits + part of the index). */
    CHECK(fails(cspace_lookup(&root, (3ull << 12 | 0xa << 8) >> 4, 60, true), KE_FAILED_LOOKUP));
    CHECK(fails(cspace_lookup(&root, (3ull << 12 | 0xa << 8) >> 8, 56, true), KE_FAILED_LOOKUP));

    /* Third level: root (52 bits) + B (12) = 64, so C is reached with a
     * root that has 4 fewer guard bits. */
    root.guard_bits = 44;
    uint64_t to_c = (3ull << 16) | (0xaull << 12) | (0x21ull << 4) | (2ull << 2) | 1;
    CHECK(resolves(cspace_lookup(&root, to_c, 64, true), &rc[1]));
    CHECK(resolves(cspace_lookup(&root, to_c, 64, false), &rc[1]));
    CHECK(resolves(cspace_lookup(&root, to_c + 2, 64, false), &rc[3]));
    CHECK(fails(cspace_lookup(&root, to_c ^ (1ull << 3), 64, false), KE_FAILED_LOOKUP)); /* C's guard */
    CHECK(fails(cspace_lookup(&root, to_c & ~3ull, 64, false), KE_FAILED_LOOKUP));       /* C's slot 0 */
    /* Exact at 60 bits: B's slot 0x21 (the C capability). */
    CHECK(resolves(cspace_lookup(&root, to_c >> 4, 60, true), &rb[0x21]));
    /* 62 bits: inside C's level. */
    CHECK(fails(cspace_lookup(&root, to_c >> 2, 62, true), KE_FAILED_LOOKUP));
    /* B slot 7 (an endpoint) reached with 4 bits to spare: non-exact only. */
    uint64_t to_b7 = (3ull << 16) | (0xaull << 12) | (7ull << 4) | 0xf;
    CHECK(resolves(cspace_lookup(&root, to_b7, 64, false), &rb[7]));
    CHECK(fails(cspace_lookup(&root, to_b7, 64, true), KE_FAILED_LOOKUP));
}

/* A CNode that holds a capability to itself: a cycle is bounded by depth. */
static void test_self_reference(void)
{
    static struct cte s[4];
    memset(s, 0, sizeof(s));
    struct cap root = cnode_cap(s, 2, 0, 0);
    s[1].cap = root;
    /* 32 levels of "slot 1" then slot 2. */
    uint64_t cptr = 0;
    for (unsigned i = 0; i < 31; i++)
        cptr = cptr << 2 | 1;
    cptr = cptr << 2 | 2;
    CHECK(resolves(cspace_lookup(&root, cptr, 64, true), &s[2]));
    CHECK(resolves(cspace_lookup(&root, 0x5555555555555555ull, 64, true), &s[1]));
    CHECK(resolves(cspace_lookup(&root, 0x5555555555555555ull, 64, false), &s[1]));
}

/* Every guard width (0..70) with every radix (0..64) and every depth
 * (0..65), for a few addresses: no undefined shift (UBSan aborts), and a
 * successful lookup lands inside the array.  Addresses below 2^12 keep
 * any index below the array's 4096 slots. */
static struct cte sweep_slots[4096];

static void test_sweep(void)
{
    static const uint64_t cptrs[] = { 0, 1, 2, 0x7ff, 0xfff, 0x123 };
    static const uint64_t guards[] = { 0, 1, 0x5, ~0ull };
    unsigned ok = 0, calls = 0;
    for (unsigned g = 0; g <= 70; g++) {
        for (unsigned radix = 0; radix <= 64; radix++) {
            for (unsigned gi = 0; gi < sizeof(guards) / sizeof(guards[0]); gi++) {
                struct cap c = cnode_cap(sweep_slots, radix, g, guards[gi]);
                for (unsigned depth = 0; depth <= 65; depth++) {
                    for (unsigned k = 0; k < sizeof(cptrs) / sizeof(cptrs[0]); k++) {
                        for (int exact = 0; exact < 2; exact++) {
                            struct lookup_result r = cspace_lookup(&c, cptrs[k], depth, exact);
                            calls++;
                            if (r.error == KE_OK) {
                                ok++;
                                CHECK(r.slot > sweep_slots && r.slot < sweep_slots + 4096);
                                CHECK(g + radix <= depth && radix > 0);
                            } else {
                                CHECK(r.slot == NULL);
                                CHECK(r.error == ((depth == 0 || depth > 64) ? KE_RANGE : KE_FAILED_LOOKUP));
                            }
                        }
                    }
                }
            }
        }
    }
    CHECK(ok > 0);
    printf("sweep: %u lookups, %u resolved\n", calls, ok);
}

int main(void)
{
    test_single_level();
    test_multi_level();
    test_self_reference();
    test_sweep();
    return check_exit("cspace");
}
