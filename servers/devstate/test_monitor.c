/* servers/devstate/test_monitor.c — the I/O monitor's ring and its lines on
 * the host: records come out oldest first with increasing sequence numbers;
 * a full ring drops and counts, and every drop is a gap in the sequence;
 * per-actor request counts include dropped records; the IOMON line format
 * is exactly what tools/iomon parses.  A property test runs random records
 * and takes against a simple model. */
#include "check.h"
#include "iomon_line.h"
#include "monitor.h"

#include <stdlib.h>
#include <string.h>

static struct devstate_record record(uint8_t actor, uint64_t value)
{
    return (struct devstate_record){ .actor = actor, .value = value, .outcome = DEVSTATE_OUTCOME_FORWARDED };
}

static void test_order_and_overflow(void)
{
    struct devstate_record slots[4], out[8];
    struct monitor m;
    monitor_init(&m, slots, 4);
    CHECK(monitor_empty(&m) && monitor_take(&m, out, 8) == 0);
    for (uint64_t i = 0; i < 6; i++)
        CHECK(monitor_record(&m, record(1, i)) == i + 1); /* seq counts from 1, drops too */
    CHECK(m.dropped == 2);
    CHECK(monitor_take(&m, out, 3) == 3);
    CHECK(out[0].seq == 1 && out[0].value == 0 && out[2].seq == 3);
    CHECK(monitor_record(&m, record(2, 99)) == 7); /* room again */
    CHECK(monitor_take(&m, out, 8) == 2);
    CHECK(out[0].seq == 4 && out[1].seq == 7 && out[1].value == 99); /* the gap 5..6: the drops */
    CHECK(monitor_empty(&m));
    CHECK(monitor_take_requests(&m, 1) == 6 && monitor_take_requests(&m, 1) == 0);
    CHECK(monitor_take_requests(&m, 2) == 1);
    CHECK(monitor_take_requests(&m, MONITOR_MAX_ACTORS) == 0);
    monitor_record(&m, record(MONITOR_MAX_ACTORS + 3, 0)); /* kept, not counted per actor */
    CHECK(monitor_take(&m, out, 1) == 1 && out[0].actor == MONITOR_MAX_ACTORS + 3);
}

/* Random records and takes: what comes out is every record that found room,
 * in order; the gaps add up to the drop count. */
static void test_property(void)
{
    srand(11);
    for (int round = 0; round < 200; round++) {
        struct devstate_record slots[8], out[8];
        struct monitor m;
        uint32_t capacity = 1u << (rand() % 4);
        monitor_init(&m, slots, capacity);
        uint64_t last_seq = 0, seen = 0, made = 0, held = 0;
        for (int step = 0; step < 300; step++) {
            if (rand() % 3) {
                monitor_record(&m, record((uint8_t)(rand() % 4), made));
                made++;
                if (held < capacity)
                    held++;
            } else {
                uint32_t n = monitor_take(&m, out, (uint32_t)rand() % 8);
                for (uint32_t i = 0; i < n; i++) {
                    CHECK(out[i].seq > last_seq);
                    CHECK(out[i].value == out[i].seq - 1); /* record k carries value k - 1 */
                    last_seq = out[i].seq;
                }
                seen += n;
                held -= n;
            }
            CHECK(m.newest - m.oldest == held);
        }
        seen += monitor_take(&m, out, 8);
        CHECK(seen + m.dropped == made);
    }
}

static void test_lines(void)
{
    char line[IOMON_LINE_MAX];
    struct devstate_record r = { .seq = 42,
                                 .tsc = 123456789012ull,
                                 .value = 0x1c,
                                 .thread = 7,
                                 .count = 1,
                                 .size = 1,
                                 .reg = 0x3f2,
                                 .actor = 2,
                                 .device = 1,
                                 .outcome = DEVSTATE_OUTCOME_REWRITTEN };
    size_t n = iomon_line(line, sizeof(line), &r, "client_a", "fdc");
    CHECK(!strcmp(line, "IOMON 42 123456789012 client_a 7 fdc 0x3f2 0x1c 1 1 rewritten\n"));
    CHECK(n == strlen(line));
    r.outcome = DEVSTATE_OUTCOME_DEFERRED;
    r.value = 0xffffffffffffffffull;
    iomon_line(line, sizeof(line), &r, "odd name\t", "");
    CHECK(!strcmp(line, "IOMON 42 123456789012 odd_name_ 7 - 0x3f2 0xffffffffffffffff 1 1 deferred\n"));
    static const char *const names[] = {
        "forwarded", "virtual", "rewritten", "refused", "error", "deferred"
    };
    for (int o = DEVSTATE_OUTCOME_FORWARDED; o <= DEVSTATE_OUTCOME_DEFERRED; o++)
        CHECK(!strcmp(iomon_outcome_name((enum devstate_outcome)o), names[o - 1]));
    CHECK(!strcmp(iomon_outcome_name((enum devstate_outcome)0), "error"));
    CHECK(iomon_dropped_line(line, sizeof(line), 17) == 17 && !strcmp(line, "IOMON-DROPPED 17\n"));
    CHECK(iomon_line(line, 10, &r, "a", "b") == 9 && strlen(line) == 9); /* cut, terminated */
}

int main(void)
{
    test_order_and_overflow();
    test_property();
    test_lines();
    return check_exit("devstate monitor");
}
