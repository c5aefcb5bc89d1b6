/* personalities/linux/signal.c — see signal.h: sending signals, keeping them
 * pending, delivering them, and the signal system calls. */
#include "signal.h"
#include "personality.h"
#include "syscall.h"
#include <kumiki/user.h>

/* ---- the siginfo of pending signals --------------------------------------------
 *
 * A pending signal is a bit in t->sigpending or p->sigpending; who sent it
 * (or which fault raised it) is kept here, keyed by (owner, signal).  An
 * entry is live while its bit is set, so an entry needs no removal: once
 * the bit is clear (taken, dropped, or its owner gone) the slot is free.
 * An entry is stored just before its bit is set, at the first slot of its
 * probe sequence that is free or has its key, so a lookup (which follows
 * the same sequence) finds the newest one first and can stop at a slot
 * never used.  If every slot is live the siginfo is lost (si_code
 * SI_KERNEL, no sender), never the signal. */

enum { ORIGIN_SLOTS = 1024 };

struct origin_slot {
    int32_t owner; /* > 0: the thread with that tid; < 0: the process -owner; 0: never used */
    int32_t sig;
    struct lx_sigorigin origin;
};

static struct origin_slot origins[ORIGIN_SLOTS];

static uint64_t pending_of(int32_t owner)
{
    if (owner > 0) {
        struct lx_thread *t = thread_by_tid(owner);
        return t ? t->sigpending : 0;
    }
    struct lx_proc *p = proc_by_pid(-owner);
    return p && p->state == LX_PROC_ALIVE ? p->sigpending : 0;
}

static bool slot_live(const struct origin_slot *s)
{
    return s->owner && (pending_of(s->owner) & lx_sigbit(s->sig));
}

static unsigned slot_first(int32_t owner, int sig)
{
    return ((uint32_t)owner * 2654435761u + (uint32_t)sig * 40503u) % ORIGIN_SLOTS;
}

static void origin_store(int32_t owner, int sig, const struct lx_sigorigin *o)
{
    static bool full_logged;
    unsigned first = slot_first(owner, sig);
    for (unsigned i = 0; i < ORIGIN_SLOTS; i++) {
        struct origin_slot *s = &origins[(first + i) % ORIGIN_SLOTS];
        if ((s->owner == owner && s->sig == sig) || !slot_live(s)) {
            *s = (struct origin_slot){ .owner = owner, .sig = sig, .origin = *o };
            return;
        }
    }
    if (!full_logged) {
        full_logged = true;
        lx_log("more than %d signals pending: the siginfo of some is lost", ORIGIN_SLOTS);
    }
}

/* The origin of a pending signal (its bit still set). */
static struct lx_sigorigin origin_of(int32_t owner, int sig)
{
    unsigned first = slot_first(owner, sig);
    for (unsigned i = 0; i < ORIGIN_SLOTS; i++) {
        const struct origin_slot *s = &origins[(first + i) % ORIGIN_SLOTS];
        if (!s->owner)
            break;
        if (s->owner == owner && s->sig == sig)
            return s->origin;
    }
    return (struct lx_sigorigin){ .code = LX_SI_KERNEL };
}

/* ---- per-thread state lx_thread has no field for -------------------------------- */

struct thread_extra {
    int tid;         /* whose these are: thread slots are reused, tids are not (soon) */
    bool mask_saved; /* rt_sigsuspend replaced the mask; saved_mask goes back */
    uint64_t saved_mask;
    uint64_t trapno, cr2; /* of the last page fault, for sigcontext (Linux keeps them too) */
};

static struct thread_extra extras[LX_MAX_THREADS];

static struct thread_extra *extra_of(const struct lx_thread *t)
{
    struct thread_extra *x = &extras[t->index];
    if (x->tid != t->tid)
        *x = (struct thread_extra){ .tid = t->tid };
    return x;
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
            if (!(t->sigmask & bit) && ((t->sigpending | p->sigpending) & bit))
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

#define STOP_SIGNALS \
    (lx_sigbit(LX_SIGSTOP) | lx_sigbit(LX_SIGTSTP) | lx_sigbit(LX_SIGTTIN) | lx_sigbit(LX_SIGTTOU))

static void drop_pending(struct lx_proc *p, uint64_t set)
{
    p->sigpending &= ~set;
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc)
        t->sigpending &= ~set;
}

static bool has_effect(const struct lx_proc *p, int sig)
{
    return lx_sig_effect(sig, p->actions[sig - 1].handler) != LX_SIGEFFECT_NONE;
}

/* sig is now pending for target (NULL: for p): Linux's complete_signal. */
static void signal_arrived(struct lx_proc *p, struct lx_thread *target, int sig)
{
    struct lx_thread *taker = target;
    if (target ? (target->sigmask & lx_sigbit(sig)) != 0 : !(taker = pick_thread(p, sig, NULL)))
        return; /* nobody takes it until a thread unblocks it */
    if (lx_sig_effect(sig, p->actions[sig - 1].handler) == LX_SIGEFFECT_KILL) {
        doom(p);
        return;
    }
    wake_for_signal(taker);
}

static void send(struct lx_proc *p, struct lx_thread *target, int sig, const struct lx_sigorigin *o)
{
    if (!p || p->state != LX_PROC_ALIVE || p->group_exiting || !lx_sig_valid(sig))
        return;
    uint64_t bit = lx_sigbit(sig);
    if (sig == LX_SIGCONT)
        drop_pending(p, STOP_SIGNALS);
    else if (bit & STOP_SIGNALS)
        drop_pending(p, lx_sigbit(LX_SIGCONT));
    /* An ignored signal goes unless blocked: its action may change before
     * it is unblocked. */
    struct lx_thread *probe = target ? target : leader_of(p);
    if (!has_effect(p, sig) && !(probe && (probe->sigmask & bit)))
        return;
    uint64_t *pending = target ? &target->sigpending : &p->sigpending;
    if (*pending & bit)
        return; /* one instance at a time; the first sender's siginfo stays */
    origin_store(target ? target->tid : -p->pid, sig, o);
    *pending |= bit;
    signal_arrived(p, target, sig);
}

void lx_signal_proc_from(struct lx_proc *p, int sig, const struct lx_sigorigin *o)
{
    send(p, NULL, sig, o);
}

void lx_signal_thread_from(struct lx_thread *t, int sig, const struct lx_sigorigin *o)
{
    if (t && t->proc && t->state != LX_THREAD_FREE && t->state != LX_THREAD_DEAD)
        send(t->proc, t, sig, o);
}

static const struct lx_sigorigin from_kernel = { .code = LX_SI_KERNEL };

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
    struct lx_sigaction *a = &t->proc->actions[sig - 1];
    if ((t->sigmask & bit) || a->handler == LX_SIG_IGN) {
        a->handler = LX_SIG_DFL;
        t->sigmask &= ~bit;
    }
    origin_store(t->tid, sig, o);
    t->sigpending |= bit;
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

enum { SYSCALL_INSN_LEN = 2 }; /* `syscall` is 0f 05: rewinding rip by 2 makes the call again */

/* Pushes the frame that runs act's handler for sig.  False when it cannot
 * be written (no SA_RESTORER, no room on the alternate stack, a stack the
 * program cannot write): nothing changed. */
static bool push_frame(struct delivery *d, int sig, const struct lx_sigaction *act,
                       const struct lx_sigorigin *o)
{
    struct lx_thread *t = d->t;
    /* x86_64 Linux has no default return path (no vDSO trampoline for
     * 64-bit): a handler without a restorer cannot be entered. */
    if (!(act->flags & LX_SA_RESTORER) || load_cpu(d))
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
    };
    lx_siginfo_fill(&s.info, sig, o);
    struct lx_rt_sigframe frame;
    uint64_t addr;
    if (!lx_sigframe_build(&s, &cpu, &frame, &addr) || mm_copy_out(d->p->mm, addr, &frame, sizeof(frame)))
        return false;
    d->cpu = cpu;
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

/* The next signal t takes: its own first, then its process's. */
static int dequeue(struct lx_thread *t, struct lx_sigorigin *o)
{
    struct lx_proc *p = t->proc;
    int sig = lx_sig_next(t->sigpending, t->sigmask);
    if (sig) {
        *o = origin_of(t->tid, sig);
        t->sigpending &= ~lx_sigbit(sig);
        return sig;
    }
    sig = lx_sig_next(p->sigpending, t->sigmask);
    if (sig) {
        *o = origin_of(-p->pid, sig);
        p->sigpending &= ~lx_sigbit(sig);
    }
    return sig;
}

/* Takes every signal d->t can take.  False when its process was ended. */
static bool deliver_all(struct delivery *d)
{
    struct lx_sigorigin o;
    int sig;
    while ((sig = dequeue(d->t, &o))) {
        struct lx_sigaction *a = &d->p->actions[sig - 1];
        switch (lx_sig_effect(sig, a->handler)) {
        case LX_SIGEFFECT_NONE: continue;
        case LX_SIGEFFECT_KILL: proc_exit_group(d->p, sig); return false;
        case LX_SIGEFFECT_HANDLER: break;
        }
        struct lx_sigaction act = *a;
        if (act.flags & LX_SA_RESETHAND)
            a->handler = LX_SIG_DFL;
        if (!push_frame(d, sig, &act, &o)) {
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

/* Writes the registers deliver_all chose; a thread whose registers cannot
 * be written cannot go on (it never happens to a live TCB). */
static bool resume_at(struct delivery *d)
{
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

static struct lx_sigorigin from_thread(const struct lx_thread *t, int code)
{
    return (struct lx_sigorigin){ .code = code, .pid = t->proc->pid, .uid = t->proc->uid };
}

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
        /* Linux restores uc_stack ignoring every error but a fault. */
        struct lx_altstack now = altstack_of(t);
        if (lx_altstack_set(&now, d.cpu.rsp, alt.sp, alt.flags, alt.size) == 0)
            set_altstack(t, &now);
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

/* One target of kill: the checks of Linux's group_send_sig_info, in its
 * order (the signal number is checked per target, so a missing target is
 * ESRCH even with a bad number). */
static int kill_one(struct lx_thread *t, struct lx_proc *p, int sig)
{
    if (sig < 0 || sig > LX_NSIG)
        return -LX_EINVAL;
    if (!may_signal(t->proc, p, sig))
        return -LX_EPERM;
    if (sig) {
        struct lx_sigorigin o = from_thread(t, LX_SI_USER);
        lx_signal_proc_from(p, sig, &o);
    }
    return 0;
}

/* Every process of group pgid: 0 if one took it, else the last error
 * (-ESRCH when the group is empty). */
static int kill_group(struct lx_thread *t, int pgid, int sig)
{
    int last = -LX_ESRCH;
    bool sent = false;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->pgid != pgid)
            continue;
        int e = kill_one(t, p, sig);
        sent |= e == 0;
        last = e;
    }
    return sent ? 0 : last;
}

/* kill(-1, sig): every process but init and the caller's; as on Linux,
 * refusals alone still count as success. */
static int kill_all(struct lx_thread *t, int sig)
{
    int result = 0, count = 0;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p)) {
        if (p->pid <= 1 || p == t->proc)
            continue;
        count++;
        int e = kill_one(t, p, sig);
        if (e != -LX_EPERM)
            result = e;
    }
    return count ? result : -LX_ESRCH;
}

/* kill(pid, sig) */
static int64_t sys_kill(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi), sig = arg_int(r->rsi);
    if (pid > 0) {
        struct lx_proc *p = proc_by_pid(pid);
        if (!p) { /* a thread's id names its process */
            struct lx_thread *owner = thread_by_tid(pid);
            p = owner ? owner->proc : NULL;
        }
        return p ? kill_one(t, p, sig) : -LX_ESRCH;
    }
    if (pid == 0)
        return kill_group(t, t->proc->pgid, sig);
    if (pid == -1)
        return kill_all(t, sig);
    if (pid == INT32_MIN)
        return -LX_ESRCH;
    return kill_group(t, -pid, sig);
}

static int64_t send_to_thread(struct lx_thread *t, int tgid, int tid, int sig)
{
    struct lx_thread *target = thread_by_tid(tid);
    if (!target || !target->proc || (tgid > 0 && target->proc->pid != tgid))
        return -LX_ESRCH;
    if (sig < 0 || sig > LX_NSIG)
        return -LX_EINVAL;
    if (!may_signal(t->proc, target->proc, sig))
        return -LX_EPERM;
    if (sig) {
        struct lx_sigorigin o = from_thread(t, LX_SI_TKILL);
        lx_signal_thread_from(target, sig, &o);
    }
    return 0;
}

/* tkill(tid, sig) */
static int64_t sys_tkill(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int tid = arg_int(r->rdi);
    if (tid <= 0)
        return -LX_EINVAL;
    return send_to_thread(t, 0, tid, arg_int(r->rsi));
}

/* tgkill(tgid, tid, sig) */
static int64_t sys_tgkill(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int tgid = arg_int(r->rdi), tid = arg_int(r->rsi);
    if (tgid <= 0 || tid <= 0)
        return -LX_EINVAL;
    return send_to_thread(t, tgid, tid, arg_int(r->rdx));
}

const struct lx_syscall_def lx_syscalls_signal[] = {
    LX_SYSCALL(13, rt_sigaction, sys_rt_sigaction),
    LX_SYSCALL(14, rt_sigprocmask, sys_rt_sigprocmask),
    LX_SYSCALL(15, rt_sigreturn, sys_rt_sigreturn),
    LX_SYSCALL(34, pause, sys_pause),
    LX_SYSCALL(62, kill, sys_kill),
    LX_SYSCALL(127, rt_sigpending, sys_rt_sigpending),
    LX_SYSCALL(130, rt_sigsuspend, sys_rt_sigsuspend),
    LX_SYSCALL(131, sigaltstack, sys_sigaltstack),
    LX_SYSCALL(200, tkill, sys_tkill),
    LX_SYSCALL(234, tgkill, sys_tgkill),
    { 0, NULL, NULL },
};
