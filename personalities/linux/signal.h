/* personalities/linux/signal.h — Linux signals: how they are sent, kept
 * pending and delivered, and what the main loop calls.  The rules are in
 * signal_rules.h, the frame a handler gets in signal_frame.h.
 *
 * State.  A thread has a mask (t->sigmask) and signals sent to it
 * (t->sigpending); a process has its actions (p->actions) and signals sent
 * to the process (p->sigpending), which whichever thread does not block
 * them takes.  One instance of a signal is pending at a time (real-time
 * signals are not queued several deep), with the siginfo of the first send.
 *
 * Sending (lx_signal_*, kill, tkill, tgkill).  An ignored signal is dropped
 * at once unless the target blocks it.  A signal whose effect is to kill
 * (SIGKILL, or a default action of terminate or core with no handler) and
 * that some thread does not block ends the whole process, as on Linux, even
 * if its threads never enter the personality again: the process is marked
 * and signal_flush_deferred() ends it from the main loop (ending it inside
 * the sender's call could free processes its caller still uses, such as a
 * parent inside proc.c's proc_end).  Otherwise a thread that can take the
 * signal and waits in a system call is woken (lx_wake_thread; its call runs
 * again and main.c's complete() turns a call that would wait again into
 * -EINTR).  A thread running user code takes it at its next system call or
 * fault: the personality cannot interrupt it (suspending it could lose a
 * system call it is sending), so a handled signal sent to a thread that
 * computes without system calls waits until it makes one.
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
 * Not done (see docs/linux-personality.md): stopping (SIGSTOP, SIGTSTP,
 * SIGTTIN, SIGTTOU do nothing; SIGCONT has nothing to continue), queued
 * real-time signals, rt_sigqueueinfo, rt_sigtimedwait, signalfd, the FPU
 * state in frames (signal_frame.h), and init's immunity: pid 1 here is the
 * program a user runs, which must die of its signals as on the host. */
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
