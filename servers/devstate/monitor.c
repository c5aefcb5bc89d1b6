/* servers/devstate/monitor.c — see monitor.h. */
#include "monitor.h"

void monitor_init(struct monitor *m, struct devstate_record *slots, uint32_t capacity)
{
    *m = (struct monitor){ .slots = slots, .capacity = capacity, .next_seq = 1 };
}

uint64_t monitor_record(struct monitor *m, struct devstate_record r)
{
    r.seq = m->next_seq++;
    if (r.actor < MONITOR_MAX_ACTORS && m->requests[r.actor] != UINT32_MAX)
        m->requests[r.actor]++;
    if (m->newest - m->oldest == m->capacity) {
        m->dropped++; /* full: the reader has not kept up; I/O goes on */
        return r.seq;
    }
    m->slots[m->newest++ & (m->capacity - 1)] = r;
    return r.seq;
}

uint32_t monitor_take(struct monitor *m, struct devstate_record *out, uint32_t max)
{
    uint32_t n = 0;
    for (; n < max && m->oldest != m->newest; n++)
        out[n] = m->slots[m->oldest++ & (m->capacity - 1)];
    return n;
}

bool monitor_empty(const struct monitor *m)
{
    return m->oldest == m->newest;
}

uint32_t monitor_take_requests(struct monitor *m, unsigned actor)
{
    if (actor >= MONITOR_MAX_ACTORS)
        return 0;
    uint32_t n = m->requests[actor];
    m->requests[actor] = 0;
    return n;
}
