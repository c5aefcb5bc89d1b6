/* Time (issue 8 item 5): clock_gettime on the clocks programs use (monotonic increasing,
 * realtime after 2020), nanosleep and clock_nanosleep (relative and absolute) sleeping at
 * least as asked, and the error cases.  Only relations are printed, never times. */
#include "conformance.h"
#include <stdint.h>
#include <time.h>

#define BAD_POINTER ((void *)1)

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t now(clockid_t clock)
{
    struct timespec t = { 0, 0 };
    clock_gettime(clock, &t);
    return ns(&t);
}

static void test_clocks(void)
{
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = { { CLOCK_REALTIME, "CLOCK_REALTIME" },
                   { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
                   { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
                   { CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" } };
    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        struct timespec t = { -1, -1 };
        check(clock_gettime(clocks[i].id, &t) == 0 && t.tv_sec >= 0 && t.tv_nsec >= 0 &&
                  t.tv_nsec < 1000000000,
              "clock_gettime(%s) gives a valid time", clocks[i].name);
    }
    check(now(CLOCK_REALTIME) / 1000000000 > 1577836800, "CLOCK_REALTIME is after 2020-01-01");
    int64_t previous = now(CLOCK_MONOTONIC);
    int increasing = 1;
    for (int i = 0; i < 1000; i++) {
        int64_t t = now(CLOCK_MONOTONIC);
        increasing &= t >= previous;
        previous = t;
    }
    check(increasing, "CLOCK_MONOTONIC never goes back over 1000 reads");
    check(now(CLOCK_BOOTTIME) >= now(CLOCK_MONOTONIC) - 1000000,
          "CLOCK_BOOTTIME is not behind CLOCK_MONOTONIC");
    int64_t cpu = now(CLOCK_PROCESS_CPUTIME_ID);
    volatile uint64_t spin = 0;
    for (int i = 0; i < 20 * 1000 * 1000; i++)
        spin += (uint64_t)i;
    check(now(CLOCK_PROCESS_CPUTIME_ID) > cpu, "CLOCK_PROCESS_CPUTIME_ID advances while computing");
    check(time(NULL) >= now(CLOCK_REALTIME) / 1000000000 - 1, "time() agrees with CLOCK_REALTIME");
}

static void test_sleeps(void)
{
    int64_t before = now(CLOCK_MONOTONIC);
    struct timespec twenty_ms = { 0, 20 * 1000 * 1000 }, left = { -1, -1 };
    check(nanosleep(&twenty_ms, &left) == 0, "nanosleep 20 ms");
    check(now(CLOCK_MONOTONIC) - before >= 20 * 1000 * 1000, "at least 20 ms passed");
    before = now(CLOCK_MONOTONIC);
    check(clock_nanosleep(CLOCK_MONOTONIC, 0, &twenty_ms, NULL) == 0, "clock_nanosleep 20 ms, relative");
    check(now(CLOCK_MONOTONIC) - before >= 20 * 1000 * 1000, "at least 20 ms passed");
    int64_t target = now(CLOCK_MONOTONIC) + 20 * 1000 * 1000;
    struct timespec until = { (time_t)(target / 1000000000), (long)(target % 1000000000) };
    check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0,
          "clock_nanosleep until +20 ms, absolute");
    check(now(CLOCK_MONOTONIC) >= target, "the deadline has passed");
    struct timespec past = { 0, 1 };
    check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL) == 0,
          "clock_nanosleep until a past time");
    target = now(CLOCK_REALTIME) + 10 * 1000 * 1000;
    struct timespec wall = { (time_t)(target / 1000000000), (long)(target % 1000000000) };
    check(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wall, NULL) == 0 && now(CLOCK_REALTIME) >= target,
          "clock_nanosleep on CLOCK_REALTIME, absolute");
    struct timespec zero = { 0, 0 };
    check(nanosleep(&zero, NULL) == 0, "nanosleep of 0");
}

static void test_errors(void)
{
    struct timespec t;
    check_errno(clock_gettime((clockid_t)999, &t), EINVAL, "clock_gettime of clock 999");
    check_errno(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_POINTER), EFAULT,
                "clock_gettime into a bad pointer");
    struct timespec bad_ns = { 0, 1000000000 }, negative = { -1, 0 }, negative_ns = { 0, -1 };
    check_errno(nanosleep(&bad_ns, NULL), EINVAL, "nanosleep with tv_nsec of 1e9");
    check_errno(nanosleep(&negative, NULL), EINVAL, "nanosleep of -1 s");
    check_errno(nanosleep(&negative_ns, NULL), EINVAL, "nanosleep of -1 ns");
    check_errno(syscall(SYS_nanosleep, BAD_POINTER, NULL), EFAULT, "nanosleep of a bad pointer");
    /* clock_nanosleep returns the error number instead of setting errno. */
    say("clock_nanosleep on clock 999: %s", errno_name(clock_nanosleep((clockid_t)999, 0, &bad_ns, NULL)));
    say("clock_nanosleep with tv_nsec of 1e9: %s",
        errno_name(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad_ns, NULL)));
    say("clock_nanosleep on CLOCK_THREAD_CPUTIME_ID: %s",
        errno_name(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &bad_ns, NULL)));
    check_errno(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_POINTER, NULL), EFAULT,
                "clock_nanosleep of a bad pointer");
    /* Setting the clock: only refusals (the host runs this too, maybe as root), each refused
     * before any permission check, as Linux's clock_settime and settimeofday do. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct timespec too_late = { 9223372036L, 0 };
    check_errno(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &now), EINVAL,
                "clock_settime of CLOCK_MONOTONIC");
    check_errno(syscall(SYS_clock_settime, 999, &now), EINVAL, "clock_settime of clock 999");
    check_errno(syscall(SYS_clock_settime, CLOCK_MONOTONIC, BAD_POINTER), EINVAL,
                "clock_settime of CLOCK_MONOTONIC from a bad pointer: the clock first");
    check_errno(syscall(SYS_clock_settime, CLOCK_REALTIME, &bad_ns), EINVAL,
                "clock_settime with tv_nsec of 1e9");
    check_errno(syscall(SYS_clock_settime, CLOCK_REALTIME, &negative), EINVAL, "clock_settime to -1 s");
    check_errno(syscall(SYS_clock_settime, CLOCK_REALTIME, &too_late), EINVAL,
                "clock_settime past Linux's last settable second");
    long bad_usec[2] = { (long)now.tv_sec, 2000000 };
    check_errno(syscall(SYS_settimeofday, bad_usec, NULL), EINVAL, "settimeofday with tv_usec of 2e6");
}

int main(void)
{
    test_clocks();
    test_sleeps();
    test_errors();
    return conformance_done();
}
