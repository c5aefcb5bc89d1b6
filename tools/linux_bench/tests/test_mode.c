/* tools/linux_bench/tests/test_mode.c — linux_bench_mode on the host: the
 * most frequent sample, the smaller of a tie, how many there are. */
#include "linux_bench_guest.h"

#include <stdio.h>

static unsigned failures;

static void expect_mode(const char *what, uint64_t *samples, size_t n, uint64_t mode, size_t count)
{
    size_t got_count = 0;
    uint64_t got = linux_bench_mode(samples, n, &got_count);
    if (got != mode || got_count != count) {
        printf("not ok - %s: mode %llu x%zu, expected %llu x%zu\n", what, (unsigned long long)got, got_count,
               (unsigned long long)mode, count);
        failures++;
    } else {
        printf("ok - %s\n", what);
    }
}

int main(void)
{
    uint64_t one[] = { 7 };
    expect_mode("one sample", one, 1, 7, 1);
    uint64_t distinct[] = { 9, 3, 5 };
    expect_mode("all different: the smallest", distinct, 3, 3, 1);
    uint64_t reads[] = { 11701, 11547, 11547, 11714, 11547, 11701, 30580, 11547 };
    expect_mode("the most frequent, wherever it sorts", reads, 8, 11547, 4);
    uint64_t tie[] = { 20, 10, 20, 10, 30 };
    expect_mode("a tie: the smaller", tie, 5, 10, 2);
    uint64_t last[] = { 1, 2, 3, 3, 3 };
    expect_mode("the mode at the end", last, 5, 3, 3);
    if (linux_bench_mode(last, 5, NULL) != 3) {
        printf("not ok - count may be NULL\n");
        failures++;
    }
    return failures != 0;
}
