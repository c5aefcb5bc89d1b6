/* servers/devstate/power/power_busy.c — the client the scheduling feedback
 * acts on (power.dst: client 3, window 100 ms, raise at 40 requests, lower
 * at 4, step 5, bounds 95..110).  Declared at priority 100.
 *
 * First it is I/O-bound: it reads PM1a_CNT from its view as fast as it
 * can, and its priority must climb to 110 and stay there however long it
 * goes on (never past the bound).  Then it is quiet, sleeping on its timer
 * with one request a window at most: its priority must come down to 95
 * and stay.  It checks each through devstate's priority() (what the policy
 * set, and the lowest and highest it ever set); the root task prints every
 * change it makes.  Last it asks for S5 — the third client to ask — and
 * the machine goes off (also after a failed check: the test reads the
 * FAILED lines). */
#include "devstate_client.h"
#include "power_busy_caps.h"
#include "timer_client.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

#define MS 1000000ull

enum { PM1A_CNT = 0x604, SLP_EN = 1u << 13, ID_SLEEP = 0, MIN = 95, MAX = 110, STEP = 5 };

static unsigned failures;

static void expect(bool ok, const char *what)
{
    uprintf("power_busy: %s %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

static uint64_t now(void)
{
    uint64_t ns = 0;
    timer_now(POWER_BUSY_CAP_CLOCK, &ns);
    return ns;
}

static void sleep_ms(uint64_t ms)
{
    timer_oneshot(POWER_BUSY_CAP_CLOCK, ID_SLEEP, ms * MS);
    uint64_t word = 0;
    while (!(word & (1u << ID_SLEEP)))
        kumiki_wait(POWER_BUSY_CAP_TIMER, &word);
}

struct seen {
    uint8_t current, lowest, highest;
};

static struct seen priority(void)
{
    struct seen s = { 0, 0, 0 };
    if (devstate_priority(POWER_BUSY_CAP_POWER, &s.current, &s.lowest, &s.highest))
        expect(false, "priority() answers");
    return s;
}

/* Reads until the policy has set `target` and kept it for `hold_ms`, or
 * until `limit_ms`; returns what priority() said last. */
static struct seen busy(uint8_t target, uint64_t hold_ms, uint64_t limit_ms)
{
    uint64_t start = now(), reached = 0;
    struct seen s = priority();
    for (unsigned n = 0;; n++) {
        enum devstate_outcome outcome;
        uint64_t value;
        devstate_read(POWER_BUSY_CAP_POWER, 3, PM1A_CNT, 2, &value, &outcome);
        if (n % 64)
            continue;
        s = priority();
        uint64_t t = now();
        if (s.current == target && !reached)
            reached = t;
        if ((reached && t - reached >= hold_ms * MS) || t - start >= limit_ms * MS)
            return s;
    }
}

static struct seen quiet(uint8_t target, uint64_t hold_ms, uint64_t limit_ms)
{
    uint64_t start = now(), reached = 0;
    for (;;) {
        sleep_ms(100);
        struct seen s = priority(); /* not a device request: the monitor does not count it */
        uint64_t t = now();
        if (s.current == target && !reached)
            reached = t;
        if ((reached && t - reached >= hold_ms * MS) || t - start >= limit_ms * MS)
            return s;
    }
}

int main(const char *args)
{
    (void)args;
    if (timer_register_notification(POWER_BUSY_CAP_CLOCK, POWER_BUSY_CAP_TIMER)) {
        uprintf("power_busy: the timer refuses its notification\n");
        return 1;
    }
    struct seen s = priority();
    expect(s.current == 100 && s.lowest == 0 && s.highest == 0,
           "starts at its declared priority 100, untouched");
    sleep_ms(300); /* the others ask first */
    s = busy(MAX, 600, 5000);
    char what[120];
    usnprintf(what, sizeof(what), "I/O-bound: priority rose to %u (highest ever %u), bound %u", s.current,
              s.highest, MAX);
    expect(s.current == MAX && s.highest == MAX, what);
    s = quiet(MIN, 600, 5000);
    usnprintf(what, sizeof(what), "quiet: priority fell to %u (lowest ever %u, highest %u), bounds %u..%u",
              s.current, s.lowest, s.highest, MIN, MAX);
    expect(s.current == MIN && s.lowest == MIN && s.highest == MAX, what);
    /* Asked even after a failure, so the run ends at once; the test looks
     * for FAILED lines. */
    uprintf("power_busy: asking for S5 last (%u failures)\n", failures);
    enum devstate_outcome outcome;
    int e = devstate_write(POWER_BUSY_CAP_POWER, 3, PM1A_CNT, 2, SLP_EN, &outcome);
    uprintf("power_busy: still running after asking for S5 (%d, outcome %d)\n", e, outcome);
    return 2;
}
