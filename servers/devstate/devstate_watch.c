/* servers/devstate/devstate_watch.c — the I/O monitor's reader: drains
 * devstate's ring through monitor_read (the capability badged
 * DEVSTATE_MONITOR_BADGE) and streams each record to the host as an IOMON
 * line on the console (iomon_line.h: the format tools/iomon parses), and
 * an IOMON-DROPPED line whenever the count of dropped records grows.
 *
 * It checks what it reads: sequence numbers only increase, and the gaps
 * between them add up to the drops devstate reports (a record is lost only
 * when it is counted).  It waits for records (monitor_read with wait) and
 * ends when devstate says the batch is its last; its exit status says
 * whether every check held.  Run it at a low priority: it is the one that
 * falls behind, never the I/O it watches. */
#include "devstate_client.h"
#include "devstate_watch_caps.h"
#include "iomon_line.h"

#include <kidl_kumiki.h>
#include <kumiki/user.h>

#define MONITOR DEVSTATE_WATCH_CAP_MONITOR

enum { NAMES = 32 };

static char actor_names[NAMES][DEVSTATE_NAME_MAX + 1];
static char device_names[NAMES][DEVSTATE_NAME_MAX + 1];

/* A name from devstate, asked once. */
static const char *name_of(enum devstate_name_kind kind, uint8_t index)
{
    char(*cache)[DEVSTATE_NAME_MAX + 1] = kind == DEVSTATE_NAME_KIND_ACTOR ? actor_names : device_names;
    if (index >= NAMES)
        return "?";
    if (!cache[index][0] && devstate_describe(MONITOR, kind, index, cache[index]))
        usnprintf(cache[index], sizeof(cache[index]), kind == DEVSTATE_NAME_KIND_ACTOR ? "actor%u" : "none",
                  index);
    return cache[index];
}

int main(const char *args)
{
    (void)args;
    static struct devstate_record records[DEVSTATE_MONITOR_BATCH];
    uint64_t last_seq = 0, gaps = 0, dropped = 0, lines = 0;
    unsigned failures = 0;
    for (;;) {
        uint32_t count = 0;
        uint64_t total_dropped = 0;
        bool final = false;
        int e = devstate_monitor_read(MONITOR, true, records, &count, &total_dropped, &final);
        if (e) {
            uprintf("devstate_watch: monitor_read failed (%d)\n", e);
            return 1;
        }
        for (uint32_t i = 0; i < count && i < DEVSTATE_MONITOR_BATCH; i++) {
            const struct devstate_record *r = &records[i];
            if (r->seq <= last_seq) {
                uprintf("devstate_watch: record %lu after %lu: out of order\n", (unsigned long)r->seq,
                        (unsigned long)last_seq);
                failures++;
            } else {
                gaps += r->seq - last_seq - 1;
                last_seq = r->seq;
            }
            char line[IOMON_LINE_MAX];
            iomon_line(line, sizeof(line), r, name_of(DEVSTATE_NAME_KIND_ACTOR, r->actor),
                       name_of(DEVSTATE_NAME_KIND_DEVICE, r->device));
            kumiki_debug_write(line, strlen(line));
            lines++;
        }
        if (total_dropped != dropped) {
            char line[IOMON_LINE_MAX];
            iomon_dropped_line(line, sizeof(line), total_dropped);
            kumiki_debug_write(line, strlen(line));
            dropped = total_dropped;
        }
        if (final)
            break;
    }
    /* Drops at the very end (after the last record) leave no gap to see. */
    bool consistent = gaps <= dropped;
    uprintf("devstate_watch: %lu records streamed, %lu dropped (%lu seen as gaps)%s\n", (unsigned long)lines,
            (unsigned long)dropped, (unsigned long)gaps, consistent ? "" : ": MORE GAPS THAN DROPS");
    return failures || !consistent ? 1 : 0;
}
