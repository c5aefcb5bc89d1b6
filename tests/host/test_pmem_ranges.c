/* tests/host/test_pmem_ranges.c — pmem_ranges_subtract(): fixed cases, and a
 * property test against a page bitmap model: after any sequence of
 * subtractions the ranges are sorted, disjoint, non-empty and cover exactly
 * the pages the model still has. */
#include "check.h"

#include <kernel/pmem.h>
#include <stdlib.h>
#include <string.h>

static bool same(const struct pmem_range *r, unsigned n, const struct pmem_range *want, unsigned wn)
{
    if (n != wn)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (r[i].start != want[i].start || r[i].end != want[i].end)
            return false;
    return true;
}

static void test_cases(void)
{
    struct pmem_range r[4] = { { 0x1000, 0x5000 }, { 0x8000, 0x9000 } };
    unsigned n = 2;
    CHECK(pmem_ranges_subtract(r, &n, 4, 0x6000, 0x7000)); /* in a gap */
    CHECK(same(r, n, (struct pmem_range[]){ { 0x1000, 0x5000 }, { 0x8000, 0x9000 } }, 2));
    CHECK(pmem_ranges_subtract(r, &n, 4, 0x0, 0x2000)); /* trims the left */
    CHECK(same(r, n, (struct pmem_range[]){ { 0x2000, 0x5000 }, { 0x8000, 0x9000 } }, 2));
    CHECK(pmem_ranges_subtract(r, &n, 4, 0x4000, 0x8800)); /* spans two */
    CHECK(same(r, n, (struct pmem_range[]){ { 0x2000, 0x4000 }, { 0x8800, 0x9000 } }, 2));
    CHECK(pmem_ranges_subtract(r, &n, 4, 0x2800, 0x3000)); /* splits */
    CHECK(same(r, n, (struct pmem_range[]){ { 0x2000, 0x2800 }, { 0x3000, 0x4000 }, { 0x8800, 0x9000 } }, 3));
    CHECK(pmem_ranges_subtract(r, &n, 4, 0x8800, 0x9000)); /* removes whole */
    CHECK(same(r, n, (struct pmem_range[]){ { 0x2000, 0x2800 }, { 0x3000, 0x4000 } }, 2));
    CHECK(pmem_ranges_subtract(r, &n, 4, 0x5000, 0x5000)); /* empty hole */
    CHECK(n == 2);

    struct pmem_range full[2] = { { 0, 0x10000 }, { 0x20000, 0x30000 } };
    unsigned fn = 2;
    CHECK(!pmem_ranges_subtract(full, &fn, 2, 0x1000, 0x2000)); /* split would overflow */
    CHECK(same(full, fn, (struct pmem_range[]){ { 0, 0x10000 }, { 0x20000, 0x30000 } }, 2));
    CHECK(pmem_ranges_subtract(full, &fn, 2, 0x0, 0x2000)); /* a trim still fits */
}

enum { PAGES = 256, CAPACITY = 16 };

static void test_against_model(void)
{
    srand(12345);
    for (int round = 0; round < 2000; round++) {
        bool model[PAGES];
        struct pmem_range r[CAPACITY] = { { 0, PAGES } };
        unsigned n = 1;
        for (unsigned p = 0; p < PAGES; p++)
            model[p] = true;
        for (int step = 0; step < 12; step++) {
            unsigned a = (unsigned)rand() % (PAGES + 1), b = (unsigned)rand() % (PAGES + 1);
            if (a > b) {
                unsigned t = a;
                a = b;
                b = t;
            }
            struct pmem_range before[CAPACITY];
            unsigned before_n = n;
            memcpy(before, r, sizeof(r));
            if (!pmem_ranges_subtract(r, &n, CAPACITY, a, b)) {
                CHECK(same(r, n, before, before_n));
                continue;
            }
            for (unsigned p = a; p < b; p++)
                model[p] = false;
        }
        bool covered[PAGES] = { false };
        for (unsigned i = 0; i < n; i++) {
            CHECK(r[i].start < r[i].end);
            if (i)
                CHECK(r[i - 1].end <= r[i].start);
            for (uint64_t p = r[i].start; p < r[i].end && p < PAGES; p++)
                covered[p] = true;
        }
        CHECK(memcmp(covered, model, sizeof(model)) == 0);
    }
}

int main(void)
{
    test_cases();
    test_against_model();
    return check_exit("pmem_ranges");
}
