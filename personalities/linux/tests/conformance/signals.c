/* Signals (issue 8 item 4): rt_sigaction (SA_SIGINFO, SA_RESETHAND, SA_NODEFER, sa_mask),
 * rt_sigprocmask and pending signals, queueing of standard and real-time signals, kill,
 * sigqueue, handlers on the alternate stack (also for a stack overflow), rt_sigreturn
 * restoring the mask, the FPU/SSE state a handler interrupts (saved in the frame, restored on
 * return, changed through uc_mcontext.fpregs, the frames rt_sigreturn refuses), SIGCHLD,
 * SIGPIPE, default actions (terminate, ignore, stop/continue), EINTR, and the error cases. */
#include "conformance.h"
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <ucontext.h>

static volatile sig_atomic_t calls;
static volatile int last_signo, last_code, last_pid, last_uid, last_value, last_status;
static volatile int usr2_blocked_inside, usr1_blocked_inside;

static void record(int signo, siginfo_t *info, void *context)
{
    (void)context;
    calls++;
    last_signo = signo;
    last_code = info->si_code;
    last_pid = info->si_pid;
    last_uid = info->si_uid;
    last_value = info->si_value.sival_int;
    last_status = info->si_status;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    usr1_blocked_inside = sigismember(&now, SIGUSR1);
    usr2_blocked_inside = sigismember(&now, SIGUSR2);
}

static void set_handler(int signo, int flags, const sigset_t *mask)
{
    struct sigaction action = { .sa_sigaction = record, .sa_flags = SA_SIGINFO | flags };
    if (mask)
        action.sa_mask = *mask;
    else
        sigemptyset(&action.sa_mask);
    if (sigaction(signo, &action, NULL) != 0)
        check(0, "sigaction(%d): %s", signo, errno_name(errno));
}

static sigset_t just(int signo)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return set;
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    default: return "other";
    }
}

static void test_delivery(void)
{
    set_handler(SIGUSR1, 0, NULL);
    calls = 0;
    raise(SIGUSR1);
    say("raise(SIGUSR1): %d call, signo %s, code %s", calls, last_signo == SIGUSR1 ? "SIGUSR1" : "other",
        code_name(last_code));
    check(usr1_blocked_inside, "the signal is blocked inside its own handler");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    check(!sigismember(&now, SIGUSR1), "and unblocked again after the handler returns (rt_sigreturn)");
    calls = 0;
    kill(getpid(), SIGUSR1);
    check(calls == 1 && last_code == SI_USER && last_pid == getpid() && last_uid == (int)getuid(),
          "kill(self): SI_USER with our pid and uid");
    union sigval value = { .sival_int = 1234 };
    calls = 0;
    sigqueue(getpid(), SIGUSR1, value);
    check(calls == 1 && last_code == SI_QUEUE && last_value == 1234, "sigqueue: SI_QUEUE with the value");

    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    check((old.sa_flags & SA_SIGINFO) && old.sa_sigaction == record,
          "sigaction reads back the handler and flags");

    sigset_t usr2 = just(SIGUSR2);
    set_handler(SIGUSR1, 0, &usr2);
    raise(SIGUSR1);
    check(usr2_blocked_inside, "sa_mask is blocked inside the handler");
    set_handler(SIGUSR1, SA_NODEFER, NULL);
    raise(SIGUSR1);
    check(!usr1_blocked_inside, "SA_NODEFER leaves the signal unblocked inside its handler");
    set_handler(SIGUSR1, SA_RESETHAND, NULL);
    raise(SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    check(old.sa_handler == SIG_DFL, "SA_RESETHAND resets the action to SIG_DFL after one delivery");
}

static void test_masking(void)
{
    set_handler(SIGUSR1, 0, NULL);
    sigset_t usr1 = just(SIGUSR1), pending, old;
    calls = 0;
    sigprocmask(SIG_BLOCK, &usr1, &old);
    check(!sigismember(&old, SIGUSR1), "sigprocmask returns the old mask");
    raise(SIGUSR1);
    raise(SIGUSR1);
    check(calls == 0, "a blocked signal is not delivered");
    sigpending(&pending);
    check(sigismember(&pending, SIGUSR1), "it is pending");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    say("standard signal raised twice while blocked: %d call after unblocking", calls);

    int rt = SIGRTMIN + 2;
    set_handler(rt, 0, NULL);
    sigset_t rt_set = just(rt);
    calls = 0;
    sigprocmask(SIG_BLOCK, &rt_set, NULL);
    union sigval value = { .sival_int = 0 };
    for (int i = 1; i <= 3; i++) {
        value.sival_int = i;
        sigqueue(getpid(), rt, value);
    }
    sigprocmask(SIG_UNBLOCK, &rt_set, NULL);
    say("real-time signal queued 3 times while blocked: %d calls, last value %d", calls, last_value);

    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    check(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP),
          "SIGKILL and SIGSTOP cannot be blocked");
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* --- the alternate stack ------------------------------------------------------------------ */

static char *alt_base;
enum { ALT_SIZE = 64 * 1024 };
static volatile int on_alt_stack, ss_onstack_inside;

static void where_am_i(int signo)
{
    (void)signo;
    char local;
    on_alt_stack = &local >= alt_base && &local < alt_base + ALT_SIZE;
    stack_t now;
    sigaltstack(NULL, &now);
    ss_onstack_inside = (now.ss_flags & SS_ONSTACK) != 0;
}

static void test_altstack(void)
{
    alt_base = malloc(ALT_SIZE);
    stack_t alt = { .ss_sp = alt_base, .ss_size = ALT_SIZE, .ss_flags = 0 }, old;
    check(sigaltstack(&alt, &old) == 0 && old.ss_flags == SS_DISABLE,
          "sigaltstack installs a stack (none before)");
    struct sigaction action = { .sa_handler = where_am_i, .sa_flags = SA_ONSTACK };
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR2, &action, NULL);
    raise(SIGUSR2);
    check(on_alt_stack && ss_onstack_inside,
          "an SA_ONSTACK handler runs on the alternate stack (SS_ONSTACK)");
    action.sa_flags = 0;
    sigaction(SIGUSR2, &action, NULL);
    raise(SIGUSR2);
    check(!on_alt_stack && !ss_onstack_inside, "a handler without SA_ONSTACK runs on the normal stack");
    stack_t now;
    check(sigaltstack(NULL, &now) == 0 && now.ss_flags == 0 && now.ss_sp == alt_base &&
              now.ss_size == ALT_SIZE,
          "sigaltstack reads it back");
    stack_t tiny = { .ss_sp = alt_base, .ss_size = 512, .ss_flags = 0 };
    check_errno(sigaltstack(&tiny, NULL), ENOMEM, "sigaltstack smaller than MINSIGSTKSZ");
    stack_t bad_flags = { .ss_sp = alt_base, .ss_size = ALT_SIZE, .ss_flags = 0x1234 };
    check_errno(sigaltstack(&bad_flags, NULL), EINVAL, "sigaltstack with unknown flags");
}

static sigjmp_buf overflow_return;

static void on_overflow(int signo)
{
    (void)signo;
    char local;
    on_alt_stack = &local >= alt_base && &local < alt_base + ALT_SIZE;
    siglongjmp(overflow_return, 1);
}

static volatile int recursion_limit = INT_MAX; /* never reached: the stack ends first */

static __attribute__((noinline)) int recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    return depth < recursion_limit ? recurse(depth + 1) + frame[0] : 0;
}

static void body_overflow(void)
{
    struct rlimit limit = { 1 << 20, 1 << 20 }; /* 1 MiB of stack, so the overflow comes soon */
    check(setrlimit(RLIMIT_STACK, &limit) == 0, "setrlimit(RLIMIT_STACK, 1 MiB)");
    struct sigaction action = { .sa_handler = on_overflow, .sa_flags = SA_ONSTACK };
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, NULL);
    on_alt_stack = 0;
    if (sigsetjmp(overflow_return, 1) == 0)
        recurse(0);
    check(on_alt_stack, "a stack overflow's SIGSEGV is handled on the alternate stack");
}

/* --- the FPU state a handler interrupts ----------------------------------------------------
 * The registers are set and read back in arch/x86_64/fpu_regs.S right around a kill() to
 * ourselves, whose handler runs before the call returns. */

struct fpu_regs {
    uint64_t xmm[32]; /* xmm0-xmm15, two words each */
    uint32_t mxcsr;
    uint16_t fcw;
    uint16_t pad;
};
void fpu_regs_around_kill(const struct fpu_regs *in, struct fpu_regs *out, long pid, long sig);
void fpu_clobber(void);
void fpu_read_control(uint32_t *mxcsr, uint16_t *fcw);

/* Not tried: fpregs misaligned by 8.  FXRSTOR #GPs on it on Intel CPUs and QEMU's (Linux: SIGSEGV,
 * and Kumiki's too), but AMD CPUs with misaligned SSE support take it, so the host's answer
 * depends on its CPU. */
enum fpu_action { FPU_KEEP, FPU_CHANGE_XMM0, FPU_NULL, FPU_BAD_MXCSR, FPU_UNREADABLE };
enum { MXCSR_INIT = 0x1f80, MXCSR_ROUND_UP = 0x5f80, FCW_INIT = 0x37f };
static const uint64_t new_xmm0[2] = { 0x0f0e0d0c0b0a0908ull, 0x0706050403020100ull };

static struct fpu_regs fpu_in;
static volatile enum fpu_action fpu_action;
static volatile int fp_present, fp_aligned, fp_saved_xmm, fp_saved_control, fp_magic1, entry_mxcsr, entry_fcw;

static void fpu_handler(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)info;
    uint32_t mxcsr;
    uint16_t fcw;
    fpu_read_control(&mxcsr, &fcw); /* first: what the handler starts with */
    entry_mxcsr = (int)mxcsr;
    entry_fcw = fcw;
    ucontext_t *uc = context;
    struct _fpstate *fp = uc->uc_mcontext.fpregs;
    fp_present = fp != NULL;
    if (!fp)
        return;
    fp_aligned = (uintptr_t)fp % 64 == 0;
    fp_saved_xmm = memcmp(fp->_xmm, fpu_in.xmm, sizeof(fpu_in.xmm)) == 0;
    fp_saved_control = fp->mxcsr == fpu_in.mxcsr && fp->cwd == fpu_in.fcw;
    fp_magic1 = fp->padding[12] == 0x46505853; /* sw_reserved.magic1: FP_XSTATE_MAGIC1 */
    fpu_clobber();                             /* none of this may reach the interrupted code */
    switch (fpu_action) {
    case FPU_KEEP: break;
    case FPU_CHANGE_XMM0:
        memcpy(&fp->_xmm[0], new_xmm0, sizeof(new_xmm0));
        fp->mxcsr = MXCSR_ROUND_UP;
        break;
    case FPU_NULL: uc->uc_mcontext.fpregs = NULL; break;
    case FPU_BAD_MXCSR: fp->mxcsr = 0xffffffff; break;
    case FPU_UNREADABLE: uc->uc_mcontext.fpregs = (struct _fpstate *)16; break;
    }
}

/* A kill() to ourselves with the registers of fpu_in, handled as fpu_action says. */
static struct fpu_regs fpu_signal(enum fpu_action action)
{
    struct sigaction sa = { .sa_sigaction = fpu_handler, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    fpu_action = action;
    fp_present = fp_aligned = fp_saved_xmm = fp_saved_control = fp_magic1 = 0;
    struct fpu_regs out;
    memset(&out, 0, sizeof(out));
    fpu_regs_around_kill(&fpu_in, &out, getpid(), SIGUSR1);
    return out;
}

static void body_fpu_bad_mxcsr(void)
{
    fpu_signal(FPU_BAD_MXCSR);
}

static void body_fpu_unreadable(void)
{
    fpu_signal(FPU_UNREADABLE);
}

static void test_fpu(void)
{
    for (unsigned i = 0; i < 32; i++)
        fpu_in.xmm[i] = 0x1111111111111111ull * (i % 15 + 1) ^ ((uint64_t)i << 56);
    fpu_in.mxcsr = 0x3f80; /* round down, exceptions masked */
    fpu_in.fcw = 0x27f;    /* 53-bit precision */

    struct fpu_regs out = fpu_signal(FPU_KEEP);
    check(fp_present && fp_aligned, "a handler finds uc_mcontext.fpregs set, 64-byte aligned");
    check(fp_saved_xmm && fp_saved_control,
          "it holds the interrupted xmm0-xmm15, MXCSR and x87 control word");
    check(fp_magic1, "its software bytes say FP_XSTATE_MAGIC1");
    check(entry_mxcsr == MXCSR_INIT && entry_fcw == FCW_INIT,
          "the handler starts with MXCSR 0x1f80 and FCW 0x37f, whatever was interrupted");
    check(memcmp(out.xmm, fpu_in.xmm, sizeof(out.xmm)) == 0 && out.mxcsr == fpu_in.mxcsr &&
              out.fcw == fpu_in.fcw,
          "xmm0-xmm15, MXCSR and FCW survive a handler that clobbers them");

    out = fpu_signal(FPU_CHANGE_XMM0);
    check(memcmp(out.xmm, new_xmm0, 16) == 0 && memcmp(out.xmm + 2, fpu_in.xmm + 2, 30 * 8) == 0,
          "xmm0 changed through uc_mcontext.fpregs is the interrupted code's after return, the rest kept");
    check(out.mxcsr == MXCSR_ROUND_UP && out.fcw == fpu_in.fcw, "so is MXCSR");

    out = fpu_signal(FPU_NULL);
    uint64_t zero[32] = { 0 };
    check(memcmp(out.xmm, zero, sizeof(zero)) == 0 && out.mxcsr == MXCSR_INIT && out.fcw == FCW_INIT,
          "fpregs set to NULL: rt_sigreturn resets the FPU");

    say("rt_sigreturn with an MXCSR the CPU refuses: %s", describe_status(run_child(body_fpu_bad_mxcsr)));
    say("rt_sigreturn with fpregs at address 16: %s", describe_status(run_child(body_fpu_unreadable)));
    signal(SIGUSR1, SIG_DFL);
}

/* --- children: SIGCHLD, SIGPIPE and default actions -------------------------------------- */

static int wait_status(pid_t pid, int options)
{
    int status = 0;
    if (waitpid(pid, &status, options) != pid)
        check(0, "waitpid: %s", errno_name(errno));
    return status;
}

static void test_sigchld(void)
{
    set_handler(SIGCHLD, 0, NULL);
    sigset_t chld = just(SIGCHLD), none;
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    calls = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    sigsuspend(&none); /* returns once the SIGCHLD handler has run */
    check(calls == 1 && last_signo == SIGCHLD && last_pid == pid, "SIGCHLD names the child");
    say("SIGCHLD for exit(5): %s, status %d", code_name(last_code), last_status);
    wait_status(pid, 0);
    calls = 0;
    pid = fork();
    if (pid == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    sigsuspend(&none);
    say("SIGCHLD for a SIGKILL: %s, status %d", code_name(last_code), last_status);
    wait_status(pid, 0);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);

    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    pid = fork();
    if (pid == 0)
        _exit(0);
    int status;
    check_errno(waitpid(-1, &status, 0), ECHILD, "with SIGCHLD ignored, exited children are not waitable");
    signal(SIGCHLD, SIG_DFL);
}

static void write_to_closed_pipe(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        _exit(2);
    close(fds[0]);
    ssize_t n = write(fds[1], "x", 1);
    say("write to a pipe without readers returned %zd, %s", n, errno_name(n < 0 ? errno : 0));
}

static void body_sigpipe_default(void)
{
    write_to_closed_pipe();
}

static void body_sigpipe_ignored(void)
{
    signal(SIGPIPE, SIG_IGN);
    write_to_closed_pipe();
}

static void body_sigpipe_caught(void)
{
    set_handler(SIGPIPE, 0, NULL);
    calls = 0;
    write_to_closed_pipe();
    check(calls == 1 && last_signo == SIGPIPE, "the SIGPIPE handler ran");
}

static void test_sigpipe(void)
{
    say("SIGPIPE by default: %s", describe_status(run_child(body_sigpipe_default)));
    say("SIGPIPE ignored: %s", describe_status(run_child(body_sigpipe_ignored)));
    say("SIGPIPE caught: %s", describe_status(run_child(body_sigpipe_caught)));
}

static void test_default_actions(void)
{
    static const struct {
        int signo;
        const char *name;
    } signals[] = { { SIGTERM, "SIGTERM" }, { SIGUSR1, "SIGUSR1" }, { SIGHUP, "SIGHUP" },
                    { SIGINT, "SIGINT" },   { SIGALRM, "SIGALRM" }, { SIGABRT, "SIGABRT" },
                    { SIGCHLD, "SIGCHLD" }, { SIGURG, "SIGURG" },   { SIGWINCH, "SIGWINCH" },
                    { SIGCONT, "SIGCONT" } };
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            signal(signals[i].signo, SIG_DFL); /* not the handler inherited from the tests above */
            raise(signals[i].signo);
            _exit(0);
        }
        say("default action of %s: %s", signals[i].name, describe_status(wait_status(pid, 0)));
    }
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(6);
    }
    say("raise(SIGSTOP): %s", describe_status(wait_status(pid, WUNTRACED)));
    kill(pid, SIGCONT);
    say("after SIGCONT: %s", describe_status(wait_status(pid, WCONTINUED)));
    say("then: %s", describe_status(wait_status(pid, 0)));
}

/* --- EINTR and errors --------------------------------------------------------------------- */

static void test_eintr(void)
{
    set_handler(SIGUSR1, 0, NULL);
    sigset_t usr1 = just(SIGUSR1), none;
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    raise(SIGUSR1);
    int fds[2];
    pipe(fds);
    struct pollfd wait_read = { .fd = fds[0], .events = POLLIN };
    calls = 0;
    check_errno(ppoll(&wait_read, 1, NULL, &none), EINTR, "ppoll unblocking a pending signal");
    check(calls == 1, "its handler ran");
    raise(SIGUSR1);
    calls = 0;
    check_errno(sigsuspend(&none), EINTR, "sigsuspend");
    check(calls == 1, "its handler ran");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    close(fds[0]);
    close(fds[1]);
}

static void test_errors(void)
{
    struct sigaction action = { .sa_handler = SIG_IGN };
    check_errno(sigaction(SIGKILL, &action, NULL), EINVAL, "sigaction(SIGKILL)");
    check_errno(sigaction(SIGSTOP, &action, NULL), EINVAL, "sigaction(SIGSTOP)");
    check_errno(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8), EINVAL, "rt_sigaction(0)");
    check_errno(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8), EINVAL, "rt_sigaction(65)");
    check_errno(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL, "rt_sigaction with sigsetsize 4");
    check_errno(syscall(SYS_rt_sigaction, SIGUSR1, (void *)1, NULL, 8), EFAULT,
                "rt_sigaction with a bad pointer");
    check(syscall(SYS_rt_sigprocmask, 7, NULL, NULL, 8) == 0, "rt_sigprocmask ignores how without a set");
    sigset_t set;
    sigemptyset(&set);
    check_errno(syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL, "rt_sigprocmask with how 7 and a set");
    check_errno(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)1, NULL, 8), EFAULT,
                "rt_sigprocmask with a bad pointer");
    check_errno(kill(getpid(), 65), EINVAL, "kill with signal 65");
    check_errno(kill(getpid(), -1), EINVAL, "kill with signal -1");
    check_errno(kill(INT_MAX, SIGUSR1), ESRCH, "kill of a missing process");
}

/* An x87 exception a program unmasks: SIGFPE with the si_code of what happened (Linux's
 * fpu__exception_code reads the status and control words).  The handler leaves by siglongjmp,
 * with its own (reset) FPU state. */
double x87_divide(double a, double b, uint16_t fcw);
static sigjmp_buf x87_return;
static volatile int x87_code;

static void on_x87(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    x87_code = info->si_code;
    siglongjmp(x87_return, 1);
}

static int x87_code_of(uint16_t fcw, double a, double b)
{
    x87_code = -1;
    if (sigsetjmp(x87_return, 1) == 0)
        (void)x87_divide(a, b, fcw);
    return x87_code;
}

static void test_x87_exceptions(void)
{
    struct sigaction sa = { .sa_sigaction = on_x87, .sa_flags = SA_SIGINFO }, old;
    sigaction(SIGFPE, &sa, &old);
    say("x87 1/0, division by zero unmasked: si_code %d", x87_code_of(0x37f & ~0x04, 1.0, 0.0));
    say("x87 0/0, invalid operation unmasked: si_code %d", x87_code_of(0x37f & ~0x01, 0.0, 0.0));
    say("x87 1/3, precision unmasked: si_code %d", x87_code_of(0x37f & ~0x20, 1.0, 3.0));
    say("x87 1/0, all masked: si_code %d", x87_code_of(0x37f, 1.0, 0.0));
    sigaction(SIGFPE, &old, NULL);
}

int main(void)
{
    test_delivery();
    test_masking();
    test_altstack();
    in_child("stack overflow", body_overflow);
    test_fpu();
    test_x87_exceptions();
    test_sigchld();
    test_sigpipe();
    test_default_actions();
    test_eintr();
    test_errors();
    return conformance_done();
}
