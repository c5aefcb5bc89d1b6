/* servers/devstate/schedule.h — the scheduling feedback's rule.
 *
 * Per window of window_ms, a client with at least raise_at requests is
 * I/O-bound: its priority goes up by step; one with at most lower_at
 * requests is idle: down by step; in between it stays.  The result is
 * always within [min, max] (a start outside is brought to the nearest
 * bound), and it moves by at most step, or to the bound. */
#pragma once

#include "devstate_tables.h"

#include <stdint.h>

uint8_t schedule_next(const struct devstate_schedule *policy, uint8_t current, uint32_t requests);
