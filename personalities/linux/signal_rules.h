/* personalities/linux/signal_rules.h — the rules of Linux signals that do
 * not depend on the personality's state: default actions, which pending
 * signal goes first, how masks change, which thread takes a signal sent to
 * a process, when an interrupted system call starts again, the alternate
 * signal stack, and what a CPU exception raises.  Pure functions, tested on
 * the host (tests/test_signal_rules.c); signal.c applies them.
 *
 * A signal set is 64 bits, bit sig-1 for signal sig (1..LX_NSIG), the
 * kernel's sigset_t on x86_64. */
#pragma once

#include "linux_abi.h"
#include <stdbool.h>
#include <stdint.h>

/* Signals linux_abi.h does not name. */
enum {
    LX_SIGSTKFLT = 16,
    LX_SIGXCPU = 24,
    LX_SIGXFSZ = 25,
    LX_SIGVTALRM = 26,
    LX_SIGPROF = 27,
    LX_SIGIO = 29,
    LX_SIGPWR = 30,
    LX_SIGSYS = 31,
    LX_SIGRTMIN = 32,
};

/* si_code values (asm-generic/siginfo.h). */
enum {
    LX_SI_USER = 0,
    LX_SI_KERNEL = 0x80,
    LX_SI_QUEUE = -1,
    LX_SI_TKILL = -6,
    LX_ILL_ILLOPN = 2,
    LX_FPE_INTDIV = 1,
    LX_FPE_FLTDIV = 3,
    LX_FPE_FLTOVF = 4,
    LX_FPE_FLTUND = 5,
    LX_FPE_FLTRES = 6,
    LX_FPE_FLTINV = 7,
    LX_SEGV_MAPERR = 1,
    LX_SEGV_ACCERR = 2,
    LX_BUS_ADRALN = 1,
    LX_BUS_ADRERR = 2,
    LX_TRAP_BRKPT = 1,
    LX_TRAP_TRACE = 2,
    LX_CLD_EXITED = 1,
    LX_CLD_KILLED = 2,
    LX_CLD_DUMPED = 3,
    LX_CLD_TRAPPED = 4,
    LX_CLD_STOPPED = 5,
    LX_CLD_CONTINUED = 6,
    LX_SI_DETHREAD = -7,
    LX_SI_ASYNCNL = -60,
};

/* wait4/waitid options linux_abi.h does not name (WSTOPPED is WUNTRACED). */
enum {
    LX_WSTOPPED = 2,
    LX_WEXITED = 4,
    LX_WNOTHREAD = 0x20000000,
};
#define LX_WCLONE 0x80000000u

/* RLIMIT_SIGPENDING, and the most siginfo_t the personality queues for one
 * process whatever that limit says (Linux counts per user; see signal.h). */
enum { LX_RLIMIT_SIGPENDING = 11, LX_SIGQUEUE_MAX = 1024 };

/* sigaltstack flags and the smallest stack it accepts (x86 MINSIGSTKSZ). */
#define LX_SS_ONSTACK    1u
#define LX_SS_DISABLE    2u
#define LX_SS_AUTODISARM (1u << 31)
enum { LX_MINSIGSTKSZ = 2048 };

/* The sa_flags bits rt_sigaction keeps (Linux clears the others so that a
 * program can detect unsupported ones; 0x800 is SA_EXPOSE_TAGBITS). */
#define LX_SA_KNOWN_FLAGS                                                                           \
    ((uint64_t)(LX_SA_NOCLDSTOP | LX_SA_NOCLDWAIT | LX_SA_SIGINFO | LX_SA_ONSTACK | LX_SA_RESTART | \
                LX_SA_NODEFER | LX_SA_RESETHAND | LX_SA_RESTORER | 0x800))

/* The wait status bit of a process whose core was dumped (WCOREDUMP).  The
 * personality writes no core files, and says so (RLIMIT_CORE is 0), so as
 * on a Linux host with `ulimit -c 0` a "core" signal reports no core:
 * wait status = the signal, as the host run of the same program shows. */
enum { LX_WCOREFLAG = 0x80 };

static inline bool lx_sig_valid(int sig)
{
    return sig >= 1 && sig <= LX_NSIG;
}

static inline uint64_t lx_sigbit(int sig)
{
    return 1ull << (sig - 1);
}

/* The signals whose default action stops the process. */
#define LX_SIG_STOPPING                                                                     \
    ((1ull << (LX_SIGSTOP - 1)) | (1ull << (LX_SIGTSTP - 1)) | (1ull << (LX_SIGTTIN - 1)) | \
     (1ull << (LX_SIGTTOU - 1)))

/* SIGKILL and SIGSTOP: never blocked, caught or ignored. */
#define LX_SIG_UNBLOCKABLE ((1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1)))
/* The signals a faulting instruction raises: a thread takes them before
 * any other pending signal (Linux's SYNCHRONOUS_MASK), so a handler sees
 * the fault before unrelated signals. */
#define LX_SIG_SYNCHRONOUS                                                                \
    ((1ull << (LX_SIGSEGV - 1)) | (1ull << (LX_SIGBUS - 1)) | (1ull << (LX_SIGILL - 1)) | \
     (1ull << (LX_SIGTRAP - 1)) | (1ull << (LX_SIGFPE - 1)) | (1ull << (LX_SIGSYS - 1)))

enum lx_sig_default {
    LX_SIGDFL_TERM,   /* the process ends, wait status = the signal */
    LX_SIGDFL_CORE,   /* the same: it would dump core, but none is written (LX_WCOREFLAG) */
    LX_SIGDFL_IGNORE, /* SIGCHLD, SIGURG, SIGWINCH */
    LX_SIGDFL_STOP,   /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
    LX_SIGDFL_CONT,   /* SIGCONT: continues a stopped process, else nothing */
};

/* sig must be valid. */
enum lx_sig_default lx_sig_default_action(int sig);

/* What delivering sig under the action handler (LX_SIG_DFL, LX_SIG_IGN or
 * an address) does.  SIGCONT's continuing is not an effect of delivery: it
 * happens when SIGCONT is sent, whatever its action (signal.h). */
enum lx_sig_effect { LX_SIGEFFECT_NONE, LX_SIGEFFECT_KILL, LX_SIGEFFECT_HANDLER, LX_SIGEFFECT_STOP };
enum lx_sig_effect lx_sig_effect(int sig, uint64_t handler);

/* ---- queueing (Linux's __send_signal_locked) ----
 * A standard signal (below LX_SIGRTMIN) is pending once: sending it again
 * while it is pending changes nothing.  A real-time one is queued each
 * time it is sent, each with its siginfo.  Each queued siginfo counts
 * against the limit (RLIMIT_SIGPENDING), except that a standard signal
 * with a kernel si_code (>= 0: SI_USER, SI_KERNEL, a fault's) is queued
 * whatever the count.  With no room, a real-time signal whose si_code is
 * not SI_USER is refused (the sender gets EAGAIN); any other is still
 * made pending, without its siginfo (it then reads as SI_USER from pid 0,
 * uid 0). */
static inline bool lx_sig_queues_each(int sig)
{
    return sig >= LX_SIGRTMIN;
}
static inline bool lx_sig_over_limit_ok(int sig, int si_code)
{
    return sig < LX_SIGRTMIN && si_code >= 0;
}
static inline bool lx_sig_refused_when_full(int sig, int si_code)
{
    return sig >= LX_SIGRTMIN && si_code != LX_SI_USER;
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo: a program may send a siginfo of
 * its own making, but with a kernel's si_code (>= 0) or tkill's (SI_TKILL)
 * only to itself (its own thread id): nobody may pretend to be the kernel
 * or a kill()/tgkill(), which add their own sender. */
static inline bool lx_sigqueueinfo_allowed(int si_code, bool to_itself)
{
    return to_itself || (si_code < 0 && si_code != LX_SI_TKILL);
}
/* Whether Linux knows the layout of a siginfo_t with sig and si_code
 * (known_siginfo_layout): for an unknown one it refuses a caller's siginfo
 * whose bytes past the first 48 are not all zero (E2BIG), since it keeps
 * only those 48 (struct kernel_siginfo). */
bool lx_siginfo_known_layout(int sig, int si_code);

/* ---- wait statuses of job control ---- */
/* wait4's status of a child stopped by sig (WIFSTOPPED, WSTOPSIG). */
static inline int lx_wait_status_stopped(int sig)
{
    return (sig << 8) | 0x7f;
}
/* wait4's status of a child continued by SIGCONT (WIFCONTINUED). */
enum { LX_WAIT_STATUS_CONTINUED = 0xffff };
/* waitid's si_code and si_status for a wait status: CLD_EXITED with the
 * exit code, CLD_KILLED (or CLD_DUMPED with LX_WCOREFLAG) with the signal,
 * CLD_STOPPED with the stop signal, CLD_CONTINUED with SIGCONT. */
struct lx_cld {
    int code, status;
};
struct lx_cld lx_wait_status_cld(int status);

/* The signal a thread takes next from pending, not counting blocked ones:
 * a synchronous one first, then the lowest number.  0 when none. */
int lx_sig_next(uint64_t pending, uint64_t blocked);

/* rt_sigprocmask's new mask from how (LX_SIG_BLOCK, _UNBLOCK, _SETMASK):
 * 0, or -LX_EINVAL for another how.  SIGKILL and SIGSTOP never end up in
 * the mask. */
int lx_sigmask_change(int how, uint64_t old, uint64_t set, uint64_t *out);

/* A system call interrupted by a signal (it returned -EINTR) when a handler
 * with sa_flags is about to run: whether the call starts again after the
 * handler instead of failing with EINTR.  Only with SA_RESTART, and not
 * for the calls Linux never restarts after a handler (signal(7)): the
 * waits for signals, poll, select, epoll, sleeps, System V IPC, and a
 * futex wait with a timeout; nr and the argument registers name the call.
 * (When no handler runs, every interrupted call starts again, as Linux's
 * -ERESTART* codes do.) */
bool lx_sig_restart_with_handler(uint64_t nr, uint64_t arg1, uint64_t arg3, uint64_t sa_flags);

/* Choosing the thread that takes a process-directed signal. */
struct lx_sig_candidate {
    uint64_t blocked; /* the thread's mask */
    bool ready;       /* in the personality now (its call runs or waits): it
                         can take a signal before running more user code */
};
/* The index of the candidate that takes sig: one that does not block it,
 * preferring a ready one (a thread running user code takes it only at its
 * next system call or fault), in the given order (the leader first, as
 * Linux prefers it).  -1 when every candidate blocks it: it stays pending
 * for the process. */
int lx_sig_pick_thread(const struct lx_sig_candidate *c, unsigned n, int sig);

/* The alternate signal stack of a thread (sigaltstack). */
struct lx_altstack {
    uint64_t sp, size; /* size 0: none */
    uint32_t flags;    /* as last set (0 if never): LX_SS_AUTODISARM, LX_SS_ONSTACK or
                          LX_SS_DISABLE; a frame's uc_stack.ss_flags, as on Linux */
};
/* Whether sp is on the alternate stack (never with SS_AUTODISARM: such a
 * stack is given up on handler entry, so nesting cannot overflow it). */
bool lx_altstack_on(const struct lx_altstack *a, uint64_t sp);
/* ss_flags as sigaltstack reports them with the thread at sp. */
uint32_t lx_altstack_report_flags(const struct lx_altstack *a, uint64_t sp);
/* sigaltstack's change with the thread at sp: 0 (applied), -LX_EPERM
 * (running on the alternate stack), -LX_EINVAL (bad flags), -LX_ENOMEM
 * (smaller than LX_MINSIGSTKSZ).  On error *a is unchanged. */
int lx_altstack_set(struct lx_altstack *a, uint64_t sp, uint64_t new_sp, uint32_t new_flags,
                    uint64_t new_size);

/* The signal, si_code and si_addr a CPU exception (vector, at rip) raises
 * in user mode, as Linux's trap handlers choose them. */
struct lx_sig_fault {
    int sig, code;
    uint64_t addr;
};
struct lx_sig_fault lx_sig_for_exception(uint64_t vector, uint64_t rip);
/* The si_code of a floating-point exception (vector 16, x87 #MF, or 19,
 * SSE #XM) from the thread's FPU state, as Linux's fpu__exception_code: the
 * first of invalid operation, division by zero, overflow, underflow (or
 * denormal), inexact that is flagged and not masked; 0 when none is (a
 * spurious exception: Linux sends nothing and lets the thread run on). */
int lx_fpe_code(uint64_t vector, uint16_t fcw, uint16_t fsw, uint32_t mxcsr);
