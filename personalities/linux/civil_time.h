/* personalities/linux/civil_time.h — a calendar date and time (UTC, as the
 * CMOS clock of a Linux machine holds it) to seconds since the epoch: pure,
 * host-tested (tests/test_civil_time.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Seconds since 1970-01-01 00:00:00 UTC of the given proleptic Gregorian
 * date and time; false (and *out untouched) when a field is out of range:
 * year 1970..9999, month 1..12, day within the month, hour 0..23,
 * minute 0..59, second 0..59. */
bool civil_to_unix(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                   unsigned second, uint64_t *out);
