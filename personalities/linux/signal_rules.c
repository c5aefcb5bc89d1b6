/* personalities/linux/signal_rules.c — see signal_rules.h.  The choices
 * follow Linux's kernel/signal.c and arch/x86/kernel/{signal,traps}.c. */
#include "signal_rules.h"

enum lx_sig_default lx_sig_default_action(int sig)
{
    switch (sig) {
    case LX_SIGQUIT:
    case LX_SIGILL:
    case LX_SIGTRAP:
    case LX_SIGABRT:
    case LX_SIGBUS:
    case LX_SIGFPE:
    case LX_SIGSEGV:
    case LX_SIGXCPU:
    case LX_SIGXFSZ:
    case LX_SIGSYS: return LX_SIGDFL_CORE;
    case LX_SIGCHLD:
    case LX_SIGURG:
    case LX_SIGWINCH: return LX_SIGDFL_IGNORE;
    case LX_SIGSTOP:
    case LX_SIGTSTP:
    case LX_SIGTTIN:
    case LX_SIGTTOU: return LX_SIGDFL_STOP;
    case LX_SIGCONT: return LX_SIGDFL_CONT;
    default: return LX_SIGDFL_TERM; /* the rest, real-time signals included */
    }
}

enum lx_sig_effect lx_sig_effect(int sig, uint64_t handler)
{
    if (sig == LX_SIGKILL)
        return LX_SIGEFFECT_KILL;
    if (sig == LX_SIGSTOP)
        return LX_SIGEFFECT_STOP;
    if (handler == LX_SIG_IGN)
        return LX_SIGEFFECT_NONE;
    if (handler != LX_SIG_DFL)
        return LX_SIGEFFECT_HANDLER;
    switch (lx_sig_default_action(sig)) {
    case LX_SIGDFL_TERM:
    case LX_SIGDFL_CORE: return LX_SIGEFFECT_KILL;
    case LX_SIGDFL_STOP: return LX_SIGEFFECT_STOP;
    default: return LX_SIGEFFECT_NONE; /* ignored; SIGCONT continued when it was sent */
    }
}

/* The highest si_code of each signal with codes of its own (uapi
 * asm-generic/siginfo.h: NSIGILL, NSIGFPE, NSIGSEGV, NSIGBUS, NSIGTRAP,
 * NSIGCHLD, NSIGSYS); any other signal's codes go up to NSIGPOLL. */
static int sicode_limit(int sig)
{
    switch (sig) {
    case LX_SIGILL: return 11;
    case LX_SIGFPE: return 15;
    case LX_SIGSEGV: return 10;
    case LX_SIGBUS: return 5;
    case LX_SIGTRAP: return 6;
    case LX_SIGCHLD: return 6;
    case LX_SIGSYS: return 2;
    default: return 6; /* NSIGPOLL */
    }
}

bool lx_siginfo_known_layout(int sig, int si_code)
{
    if (si_code == LX_SI_KERNEL)
        return true;
    if (si_code > LX_SI_USER)
        return si_code <= sicode_limit(sig);
    return si_code >= LX_SI_DETHREAD || si_code == LX_SI_ASYNCNL;
}

struct lx_cld lx_wait_status_cld(int status)
{
    if (status == LX_WAIT_STATUS_CONTINUED)
        return (struct lx_cld){ LX_CLD_CONTINUED, LX_SIGCONT };
    if ((status & 0xff) == 0x7f)
        return (struct lx_cld){ LX_CLD_STOPPED, (status >> 8) & 0xff };
    if (status & 0x7f)
        return (struct lx_cld){ (status & LX_WCOREFLAG) ? LX_CLD_DUMPED : LX_CLD_KILLED, status & 0x7f };
    return (struct lx_cld){ LX_CLD_EXITED, (status >> 8) & 0xff };
}

int lx_sig_next(uint64_t pending, uint64_t blocked)
{
    uint64_t ready = pending & ~blocked;
    if (!ready)
        return 0;
    if (ready & LX_SIG_SYNCHRONOUS)
        ready &= LX_SIG_SYNCHRONOUS;
    return __builtin_ctzll(ready) + 1;
}

int lx_sigmask_change(int how, uint64_t old, uint64_t set, uint64_t *out)
{
    switch (how) {
    case LX_SIG_BLOCK: *out = old | set; break;
    case LX_SIG_UNBLOCK: *out = old & ~set; break;
    case LX_SIG_SETMASK: *out = set; break;
    default: return -LX_EINVAL;
    }
    *out &= ~LX_SIG_UNBLOCKABLE;
    return 0;
}

/* x86_64 numbers of the calls Linux never restarts after a handler ran. */
enum {
    NR_POLL = 7,
    NR_SELECT = 23,
    NR_PAUSE = 34,
    NR_NANOSLEEP = 35,
    NR_SEMOP = 65,
    NR_MSGSND = 69,
    NR_MSGRCV = 70,
    NR_RT_SIGTIMEDWAIT = 128,
    NR_RT_SIGSUSPEND = 130,
    NR_FUTEX = 202,
    NR_IO_GETEVENTS = 208,
    NR_SEMTIMEDOP = 220,
    NR_CLOCK_NANOSLEEP = 230,
    NR_EPOLL_WAIT = 232,
    NR_PSELECT6 = 270,
    NR_PPOLL = 271,
    NR_EPOLL_PWAIT = 281,
    NR_IO_PGETEVENTS = 333,
    NR_EPOLL_PWAIT2 = 441,
};
enum { FUTEX_CMD_MASK = 0x7f };

static bool restarts_after_handler(uint64_t nr, uint64_t arg1, uint64_t arg3)
{
    switch (nr) {
    case NR_POLL:
    case NR_SELECT:
    case NR_PAUSE:
    case NR_NANOSLEEP:
    case NR_SEMOP:
    case NR_MSGSND:
    case NR_MSGRCV:
    case NR_RT_SIGTIMEDWAIT:
    case NR_RT_SIGSUSPEND:
    case NR_IO_GETEVENTS:
    case NR_SEMTIMEDOP:
    case NR_CLOCK_NANOSLEEP:
    case NR_EPOLL_WAIT:
    case NR_PSELECT6:
    case NR_PPOLL:
    case NR_EPOLL_PWAIT:
    case NR_IO_PGETEVENTS:
    case NR_EPOLL_PWAIT2: return false;
    case NR_FUTEX: {
        /* A wait without a timeout is -ERESTARTSYS; with one it goes through
         * the restart block, which a handler turns into EINTR. */
        unsigned cmd = (unsigned)arg1 & FUTEX_CMD_MASK;
        bool waits = cmd == LX_FUTEX_WAIT || cmd == LX_FUTEX_WAIT_BITSET;
        return !(waits && arg3);
    }
    default: return true;
    }
}

bool lx_sig_restart_with_handler(uint64_t nr, uint64_t arg1, uint64_t arg3, uint64_t sa_flags)
{
    return (sa_flags & LX_SA_RESTART) && restarts_after_handler(nr, arg1, arg3);
}

int lx_sig_pick_thread(const struct lx_sig_candidate *c, unsigned n, int sig)
{
    uint64_t bit = lx_sigbit(sig);
    int first_willing = -1;
    for (unsigned i = 0; i < n; i++) {
        if (c[i].blocked & bit)
            continue;
        if (c[i].ready)
            return (int)i;
        if (first_willing < 0)
            first_willing = (int)i;
    }
    return first_willing;
}

bool lx_altstack_on(const struct lx_altstack *a, uint64_t sp)
{
    if (a->flags & LX_SS_AUTODISARM)
        return false;
    /* The stack grows down: its top (sp + size) is still "on" it. */
    return a->size && sp > a->sp && sp - a->sp <= a->size;
}

uint32_t lx_altstack_report_flags(const struct lx_altstack *a, uint64_t sp)
{
    uint32_t mode = !a->size ? LX_SS_DISABLE : lx_altstack_on(a, sp) ? LX_SS_ONSTACK : 0;
    return mode | (a->flags & LX_SS_AUTODISARM);
}

int lx_altstack_set(struct lx_altstack *a, uint64_t sp, uint64_t new_sp, uint32_t new_flags,
                    uint64_t new_size)
{
    if (lx_altstack_on(a, sp))
        return -LX_EPERM;
    uint32_t mode = new_flags & ~LX_SS_AUTODISARM;
    if (mode != 0 && mode != LX_SS_ONSTACK && mode != LX_SS_DISABLE)
        return -LX_EINVAL;
    if (mode == LX_SS_DISABLE) {
        new_sp = 0;
        new_size = 0;
    } else if (new_size < LX_MINSIGSTKSZ) {
        return -LX_ENOMEM;
    }
    *a = (struct lx_altstack){ .sp = new_sp, .size = new_size, .flags = new_flags };
    return 0;
}

/* Exception vectors (Intel SDM vol. 3, 6.3.1). */
enum {
    VEC_DE = 0,
    VEC_DB = 1,
    VEC_BP = 3,
    VEC_UD = 6,
    VEC_NP = 11,
    VEC_SS = 12,
    VEC_MF = 16,
    VEC_AC = 17,
    VEC_XM = 19,
};

int lx_fpe_code(uint64_t vector, uint16_t fcw, uint16_t fsw, uint32_t mxcsr)
{
    /* x87: status bits not masked in the control word; SSE: MXCSR's flags
     * (bits 0-5) not masked by its mask bits (7-12). */
    uint32_t err = vector == VEC_MF ? (uint32_t)(fsw & ~fcw) : (~(mxcsr >> 7) & mxcsr);
    if (err & 0x001)
        return LX_FPE_FLTINV;
    if (err & 0x004)
        return LX_FPE_FLTDIV;
    if (err & 0x008)
        return LX_FPE_FLTOVF;
    if (err & 0x012)
        return LX_FPE_FLTUND;
    if (err & 0x020)
        return LX_FPE_FLTRES;
    return 0;
}

struct lx_sig_fault lx_sig_for_exception(uint64_t vector, uint64_t rip)
{
    switch (vector) {
    case VEC_DE: return (struct lx_sig_fault){ LX_SIGFPE, LX_FPE_INTDIV, rip };
    case VEC_DB: return (struct lx_sig_fault){ LX_SIGTRAP, LX_TRAP_TRACE, rip };
    case VEC_BP: return (struct lx_sig_fault){ LX_SIGTRAP, LX_SI_KERNEL, 0 }; /* int3 */
    case VEC_UD: return (struct lx_sig_fault){ LX_SIGILL, LX_ILL_ILLOPN, rip };
    case VEC_NP:
    case VEC_SS: return (struct lx_sig_fault){ LX_SIGBUS, LX_SI_KERNEL, 0 };
    /* Which error it was is in the FPU state: lx_fpe_code (main.c reads
     * it and replaces this code). */
    case VEC_MF:
    case VEC_XM: return (struct lx_sig_fault){ LX_SIGFPE, LX_FPE_FLTINV, rip };
    case VEC_AC: return (struct lx_sig_fault){ LX_SIGBUS, LX_BUS_ADRALN, 0 };
    default: return (struct lx_sig_fault){ LX_SIGSEGV, LX_SI_KERNEL, 0 }; /* #GP, #OF, #BR, #TS, ... */
    }
}
