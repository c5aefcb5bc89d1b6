/*
 * Minimal checks for the host tests: a failed check prints file:line and
 * the expression, the test goes on, and check_exit_status() fails the run.
 */
#ifndef KIDL_TEST_CHECK_H
#define KIDL_TEST_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                        \
        }                                                                            \
    } while (0)

/* Integer equality, printing both values when they differ. */
#define CHECK_EQ(actual, expected)                                                                  \
    do {                                                                                            \
        long long check_actual_ = (long long)(actual);                                              \
        long long check_expected_ = (long long)(expected);                                          \
        if (check_actual_ != check_expected_) {                                                     \
            fprintf(stderr, "%s:%d: %s is %lld, expected %s = %lld\n", __FILE__, __LINE__, #actual, \
                    check_actual_, #expected, check_expected_);                                     \
            check_failures++;                                                                       \
        }                                                                                           \
    } while (0)

static inline int check_exit_status(const char *test_name)
{
    if (check_failures != 0) {
        fprintf(stderr, "%s: %d check(s) failed\n", test_name, check_failures);
        return 1;
    }
    printf("%s: all checks passed\n", test_name);
    return 0;
}

#endif /* KIDL_TEST_CHECK_H */
