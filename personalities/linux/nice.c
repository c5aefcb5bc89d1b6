/* personalities/linux/nice.c — getpriority and setpriority: each process's
 * nice value (-20..19), inherited across fork and shown in /proc/PID/stat.
 *
 * Linux's rules: PRIO_PROCESS, PRIO_PGRP or PRIO_USER, who 0 meaning the
 * caller's; a target owned by someone else needs root (EPERM); lowering
 * the nice value needs root or RLIMIT_NICE (EACCES); no target is ESRCH.
 * The value is recorded, not used for scheduling: every Linux thread runs
 * at one Kumiki priority (docs/linux-personality.md, "What is missing"). */
#include "proc.h"
#include "syscall.h"

enum { PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2, NICE_MIN = -20, NICE_MAX = 19 };

/* PRIO_PROCESS names a process by any of its thread ids (Linux keeps a
 * nice value per thread; here one per process, which its threads share). */
static bool matches(const struct lx_proc *q, int which, int who)
{
    if (q->state != LX_PROC_ALIVE)
        return false;
    switch (which) {
    case PRIO_PROCESS: {
        const struct lx_thread *th = thread_by_tid(who);
        return q->pid == who || (th && th->proc == q);
    }
    case PRIO_PGRP: return q->pgid == who;
    default: return q->uid == (uint32_t)who;
    }
}

/* who 0 is the caller's own process, group or user. */
static int resolve_who(const struct lx_proc *self, int which, int who)
{
    if (who)
        return who;
    return which == PRIO_PROCESS ? self->pid : which == PRIO_PGRP ? self->pgid : (int)self->uid;
}

static int64_t sys_getpriority(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int which = arg_int(r->rdi), who = arg_int(r->rsi);
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -LX_EINVAL; /* a negative who names nothing: ESRCH below */
    who = resolve_who(t->proc, which, who);
    int64_t best = -LX_ESRCH;
    for (struct lx_proc *q = proc_first(); q; q = proc_next(q))
        if (matches(q, which, who) && 20 - q->nice > best)
            best = 20 - q->nice; /* the system call's 1..40: the libc turns it into a nice value */
    return best;
}

static int64_t sys_setpriority(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int which = arg_int(r->rdi), who = arg_int(r->rsi), nice = arg_int(r->rdx);
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -LX_EINVAL;
    nice = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
    const struct lx_proc *self = t->proc;
    who = resolve_who(self, which, who);
    int64_t ret = -LX_ESRCH;
    for (struct lx_proc *q = proc_first(); q; q = proc_next(q)) {
        if (!matches(q, which, who))
            continue;
        if (self->euid != 0 && q->uid != self->euid && q->euid != self->euid) {
            ret = -LX_EPERM;
            continue;
        }
        uint64_t allowed = q->rlimits[LX_RLIMIT_NICE].cur; /* the target's (can_nice): 20 - lowest nice */
        if (nice < q->nice && self->euid != 0 && (uint64_t)(20 - nice) > allowed) {
            ret = -LX_EACCES;
            continue;
        }
        q->nice = nice;
        if (ret == -LX_ESRCH)
            ret = 0;
    }
    return ret;
}

const struct lx_syscall_def lx_syscalls_nice[] = {
    LX_SYSCALL(140, getpriority, sys_getpriority),
    LX_SYSCALL(141, setpriority, sys_setpriority),
    { 0, NULL, NULL },
};
