/* Host test of civil_time.c against dates whose epoch seconds are known
 * (date -u -d ... +%s), the leap-year rules and the range checks. */
#include "../civil_time.h"
#include "check.h"

static uint64_t at(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    uint64_t v = ~0ull;
    CHECK(civil_to_unix(y, mo, d, h, mi, s, &v));
    return v;
}

static bool refused(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    uint64_t v = 42;
    return !civil_to_unix(y, mo, d, h, mi, s, &v) && v == 42;
}

int main(void)
{
    CHECK(at(1970, 1, 1, 0, 0, 0) == 0);
    CHECK(at(1970, 1, 2, 0, 0, 1) == 86401);
    CHECK(at(2000, 2, 29, 12, 0, 0) == 951825600); /* 2000 is a leap year (divisible by 400) */
    CHECK(at(2000, 3, 1, 0, 0, 0) == 951868800);
    CHECK(at(2024, 1, 1, 0, 0, 0) == 1704067200); /* the personality's old fixed date */
    CHECK(at(2026, 11, 23, 1, 20, 35) == 1795396835);
    CHECK(at(2038, 1, 19, 3, 14, 8) == 2147483648ull); /* past 32 bits */
    CHECK(at(2100, 3, 1, 0, 0, 0) == 4107542400ull);   /* 2100 is not a leap year */
    CHECK(at(9999, 12, 31, 23, 59, 59) == 253402300799ull);
    CHECK(refused(1969, 12, 31, 23, 59, 59));
    CHECK(refused(10000, 1, 1, 0, 0, 0));
    CHECK(refused(2024, 0, 1, 0, 0, 0));
    CHECK(refused(2024, 13, 1, 0, 0, 0));
    CHECK(refused(2023, 2, 29, 0, 0, 0));
    CHECK(refused(2100, 2, 29, 0, 0, 0));
    CHECK(!refused(2024, 2, 29, 0, 0, 0));
    CHECK(refused(2024, 4, 31, 0, 0, 0));
    CHECK(refused(2024, 1, 0, 0, 0, 0));
    CHECK(refused(2024, 1, 1, 24, 0, 0));
    CHECK(refused(2024, 1, 1, 0, 60, 0));
    CHECK(refused(2024, 1, 1, 0, 0, 60));
    return check_exit("civil_time");
}
