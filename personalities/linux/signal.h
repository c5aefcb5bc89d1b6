/* personalities/linux/signal.h — Linux signals: how they are sent, kept
 * pending and delivered, how they stop and continue processes, and what
 * the main loop calls.  The rules are in signal_rules.h, the frame a
 * handler gets in signal_frame.h.
 *
 * State.  A thread has a mask (t->sigmask) and signals sent to it
 * (t->sigpending); a process has its actions (p->actions) and signals sent
 * to the process (p->sigpending), which whichever thread does not block
 * them takes.  The siginfo of each pending instance is queued beside the
 * bits (t->sigqueue, p->sigqueue): a standard signal is pending once, with
 * the siginfo of its first send; a real-time one is queued every time it
 * is sent, each instance with its own siginfo (signal_rules.h
 * "queueing").  A process queues at most RLIMIT_SIGPENDING siginfo, and
 * never more than LX_SIGQUEUE_MAX (Linux counts the limit per user, not
 * per process; its default is in the tens of thousands).
 *
 * Sending (lx_signal_*, kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo).  An ignored signal is dropped at once unless the
 * target blocks it.  A signal whose effect is to kill (SIGKILL, or a
 * default action of terminate or core with no handler) and that some
 * thread does not block ends the whole process, as on Linux, even if its
 * threads never enter the personality again: the process is marked and
 * signal_flush_deferred() ends it from the main loop (ending it inside the
 * sender's call could free processes its caller still uses, such as a
 * parent inside proc.c's proc_end).  A signal whose effect is to stop
 * stops the process at once (below).  Otherwise a thread that can take the
 * signal and waits in a system call is woken (lx_wake_thread; its call
 * runs again and main.c's complete() turns a call that would wait again
 * into -EINTR).  A thread running user code takes it at its next system
 * call or fault: the personality cannot interrupt it, so a handled signal
 * sent to a thread that computes without system calls waits until it
 * makes one.
 *
 * Delivering.  On the way back to user mode (signal_deliver after a call,
 * signal_fault after a fault, rt_sigreturn after a handler) every
 * deliverable signal is taken, as Linux's exit-to-user loop does: ignored
 * ones are dropped, a killing one ends the process, and each handled one
 * pushes a frame, so the last one taken runs first.  A system call that
 * returned -EINTR (it was interrupted) starts again when no handler runs,
 * or when the handler has SA_RESTART and Linux restarts that call
 * (lx_sig_restart_with_handler); the thread, or the handler's saved
 * context, then resumes at the `syscall` instruction with rax = the call's
 * number.  (Every -EINTR counts as an interruption: in the personality only
 * a pending signal makes a call fail with EINTR.)
 *
 * Stopping (job control).  SIGSTOP, and SIGTSTP, SIGTTIN or SIGTTOU with
 * the default action, stop the whole process when a thread can take them:
 * when sent, or when a thread unblocks one (signal_stop_point).  SIGTSTP,
 * SIGTTIN and SIGTTOU are discarded in an orphaned process group (nobody
 * could continue it), as on Linux.  The parent gets SIGCHLD with
 * CLD_STOPPED (unless its SIGCHLD action is SIG_IGN or has SA_NOCLDSTOP)
 * and its wait4 with WUNTRACED reports the stop once.  No thread of a
 * stopped process runs, and none of its system calls is lost:
 *   - a thread waiting in a call stays blocked; woken meanwhile, its call
 *     does not run again (main.c's run_retries) until SIGCONT;
 *   - a thread whose call or fault is answered while stopped gets no
 *     answer: main.c's complete() keeps it as a "complete later" result
 *     (has_result) with the reply capability saved; SIGCONT wakes it, and
 *     the signals that came meanwhile are delivered then;
 *   - a thread running user code is suspended (TCB SUSPEND) by
 *     signal_suspend_stopped, which main.c calls only once it has handled
 *     every fault already queued on its endpoint (suspending a thread that
 *     is sending its fault would cancel the call).
 * SIGCONT continues a stopped process when it is sent, whatever its action
 * or mask (then, if handled, it is delivered like any signal): suspended
 * threads resume, waiting ones are woken (their calls run again, as
 * Linux's restart after a stop), the parent gets CLD_CONTINUED and its
 * WCONTINUED wait reports it.  Sending SIGCONT drops pending stop signals
 * and sending a stop signal drops a pending SIGCONT.  rt_sigtimedwait
 * fails with EINTR after a stop, as Linux's does (signal(7)).
 *
 * Not done (see docs/linux-personality.md): signalfd, the FPU state in
 * frames (signal_frame.h), the SIGHUP and SIGCONT a process group gets
 * when it becomes orphaned with stopped members, ptrace stops, and init's
 * immunity: pid 1 here is the program a user runs, which must die of its
 * signals as on the host (and, having no parent, its process group counts
 * as not orphaned, as that of a program a shell starts). */
#pragma once

#include "proc.h"
#include "signal_frame.h"
#include "signal_rules.h"

/* Sending with a siginfo (lx_signal_proc and lx_signal_thread of proc.h
 * send with si_code SI_KERNEL, as the kernel's own signals have: the
 * console's SIGINT; Linux's SIGPIPE has SI_USER and the writer's pid). */
void lx_signal_proc_from(struct lx_proc *p, int sig, const struct lx_sigorigin *o);
void lx_signal_thread_from(struct lx_thread *t, int sig, const struct lx_sigorigin *o);
/* Every process of group pgid (the console's ^C and ^\): 0, or -LX_ESRCH
 * when the group has no process. */
int lx_signal_pgrp(int pgid, int sig);
/* The signal a child sends its parent when it ends (its exit_signal, with
 * SIGCHLD's siginfo: CLD_EXITED/KILLED/DUMPED, pid, uid, status).  For
 * proc.c's proc_end instead of lx_signal_proc(parent, p->exit_signal). */
void lx_signal_child_exit(struct lx_proc *parent, const struct lx_proc *child);

/* Job control (see "Stopping").  Whether t's process is stopped. */
static inline bool signal_stopped(const struct lx_thread *t)
{
    return t->proc && t->proc->stopped;
}
bool signal_stop_taken(struct lx_thread *t);
/* t is about to return to user mode (main.c's complete(), with a result):
 * a stop signal t can take stops its process now.  Returns whether the
 * process is stopped: then t must not be answered until SIGCONT. */
static inline bool signal_stop_point(struct lx_thread *t)
{
    const struct lx_proc *p = t->proc;
    return p && (p->stopped || ((t->sigpending | p->sigpending) & LX_SIG_STOPPING & ~t->sigmask))
               ? signal_stop_taken(t)
               : false;
}
/* Whether a process was stopped since the last signal_suspend_stopped. */
bool signal_stop_sweep_pending(void);
/* Suspends every thread of a stopped process that runs user code.  Only
 * when no fault of a Linux thread is queued on the endpoint (main.c). */
void signal_suspend_stopped(void);
/* wait4/waitid on the live child c with options (LX_WSTOPPED,
 * LX_WCONTINUED, LX_WNOWAIT): whether it has a stop or a continuation to
 * report, each once (unless WNOWAIT); *status as wait4 reports it. */
bool signal_wait_job(struct lx_proc *c, int options, int *status);

/* proc.c: a thread or a whole process ends; its pending signals go. */
void signal_thread_released(struct lx_thread *t);
void signal_proc_ended(struct lx_proc *p);

/* ppoll and pselect6 (their sigmask argument): t runs the call with mask
 * in place of its own.  Call signal_mask_for_call at every run of the call
 * (only the first one saves the mask), and return the call's result
 * through signal_mask_call_end: it puts the old mask back at once, unless
 * the call waits (LX_BLOCK) or was interrupted (-EINTR): then a handler
 * runs with mask still in place and the old one is restored after it, as
 * for rt_sigsuspend (Linux's restore_saved_sigmask_unless). */
void signal_mask_for_call(struct lx_thread *t, uint64_t mask);
int64_t signal_mask_call_end(struct lx_thread *t, int64_t result);

/* Whether signal_deliver has anything to do after a system call that
 * returned result: a signal t can take, or an interrupted call (-EINTR)
 * that may start again or must put back the mask rt_sigsuspend replaced. */
static inline bool signal_work(const struct lx_thread *t, int64_t result)
{
    return result == -LX_EINTR || t->sigpending || (t->proc->sigpending & ~t->sigmask);
}

/* signal_deliver (declared in proc.h), precisely:
 *   in_syscall = true: t is stopped in its system call, whose reply is
 *   about to go out.  t->regs holds the registers at the call (t->regs.rax
 *   = the call's number: not overwritten yet), *r the registers the reply
 *   will carry, *result the call's result.  On return true, r->rax and
 *   *result are both set to the rax the thread resumes with (the result;
 *   0 at handler entry; the call's number when it starts again), and
 *   r->rip, rsp, rdi, rsi, rdx, rflags may have changed: the reply must
 *   carry all 10 words of *r.  Only these 10 registers change.
 *   in_syscall = false: t is stopped in a fault; its registers are read and
 *   written with TCB READ/WRITE_REGISTERS, r and result are not used (may
 *   be NULL), and the fault's reply carries no words.
 * Returns false when t's process was ended: send nothing, t is gone.
 * It costs nothing when nothing is pending (checks only fields of t). */

/* A fault the thread cannot continue from (a VM fault mm_fault could not
 * resolve, a CPU exception): sig with si_code and si_addr addr, forced as
 * Linux's force_sig_fault: if t blocks or ignores sig, its action becomes
 * SIG_DFL and t stops blocking it.  Returns true when a handler will run
 * (the registers are written: reply to the fault with label 0 and no
 * words; the faulting instruction runs again after the handler returns,
 * unless it changed the saved context), false when the process was ended
 * (send nothing). */
bool signal_fault(struct lx_thread *t, int sig, int si_code, uint64_t addr);

/* Ends the processes a killing signal was sent to since the last call
 * (see "Sending").  Call it from the main loop after each message was
 * handled.  It may end the thread whose reply is pending: that reply is
 * then harmless (the thread's reply capability went with it) but pointless. */
void signal_flush_deferred(void);
