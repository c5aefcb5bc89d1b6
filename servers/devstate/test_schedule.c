/* servers/devstate/test_schedule.c — the scheduling feedback's rule on the
 * host: up when I/O-bound, down when idle, never outside the bounds, by at
 * most one step (property test over random policies and rates). */
#include "check.h"
#include "schedule.h"

#include <stdlib.h>

static void test_declared(void)
{
    const struct devstate_schedule p = { 3, 100, 40, 4, 5, 95, 110 };
    CHECK(schedule_next(&p, 100, 40) == 105);
    CHECK(schedule_next(&p, 105, 1000) == 110);
    CHECK(schedule_next(&p, 110, 1000) == 110); /* the upper bound holds */
    CHECK(schedule_next(&p, 110, 20) == 110);   /* neither busy nor idle */
    CHECK(schedule_next(&p, 110, 4) == 105);
    CHECK(schedule_next(&p, 100, 0) == 95);
    CHECK(schedule_next(&p, 95, 0) == 95);    /* the lower bound holds */
    CHECK(schedule_next(&p, 120, 20) == 110); /* a start outside the bounds comes in */
    CHECK(schedule_next(&p, 50, 20) == 95);
    const struct devstate_schedule edge = { 1, 10, 2, 1, 253, 1, 254 };
    CHECK(schedule_next(&edge, 254, 9) == 254 && schedule_next(&edge, 1, 0) == 1);
    CHECK(schedule_next(&edge, 200, 9) == 254 && schedule_next(&edge, 200, 0) == 1);
}

static void test_property(void)
{
    srand(5);
    for (int i = 0; i < 100000; i++) {
        struct devstate_schedule p = { 1, 100, 0, 0, (uint8_t)(1 + rand() % 253), 0, 0 };
        p.min = (uint8_t)(1 + rand() % 254);
        p.max = (uint8_t)(p.min + rand() % (255 - p.min));
        p.lower_at = (uint32_t)(rand() % 50);
        p.raise_at = p.lower_at + 1 + (uint32_t)(rand() % 50);
        uint8_t current = (uint8_t)(p.min + rand() % (p.max - p.min + 1));
        uint32_t requests = (uint32_t)(rand() % 120);
        uint8_t next = schedule_next(&p, current, requests);
        CHECK(next >= p.min && next <= p.max);
        int moved = next - current;
        CHECK(moved <= p.step && -moved <= p.step);
        if (requests >= p.raise_at)
            CHECK(moved >= 0);
        else if (requests <= p.lower_at)
            CHECK(moved <= 0);
        else
            CHECK(moved == 0);
    }
}

int main(void)
{
    test_declared();
    test_property();
    return check_exit("devstate schedule");
}
