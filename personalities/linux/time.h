/* personalities/linux/time.h — the personality's clocks and its one timer.
 *
 * Monotonic time is the TSC scaled by a rate measured against the timer
 * driver at boot (the driver's now() moves in PIT periods of ~4 ms; the
 * TSC gives the resolution between them).  Wall-clock time is the RTC's
 * reading at boot (when the deployment connects the RTC driver) plus
 * monotonic time.  Deadlines of waiting threads share one timer-driver
 * timeout, re-armed for the earliest. */
#pragma once

#include <stdint.h>

void time_init(void);
/* Arms the timeout for the earliest deadline (0: none pending). */
void time_arm(uint64_t deadline_ns);
/* The armed timeout fired (the personality's notification): forget it. */
void time_fired(void);
