/* servers/devstate/iomon_line.h — a monitor record as the line the host
 * reads (tools/iomon parses exactly this; docs/devstate.md):
 *
 *   IOMON <seq> <tsc> <client> <thread> <device> <reg-hex> <value-hex> <count> <size> <outcome>
 *   IOMON-DROPPED <total-dropped>
 *
 * Fields are separated by one space; names never contain one (anything but
 * a printable non-space character becomes '_', an empty name '-'); reg and
 * value are 0x-prefixed hex, the rest decimal; outcome is one of forwarded
 * virtual rewritten refused error deferred. */
#pragma once

#include "devstate_types.h"

#include <stddef.h>

enum { IOMON_LINE_MAX = 200 };

/* The line, newline included, in buf; returns its length (cut at size - 1). */
size_t iomon_line(char *buf, size_t size, const struct devstate_record *r, const char *actor,
                  const char *device);
size_t iomon_dropped_line(char *buf, size_t size, uint64_t dropped);
const char *iomon_outcome_name(enum devstate_outcome outcome);
