/* personalities/linux/time.c — see time.h; the clock and sleep system calls. */
#include "time.h"
#include "civil_time.h"
#include "personality.h"
#include "rtc_client.h"
#include "syscall.h"
#include "timer_client.h"
#include <kumiki/ipc.h>
#include <kumiki/user.h>

__extension__ typedef unsigned __int128 u128;

enum { TIMEOUT_ID = 0 };

/* ns = (tsc - tsc_base) * ns_per_tsc_q32 >> 32. */
static uint64_t tsc_base, ns_per_tsc_q32 = 1ull << 32;
/* Wall-clock time minus monotonic time: from the RTC at boot (2024-01-01
 * without one), moved by clock_settime and settimeofday.  Invariant: at
 * least 0 (no wall clock before the machine started) and small enough that
 * adding 30 years of uptime cannot overflow. */
static int64_t realtime_base_ns = 1704067200ll * 1000000000ll;
/* Linux's TIME_SETTOD_SEC_MAX: KTIME_SEC_MAX less 30 years of uptime. */
#define SETTOD_SEC_MAX (9223372036ll - 30ll * 365 * 86400)
static uint64_t armed_deadline;

uint64_t lx_now_ns(void)
{
    uint64_t d = kumiki_read_tsc() - tsc_base;
    return (uint64_t)(((u128)d * ns_per_tsc_q32) >> 32);
}

uint64_t lx_realtime_ns(void)
{
    return (uint64_t)((int64_t)lx_now_ns() + realtime_base_ns);
}

/* The CMOS clock's date (UTC, as QEMU and Linux keep it) as the wall clock;
 * a clock that does not answer or says nonsense leaves the default, said. */
static void realtime_from_rtc(void)
{
    uint16_t year;
    uint8_t month, day, hour, minute, second;
    uint64_t seconds;
    if (!lx.rtc)
        return;
    int e = rtc_get_time(lx.rtc, &year, &month, &day, &hour, &minute, &second);
    if (e || !civil_to_unix(year, month, day, hour, minute, second, &seconds) ||
        seconds >= (uint64_t)SETTOD_SEC_MAX) {
        lx_log("the RTC gives no usable date (error %d): the clock starts at 2024-01-01", e);
        return;
    }
    uint64_t ns = seconds * 1000000000ull, now = lx_now_ns();
    realtime_base_ns = ns > now ? (int64_t)(ns - now) : 0;
}

static uint64_t driver_now(void)
{
    uint64_t ns = 0;
    timer_now(lx.timer, &ns);
    return ns;
}

void time_init(void)
{
    tsc_base = kumiki_read_tsc();
    if (!lx.timer)
        return; /* 1 ns per TSC count: a clock that moves, if not at the right speed */
    /* Two PIT periods between driver readings that changed: the rate. */
    uint64_t start = driver_now(), first;
    while ((first = driver_now()) == start)
        kumiki_yield();
    uint64_t tsc_first = kumiki_read_tsc(), last;
    while ((last = driver_now()) < first + 2 * TIMER_TICK_NS)
        kumiki_yield();
    uint64_t tsc_last = kumiki_read_tsc();
    if (tsc_last > tsc_first)
        /* last - first is a few PIT periods (< 2^32 ns), so the shift fits. */
        ns_per_tsc_q32 = ((last - first) << 32) / (tsc_last - tsc_first);
    tsc_base = tsc_first;
    realtime_from_rtc();
}

void time_arm(uint64_t deadline)
{
    if (!lx.timer || deadline == armed_deadline)
        return;
    armed_deadline = deadline;
    if (!deadline) {
        timer_cancel(lx.timer, TIMEOUT_ID);
        return;
    }
    uint64_t now = lx_now_ns();
    timer_oneshot(lx.timer, TIMEOUT_ID, deadline > now ? deadline - now : 1);
}

/* The deadline fired or was passed: forget it so that the next arm re-arms. */
void time_fired(void)
{
    armed_deadline = 0;
}

/* ---- system calls -------------------------------------------------------- */

enum {
    CLOCK_REALTIME = 0,
    CLOCK_MONOTONIC = 1,
    CLOCK_PROCESS_CPUTIME_ID = 2,
    CLOCK_THREAD_CPUTIME_ID = 3,
    CLOCK_MONOTONIC_RAW = 4,
    CLOCK_REALTIME_COARSE = 5,
    CLOCK_MONOTONIC_COARSE = 6,
    CLOCK_BOOTTIME = 7,
    TIMER_ABSTIME = 1,
};

static int clock_read(int clock, const struct lx_proc *p, uint64_t *ns)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE: *ns = lx_realtime_ns(); return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME: *ns = lx_now_ns(); return 0;
    /* CPU time is not accounted per process: the time it has existed is an
     * upper bound that still moves forward. */
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID: *ns = lx_now_ns() - p->start_ns; return 0;
    default: return -LX_EINVAL;
    }
}

static struct lx_timespec to_ts(uint64_t ns)
{
    return (struct lx_timespec){ (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
}

static int64_t sys_clock_gettime(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t ns;
    int e = clock_read(arg_int(r->rdi), t->proc, &ns);
    if (e)
        return e;
    struct lx_timespec ts = to_ts(ns);
    return mm_copy_out(t->proc->mm, r->rsi, &ts, sizeof(ts));
}

static int64_t sys_clock_getres(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t ns;
    int e = clock_read(arg_int(r->rdi), t->proc, &ns);
    if (e)
        return e;
    struct lx_timespec ts = { 0, 1 };
    return r->rsi ? mm_copy_out(t->proc->mm, r->rsi, &ts, sizeof(ts)) : 0;
}

static int64_t sys_gettimeofday(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t ns = lx_realtime_ns();
    int64_t tv[2] = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull / 1000) };
    if (r->rdi && mm_copy_out(t->proc->mm, r->rdi, tv, sizeof(tv)))
        return -LX_EFAULT;
    if (r->rsi) {
        int32_t tz[2] = { 0, 0 };
        if (mm_copy_out(t->proc->mm, r->rsi, tz, sizeof(tz)))
            return -LX_EFAULT;
    }
    return 0;
}

static int64_t sys_time(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int64_t s = (int64_t)(lx_realtime_ns() / 1000000000ull);
    if (r->rdi && mm_copy_out(t->proc->mm, r->rdi, &s, sizeof(s)))
        return -LX_EFAULT;
    return s;
}

/* Sleeps until the call's deadline (set at the first run); an interrupted
 * sleep reports what was left in rem. */
static int64_t sleep_until(struct lx_thread *t, uint64_t deadline, uint64_t urem)
{
    uint64_t now = lx_now_ns();
    if (now >= deadline)
        return 0;
    if (t->interrupted) {
        if (urem) {
            struct lx_timespec left = to_ts(deadline - now);
            if (mm_copy_out(t->proc->mm, urem, &left, sizeof(left)))
                return -LX_EFAULT;
        }
        return -LX_EINTR;
    }
    lx_wait_until(t, deadline);
    return LX_BLOCK;
}

static int read_timespec(struct lx_thread *t, uint64_t u, uint64_t *ns)
{
    struct lx_timespec ts;
    if (mm_copy_in(t->proc->mm, &ts, u, sizeof(ts)))
        return -LX_EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -LX_EINVAL;
    *ns = (uint64_t)ts.tv_sec > (UINT64_MAX / 2) / 1000000000ull
              ? UINT64_MAX / 2
              : (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    return 0;
}

/* clock_settime(CLOCK_REALTIME, ts) and settimeofday(tv, tz): root sets the
 * wall clock (the personality's, not the CMOS clock: as on Linux, that is
 * hwclock's business).  As Linux's timespec64_valid_settod and
 * do_settimeofday64: seconds below SETTOD_SEC_MAX, and not before the
 * machine started (EINVAL). */

static int set_realtime(struct lx_thread *t, int64_t sec, int64_t nsec)
{
    if (sec < 0 || sec >= SETTOD_SEC_MAX || nsec < 0 || nsec >= 1000000000)
        return -LX_EINVAL;
    if (t->proc->euid != 0)
        return -LX_EPERM;
    uint64_t ns = (uint64_t)sec * 1000000000ull + (uint64_t)nsec, now = lx_now_ns();
    if (ns < now)
        return -LX_EINVAL;
    realtime_base_ns = (int64_t)(ns - now);
    return 0;
}

static int64_t sys_clock_settime(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (arg_int(r->rdi) != CLOCK_REALTIME)
        return -LX_EINVAL; /* the clock first, as Linux: monotonic clocks cannot be set */
    struct lx_timespec ts;
    if (mm_copy_in(t->proc->mm, &ts, r->rsi, sizeof(ts)))
        return -LX_EFAULT;
    return set_realtime(t, ts.tv_sec, ts.tv_nsec);
}

static int64_t sys_settimeofday(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (r->rsi) { /* the time zone: kept by no one here; Linux's own use of it is obsolete */
        int32_t tz[2];
        if (mm_copy_in(t->proc->mm, tz, r->rsi, sizeof(tz)))
            return -LX_EFAULT;
    }
    if (!r->rdi)
        return t->proc->euid != 0 ? -LX_EPERM : 0;
    int64_t tv[2];
    if (mm_copy_in(t->proc->mm, tv, r->rdi, sizeof(tv)))
        return -LX_EFAULT;
    if (tv[1] < 0 || tv[1] >= 1000000)
        return -LX_EINVAL;
    return set_realtime(t, tv[0], tv[1] * 1000);
}

static int64_t sys_nanosleep(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (!t->call_deadline_ns) {
        uint64_t ns;
        int e = read_timespec(t, r->rdi, &ns);
        if (e)
            return e;
        t->call_deadline_ns = lx_now_ns() + ns + 1;
    }
    return sleep_until(t, t->call_deadline_ns, r->rsi);
}

static int64_t sys_clock_nanosleep(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int clock = arg_int(r->rdi), flags = arg_int(r->rsi);
    uint64_t now_clock;
    if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID)
        return -LX_EOPNOTSUPP;
    int e = clock_read(clock, t->proc, &now_clock);
    if (e)
        return e;
    if (!t->call_deadline_ns) {
        uint64_t ns;
        if ((e = read_timespec(t, r->rdx, &ns)))
            return e;
        uint64_t mono = lx_now_ns();
        if (flags & TIMER_ABSTIME)
            t->call_deadline_ns = ns > now_clock ? mono + (ns - now_clock) : mono;
        else
            t->call_deadline_ns = mono + ns;
        t->call_deadline_ns += 1; /* never 0 */
    }
    return sleep_until(t, t->call_deadline_ns, (flags & TIMER_ABSTIME) ? 0 : r->r10);
}

const struct lx_syscall_def lx_syscalls_time[] = {
    LX_SYSCALL(228, clock_gettime, sys_clock_gettime),
    LX_SYSCALL(229, clock_getres, sys_clock_getres),
    LX_SYSCALL(96, gettimeofday, sys_gettimeofday),
    LX_SYSCALL(227, clock_settime, sys_clock_settime),
    LX_SYSCALL(164, settimeofday, sys_settimeofday),
    LX_SYSCALL(201, time, sys_time),
    LX_SYSCALL(35, nanosleep, sys_nanosleep),
    LX_SYSCALL(230, clock_nanosleep, sys_clock_nanosleep),
    { 0, NULL, NULL },
};
