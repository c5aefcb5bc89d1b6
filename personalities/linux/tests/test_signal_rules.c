/* personalities/linux/tests/test_signal_rules.c — the pure rules of Linux
 * signals (signal_rules.c) against the values Linux documents: default
 * actions (signal(7)), the order pending signals are taken in, masks,
 * system-call restarts, the thread that takes a process's signal, the
 * alternate stack, and the signals CPU exceptions raise. */
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
    /* Stops are not implemented: they do nothing, unless caught. */
    CHECK(lx_sig_effect(LX_SIGTSTP, LX_SIG_DFL) == LX_SIGEFFECT_NONE);
    CHECK(lx_sig_effect(LX_SIGTSTP, handler) == LX_SIGEFFECT_HANDLER);
    CHECK(lx_sig_effect(LX_SIGSTOP, LX_SIG_DFL) == LX_SIGEFFECT_NONE);
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
    return check_exit("signal_rules");
}
