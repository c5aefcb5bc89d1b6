/* servers/devstate/iomon_line.c — see iomon_line.h. */
#include "iomon_line.h"

#include "format.h"

#include <stdarg.h>

enum { NAME_MAX_SHOWN = 64 };

static size_t print(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_to_buffer(buf, size, fmt, ap);
    va_end(ap);
    return n < size ? n : size ? size - 1 : 0;
}

/* A name as one field: printable, no space, never empty. */
static void field_name(char out[NAME_MAX_SHOWN], const char *name)
{
    unsigned n = 0;
    for (; name && name[n] && n < NAME_MAX_SHOWN - 1; n++)
        out[n] = name[n] > ' ' && name[n] < 0x7f ? name[n] : '_';
    if (n == 0)
        out[n++] = '-';
    out[n] = 0;
}

const char *iomon_outcome_name(enum devstate_outcome outcome)
{
    switch (outcome) {
    case DEVSTATE_OUTCOME_FORWARDED: return "forwarded";
    case DEVSTATE_OUTCOME_VIRTUAL: return "virtual";
    case DEVSTATE_OUTCOME_REWRITTEN: return "rewritten";
    case DEVSTATE_OUTCOME_REFUSED: return "refused";
    case DEVSTATE_OUTCOME_ERROR: return "error";
    case DEVSTATE_OUTCOME_DEFERRED: return "deferred";
    }
    return "error"; /* not an outcome: the record itself is wrong */
}

size_t iomon_line(char *buf, size_t size, const struct devstate_record *r, const char *actor,
                  const char *device)
{
    char a[NAME_MAX_SHOWN], d[NAME_MAX_SHOWN];
    field_name(a, actor);
    field_name(d, device);
    return print(buf, size, "IOMON %lu %lu %s %u %s 0x%x 0x%lx %u %u %s\n", (unsigned long)r->seq,
                 (unsigned long)r->tsc, a, r->thread, d, r->reg, (unsigned long)r->value, r->count, r->size,
                 iomon_outcome_name(r->outcome));
}

size_t iomon_dropped_line(char *buf, size_t size, uint64_t dropped)
{
    return print(buf, size, "IOMON-DROPPED %lu\n", (unsigned long)dropped);
}
