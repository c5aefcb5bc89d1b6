/* drivers/timer/timer_test_client.c — the client of the timer test
 * deployment.  Arms three one-shot timeouts out of order and a periodic
 * one, and checks against now() that each fires on time (not before its
 * deadline, at most one PIT period after it) and that the one-shots fire
 * in deadline order; then cancels the periodic timeout and checks that it
 * stays quiet. */
#include "timer_client.h"
#include "timer_client_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

#define MS 1000000ull

enum { ID_A = 1, ID_B = 2, ID_C = 3, ID_TICK = 8, ID_QUIET = 9, PERIODIC_FIRINGS = 3 };

struct expected {
    unsigned id;
    uint64_t ns;
    uint64_t earliest, latest; /* now() before + ns, now() after + ns + one period */
    unsigned fired;
};

static uint64_t now(void)
{
    uint64_t ns = 0;
    if (timer_now(TIMER_CLIENT_CAP_CLOCK, &ns))
        uprintf("timer client: now() failed\n");
    return ns;
}

static int arm(struct expected *x, bool periodic)
{
    uint64_t before = now();
    int e = periodic ? timer_periodic(TIMER_CLIENT_CAP_CLOCK, (uint8_t)x->id, x->ns)
                     : timer_oneshot(TIMER_CLIENT_CAP_CLOCK, (uint8_t)x->id, x->ns);
    uint64_t after = now();
    x->earliest = before + x->ns;
    x->latest = after + x->ns + TIMER_TICK_NS;
    return e;
}

static bool on_time(const struct expected *x, uint64_t at)
{
    bool ok = at >= x->earliest && at <= x->latest;
    uprintf("timer client: id %u fired at %lu us, due %lu..%lu us: %s\n", x->id, (unsigned long)(at / 1000),
            (unsigned long)(x->earliest / 1000), (unsigned long)(x->latest / 1000),
            ok ? "on time" : "LATE OR EARLY");
    return ok;
}

static int run(void)
{
    const kidl_cptr_t note = TIMER_CLIENT_CAP_SPARE_NOTIFICATION;
    int e = timer_register_notification(TIMER_CLIENT_CAP_CLOCK, note);
    uprintf("timer client: register_notification -> %d\n", e);
    if (e)
        return 1;
    if (timer_oneshot(TIMER_CLIENT_CAP_CLOCK, TIMER_IDS, MS) != TIMER_ERR_BAD_ID ||
        timer_periodic(TIMER_CLIENT_CAP_CLOCK, ID_TICK, 0) != TIMER_ERR_BAD_PERIOD)
        return 2;
    uint64_t first = now(), second = now();
    if (second < first)
        return 3;

    /* Armed out of order: they must fire A, B, C. */
    struct expected shots[3] = { { ID_C, 60 * MS, 0, 0, 0 },
                                 { ID_A, 20 * MS, 0, 0, 0 },
                                 { ID_B, 40 * MS, 0, 0, 0 } };
    struct expected tick = { ID_TICK, 30 * MS, 0, 0, 0 };
    for (unsigned i = 0; i < 3; i++)
        if (arm(&shots[i], false))
            return 4;
    if (arm(&tick, true))
        return 5;
    unsigned order[3], fired = 0;
    while (fired < 3 || tick.fired < PERIODIC_FIRINGS) {
        uint64_t word = 0;
        kumiki_wait(note, &word);
        uint64_t at = now();
        for (unsigned i = 0; i < 3; i++)
            if (word & (1ull << shots[i].id)) {
                if (shots[i].fired++ || !on_time(&shots[i], at))
                    return 6;
                order[fired++] = shots[i].id;
            }
        if (word & (1ull << ID_TICK)) {
            /* The k-th firing is due k periods after arming. */
            struct expected due = tick;
            due.earliest += tick.fired * tick.ns;
            due.latest += tick.fired * tick.ns;
            if (!on_time(&due, at))
                return 7;
            if (++tick.fired == PERIODIC_FIRINGS && timer_cancel(TIMER_CLIENT_CAP_CLOCK, ID_TICK))
                return 8;
        }
    }
    uprintf("timer client: one-shots fired in the order %u %u %u\n", order[0], order[1], order[2]);
    if (order[0] != ID_A || order[1] != ID_B || order[2] != ID_C)
        return 9;

    /* Cancelled: two periods go by without it. */
    struct expected quiet = { ID_QUIET, 2 * tick.ns, 0, 0, 0 };
    if (arm(&quiet, false))
        return 10;
    uint64_t word = 0;
    kumiki_wait(note, &word);
    uint64_t at = now();
    if (word != (1ull << ID_QUIET) || !on_time(&quiet, at))
        return 11;
    uprintf("timer client: the cancelled periodic timeout stayed quiet\n");
    uprintf("timer client: timeouts in order and on time\n");
    return 0;
}

/* The driver is stopped whatever happened: a failure ends the boot at once. */
int main(const char *args)
{
    (void)args;
    int status = run();
    if (status)
        uprintf("timer client: failed with status %d\n", status);
    int e = timer_stop(TIMER_CLIENT_CAP_CLOCK);
    return status ? status : e ? 12 : 0;
}
