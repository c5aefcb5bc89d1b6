/* servers/devstate/schedule.c — see schedule.h. */
#include "schedule.h"

uint8_t schedule_next(const struct devstate_schedule *p, uint8_t current, uint32_t requests)
{
    int next = current;
    if (requests >= p->raise_at)
        next += p->step;
    else if (requests <= p->lower_at)
        next -= p->step;
    if (next > p->max)
        next = p->max;
    if (next < p->min)
        next = p->min;
    return (uint8_t)next;
}
