/* servers/devstate/monitor.h — the I/O monitor's ring.
 *
 * Every request devstate handles, and every device access it makes a driver
 * do, becomes one record.  Recording never blocks and never fails: when the
 * ring is full the record is dropped and counted, and its sequence number
 * is still used, so a reader sees each drop as a gap.  One reader takes the
 * records out, oldest first.  The monitor also counts each actor's requests
 * (dropped ones too) for the scheduling feedback.
 *
 * Pure (no I/O, no allocation): host-tested. */
#pragma once

#include "devstate_types.h"

#include <stdbool.h>
#include <stdint.h>

enum { MONITOR_MAX_ACTORS = 16 };

struct monitor {
    struct devstate_record *slots;
    uint32_t capacity;       /* a power of two */
    uint64_t oldest, newest; /* records [oldest, newest) are unread; slot = index % capacity */
    uint64_t next_seq;       /* every record gets the next one, kept or dropped */
    uint64_t dropped;
    uint32_t requests[MONITOR_MAX_ACTORS]; /* since the last monitor_take_requests */
};

/* capacity: a power of two, the number of records in slots. */
void monitor_init(struct monitor *m, struct devstate_record *slots, uint32_t capacity);
/* Records r (its seq is set here); returns the seq. */
uint64_t monitor_record(struct monitor *m, struct devstate_record r);
/* Up to max of the oldest unread records into out, removed from the ring. */
uint32_t monitor_take(struct monitor *m, struct devstate_record *out, uint32_t max);
bool monitor_empty(const struct monitor *m);
/* The requests of an actor since the last call for it (then 0 again). */
uint32_t monitor_take_requests(struct monitor *m, unsigned actor);
