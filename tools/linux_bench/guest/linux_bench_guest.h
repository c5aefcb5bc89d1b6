/* tools/linux_bench/guest/linux_bench_guest.h — what a benchmark program
 * needs when it runs as /init of a Linux guest booted by linux_bench.py
 * under `-icount shift=0,sleep=off` (docs/linux-bench.md).
 *
 * A program calls linux_bench_setup() first, prints its figures as
 * `BENCH <name> <value> <unit>` lines on stdout (the serial console), and
 * ends with linux_bench_finish(failures), which powers the machine off:
 * /init must never return (the kernel would panic). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Mounts /proc, /sys and devtmpfs on /dev, loads the kernel modules
 * linux_bench.py listed in /lib/modules/load.list (dependencies first), and
 * checks that the kernel's clock runs at the rate of the time stamp counter
 * (one nanosecond per count), which linux_bench_window_close relies on.
 * Failures are fatal: the program powers off after saying what failed. */
void linux_bench_setup(void);

/* The time stamp counter.  Under -icount shift=0,sleep=off it advances by
 * one per guest instruction executed, and by the virtual nanoseconds the
 * CPU spends halted. */
static inline uint64_t linux_bench_tsc(void)
{
    return __builtin_ia32_rdtsc();
}

/* Nanoseconds CPU 0 has spent in the idle task since boot, as the kernel's
 * idle accounting keeps them (idle_sleeptime + iowait_sleeptime in
 * /proc/timer_list): from its entry into the idle loop to its exit, less
 * the interrupts taken in between.  Exits the program if it cannot tell. */
uint64_t linux_bench_idle_ns(void);

/* A measured stretch of guest execution: the instructions executed in it,
 * not counting the time the idle task ran.  Opening and closing read
 * /proc/timer_list outside the stretch. */
struct linux_bench_window {
    uint64_t tsc;
    uint64_t idle_ns;
};

void linux_bench_window_open(struct linux_bench_window *window);

/* Instructions since linux_bench_window_open, less the idle time in
 * between; *idle_ns (if not NULL) gets that idle time, 0 if the idle task
 * did not run at all. */
uint64_t linux_bench_window_close(const struct linux_bench_window *window, uint64_t *idle_ns);

/* The most frequent of n > 0 samples, the smaller one of a tie (sorts
 * them); *count (if not NULL) gets how many samples have that value.  For a path measured many times it is
 * the count of the path itself: the samples that differ had something else added to them (a timer tick, a
 * different interleaving with the device). */
uint64_t linux_bench_mode(uint64_t *samples, size_t n, size_t *count);

/* Prints "linux_bench: done, <failures> failed" (linux_bench.py requires
 * it with 0), flushes stdout and powers off. */
noreturn void linux_bench_finish(unsigned failures);

/* Prints "linux_bench: <what>: <errno text>" and finishes with a failure. */
noreturn void linux_bench_fail(const char *what);
