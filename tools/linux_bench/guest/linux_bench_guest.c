/* tools/linux_bench/guest/linux_bench_guest.c — setup, idle accounting and
 * power-off of a benchmark that runs as /init (linux_bench_guest.h). */
#define _GNU_SOURCE
#include "linux_bench_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Written by linux_bench.py: one module file name a line, in load order. */
#define MODULE_LIST "/lib/modules/load.list"
#define MODULE_DIR  "/lib/modules/"

noreturn void linux_bench_finish(unsigned failures)
{
    printf("linux_bench: done, %u failed\n", failures);
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    /* Only if the power-off itself failed: exiting /init panics the kernel,
     * and linux_bench.py reports the missing power-off. */
    _exit(1);
}

noreturn void linux_bench_fail(const char *what)
{
    printf("linux_bench: %s: %s\n", what, strerror(errno));
    linux_bench_finish(1);
}

static void mount_or_fail(const char *source, const char *target, const char *type)
{
    if (mkdir(target, 0755) != 0 && errno != EEXIST)
        linux_bench_fail(target);
    if (mount(source, target, type, 0, NULL) != 0)
        linux_bench_fail(target);
}

static void load_module(const char *name)
{
    char path[256];
    if (snprintf(path, sizeof path, MODULE_DIR "%s", name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        linux_bench_fail(name);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        linux_bench_fail(path);
    /* musl has no wrapper for finit_module. */
    if (syscall(SYS_finit_module, fd, "", 0) != 0)
        linux_bench_fail(path);
    close(fd);
}

static void load_modules(void)
{
    FILE *list = fopen(MODULE_LIST, "r");
    if (!list) {
        if (errno == ENOENT)
            return; /* no modules asked for */
        linux_bench_fail(MODULE_LIST);
    }
    char line[256];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            load_module(line);
    }
    fclose(list);
}

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
        linux_bench_fail("clock_gettime");
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* Idle time comes in nanoseconds and is subtracted from TSC counts: that is
 * exact only if the kernel counts one nanosecond per TSC count (its
 * clocksource is the TSC, calibrated at 1 GHz, which icount shift=0 gives). */
static void check_clock_runs_at_tsc_rate(void)
{
    uint64_t ns = monotonic_ns(), tsc = linux_bench_tsc();
    struct timespec pause = { 0, 1000000 };
    nanosleep(&pause, NULL);
    uint64_t ns_passed = monotonic_ns() - ns, tsc_passed = linux_bench_tsc() - tsc;
    uint64_t difference = ns_passed > tsc_passed ? ns_passed - tsc_passed : tsc_passed - ns_passed;
    /* Reading the clock and the TSC are a few instructions apart. */
    if (difference > 100) {
        printf("linux_bench: the kernel's clock is not the TSC at 1 GHz: %llu ns for %llu counts\n",
               (unsigned long long)ns_passed, (unsigned long long)tsc_passed);
        linux_bench_finish(1);
    }
}

void linux_bench_setup(void)
{
    /* The console is a serial line: whole lines reach the host in order
     * even if the guest dies. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    mount_or_fail("proc", "/proc", "proc");
    mount_or_fail("sysfs", "/sys", "sysfs");
    mount_or_fail("devtmpfs", "/dev", "devtmpfs");
    load_modules();
    check_clock_runs_at_tsc_rate();
}

/* Adds the value of the first "<field> : <n> nsecs" line after `from`
 * (timer_list pads field names with spaces before the colon). */
static int add_field(const char *from, const char *field, uint64_t *sum)
{
    const char *at = strstr(from, field);
    if (!at)
        return -1;
    at += strlen(field);
    at += strspn(at, " ");
    if (*at++ != ':')
        return -1;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(at, &end, 10);
    if (errno || end == at || strncmp(end, " nsecs\n", 7) != 0)
        return -1;
    *sum += value;
    return 0;
}

uint64_t linux_bench_idle_ns(void)
{
    /* /proc/timer_list lists the pending hrtimers, then per CPU the tick
     * state.  Opened once: closing a file frees it through RCU, whose work
     * would then run inside the next measured window. */
    static char text[1 << 20];
    static int fd = -1;
    if (fd < 0 && (fd = open("/proc/timer_list", O_RDONLY | O_CLOEXEC)) < 0)
        linux_bench_fail("/proc/timer_list");
    size_t used = 0;
    for (;;) {
        ssize_t got = pread(fd, text + used, sizeof text - 1 - used, (off_t)used);
        if (got < 0)
            linux_bench_fail("/proc/timer_list");
        if (got == 0)
            break;
        used += (size_t)got;
        if (used == sizeof text - 1) {
            errno = EFBIG;
            linux_bench_fail("/proc/timer_list");
        }
    }
    text[used] = '\0';
    /* The tick state of CPU 0 follows its header line "cpu: 0". */
    const char *cpu0 = strstr(text, "\ncpu: 0\n");
    uint64_t idle = 0;
    if (!cpu0 || add_field(cpu0, "\n  .idle_sleeptime", &idle) != 0 ||
        add_field(cpu0, "\n  .iowait_sleeptime", &idle) != 0) {
        errno = EPROTO;
        linux_bench_fail("/proc/timer_list has no idle times of cpu 0");
    }
    return idle;
}

void linux_bench_window_open(struct linux_bench_window *window)
{
    window->idle_ns = linux_bench_idle_ns();
    window->tsc = linux_bench_tsc();
}

uint64_t linux_bench_window_close(const struct linux_bench_window *window, uint64_t *idle_ns)
{
    uint64_t tsc = linux_bench_tsc();
    uint64_t idle = linux_bench_idle_ns() - window->idle_ns;
    uint64_t elapsed = tsc - window->tsc;
    if (idle_ns)
        *idle_ns = idle;
    /* Idle time is part of the elapsed time; more would be a broken clock. */
    if (idle > elapsed) {
        printf("linux_bench: %llu ns idle in a window of %llu counts\n", (unsigned long long)idle,
               (unsigned long long)elapsed);
        linux_bench_finish(1);
    }
    return elapsed - idle;
}

static int compare_samples(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t linux_bench_mode(uint64_t *samples, size_t n, size_t *count)
{
    qsort(samples, n, sizeof samples[0], compare_samples);
    uint64_t mode = samples[0];
    size_t mode_count = 0;
    for (size_t run = 0; run < n;) {
        size_t end = run;
        while (end < n && samples[end] == samples[run])
            end++;
        if (end - run > mode_count) { /* strictly more: a tie keeps the smaller */
            mode = samples[run];
            mode_count = end - run;
        }
        run = end;
    }
    if (count)
        *count = mode_count;
    return mode;
}
