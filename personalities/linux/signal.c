/* personalities/linux/signal.c — see signal.h: sending signals, keeping them
 * pending with their siginfo, delivering them, stopping and continuing
 * processes, and the signal system calls. */
#include "signal.h"
#include "heap.h"
#include "personality.h"
#include "syscall.h"
#include <kumiki/user.h>

/* ---- the siginfo of pending signals --------------------------------------------
 *
 * A pending signal is a bit in t->sigpending or p->sigpending; the siginfo
 * of each of its instances is queued on the same owner (t->sigqueue,
 * p->sigqueue) in order of arrival.  A bit may be set with no entry: there
 * was no room to queue its siginfo, and it reads as SI_USER from pid 0, as
 * on Linux.  Every entry counts in its process's sigqueued. */

struct lx_sigqueue {
    struct lx_sigqueue *next;
    int sig;
    uint8_t info[LX_SIGINFO_KEPT];
};

static unsigned queue_limit(const struct lx_proc *p)
{
    uint64_t cur = p->rlimits[LX_RLIMIT_SIGPENDING].cur;
    return cur < LX_SIGQUEUE_MAX ? (unsigned)cur : LX_SIGQUEUE_MAX;
}

/* Queues the siginfo of an instance of sig.  False when there is no room
 * (the limit, where it applies, or no memory). */
static bool enqueue(struct lx_proc *p, struct lx_sigqueue **queue, int sig, const struct lx_siginfo *si)
{
    if (!lx_sig_over_limit_ok(sig, si->si_code) && p->sigqueued >= queue_limit(p))
        return false;
    struct lx_sigqueue *q = lx_malloc(sizeof(*q));
    if (!q)
        return false;
    q->next = NULL;
    q->sig = sig;
    memcpy(q->info, si, sizeof(q->info));
    while (*queue)
        queue = &(*queue)->next;
    *queue = q;
    p->sigqueued++;
    return true;
}

/* Takes the oldest instance of the pending sig: its siginfo in *si (all
 * 128 bytes); sig stays pending while another instance is queued. */
static void take(struct lx_proc *p, struct lx_sigqueue **queue, uint64_t *pending, int sig,
                 struct lx_siginfo *si)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = LX_SI_USER; /* unless a siginfo was queued (Linux's collect_signal) */
    bool found = false, more = false;
    for (struct lx_sigqueue **link = queue; *link;) {
        struct lx_sigqueue *q = *link;
        if (q->sig != sig) {
            link = &q->next;
            continue;
        }
        if (found) {
            more = true;
            break;
        }
        found = true;
        memcpy(si, q->info, sizeof(q->info));
        *link = q->next;
        lx_free(q);
        p->sigqueued--;
    }
    if (!more)
        *pending &= ~lx_sigbit(sig);
}

/* Drops every pending instance of the signals in set. */
static void drop(struct lx_proc *p, struct lx_sigqueue **queue, uint64_t *pending, uint64_t set)
{
    *pending &= ~set;
    for (struct lx_sigqueue **link = queue; *link;) {
        struct lx_sigqueue *q = *link;
        if (set & lx_sigbit(q->sig)) {
            *link = q->next;
            lx_free(q);
            p->sigqueued--;
        } else {
            link = &q->next;
        }
    }
}

static void drop_pending(struct lx_proc *p, uint64_t set)
{
    drop(p, &p->sigqueue, &p->sigpending, set);
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc)
        drop(p, &t->sigqueue, &t->sigpending, set);
}

/* ---- per-thread state lx_thread has no field for -------------------------------- */

struct thread_extra {
    int tid;         /* whose these are: thread slots are reused, tids are not (soon) */
    bool mask_saved; /* rt_sigsuspend, ppoll or pselect6 replaced the mask; saved_mask goes back */
    uint64_t saved_mask;
    uint64_t trapno, cr2; /* of the last page fault, for sigcontext (Linux keeps them too) */
    /* In rt_sigtimedwait: the signals it waits for are unblocked while it
     * waits; real_blocked is the mask that goes back (Linux's
     * real_blocked), and a stop meanwhile makes it fail with EINTR. */
    bool in_timedwait, timedwait_stopped;
    uint64_t timedwait_set, real_blocked;
    bool suspended; /* by a stop (TCB SUSPEND): SIGCONT resumes it */
};

static struct thread_extra extras[LX_MAX_THREADS];

static struct thread_extra *extra_of(const struct lx_thread *t)
{
    struct thread_extra *x = &extras[t->index];
    if (x->tid != t->tid)
        *x = (struct thread_extra){ .tid = t->tid };
    return x;
}

/* The signals t blocks in truth: its mask, and in rt_sigtimedwait the mask
 * it had before (a signal it waits for is taken there, not delivered, so
 * it neither kills nor stops). */
static uint64_t blocked_really(const struct lx_thread *t)
{
    const struct thread_extra *x = &extras[t->index];
    return t->sigmask | (x->tid == t->tid && x->in_timedwait ? x->real_blocked : 0);
}

void signal_thread_released(struct lx_thread *t)
{
    if (t->proc)
        drop(t->proc, &t->sigqueue, &t->sigpending, ~0ull);
    extras[t->index] = (struct thread_extra){ 0 }; /* nothing left for a thread with its tid later */
}

void signal_proc_ended(struct lx_proc *p)
{
    drop_pending(p, ~0ull);
    p->stopped = false;
    p->stop_report = 0;
    p->continued_report = false;
}

static struct lx_altstack altstack_of(const struct lx_thread *t)
{
    return (struct lx_altstack){ .sp = t->altstack_sp, .size = t->altstack_size, .flags = t->altstack_flags };
}

static void set_altstack(struct lx_thread *t, const struct lx_altstack *a)
{
    t->altstack_sp = a->sp;
    t->altstack_size = a->size;
    t->altstack_flags = a->flags;
}

/* ---- choosing the thread, waking it ---------------------------------------------- */

static struct lx_thread *leader_of(struct lx_proc *p)
{
    struct lx_thread *t = thread_by_tid(p->pid);
    return t && t->proc == p ? t : p->threads;
}

/* In the personality now (its call runs, is about to run again, or waits
 * interruptibly): it can take a signal before running more user code.  A
 * vfork parent waits with its result already made (has_result) and must
 * not run before the child execs or exits, so a signal does not wake it. */
static bool thread_ready(const struct lx_thread *t)
{
    return t->state == LX_THREAD_SYSCALL || t->state == LX_THREAD_RETRY ||
           (t->state == LX_THREAD_BLOCKED && !t->has_result);
}

static void wake_for_signal(struct lx_thread *t)
{
    if (t->state == LX_THREAD_BLOCKED && !t->has_result)
        lx_wake_thread(t); /* its call runs again and sees the signal (main.c's complete()) */
}

/* Which thread of p takes the process-directed sig (not `except`), or NULL. */
static struct lx_thread *pick_thread(struct lx_proc *p, int sig, const struct lx_thread *except)
{
    static struct lx_sig_candidate candidates[LX_MAX_THREADS];
    static struct lx_thread *who[LX_MAX_THREADS];
    unsigned n = 0;
    struct lx_thread *leader = leader_of(p);
    if (leader && leader != except) {
        candidates[n] =
            (struct lx_sig_candidate){ .blocked = leader->sigmask, .ready = thread_ready(leader) };
        who[n++] = leader;
    }
    for (struct lx_thread *t = p->threads; t && n < LX_MAX_THREADS; t = t->next_in_proc) {
        if (t == leader || t == except)
            continue;
        candidates[n] = (struct lx_sig_candidate){ .blocked = t->sigmask, .ready = thread_ready(t) };
        who[n++] = t;
    }
    int i = lx_sig_pick_thread(candidates, n, sig);
    return i < 0 ? NULL : who[i];
}

/* ---- processes a signal kills ------------------------------------------------------
 *
 * A killing signal ends its process from signal_flush_deferred() (or from
 * signal_deliver of one of its threads, whichever comes first), never
 * inside the call that sent it. */

static uint64_t doomed[LX_MAX_PID / 64];
static bool any_doomed;

static void doom(const struct lx_proc *p)
{
    doomed[p->pid / 64] |= 1ull << (p->pid % 64);
    any_doomed = true;
}

static bool is_doomed(const struct lx_proc *p)
{
    return any_doomed && (doomed[p->pid / 64] & (1ull << (p->pid % 64)));
}

/* The wait status a pending signal ends p with (0: none does): SIGKILL, or
 * a signal whose effect is to kill and that a thread can take. */
static int kill_status(struct lx_proc *p)
{
    uint64_t any = p->sigpending;
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc)
        any |= t->sigpending;
    if (any & lx_sigbit(LX_SIGKILL))
        return LX_SIGKILL;
    for (int sig = 1; sig <= LX_NSIG; sig++) {
        uint64_t bit = lx_sigbit(sig);
        if (!(any & bit) || lx_sig_effect(sig, p->actions[sig - 1].handler) != LX_SIGEFFECT_KILL)
            continue;
        for (struct lx_thread *t = p->threads; t; t = t->next_in_proc)
            if (!(blocked_really(t) & bit) && ((t->sigpending | p->sigpending) & bit))
                return sig; /* the wait status of a process a signal ends */
    }
    return 0;
}

static bool end_if_killed(struct lx_proc *p)
{
    if (!p || p->state != LX_PROC_ALIVE || p->group_exiting)
        return false;
    int status = kill_status(p);
    if (!status)
        return false;
    proc_exit_group(p, status);
    return true;
}

void signal_flush_deferred(void)
{
    /* Ending a process signals its parent, which may doom another. */
    while (any_doomed) {
        any_doomed = false;
        for (unsigned w = 0; w < LX_MAX_PID / 64; w++) {
            while (doomed[w]) {
                int pid = (int)(w * 64 + (unsigned)__builtin_ctzll(doomed[w]));
                doomed[w] &= doomed[w] - 1;
                end_if_killed(proc_by_pid(pid));
            }
        }
    }
}

/* ---- sending ----------------------------------------------------------------------- */

static const struct lx_sigorigin from_kernel = { .code = LX_SI_KERNEL };

static bool has_effect(const struct lx_proc *p, int sig)
{
    return lx_sig_effect(sig, p->actions[sig - 1].handler) != LX_SIGEFFECT_NONE;
}

static void stop_taken(struct lx_proc *p, int sig);
static void continue_stopped(struct lx_proc *p);

/* sig is now pending for target (NULL: for p): Linux's complete_signal. */
static void signal_arrived(struct lx_proc *p, struct lx_thread *target, int sig)
{
    uint64_t bit = lx_sigbit(sig);
    struct lx_thread *taker = target;
    if (target ? (target->sigmask & bit) != 0 : !(taker = pick_thread(p, sig, NULL)))
        return; /* nobody takes it until a thread unblocks it */
    if (!(blocked_really(taker) & bit)) {
        switch (lx_sig_effect(sig, p->actions[sig - 1].handler)) {
        case LX_SIGEFFECT_KILL: doom(p); return;
        case LX_SIGEFFECT_STOP:
            /* The taker stops the process now (a thread running user code
             * could not take it); a stopped process keeps it pending until
             * SIGCONT drops it. */
            if (!p->stopped) {
                struct lx_siginfo si;
                if (target)
                    take(p, &target->sigqueue, &target->sigpending, sig, &si);
                else
                    take(p, &p->sigqueue, &p->sigpending, sig, &si);
                stop_taken(p, sig);
            }
            return;
        default: break;
        }
    }
    wake_for_signal(taker);
}

/* Linux's __send_signal_locked: 0, or -LX_EAGAIN when a real-time signal
 * that must be queued has no room (signal_rules.h "queueing"). */
static int send(struct lx_proc *p, struct lx_thread *target, int sig, const struct lx_siginfo *si)
{
    if (!p || p->state != LX_PROC_ALIVE || p->group_exiting || !lx_sig_valid(sig))
        return 0;
    uint64_t bit = lx_sigbit(sig);
    if (sig == LX_SIGCONT)
        continue_stopped(p); /* whatever SIGCONT's action or mask */
    else if (bit & LX_SIG_STOPPING)
        drop_pending(p, lx_sigbit(LX_SIGCONT));
    /* An ignored signal goes unless blocked: its action may change before
     * it is unblocked. */
    struct lx_thread *probe = target ? target : leader_of(p);
    if (!has_effect(p, sig) && !(probe && (blocked_really(probe) & bit)))
        return 0;
    uint64_t *pending = target ? &target->sigpending : &p->sigpending;
    struct lx_sigqueue **queue = target ? &target->sigqueue : &p->sigqueue;
    if (!lx_sig_queues_each(sig) && (*pending & bit))
        return 0; /* pending once; the first sender's siginfo stays */
    if (!enqueue(p, queue, sig, si)) {
        if (lx_sig_refused_when_full(sig, si->si_code))
            return -LX_EAGAIN;
        static bool logged;
        if (!logged) {
            logged = true;
            lx_log("no room to queue a siginfo for %s[%d]: signal %d pending without it", p->comm, p->pid,
                   sig);
        }
    }
    *pending |= bit;
    signal_arrived(p, target, sig);
    return 0;
}

void lx_signal_proc_from(struct lx_proc *p, int sig, const struct lx_sigorigin *o)
{
    struct lx_siginfo si;
    lx_siginfo_fill(&si, sig, o);
    send(p, NULL, sig, &si);
}

void lx_signal_thread_from(struct lx_thread *t, int sig, const struct lx_sigorigin *o)
{
    if (!t || !t->proc || t->state == LX_THREAD_FREE || t->state == LX_THREAD_DEAD)
        return;
    struct lx_siginfo si;
    lx_siginfo_fill(&si, sig, o);
    send(t->proc, t, sig, &si);
}

void lx_signal_proc(struct lx_proc *p, int sig)
{
    lx_signal_proc_from(p, sig, &from_kernel);
}

void lx_signal_thread(struct lx_thread *t, int sig)
{
    lx_signal_thread_from(t, sig, &from_kernel);
}

int lx_signal_pgrp(int pgid, int sig)
{
    bool any = false;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->pgid != pgid)
            continue;
        any = true;
        lx_signal_proc_from(p, sig, &from_kernel);
    }
    return any ? 0 : -LX_ESRCH;
}

void lx_signal_child_exit(struct lx_proc *parent, const struct lx_proc *child)
{
    int status = child->wait_status;
    struct lx_sigorigin o = { .pid = child->pid, .uid = child->uid };
    if (status & 0x7f) {
        o.code = LX_CLD_KILLED; /* never CLD_DUMPED: no core is written (LX_WCOREFLAG) */
        o.status = status & 0x7f;
    } else {
        o.code = LX_CLD_EXITED;
        o.status = (status >> 8) & 0xff;
    }
    lx_signal_proc_from(parent, child->exit_signal, &o);
}

bool lx_signal_deliverable(const struct lx_thread *t)
{
    return t->proc && ((t->sigpending | t->proc->sigpending) & ~t->sigmask) != 0;
}

/* The new mask of t.  Process-directed signals it now blocks go to a thread
 * that can take them (Linux's retarget_shared_pending). */
static void set_mask(struct lx_thread *t, uint64_t mask)
{
    mask &= ~LX_SIG_UNBLOCKABLE;
    uint64_t newly_blocked = mask & ~t->sigmask;
    t->sigmask = mask;
    for (uint64_t left = t->proc->sigpending & newly_blocked; left; left &= left - 1) {
        struct lx_thread *other = pick_thread(t->proc, __builtin_ctzll(left) + 1, t);
        if (other)
            wake_for_signal(other);
    }
}

/* Linux's force_sig: a fault's signal cannot be blocked or ignored away. */
static void force_signal(struct lx_thread *t, int sig, const struct lx_sigorigin *o)
{
    uint64_t bit = lx_sigbit(sig);
    struct lx_proc *p = t->proc;
    struct lx_sigaction *a = &p->actions[sig - 1];
    if ((t->sigmask & bit) || a->handler == LX_SIG_IGN) {
        a->handler = LX_SIG_DFL;
        t->sigmask &= ~bit;
    }
    if (t->sigpending & bit)
        return; /* pending once, with its first siginfo (as Linux's legacy_queue) */
    struct lx_siginfo si;
    lx_siginfo_fill(&si, sig, o);
    enqueue(p, &t->sigqueue, sig, &si); /* a fault's code is >= 0: over the limit too */
    t->sigpending |= bit;
}

/* ---- job control ------------------------------------------------------------------- */

static bool stop_sweep; /* a process stopped: main.c suspends its running threads */

bool signal_stop_sweep_pending(void)
{
    return stop_sweep;
}

/* Linux's do_notify_parent_cldstop: SIGCHLD unless the parent ignores it
 * or asked for no stop notices (SA_NOCLDSTOP); its wait4 is woken anyway. */
static void notify_parent(struct lx_proc *p, int code, int status)
{
    struct lx_proc *parent = p->parent;
    if (!parent || parent->state != LX_PROC_ALIVE)
        return;
    const struct lx_sigaction *a = &parent->actions[LX_SIGCHLD - 1];
    if (a->handler != LX_SIG_IGN && !(a->flags & LX_SA_NOCLDSTOP)) {
        struct lx_sigorigin o = { .code = code, .pid = p->pid, .uid = p->uid, .status = status };
        lx_signal_proc_from(parent, LX_SIGCHLD, &o);
    }
    lx_wake(&parent->child_exit);
}

/* POSIX's orphaned process group (Linux's will_become_orphaned_pgrp): no
 * member has its parent in another group of the same session.  A process
 * without a parent is the one kumiki-run started: like a program a shell
 * starts, its group counts as connected. */
static bool pgrp_orphaned(int pgid)
{
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->pgid != pgid || p->state != LX_PROC_ALIVE)
            continue;
        if (!p->parent || (p->parent->pgid != pgid && p->parent->sid == p->sid))
            return false;
    }
    return true;
}

/* A thread of p took the stop signal sig, whose action is the default
 * (Linux's do_signal_stop). */
static void stop_taken(struct lx_proc *p, int sig)
{
    if (p->stopped)
        return;
    if (sig != LX_SIGSTOP && pgrp_orphaned(p->pgid))
        return; /* discarded: no job control could continue the group */
    p->stopped = true;
    p->stop_report = sig;
    p->continued_report = false;
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc) {
        struct thread_extra *x = extra_of(t);
        if (x->in_timedwait)
            x->timedwait_stopped = true; /* Linux's rt_sigtimedwait fails with EINTR after a stop */
    }
    stop_sweep = true;
    notify_parent(p, LX_CLD_STOPPED, sig);
}

/* SIGCONT was sent to p (Linux's prepare_signal). */
static void continue_stopped(struct lx_proc *p)
{
    drop_pending(p, LX_SIG_STOPPING);
    if (!p->stopped)
        return;
    p->stopped = false;
    p->stop_report = 0; /* a stop not reported yet is not reported any more */
    p->continued_report = true;
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc) {
        struct thread_extra *x = extra_of(t);
        if (x->suspended) {
            x->suspended = false;
            thread_resume(t);
        } else if (t->state == LX_THREAD_BLOCKED && !t->vfork_child) {
            /* Its call runs again, or its held answer goes out (main.c);
             * a vfork parent still waits for its child. */
            lx_wake_thread(t);
        }
    }
    notify_parent(p, LX_CLD_CONTINUED, LX_SIGCONT);
}

bool signal_stop_taken(struct lx_thread *t)
{
    struct lx_proc *p = t->proc;
    while (!p->stopped) {
        uint64_t stops = (t->sigpending | p->sigpending) & LX_SIG_STOPPING & ~t->sigmask;
        int sig = 0;
        for (; stops && !sig; stops &= stops - 1) {
            int s = __builtin_ctzll(stops) + 1;
            if (lx_sig_effect(s, p->actions[s - 1].handler) == LX_SIGEFFECT_STOP)
                sig = s;
        }
        if (!sig)
            break; /* handled ones are delivered as usual */
        struct lx_siginfo si;
        if (t->sigpending & lx_sigbit(sig))
            take(p, &t->sigqueue, &t->sigpending, sig, &si);
        else
            take(p, &p->sigqueue, &p->sigpending, sig, &si);
        stop_taken(p, sig);
    }
    return p->stopped;
}

void signal_suspend_stopped(void)
{
    stop_sweep = false;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->state != LX_PROC_ALIVE || !p->stopped)
            continue;
        for (struct lx_thread *t = p->threads; t; t = t->next_in_proc) {
            struct thread_extra *x = extra_of(t);
            if (t->state == LX_THREAD_RUNNING && !x->suspended && thread_suspend(t) == 0)
                x->suspended = true;
        }
    }
}

bool signal_wait_job(struct lx_proc *c, int options, int *status)
{
    if ((options & LX_WSTOPPED) && c->stopped && c->stop_report) {
        *status = lx_wait_status_stopped(c->stop_report);
        if (!(options & LX_WNOWAIT))
            c->stop_report = 0;
        return true;
    }
    if ((options & LX_WCONTINUED) && c->continued_report) {
        *status = LX_WAIT_STATUS_CONTINUED;
        if (!(options & LX_WNOWAIT))
            c->continued_report = false;
        return true;
    }
    return false;
}

/* ---- delivering ---------------------------------------------------------------------- */

struct delivery {
    struct lx_thread *t;
    struct lx_proc *p;
    struct lx_cpu cpu;                 /* the state the thread resumes in */
    bool have_cpu;                     /* cpu is loaded */
    const struct lx_syscall_regs *sys; /* at a system call: the registers its reply carries */
    bool interrupted;                  /* the call returned -EINTR and no handler decided yet */
    bool frames;                       /* a handler frame was pushed: cpu enters a handler */
    struct lx_fpstate fpu;             /* the x87/SSE state the thread resumes with */
    bool have_fpu;                     /* fpu is loaded */
    bool fpu_changed;                  /* fpu is not the thread's yet: write it before it runs */
};

static int load_cpu(struct delivery *d)
{
    if (d->have_cpu)
        return 0;
    int e = thread_read_cpu(d->t, &d->cpu);
    if (e)
        return e;
    const struct lx_syscall_regs *r = d->sys;
    if (r) {
        /* The reply sets these: the frame must save them as they will be. */
        d->cpu.rax = r->rax;
        d->cpu.rdi = r->rdi;
        d->cpu.rsi = r->rsi;
        d->cpu.rdx = r->rdx;
        d->cpu.r10 = r->r10;
        d->cpu.r8 = r->r8;
        d->cpu.r9 = r->r9;
        d->cpu.rip = r->rip;
        d->cpu.rsp = r->rsp;
        d->cpu.rflags = r->rflags;
    }
    d->have_cpu = true;
    return 0;
}

static int load_fpu(struct delivery *d)
{
    if (d->have_fpu)
        return 0;
    int e = thread_read_fpu(d->t, &d->fpu);
    if (e)
        return e;
    d->have_fpu = true;
    return 0;
}

enum { SYSCALL_INSN_LEN = 2 }; /* `syscall` is 0f 05: rewinding rip by 2 makes the call again */

/* Pushes the frame that runs act's handler for sig.  False when it cannot
 * be written (no SA_RESTORER, no room on the alternate stack, a stack the
 * program cannot write): nothing changed. */
static bool push_frame(struct delivery *d, int sig, const struct lx_sigaction *act,
                       const struct lx_siginfo *info)
{
    struct lx_thread *t = d->t;
    /* x86_64 Linux has no default return path (no vDSO trampoline for
     * 64-bit): a handler without a restorer cannot be entered. */
    if (!(act->flags & LX_SA_RESTORER) || load_cpu(d) || load_fpu(d))
        return false;
    struct lx_cpu cpu = d->cpu;
    if (d->interrupted && lx_sig_restart_with_handler(t->regs.rax, t->regs.rsi, t->regs.r10, act->flags)) {
        cpu.rip -= SYSCALL_INSN_LEN;
        cpu.rax = t->regs.rax;
    }
    struct thread_extra *x = extra_of(t);
    struct lx_sigframe_setup s = {
        .sig = sig,
        .handler = act->handler,
        .restorer = act->restorer,
        .saved_mask = x->mask_saved ? x->saved_mask : t->sigmask,
        .altstack = altstack_of(t),
        .onstack = (act->flags & LX_SA_ONSTACK) != 0,
        .trapno = x->trapno,
        .cr2 = x->cr2,
        .info = *info,
    };
    struct lx_rt_sigframe frame;
    struct lx_fpstate fpstate = d->fpu;
    uint64_t addr, fpstate_addr;
    if (!lx_sigframe_build(&s, &cpu, &frame, &addr, &fpstate_addr))
        return false;
    lx_fpstate_for_frame(&fpstate);
    if (mm_copy_out(d->p->mm, fpstate_addr, &fpstate, sizeof(fpstate)) ||
        mm_copy_out(d->p->mm, addr, &frame, sizeof(frame)))
        return false;
    d->cpu = cpu;
    lx_fpstate_reset(&d->fpu); /* a handler starts with the FPU reset (Linux's handle_signal) */
    d->fpu_changed = true;
    d->frames = true;
    d->interrupted = false; /* the restart rules apply to the first handler only */
    x->mask_saved = false;  /* the frame has it: rt_sigreturn puts it back */
    uint64_t mask = t->sigmask | act->mask;
    if (!(act->flags & LX_SA_NODEFER))
        mask |= lx_sigbit(sig);
    set_mask(t, mask);
    if (t->altstack_flags & LX_SS_AUTODISARM)
        set_altstack(t, &(struct lx_altstack){ .flags = LX_SS_DISABLE });
    return true;
}

/* The next signal t takes outside blocked, with its siginfo: its own
 * first, then its process's. */
static int dequeue(struct lx_thread *t, uint64_t blocked, struct lx_siginfo *si)
{
    struct lx_proc *p = t->proc;
    int sig = lx_sig_next(t->sigpending, blocked);
    if (sig) {
        take(p, &t->sigqueue, &t->sigpending, sig, si);
        return sig;
    }
    sig = lx_sig_next(p->sigpending, blocked);
    if (sig)
        take(p, &p->sigqueue, &p->sigpending, sig, si);
    return sig;
}

/* Takes every signal d->t can take.  False when its process was ended.
 * A stop ends the round: the rest waits for SIGCONT, and the thread's
 * answer is held meanwhile (main.c's complete() sees it stopped).  On the
 * way out of a system call no stop comes here: complete() takes them
 * first (signal_stop_point), so that the call's result is what waits. */
static bool deliver_all(struct delivery *d)
{
    struct lx_siginfo si;
    int sig;
    while ((sig = dequeue(d->t, d->t->sigmask, &si))) {
        struct lx_sigaction *a = &d->p->actions[sig - 1];
        switch (lx_sig_effect(sig, a->handler)) {
        case LX_SIGEFFECT_NONE: continue;
        case LX_SIGEFFECT_KILL: proc_exit_group(d->p, sig); return false;
        case LX_SIGEFFECT_STOP:
            stop_taken(d->p, sig);
            if (d->p->stopped)
                return true;
            continue;
        case LX_SIGEFFECT_HANDLER: break;
        }
        struct lx_sigaction act = *a;
        if (act.flags & LX_SA_RESETHAND)
            a->handler = LX_SIG_DFL;
        if (!push_frame(d, sig, &act, &si)) {
            /* Linux's force_sigsegv: a SIGSEGV handler that cannot be
             * entered is dropped, so this ends at the latest at the next
             * round. */
            if (sig == LX_SIGSEGV)
                a->handler = LX_SIG_DFL;
            force_signal(d->t, LX_SIGSEGV, &from_kernel);
        }
    }
    return true;
}

static bool thread_gone(const struct lx_thread *t)
{
    return !t->proc || t->state == LX_THREAD_FREE || t->state == LX_THREAD_DEAD;
}

/* Writes the FPU state deliver_all chose, if it changed; a thread whose
 * state cannot be written cannot go on (it never happens to a live TCB:
 * the state written is one the kernel gave or Linux's initial one). */
static bool write_fpu(struct delivery *d)
{
    if (!d->fpu_changed || thread_write_fpu(d->t, &d->fpu) == 0) {
        d->fpu_changed = false;
        return true;
    }
    lx_log("cannot set the FPU state of %s[%d] for a signal handler", d->p->comm, d->t->tid);
    proc_exit_group(d->p, LX_SIGSEGV);
    return false;
}

/* Writes the registers deliver_all chose; a thread whose registers cannot
 * be written cannot go on (it never happens to a live TCB). */
static bool resume_at(struct delivery *d)
{
    if (!write_fpu(d))
        return false;
    if (thread_write_cpu(d->t, &d->cpu) == 0)
        return true;
    lx_log("cannot set the registers of %s[%d] for a signal handler", d->p->comm, d->t->tid);
    proc_exit_group(d->p, LX_SIGSEGV);
    return false;
}

bool signal_deliver(struct lx_thread *t, struct lx_syscall_regs *r, int64_t *result, bool in_syscall)
{
    if (thread_gone(t))
        return false;
    struct lx_proc *p = t->proc;
    bool interrupted = false;
    if (in_syscall) {
        r->rax = (uint64_t)*result;
        interrupted = *result == -LX_EINTR;
    }
    const struct thread_extra *peek = &extras[t->index];
    bool mask_saved = peek->tid == t->tid && peek->mask_saved;
    if (!interrupted && !mask_saved && !lx_signal_deliverable(t) && !is_doomed(p))
        return true;
    if (is_doomed(p) && end_if_killed(p))
        return false;

    struct delivery d = { .t = t, .p = p, .sys = in_syscall ? r : NULL, .interrupted = interrupted };
    if (!deliver_all(&d))
        return false;
    struct thread_extra *x = extra_of(t);
    if (x->mask_saved) { /* rt_sigsuspend, and no handler ran */
        x->mask_saved = false;
        set_mask(t, x->saved_mask);
    }
    if (!in_syscall)
        return !d.frames || resume_at(&d);
    if (d.frames) {
        if (!write_fpu(&d))
            return false;
        const struct lx_cpu *c = &d.cpu;
        *r = (struct lx_syscall_regs){ c->rax, c->rdi, c->rsi, c->rdx, c->r10,
                                       c->r8,  c->r9,  c->rip, c->rsp, c->rflags };
    } else if (d.interrupted) { /* no handler ran: the call starts again, as -ERESTART* do */
        r->rip -= SYSCALL_INSN_LEN;
        r->rax = t->regs.rax;
    }
    *result = (int64_t)r->rax;
    return true;
}

bool signal_fault(struct lx_thread *t, int sig, int si_code, uint64_t addr)
{
    if (thread_gone(t))
        return false;
    struct lx_proc *p = t->proc;
    if (!lx_sig_valid(sig) || sig == LX_SIGKILL || sig == LX_SIGSTOP) {
        proc_exit_group(p, LX_SIGKILL);
        return false;
    }
    /* A page fault's codes: sigcontext gets trap 14 and the address (the
     * error code is not passed here and stays 0). */
    bool page_fault = (sig == LX_SIGSEGV && (si_code == LX_SEGV_MAPERR || si_code == LX_SEGV_ACCERR)) ||
                      (sig == LX_SIGBUS && si_code == LX_BUS_ADRERR);
    struct thread_extra *x = extra_of(t);
    x->trapno = page_fault ? 14 : 0;
    x->cr2 = page_fault ? addr : 0;
    force_signal(t, sig, &(struct lx_sigorigin){ .code = si_code, .addr = addr });
    struct delivery d = { .t = t, .p = p };
    if (!deliver_all(&d))
        return false;
    if (!d.frames) { /* a signal that does nothing cannot continue a fault */
        proc_exit_group(p, sig);
        return false;
    }
    return resume_at(&d);
}

/* ---- system calls ------------------------------------------------------------------------ */

enum { SIGSET_SIZE = 8 };

/* rt_sigaction(sig, act, oact, sigsetsize) */
static int64_t sys_rt_sigaction(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_proc *p = t->proc;
    int sig = arg_int(r->rdi);
    if (r->r10 != SIGSET_SIZE)
        return -LX_EINVAL;
    struct lx_sigaction act;
    if (r->rsi && mm_copy_in(p->mm, &act, r->rsi, sizeof(act)))
        return -LX_EFAULT;
    if (!lx_sig_valid(sig) || (r->rsi && (lx_sigbit(sig) & LX_SIG_UNBLOCKABLE)))
        return -LX_EINVAL;
    if (r->rdx && mm_copy_out(p->mm, r->rdx, &p->actions[sig - 1], sizeof(act)))
        return -LX_EFAULT;
    if (!r->rsi)
        return 0;
    act.flags &= LX_SA_KNOWN_FLAGS;
    act.mask &= ~LX_SIG_UNBLOCKABLE;
    p->actions[sig - 1] = act;
    if (!has_effect(p, sig))
        drop_pending(p, lx_sigbit(sig)); /* pending ones would now be dropped anyway */
    return 0;
}

/* rt_sigprocmask(how, set, oset, sigsetsize) */
static int64_t sys_rt_sigprocmask(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_mm *mm = t->proc->mm;
    if (r->r10 != SIGSET_SIZE)
        return -LX_EINVAL;
    uint64_t set, mask = t->sigmask;
    if (r->rsi) {
        if (mm_copy_in(mm, &set, r->rsi, sizeof(set)))
            return -LX_EFAULT;
        int e = lx_sigmask_change(arg_int(r->rdi), t->sigmask, set, &mask);
        if (e)
            return e;
    }
    if (r->rdx && mm_copy_out(mm, r->rdx, &t->sigmask, sizeof(t->sigmask)))
        return -LX_EFAULT;
    set_mask(t, mask); /* newly unblocked pending signals are delivered on the way out */
    return 0;
}

/* rt_sigpending(set, sigsetsize): sizes up to 8 are accepted, as on Linux. */
static int64_t sys_rt_sigpending(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (r->rsi > SIGSET_SIZE)
        return -LX_EINVAL;
    uint64_t pending = (t->sigpending | t->proc->sigpending) & t->sigmask;
    return mm_copy_out(t->proc->mm, r->rdi, &pending, (size_t)r->rsi) ? -LX_EFAULT : 0;
}

/* rt_sigsuspend(mask, sigsetsize): waits with mask until a signal that runs
 * a handler or kills arrives.  It runs again on every wake-up (block and
 * retry); the first run saves the old mask, signal_deliver puts it back
 * (into the handler's frame, or directly when no handler runs). */
static int64_t sys_rt_sigsuspend(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (r->rsi != SIGSET_SIZE)
        return -LX_EINVAL;
    struct thread_extra *x = extra_of(t);
    if (!x->mask_saved) {
        uint64_t mask;
        if (mm_copy_in(t->proc->mm, &mask, r->rdi, sizeof(mask)))
            return -LX_EFAULT;
        x->saved_mask = t->sigmask;
        x->mask_saved = true;
        set_mask(t, mask);
    }
    return lx_signal_deliverable(t) ? -LX_EINTR : LX_BLOCK;
}

static int64_t sys_pause(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return lx_signal_deliverable(t) ? -LX_EINTR : LX_BLOCK;
}

/* rt_sigreturn's FPU state, from the frame's fpstate pointer (Linux's
 * fpu__restore_sig on a CPU without XSAVE): none (0) resets the FPU; a
 * misaligned or unreadable one, or an image the kernel refuses (an MXCSR
 * FXRSTOR would fault on: the kernel knows the CPU's mask), is a bad frame,
 * and the FPU is reset too.  Written to the thread at once, so that the
 * kernel decides; a frame pushed right after reads it back. */
static bool restore_fpu(struct delivery *d, uint64_t addr)
{
    struct lx_fpstate f;
    memset(&f, 0, sizeof(f));
    bool ok = true;
    if (!addr)
        lx_fpstate_reset(&f);
    else
        ok = lx_fpstate_address_ok(addr) && mm_copy_in(d->p->mm, &f, addr, sizeof(f)) == 0;
    if (!ok || thread_write_fpu(d->t, &f) != 0) {
        ok = false;
        lx_fpstate_reset(&f);
        thread_write_fpu(d->t, &f); /* cannot be refused; a TCB that is gone fails resume_at too */
    }
    d->have_fpu = false; /* the kernel's copy has the CPU's MXCSR_MASK in it */
    d->fpu_changed = false;
    return ok;
}

/* rt_sigreturn: the handler returned through its restorer; rsp is just
 * above pretcode, at the ucontext. */
static int64_t sys_rt_sigreturn(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct delivery d = { .t = t, .p = t->proc };
    if (load_cpu(&d)) {
        proc_exit_group(d.p, LX_SIGKILL);
        return LX_NO_REPLY;
    }
    struct lx_ucontext uc;
    uint64_t mask;
    struct lx_altstack alt;
    if (mm_copy_in(d.p->mm, &uc, r->rsp, sizeof(uc)) || !lx_sigframe_restore(&uc, &d.cpu, &mask, &alt)) {
        /* A bad frame: SIGSEGV from where the call was made (Linux). */
        d.cpu.rax = 0;
        force_signal(t, LX_SIGSEGV, &from_kernel);
    } else {
        set_mask(t, mask);
        if (!restore_fpu(&d, uc.uc_mcontext.fpstate)) {
            /* Linux's order: the registers and mask are the frame's by
             * now, uc_stack is not restored, and rax is 0. */
            d.cpu.rax = 0;
            force_signal(t, LX_SIGSEGV, &from_kernel);
        } else {
            /* Linux restores uc_stack ignoring every error but a fault. */
            struct lx_altstack now = altstack_of(t);
            if (lx_altstack_set(&now, d.cpu.rsp, alt.sp, alt.flags, alt.size) == 0)
                set_altstack(t, &now);
        }
    }
    /* Signals the restored mask unblocks are taken before the thread runs on. */
    if (!deliver_all(&d))
        return LX_NO_REPLY;
    return resume_at(&d) ? LX_RESUME_AS_IS : LX_NO_REPLY;
}

/* sigaltstack(ss, old_ss) with the thread at the rsp of its call. */
static int64_t sys_sigaltstack(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_mm *mm = t->proc->mm;
    struct lx_altstack now = altstack_of(t), next = now;
    if (r->rdi) {
        struct lx_stack ss;
        if (mm_copy_in(mm, &ss, r->rdi, sizeof(ss)))
            return -LX_EFAULT;
        int e = lx_altstack_set(&next, r->rsp, ss.ss_sp, (uint32_t)ss.ss_flags, ss.ss_size);
        if (e)
            return e;
    }
    if (r->rsi) {
        struct lx_stack old = { .ss_sp = now.sp,
                                .ss_flags = (int32_t)lx_altstack_report_flags(&now, r->rsp),
                                .ss_size = now.size };
        if (mm_copy_out(mm, r->rsi, &old, sizeof(old)))
            return -LX_EFAULT;
    }
    set_altstack(t, &next);
    return 0;
}

/* Linux's kill_ok_by_cred (the saved uid is the effective one here), and
 * SIGCONT within a session. */
static bool may_signal(const struct lx_proc *from, const struct lx_proc *to, int sig)
{
    if (from == to || from->euid == 0)
        return true;
    if (from->euid == to->uid || from->euid == to->euid || from->uid == to->uid || from->uid == to->euid)
        return true;
    return sig == LX_SIGCONT && from->sid == to->sid;
}

/* The siginfo kill, tkill and tgkill send: code, the caller's pid and uid. */
static struct lx_siginfo info_from(const struct lx_thread *t, int sig, int code)
{
    struct lx_siginfo si;
    lx_siginfo_fill(&si, sig,
                    &(struct lx_sigorigin){ .code = code, .pid = t->proc->pid, .uid = t->proc->uid });
    return si;
}

/* Sending si to one process or thread: the checks of Linux's
 * check_kill_permission, in its order (the signal number is checked per
 * target, so a missing target is ESRCH even with a bad number; a kernel
 * si_code, which only a process's own rt_sigqueueinfo can give, needs no
 * permission), then send(). */
static int send_checked(struct lx_thread *t, struct lx_proc *p, struct lx_thread *target, int sig,
                        const struct lx_siginfo *si)
{
    if (sig < 0 || sig > LX_NSIG)
        return -LX_EINVAL;
    if (si->si_code <= 0 && !may_signal(t->proc, p, sig))
        return -LX_EPERM;
    return sig ? send(p, target, sig, si) : 0;
}

/* The process a kill-like call names by pid: a thread's id names its
 * process too. */
static struct lx_proc *proc_named(int pid)
{
    struct lx_proc *p = proc_by_pid(pid);
    if (!p) {
        struct lx_thread *owner = thread_by_tid(pid);
        p = owner ? owner->proc : NULL;
    }
    return p;
}

/* Every process of group pgid: 0 if one took it, else the last error
 * (-ESRCH when the group is empty). */
static int kill_group(struct lx_thread *t, int pgid, int sig, const struct lx_siginfo *si)
{
    int last = -LX_ESRCH;
    bool sent = false;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->pgid != pgid)
            continue;
        int e = send_checked(t, p, NULL, sig, si);
        sent |= e == 0;
        last = e;
    }
    return sent ? 0 : last;
}

/* kill(-1, sig): every process but init and the caller's; as on Linux,
 * refusals alone still count as success. */
static int kill_all(struct lx_thread *t, int sig, const struct lx_siginfo *si)
{
    int result = 0, count = 0;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->pid <= 1 || p == t->proc)
            continue;
        count++;
        int e = send_checked(t, p, NULL, sig, si);
        if (e != -LX_EPERM)
            result = e;
    }
    return count ? result : -LX_ESRCH;
}

/* kill(pid, sig) */
static int64_t sys_kill(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi), sig = arg_int(r->rsi);
    struct lx_siginfo si = info_from(t, sig, LX_SI_USER);
    if (pid > 0) {
        struct lx_proc *p = proc_named(pid);
        return p ? send_checked(t, p, NULL, sig, &si) : -LX_ESRCH;
    }
    if (pid == 0)
        return kill_group(t, t->proc->pgid, sig, &si);
    if (pid == -1)
        return kill_all(t, sig, &si);
    if (pid == INT32_MIN)
        return -LX_ESRCH;
    return kill_group(t, -pid, sig, &si);
}

/* Thread tid (of process tgid when tgid > 0): Linux's do_send_specific. */
static int64_t send_to_thread(struct lx_thread *t, int tgid, int tid, int sig, const struct lx_siginfo *si)
{
    struct lx_thread *target = thread_by_tid(tid);
    if (!target || !target->proc || target->state == LX_THREAD_FREE || target->state == LX_THREAD_DEAD ||
        (tgid > 0 && target->proc->pid != tgid))
        return -LX_ESRCH;
    return send_checked(t, target->proc, target, sig, si);
}

/* tkill(tid, sig) */
static int64_t sys_tkill(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int tid = arg_int(r->rdi), sig = arg_int(r->rsi);
    if (tid <= 0)
        return -LX_EINVAL;
    struct lx_siginfo si = info_from(t, sig, LX_SI_TKILL);
    return send_to_thread(t, 0, tid, sig, &si);
}

/* tgkill(tgid, tid, sig) */
static int64_t sys_tgkill(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int tgid = arg_int(r->rdi), tid = arg_int(r->rsi), sig = arg_int(r->rdx);
    if (tgid <= 0 || tid <= 0)
        return -LX_EINVAL;
    struct lx_siginfo si = info_from(t, sig, LX_SI_TKILL);
    return send_to_thread(t, tgid, tid, sig, &si);
}

/* The siginfo a caller gives rt_sigqueueinfo or rt_tgsigqueueinfo (Linux's
 * copy_siginfo_from_user): its first LX_SIGINFO_KEPT bytes, with si_signo
 * = sig; for a layout Linux does not know, the rest must be zeros (E2BIG),
 * since they would be lost. */
static int user_siginfo(struct lx_thread *t, uint64_t uinfo, int sig, struct lx_siginfo *si)
{
    memset(si, 0, sizeof(*si));
    if (mm_copy_in(t->proc->mm, si, uinfo, LX_SIGINFO_KEPT))
        return -LX_EFAULT;
    si->si_signo = sig;
    if (!lx_siginfo_known_layout(sig, si->si_code)) {
        uint8_t rest[sizeof(*si) - LX_SIGINFO_KEPT];
        if (mm_copy_in(t->proc->mm, rest, uinfo + LX_SIGINFO_KEPT, sizeof(rest)))
            return -LX_EFAULT;
        for (size_t i = 0; i < sizeof(rest); i++)
            if (rest[i])
                return -LX_E2BIG;
    }
    return 0;
}

/* rt_sigqueueinfo(tgid, sig, uinfo): sigqueue() */
static int64_t sys_rt_sigqueueinfo(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi), sig = arg_int(r->rsi);
    struct lx_siginfo si;
    int e = user_siginfo(t, r->rdx, sig, &si);
    if (e)
        return e;
    /* Linux compares with the caller's own id, its thread id. */
    if (!lx_sigqueueinfo_allowed(si.si_code, pid == t->tid))
        return -LX_EPERM;
    struct lx_proc *p = pid > 0 ? proc_named(pid) : NULL;
    return p ? send_checked(t, p, NULL, sig, &si) : -LX_ESRCH;
}

/* rt_tgsigqueueinfo(tgid, tid, sig, uinfo) */
static int64_t sys_rt_tgsigqueueinfo(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int tgid = arg_int(r->rdi), tid = arg_int(r->rsi), sig = arg_int(r->rdx);
    struct lx_siginfo si;
    int e = user_siginfo(t, r->r10, sig, &si);
    if (e)
        return e;
    if (tgid <= 0 || tid <= 0)
        return -LX_EINVAL;
    if (!lx_sigqueueinfo_allowed(si.si_code, tid == t->tid))
        return -LX_EPERM;
    return send_to_thread(t, tgid, tid, sig, &si);
}

/* rt_sigtimedwait's wait ends: t's own mask goes back. */
static void timedwait_end(struct lx_thread *t, struct thread_extra *x)
{
    if (!x->in_timedwait)
        return;
    x->in_timedwait = x->timedwait_stopped = false;
    set_mask(t, x->real_blocked);
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending signal
 * of set (blocked or not), or waits for one with set unblocked (so that a
 * signal of set sent to the process comes to this thread) until the
 * timeout; another signal that interrupts it makes it fail with EINTR
 * (its handler runs; the call never restarts).  The first run reads the
 * arguments and starts the wait; the runs after it (block and retry) find
 * them in the thread's extra state. */
static int64_t sys_rt_sigtimedwait(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct thread_extra *x = extra_of(t);
    uint64_t set = x->timedwait_set, wait_ns = 0;
    bool forever = false;
    if (!x->in_timedwait) {
        if (r->r10 != SIGSET_SIZE)
            return -LX_EINVAL;
        if (mm_copy_in(t->proc->mm, &set, r->rdi, sizeof(set)))
            return -LX_EFAULT;
        set &= ~LX_SIG_UNBLOCKABLE;
        forever = !r->rdx;
        if (r->rdx) {
            struct lx_timespec ts;
            if (mm_copy_in(t->proc->mm, &ts, r->rdx, sizeof(ts)))
                return -LX_EFAULT;
            if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
                return -LX_EINVAL;
            wait_ns = (uint64_t)ts.tv_sec > (UINT64_MAX / 4) / 1000000000u
                          ? UINT64_MAX / 4
                          : (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        }
    }
    struct lx_siginfo si;
    int sig = dequeue(t, ~set, &si);
    if (sig) {
        timedwait_end(t, x);
        /* The signal is taken even if the siginfo cannot be written. */
        return r->rsi && mm_copy_out(t->proc->mm, r->rsi, &si, sizeof(si)) ? -LX_EFAULT : sig;
    }
    if (!x->in_timedwait) {
        if (!forever && !wait_ns)
            return -LX_EAGAIN; /* a zero timeout only looks */
        x->in_timedwait = true;
        x->timedwait_stopped = false;
        x->timedwait_set = set;
        x->real_blocked = t->sigmask;
        t->call_deadline_ns = forever ? 0 : lx_now_ns() + wait_ns;
        set_mask(t, t->sigmask & ~set);
    } else if (t->interrupted || x->timedwait_stopped) {
        timedwait_end(t, x);
        return -LX_EINTR;
    } else if (t->call_deadline_ns && (t->timed_out || lx_now_ns() >= t->call_deadline_ns)) {
        timedwait_end(t, x);
        return -LX_EAGAIN;
    }
    if (t->call_deadline_ns)
        lx_wait_until(t, t->call_deadline_ns);
    return LX_BLOCK;
}

void signal_mask_for_call(struct lx_thread *t, uint64_t mask)
{
    struct thread_extra *x = extra_of(t);
    if (x->mask_saved)
        return; /* a run after the first: the call's mask is in place */
    x->saved_mask = t->sigmask;
    x->mask_saved = true;
    set_mask(t, mask);
}

int64_t signal_mask_call_end(struct lx_thread *t, int64_t result)
{
    if (result == LX_BLOCK || result == -LX_EINTR)
        return result;
    struct thread_extra *x = extra_of(t);
    if (x->mask_saved) {
        x->mask_saved = false;
        set_mask(t, x->saved_mask);
    }
    return result;
}

const struct lx_syscall_def lx_syscalls_signal[] = {
    LX_SYSCALL(13, rt_sigaction, sys_rt_sigaction),
    LX_SYSCALL(14, rt_sigprocmask, sys_rt_sigprocmask),
    LX_SYSCALL(15, rt_sigreturn, sys_rt_sigreturn),
    LX_SYSCALL(34, pause, sys_pause),
    LX_SYSCALL(62, kill, sys_kill),
    LX_SYSCALL(127, rt_sigpending, sys_rt_sigpending),
    LX_SYSCALL(128, rt_sigtimedwait, sys_rt_sigtimedwait),
    LX_SYSCALL(129, rt_sigqueueinfo, sys_rt_sigqueueinfo),
    LX_SYSCALL(130, rt_sigsuspend, sys_rt_sigsuspend),
    LX_SYSCALL(131, sigaltstack, sys_sigaltstack),
    LX_SYSCALL(200, tkill, sys_tkill),
    LX_SYSCALL(234, tgkill, sys_tgkill),
    LX_SYSCALL(297, rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo),
    { 0, NULL, NULL },
};
