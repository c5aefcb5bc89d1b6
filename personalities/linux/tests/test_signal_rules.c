/* personalities/linux/tests/test_signal_rules.c — the pure rules of Linux
 * signals (signal_rules.c) against the values Linux documents: default
 * actions (signal(7)), the order pending signals are taken in, masks,
 * system-call restarts, the thread that takes a process's signal, the
 * alternate stack, the signals CPU exceptions raise, queueing, the siginfo
 * rt_sigqueueinfo accepts, and the wait statuses of job control. */
#include "../signal_rules.h"
#include "check.h"
#include <stdio.h>

static void test_default_actions(void)
{
    /* signal(7): Core for these, Ign, Stop, Cont; Term for the rest,
     * real-time signals included. */
    static const int core[] = { 3, 4, 5, 6, 7, 8, 11, 24, 25, 31 };
    static const int ignore[] = { 17, 23, 28 };
    static const int stop[] = { 19, 20, 21, 22 };
    enum lx_sig_default want[LX_NSIG + 1];
    for (int s = 1; s <= LX_NSIG; s++)
        want[s] = LX_SIGDFL_TERM;
    for (unsigned i = 0; i < sizeof(core) / sizeof(core[0]); i++)
        want[core[i]] = LX_SIGDFL_CORE;
    for (unsigned i = 0; i < sizeof(ignore) / sizeof(ignore[0]); i++)
        want[ignore[i]] = LX_SIGDFL_IGNORE;
    for (unsigned i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
        want[stop[i]] = LX_SIGDFL_STOP;
    want[18] = LX_SIGDFL_CONT;
    for (int s = 1; s <= LX_NSIG; s++) {
        if (lx_sig_default_action(s) != want[s])
            fprintf(stderr, "signal %d: default action %d, want %d\n", s, lx_sig_default_action(s), want[s]);
        CHECK(lx_sig_default_action(s) == want[s]);
    }
}

static void test_effects(void)
{
    const uint64_t handler = 0x401000;
    CHECK(lx_sig_effect(LX_SIGTERM, LX_SIG_DFL) == LX_SIGEFFECT_KILL);
    CHECK(lx_sig_effect(LX_SIGSEGV, LX_SIG_DFL) == LX_SIGEFFECT_KILL);
    CHECK(lx_sig_effect(40, LX_SIG_DFL) == LX_SIGEFFECT_KILL);
    CHECK(lx_sig_effect(LX_SIGTERM, LX_SIG_IGN) == LX_SIGEFFECT_NONE);
    CHECK(lx_sig_effect(LX_SIGTERM, handler) == LX_SIGEFFECT_HANDLER);
    CHECK(lx_sig_effect(LX_SIGCHLD, LX_SIG_DFL) == LX_SIGEFFECT_NONE);
    CHECK(lx_sig_effect(LX_SIGCHLD, handler) == LX_SIGEFFECT_HANDLER);
    CHECK(lx_sig_effect(LX_SIGCONT, LX_SIG_DFL) == LX_SIGEFFECT_NONE);
    /* The four stop signals stop by default; SIGSTOP whatever the table
     * says (like SIGKILL, its action cannot be changed). */
    CHECK(lx_sig_effect(LX_SIGTSTP, LX_SIG_DFL) == LX_SIGEFFECT_STOP);
    CHECK(lx_sig_effect(LX_SIGTTIN, LX_SIG_DFL) == LX_SIGEFFECT_STOP);
    CHECK(lx_sig_effect(LX_SIGTTOU, LX_SIG_DFL) == LX_SIGEFFECT_STOP);
    CHECK(lx_sig_effect(LX_SIGTSTP, handler) == LX_SIGEFFECT_HANDLER);
    CHECK(lx_sig_effect(LX_SIGTTOU, LX_SIG_IGN) == LX_SIGEFFECT_NONE);
    CHECK(lx_sig_effect(LX_SIGSTOP, LX_SIG_DFL) == LX_SIGEFFECT_STOP);
    CHECK(lx_sig_effect(LX_SIGSTOP, LX_SIG_IGN) == LX_SIGEFFECT_STOP);
    CHECK(lx_sig_effect(LX_SIGSTOP, handler) == LX_SIGEFFECT_STOP);
    for (int s = 1; s <= LX_NSIG; s++)
        CHECK(((LX_SIG_STOPPING & lx_sigbit(s)) != 0) == (lx_sig_effect(s, LX_SIG_DFL) == LX_SIGEFFECT_STOP));
    /* SIGCONT's continuing happens when it is sent; delivered, it is ignored. */
    CHECK(lx_sig_effect(LX_SIGCONT, handler) == LX_SIGEFFECT_HANDLER);
    /* SIGKILL kills whatever the table says (it cannot be changed anyway). */
    CHECK(lx_sig_effect(LX_SIGKILL, LX_SIG_IGN) == LX_SIGEFFECT_KILL);
    CHECK(lx_sig_effect(LX_SIGKILL, handler) == LX_SIGEFFECT_KILL);
}

static void test_next(void)
{
    CHECK(lx_sig_next(0, 0) == 0);
    CHECK(lx_sig_next(lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2), 0) == LX_SIGUSR1);
    CHECK(lx_sig_next(lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2), lx_sigbit(LX_SIGUSR1)) == LX_SIGUSR2);
    CHECK(lx_sig_next(lx_sigbit(LX_SIGUSR1), lx_sigbit(LX_SIGUSR1)) == 0);
    /* A fault's signal goes before lower-numbered asynchronous ones. */
    CHECK(lx_sig_next(lx_sigbit(LX_SIGINT) | lx_sigbit(LX_SIGSEGV), 0) == LX_SIGSEGV);
    CHECK(lx_sig_next(lx_sigbit(LX_SIGINT) | lx_sigbit(LX_SIGSEGV), lx_sigbit(LX_SIGSEGV)) == LX_SIGINT);
    CHECK(lx_sig_next(lx_sigbit(LX_SIGILL) | lx_sigbit(LX_SIGSEGV), 0) == LX_SIGILL);
    CHECK(lx_sig_next(lx_sigbit(LX_SIGHUP) | lx_sigbit(LX_SIGSYS), 0) == LX_SIGSYS);
    CHECK(lx_sig_next(lx_sigbit(64), 0) == 64);
    CHECK(lx_sig_next(lx_sigbit(64) | lx_sigbit(33), 0) == 33);
}

static void test_masks(void)
{
    const uint64_t kill_stop = lx_sigbit(LX_SIGKILL) | lx_sigbit(LX_SIGSTOP);
    const uint64_t usr1 = lx_sigbit(LX_SIGUSR1), usr2 = lx_sigbit(LX_SIGUSR2);
    uint64_t out = 0;
    CHECK(lx_sigmask_change(LX_SIG_BLOCK, usr1, usr2 | kill_stop, &out) == 0 && out == (usr1 | usr2));
    CHECK(lx_sigmask_change(LX_SIG_UNBLOCK, usr1 | usr2, usr1, &out) == 0 && out == usr2);
    CHECK(lx_sigmask_change(LX_SIG_SETMASK, usr1, ~0ull, &out) == 0 && out == ~kill_stop);
    out = 42;
    CHECK(lx_sigmask_change(3, usr1, usr2, &out) == -LX_EINVAL && out == 42);
    CHECK(lx_sigmask_change(-1, usr1, usr2, &out) == -LX_EINVAL && out == 42);
}

static void test_restart(void)
{
    enum { READ = 0, WAIT4 = 61, POLL = 7, PAUSE = 34, NANOSLEEP = 35, SIGSUSPEND = 130, FUTEX = 202 };
    const uint64_t restart = LX_SA_RESTART | LX_SA_RESTORER, plain = LX_SA_RESTORER;
    CHECK(lx_sig_restart_with_handler(READ, 0, 0, restart));
    CHECK(!lx_sig_restart_with_handler(READ, 0, 0, plain));
    CHECK(lx_sig_restart_with_handler(WAIT4, 0, 0, restart));
    CHECK(!lx_sig_restart_with_handler(POLL, 0, 0, restart));
    CHECK(!lx_sig_restart_with_handler(PAUSE, 0, 0, restart));
    CHECK(!lx_sig_restart_with_handler(NANOSLEEP, 0, 0, restart));
    CHECK(!lx_sig_restart_with_handler(SIGSUSPEND, 0, 0, restart));
    /* futex: a wait restarts unless it has a timeout (r10); private and
     * bitset variants alike; a wake's r10 is a count, not a timeout. */
    CHECK(lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAIT, 0, restart));
    CHECK(!lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAIT, 0x7ffc0000, restart));
    CHECK(!lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAIT | LX_FUTEX_PRIVATE_FLAG, 0x7ffc0000, restart));
    CHECK(lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAIT | LX_FUTEX_PRIVATE_FLAG, 0, restart));
    CHECK(
        !lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAIT_BITSET | LX_FUTEX_CLOCK_REALTIME, 0x1000, restart));
    CHECK(lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAKE, 5, restart));
    CHECK(!lx_sig_restart_with_handler(FUTEX, LX_FUTEX_WAIT, 0, plain));
}

static void test_pick_thread(void)
{
    const uint64_t usr1 = lx_sigbit(LX_SIGUSR1);
    struct lx_sig_candidate c[3];
    /* The leader (first) takes it when it can and is ready. */
    c[0] = (struct lx_sig_candidate){ 0, true };
    c[1] = (struct lx_sig_candidate){ 0, true };
    c[2] = (struct lx_sig_candidate){ 0, false };
    CHECK(lx_sig_pick_thread(c, 3, LX_SIGUSR1) == 0);
    /* A ready thread goes before a running one, even a running leader. */
    c[0] = (struct lx_sig_candidate){ 0, false };
    c[1] = (struct lx_sig_candidate){ usr1, true };
    c[2] = (struct lx_sig_candidate){ 0, true };
    CHECK(lx_sig_pick_thread(c, 3, LX_SIGUSR1) == 2);
    CHECK(lx_sig_pick_thread(c, 3, LX_SIGUSR2) == 1);
    /* Nobody ready: the first that does not block it. */
    c[2].ready = false;
    CHECK(lx_sig_pick_thread(c, 3, LX_SIGUSR1) == 0);
    c[0].blocked = usr1;
    CHECK(lx_sig_pick_thread(c, 3, LX_SIGUSR1) == 2);
    /* Everybody blocks it: it stays pending. */
    c[2].blocked = usr1;
    CHECK(lx_sig_pick_thread(c, 3, LX_SIGUSR1) == -1);
    CHECK(lx_sig_pick_thread(c, 0, LX_SIGUSR1) == -1);
}

static void test_altstack(void)
{
    struct lx_altstack a = { 0 };
    const uint64_t base = 0x10000000, size = 0x4000;
    /* None yet. */
    CHECK(!lx_altstack_on(&a, base + 8));
    CHECK(lx_altstack_report_flags(&a, base + 8) == LX_SS_DISABLE);
    /* Bad requests change nothing. */
    CHECK(lx_altstack_set(&a, 0x7ff0000, base, 0, LX_MINSIGSTKSZ - 1) == -LX_ENOMEM);
    CHECK(lx_altstack_set(&a, 0x7ff0000, base, 4, size) == -LX_EINVAL);
    CHECK(lx_altstack_set(&a, 0x7ff0000, base, LX_SS_ONSTACK | LX_SS_DISABLE, size) == -LX_EINVAL);
    CHECK(a.sp == 0 && a.size == 0 && a.flags == 0);
    /* Set; the top is on it, the base is not (the stack grows down). */
    CHECK(lx_altstack_set(&a, 0x7ff0000, base, 0, size) == 0);
    CHECK(a.sp == base && a.size == size && a.flags == 0);
    CHECK(lx_altstack_on(&a, base + size));
    CHECK(lx_altstack_on(&a, base + 1));
    CHECK(!lx_altstack_on(&a, base));
    CHECK(!lx_altstack_on(&a, base + size + 1));
    CHECK(lx_altstack_report_flags(&a, base + 100) == LX_SS_ONSTACK);
    CHECK(lx_altstack_report_flags(&a, 0x7ff0000) == 0);
    /* Running on it: no change, not even disabling. */
    CHECK(lx_altstack_set(&a, base + 100, 0, LX_SS_DISABLE, 0) == -LX_EPERM);
    CHECK(a.sp == base && a.size == size);
    /* Disabling forgets the area. */
    CHECK(lx_altstack_set(&a, 0x7ff0000, base, LX_SS_DISABLE, size) == 0);
    CHECK(a.sp == 0 && a.size == 0 && a.flags == LX_SS_DISABLE);
    /* SS_AUTODISARM: never "on" it, so it can be changed from a handler
     * running on it; the flag shows in what sigaltstack reports. */
    CHECK(lx_altstack_set(&a, 0x7ff0000, base, LX_SS_AUTODISARM, size) == 0);
    CHECK(!lx_altstack_on(&a, base + 100));
    CHECK(lx_altstack_report_flags(&a, base + 100) == LX_SS_AUTODISARM);
    CHECK(lx_altstack_set(&a, base + 100, base, LX_SS_AUTODISARM | LX_SS_ONSTACK, size) == 0);
    CHECK(a.flags == (LX_SS_AUTODISARM | LX_SS_ONSTACK));
}

static void test_exceptions(void)
{
    const uint64_t rip = 0x401234;
    struct lx_sig_fault f = lx_sig_for_exception(0, rip);
    CHECK(f.sig == LX_SIGFPE && f.code == LX_FPE_INTDIV && f.addr == rip);
    f = lx_sig_for_exception(6, rip);
    CHECK(f.sig == LX_SIGILL && f.code == LX_ILL_ILLOPN && f.addr == rip);
    f = lx_sig_for_exception(3, rip);
    CHECK(f.sig == LX_SIGTRAP && f.code == LX_SI_KERNEL && f.addr == 0);
    f = lx_sig_for_exception(1, rip);
    CHECK(f.sig == LX_SIGTRAP && f.code == LX_TRAP_TRACE && f.addr == rip);
    f = lx_sig_for_exception(13, rip);
    CHECK(f.sig == LX_SIGSEGV && f.code == LX_SI_KERNEL && f.addr == 0);
    f = lx_sig_for_exception(12, rip);
    CHECK(f.sig == LX_SIGBUS && f.code == LX_SI_KERNEL);
    f = lx_sig_for_exception(17, rip);
    CHECK(f.sig == LX_SIGBUS && f.code == LX_BUS_ADRALN && f.addr == 0);
    f = lx_sig_for_exception(19, rip);
    CHECK(f.sig == LX_SIGFPE && f.addr == rip);
    f = lx_sig_for_exception(200, rip);
    CHECK(f.sig == LX_SIGSEGV && f.code == LX_SI_KERNEL);
}

/* Linux's fpu__exception_code: flagged and unmasked, first match wins. */
static void test_fpe_codes(void)
{
    const uint16_t masked = 0x37f;
    CHECK(lx_fpe_code(16, masked & ~0x04, 0x04 | 0x80, 0x1f80) == LX_FPE_FLTDIV); /* ZE unmasked */
    CHECK(lx_fpe_code(16, masked, 0x04, 0x1f80) == 0);                            /* masked: spurious */
    CHECK(lx_fpe_code(16, masked & ~0x3f, 0x01 | 0x20, 0x1f80) == LX_FPE_FLTINV); /* IE before PE */
    CHECK(lx_fpe_code(16, masked & ~0x3f, 0x08 | 0x20, 0) == LX_FPE_FLTOVF);
    CHECK(lx_fpe_code(16, masked & ~0x3f, 0x02, 0) == LX_FPE_FLTUND); /* denormal counts as underflow */
    CHECK(lx_fpe_code(16, masked & ~0x3f, 0x20, 0) == LX_FPE_FLTRES);
    /* SSE: MXCSR's flags (0-5) against its masks (7-12); the x87 words are not looked at. */
    CHECK(lx_fpe_code(19, 0, 0xffff, 0x1f80 | 0x04) == 0);
    CHECK(lx_fpe_code(19, 0, 0, (0x1f80 & ~(1u << 9)) | 0x04) == LX_FPE_FLTDIV);
    CHECK(lx_fpe_code(19, 0, 0, (0x1f80 & ~(1u << 10)) | 0x08 | 0x20) == LX_FPE_FLTOVF);
    CHECK(lx_fpe_code(19, 0, 0, 0x0000 | 0x10) == LX_FPE_FLTUND);
    CHECK(lx_fpe_code(19, 0, 0, (0x1f80 & ~(1u << 7)) | 0x01 | 0x04) == LX_FPE_FLTINV);
}

static void test_queueing(void)
{
    /* Standard signals are pending once, real-time ones queue each send. */
    CHECK(!lx_sig_queues_each(LX_SIGUSR1) && !lx_sig_queues_each(31));
    CHECK(lx_sig_queues_each(32) && lx_sig_queues_each(64));
    /* Over the limit: a standard signal from the kernel or kill() still
     * queues its siginfo; sigqueue's does not, nor any real-time one. */
    CHECK(lx_sig_over_limit_ok(LX_SIGUSR1, LX_SI_USER) && lx_sig_over_limit_ok(LX_SIGSEGV, LX_SEGV_MAPERR) &&
          lx_sig_over_limit_ok(LX_SIGCHLD, LX_SI_KERNEL));
    CHECK(!lx_sig_over_limit_ok(LX_SIGUSR1, LX_SI_QUEUE) && !lx_sig_over_limit_ok(LX_SIGUSR1, LX_SI_TKILL));
    CHECK(!lx_sig_over_limit_ok(40, LX_SI_USER) && !lx_sig_over_limit_ok(40, LX_SI_KERNEL));
    /* With no room: a real-time signal is refused unless kill() sent it. */
    CHECK(lx_sig_refused_when_full(40, LX_SI_QUEUE) && lx_sig_refused_when_full(40, LX_SI_TKILL) &&
          lx_sig_refused_when_full(40, LX_SI_KERNEL));
    CHECK(!lx_sig_refused_when_full(40, LX_SI_USER) && !lx_sig_refused_when_full(LX_SIGUSR1, LX_SI_QUEUE));
}

static void test_sigqueueinfo_rules(void)
{
    /* Only to itself with a kernel code or tkill's. */
    CHECK(lx_sigqueueinfo_allowed(LX_SI_QUEUE, false) && lx_sigqueueinfo_allowed(-2 /* SI_TIMER */, false));
    CHECK(!lx_sigqueueinfo_allowed(LX_SI_USER, false) && !lx_sigqueueinfo_allowed(LX_SI_KERNEL, false) &&
          !lx_sigqueueinfo_allowed(LX_SI_TKILL, false) && !lx_sigqueueinfo_allowed(LX_CLD_EXITED, false));
    CHECK(lx_sigqueueinfo_allowed(LX_SI_USER, true) && lx_sigqueueinfo_allowed(LX_SI_TKILL, true) &&
          lx_sigqueueinfo_allowed(LX_SI_KERNEL, true));
    /* known_siginfo_layout: SI_KERNEL, the user codes SI_DETHREAD..SI_USER,
     * SI_ASYNCNL, and each signal's own positive codes up to its limit. */
    CHECK(lx_siginfo_known_layout(LX_SIGUSR1, LX_SI_KERNEL) && lx_siginfo_known_layout(40, LX_SI_QUEUE));
    CHECK(lx_siginfo_known_layout(40, LX_SI_USER) && lx_siginfo_known_layout(40, LX_SI_DETHREAD));
    CHECK(!lx_siginfo_known_layout(40, -8) && lx_siginfo_known_layout(40, LX_SI_ASYNCNL) &&
          !lx_siginfo_known_layout(40, -59) && !lx_siginfo_known_layout(40, -1000));
    CHECK(lx_siginfo_known_layout(LX_SIGSEGV, 10) && !lx_siginfo_known_layout(LX_SIGSEGV, 11));
    CHECK(lx_siginfo_known_layout(LX_SIGILL, 11) && !lx_siginfo_known_layout(LX_SIGILL, 12));
    CHECK(lx_siginfo_known_layout(LX_SIGFPE, 15) && !lx_siginfo_known_layout(LX_SIGFPE, 16));
    CHECK(lx_siginfo_known_layout(LX_SIGBUS, 5) && !lx_siginfo_known_layout(LX_SIGBUS, 6));
    CHECK(lx_siginfo_known_layout(LX_SIGTRAP, 6) && !lx_siginfo_known_layout(LX_SIGTRAP, 7));
    CHECK(lx_siginfo_known_layout(LX_SIGCHLD, 6) && !lx_siginfo_known_layout(LX_SIGCHLD, 7));
    CHECK(lx_siginfo_known_layout(LX_SIGSYS, 2) && !lx_siginfo_known_layout(LX_SIGSYS, 3));
    CHECK(lx_siginfo_known_layout(LX_SIGUSR1, 6) && !lx_siginfo_known_layout(LX_SIGUSR1, 7)); /* NSIGPOLL */
    CHECK(!lx_siginfo_known_layout(LX_SIGUSR1, 0x7f) && !lx_siginfo_known_layout(LX_SIGUSR1, 0x81));
}

static void test_wait_statuses(void)
{
    /* <sys/wait.h>: WIFSTOPPED is a low byte of 0x7f, WSTOPSIG the next;
     * WIFCONTINUED is 0xffff. */
    CHECK(lx_wait_status_stopped(LX_SIGSTOP) == 0x137f && lx_wait_status_stopped(LX_SIGTSTP) == 0x147f);
    CHECK(LX_WAIT_STATUS_CONTINUED == 0xffff);
    struct lx_cld c = lx_wait_status_cld(0x137f);
    CHECK(c.code == LX_CLD_STOPPED && c.status == LX_SIGSTOP);
    c = lx_wait_status_cld(0xffff);
    CHECK(c.code == LX_CLD_CONTINUED && c.status == LX_SIGCONT);
    c = lx_wait_status_cld(6 << 8);
    CHECK(c.code == LX_CLD_EXITED && c.status == 6);
    c = lx_wait_status_cld(0);
    CHECK(c.code == LX_CLD_EXITED && c.status == 0);
    c = lx_wait_status_cld(LX_SIGKILL);
    CHECK(c.code == LX_CLD_KILLED && c.status == LX_SIGKILL);
    c = lx_wait_status_cld(LX_SIGSEGV | LX_WCOREFLAG);
    CHECK(c.code == LX_CLD_DUMPED && c.status == LX_SIGSEGV);
}

int main(void)
{
    test_default_actions();
    test_effects();
    test_next();
    test_masks();
    test_restart();
    test_pick_thread();
    test_altstack();
    test_exceptions();
    test_fpe_codes();
    test_queueing();
    test_sigqueueinfo_rules();
    test_wait_statuses();
    return check_exit("signal_rules");
}
