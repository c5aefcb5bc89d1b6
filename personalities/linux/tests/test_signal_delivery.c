/* personalities/linux/tests/test_signal_delivery.c — signal.c on the host:
 * sending, delivery and the signal system calls, with the personality
 * around it replaced by a small fake (two processes, a few threads, one
 * flat piece of user memory, registers in an array).  The harness runs a
 * system call the way main.c's complete() does: the handler, then, when
 * signal_work() says so, signal_deliver(), then the reply's registers.
 *
 * What is checked: handler entry and rt_sigreturn round trips, nested
 * frames in Linux's order, SA_RESTART and the calls it does not restart,
 * rt_sigsuspend's mask, default actions (ignore, terminate, core), killing
 * a process from the main loop (signal_flush_deferred), forced fault
 * signals, frames that cannot be written, the alternate stack, kill's
 * targets and permissions, and the argument checks of each call. */
#include "../personality.h"
#include "../signal.h"
#include "../syscall.h"
#include "check.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the fake personality ---------------------------------------------------------- */

#define MEM_BASE  0x7fff0000ull
#define MEM_SIZE  0x10000ull
#define STACK_TOP (MEM_BASE + 0xf000)
#define SCRATCH   (MEM_BASE + 0x100)
enum {
    CALL_RIP = 0x401002 /* after the `syscall` at 0x401000 */,
    HANDLER = 0x402000,
    HANDLER2 = 0x402100,
    RESTORER = 0x403000
};
enum {
    NR_READ = 0,
    NR_SIGACTION = 13,
    NR_SIGPROCMASK = 14,
    NR_SIGRETURN = 15,
    NR_PAUSE = 34,
    NR_KILL = 62,
    NR_SIGPENDING = 127,
    NR_SIGSUSPEND = 130,
    NR_SIGALTSTACK = 131,
    NR_TKILL = 200,
    NR_TGKILL = 234
};

static uint8_t mem[MEM_SIZE];
static struct lx_mm fake_mm;
static struct lx_proc procs[3];
static struct lx_thread threads[4];
static struct lx_cpu cpus[4];
static int exit_status[3]; /* as proc_exit_group got it, -1: alive */
static unsigned wakes, register_writes;

struct lx_personality lx;

void lx_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "linux: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static bool in_mem(uint64_t uaddr, size_t len)
{
    return uaddr >= MEM_BASE && uaddr <= MEM_BASE + MEM_SIZE && len <= MEM_BASE + MEM_SIZE - uaddr;
}

int mm_copy_in(struct lx_mm *mm, void *dst, uint64_t uaddr, size_t len)
{
    CHECK(mm == &fake_mm);
    if (!in_mem(uaddr, len))
        return -LX_EFAULT;
    memcpy(dst, mem + (uaddr - MEM_BASE), len);
    return 0;
}

int mm_copy_out(struct lx_mm *mm, uint64_t uaddr, const void *src, size_t len)
{
    CHECK(mm == &fake_mm);
    if (!in_mem(uaddr, len))
        return -LX_EFAULT;
    memcpy(mem + (uaddr - MEM_BASE), src, len);
    return 0;
}

struct lx_thread *thread_by_tid(int tid)
{
    for (unsigned i = 0; i < 4; i++)
        if (threads[i].tid == tid && threads[i].state != LX_THREAD_FREE)
            return &threads[i];
    return NULL;
}

struct lx_proc *proc_by_pid(int pid)
{
    for (unsigned i = 0; i < 3; i++)
        if (procs[i].pid == pid && procs[i].state != LX_PROC_FREE)
            return &procs[i];
    return NULL;
}

static struct lx_proc *proc_from(unsigned i)
{
    for (; i < 3; i++)
        if (procs[i].state != LX_PROC_FREE)
            return &procs[i];
    return NULL;
}

struct lx_proc *proc_first(void)
{
    return proc_from(0);
}

struct lx_proc *proc_next(struct lx_proc *p)
{
    return proc_from((unsigned)(p - procs) + 1);
}

void lx_wake_thread(struct lx_thread *t)
{
    if (t->state != LX_THREAD_BLOCKED)
        return;
    t->state = LX_THREAD_RETRY;
    wakes++;
}

void proc_exit_group(struct lx_proc *p, int wait_status)
{
    CHECK(p->state == LX_PROC_ALIVE);
    exit_status[p - procs] = wait_status;
    p->state = LX_PROC_ZOMBIE;
    p->wait_status = wait_status;
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc) {
        t->state = LX_THREAD_FREE;
        t->proc = NULL;
    }
    p->threads = NULL;
}

int thread_read_cpu(struct lx_thread *t, struct lx_cpu *cpu)
{
    *cpu = cpus[t->index];
    return 0;
}

int thread_write_cpu(struct lx_thread *t, const struct lx_cpu *cpu)
{
    cpus[t->index] = *cpu;
    register_writes++;
    return 0;
}

/* Process i (pid 10 + 10 * i) with threads [first, first + count), uid. */
static void make_proc(unsigned i, unsigned first, unsigned count, uint32_t uid)
{
    struct lx_proc *p = &procs[i];
    *p = (struct lx_proc){ .pid = 10 + 10 * (int)i,
                           .state = LX_PROC_ALIVE,
                           .mm = &fake_mm,
                           .uid = uid,
                           .euid = uid,
                           .exit_signal = LX_SIGCHLD };
    p->pgid = p->sid = 10;
    exit_status[i] = -1;
    for (unsigned k = first + count; k-- > first;) {
        struct lx_thread *t = &threads[k];
        *t = (struct lx_thread){ .index = k,
                                 .tid = k == first ? p->pid : p->pid + (int)(k - first),
                                 .state = LX_THREAD_RUNNING,
                                 .proc = p,
                                 .next_in_proc = p->threads };
        p->threads = t;
        p->live_threads++;
        cpus[k] = (struct lx_cpu){ .rip = 0x401000,
                                   .rsp = STACK_TOP - 0x800 * k,
                                   .rflags = 0x202,
                                   .rbx = 0xb0 + k,
                                   .rbp = 0xbb0 + k,
                                   .r12 = 0xc0 + k,
                                   .fs_base = 0x500000 };
    }
}

/* procs[0]: pid 10, threads 0 and 1; procs[1]: pid 20, thread 2. */
static void reset(void)
{
    memset(mem, 0, sizeof(mem));
    memset(procs, 0, sizeof(procs));
    memset(threads, 0, sizeof(threads));
    make_proc(0, 0, 2, 1000);
    make_proc(1, 2, 1, 1000);
    wakes = register_writes = 0;
    signal_flush_deferred();
}

static lx_syscall_fn find_call(uint64_t nr)
{
    for (const struct lx_syscall_def *d = lx_syscalls_signal; d->fn; d++)
        if (d->nr == nr)
            return d->fn;
    return NULL;
}

/* Runs the call the thread makes now (its registers in cpus[]), then what
 * main.c's complete() does.  Returns the handler's result (LX_BLOCK,
 * LX_NO_REPLY, LX_RESUME_AS_IS or the value); the thread's registers are
 * then those it resumes with. */
static int64_t run_call(struct lx_thread *t)
{
    struct lx_cpu *c = &cpus[t->index];
    lx_syscall_fn fn = find_call(t->regs.rax);
    CHECK(fn != NULL);
    t->state = LX_THREAD_SYSCALL;
    int64_t result = fn(t, &t->regs);
    if (result == LX_BLOCK) {
        t->state = LX_THREAD_BLOCKED;
        return result;
    }
    if (result == LX_NO_REPLY || result == LX_RESUME_AS_IS) {
        if (result == LX_RESUME_AS_IS)
            t->state = LX_THREAD_RUNNING;
        return result;
    }
    int64_t value = result;
    struct lx_syscall_regs r = t->regs;
    r.rax = (uint64_t)value;
    if (signal_work(t, value) && !signal_deliver(t, &r, &value, true))
        return LX_NO_REPLY;
    CHECK(r.rax == (uint64_t)value);
    c->rax = r.rax, c->rdi = r.rdi, c->rsi = r.rsi, c->rdx = r.rdx, c->r10 = r.r10, c->r8 = r.r8;
    c->r9 = r.r9, c->rip = r.rip, c->rsp = r.rsp, c->rflags = r.rflags;
    t->state = LX_THREAD_RUNNING;
    return result;
}

static int64_t syscall6(struct lx_thread *t, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct lx_cpu *c = &cpus[t->index];
    c->rax = nr, c->rdi = a0, c->rsi = a1, c->rdx = a2, c->r10 = a3, c->rip = CALL_RIP;
    t->regs = (struct lx_syscall_regs){ nr, a0, a1, a2, a3, c->r8, c->r9, CALL_RIP, c->rsp, c->rflags };
    return run_call(t);
}

/* A woken thread's call runs again (main.c's run_retries). */
static int64_t retry(struct lx_thread *t)
{
    CHECK(t->state == LX_THREAD_RETRY);
    return run_call(t);
}

static void set_action(unsigned proc, int sig, uint64_t handler, uint64_t flags, uint64_t mask)
{
    uint64_t act[4] = { handler, flags | LX_SA_RESTORER, RESTORER, mask };
    memcpy(mem + (SCRATCH - MEM_BASE), act, sizeof(act));
    CHECK(syscall6(procs[proc].threads, NR_SIGACTION, (uint64_t)sig, SCRATCH, 0, 8) == 0);
}

static struct lx_rt_sigframe frame_at(uint64_t rsp)
{
    struct lx_rt_sigframe f;
    CHECK(in_mem(rsp, sizeof(f)));
    memcpy(&f, mem + (rsp - MEM_BASE), sizeof(f));
    return f;
}

/* The handler returns: `ret` pops pretcode into rip (the restorer), which
 * makes rt_sigreturn. */
static int64_t handler_returns(struct lx_thread *t)
{
    struct lx_cpu *c = &cpus[t->index];
    CHECK(frame_at(c->rsp).pretcode == RESTORER);
    c->rsp += 8;
    c->rip = RESTORER + 2;
    return syscall6(t, NR_SIGRETURN, 0, 0, 0, 0);
}

static void poke_u64(uint64_t uaddr, uint64_t v)
{
    memcpy(mem + (uaddr - MEM_BASE), &v, 8);
}

static uint64_t peek_u64(uint64_t uaddr)
{
    uint64_t v;
    memcpy(&v, mem + (uaddr - MEM_BASE), 8);
    return v;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_handler_round_trip(void)
{
    reset();
    struct lx_thread *t = &threads[0];
    set_action(0, LX_SIGUSR1, HANDLER, LX_SA_SIGINFO, lx_sigbit(LX_SIGUSR2));
    t->sigmask = lx_sigbit(LX_SIGHUP);
    const struct lx_cpu before = cpus[0];

    /* kill(getpid(), SIGUSR1): returns 0 into the handler. */
    CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    struct lx_cpu *c = &cpus[0];
    CHECK(c->rip == HANDLER && c->rdi == LX_SIGUSR1 && c->rax == 0);
    CHECK((c->rsp + 8) % 16 == 0 && c->rsp + sizeof(struct lx_rt_sigframe) <= before.rsp - LX_REDZONE);
    CHECK(c->rsi == c->rsp + offsetof(struct lx_rt_sigframe, info));
    CHECK(c->rdx == c->rsp + offsetof(struct lx_rt_sigframe, uc));
    CHECK(c->rbx == before.rbx && c->fs_base == before.fs_base);
    struct lx_rt_sigframe f = frame_at(c->rsp);
    CHECK(f.uc.uc_mcontext.rip == CALL_RIP && f.uc.uc_mcontext.rax == 0 && f.uc.uc_mcontext.rdi == 10);
    CHECK(f.uc.uc_mcontext.rsp == before.rsp && f.uc.uc_mcontext.rbx == before.rbx);
    CHECK(f.uc.uc_sigmask == lx_sigbit(LX_SIGHUP));
    CHECK(f.info.si_signo == LX_SIGUSR1 && f.info.si_code == LX_SI_USER && f.info.u.proc.pid == 10 &&
          f.info.u.proc.uid == 1000);
    /* In the handler: its sa_mask and the signal itself are blocked. */
    CHECK(t->sigmask == (lx_sigbit(LX_SIGHUP) | lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2)));
    CHECK(t->sigpending == 0 && procs[0].sigpending == 0);

    /* The handler clobbers registers; rt_sigreturn puts everything back. */
    c->rbx = 0x5a5a;
    c->r12 = 0x6b6b;
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(c->rip == CALL_RIP && c->rsp == before.rsp && c->rax == 0 && c->rdi == 10 && c->rsi == LX_SIGUSR1 &&
          c->rbx == before.rbx && c->r12 == before.r12 && c->fs_base == before.fs_base);
    CHECK(t->sigmask == lx_sigbit(LX_SIGHUP));
}

static void test_nested_order(void)
{
    reset();
    struct lx_thread *t = &threads[0];
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    set_action(0, LX_SIGUSR2, HANDLER2, 0, 0);
    /* Both blocked, both sent, then unblocked at once. */
    t->sigmask = lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2);
    CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR2, 0, 0) == 0);
    CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(cpus[0].rip == CALL_RIP);
    CHECK(procs[0].sigpending == (lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2)));
    poke_u64(SCRATCH, ~0ull);
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_UNBLOCK, SCRATCH, 0, 8) == 0);
    /* SIGUSR1 is taken first, so SIGUSR2's frame is on top and runs first
     * (as on Linux); it returns into SIGUSR1's handler. */
    struct lx_cpu *c = &cpus[0];
    CHECK(c->rip == HANDLER2 && c->rdi == LX_SIGUSR2);
    struct lx_rt_sigframe top = frame_at(c->rsp);
    CHECK(top.uc.uc_mcontext.rip == HANDLER && top.uc.uc_mcontext.rdi == LX_SIGUSR1);
    CHECK(top.uc.uc_sigmask == lx_sigbit(LX_SIGUSR1));
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(c->rip == HANDLER && c->rdi == LX_SIGUSR1);
    struct lx_rt_sigframe under = frame_at(c->rsp);
    CHECK(under.uc.uc_mcontext.rip == CALL_RIP && under.uc.uc_sigmask == 0);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(c->rip == CALL_RIP && c->rax == 0 && t->sigmask == 0);
}

/* A blocked call that a signal interrupts: the thread waits in pause() on
 * its own; another process's kill wakes it. */
static void interrupt_blocked_read(struct lx_thread *t)
{
    /* The read would block: emulate it with pause's blocking, then the
     * retried call "read" returns -EINTR as main.c's complete() makes it. */
    CHECK(syscall6(t, NR_PAUSE, 0, 0, 0, 0) == LX_BLOCK);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(t->state == LX_THREAD_RETRY);
    t->state = LX_THREAD_SYSCALL;
    struct lx_cpu *c = &cpus[t->index];
    c->rax = NR_READ, c->rdi = 0, c->rip = CALL_RIP;
    t->regs = (struct lx_syscall_regs){ NR_READ, 0, SCRATCH, 10, 0, 0, 0, CALL_RIP, c->rsp, c->rflags };
    int64_t value = -LX_EINTR;
    struct lx_syscall_regs r = t->regs;
    r.rax = (uint64_t)value;
    CHECK(signal_work(t, value));
    CHECK(signal_deliver(t, &r, &value, true));
    c->rax = r.rax, c->rip = r.rip, c->rsp = r.rsp, c->rdi = r.rdi, c->rsi = r.rsi, c->rdx = r.rdx;
}

static void test_restart(void)
{
    /* SA_RESTART: the frame resumes at the `syscall` with rax = the number. */
    reset();
    struct lx_thread *t = &threads[0];
    set_action(0, LX_SIGUSR1, HANDLER, LX_SA_RESTART, 0);
    interrupt_blocked_read(t);
    CHECK(cpus[0].rip == HANDLER);
    struct lx_rt_sigframe f = frame_at(cpus[0].rsp);
    CHECK(f.uc.uc_mcontext.rip == CALL_RIP - 2 && f.uc.uc_mcontext.rax == NR_READ);

    /* Without SA_RESTART: EINTR. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    interrupt_blocked_read(t);
    f = frame_at(cpus[0].rsp);
    CHECK(f.uc.uc_mcontext.rip == CALL_RIP && f.uc.uc_mcontext.rax == (uint64_t)-LX_EINTR);

    /* pause() is never restarted after a handler, SA_RESTART or not. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, LX_SA_RESTART, 0);
    CHECK(syscall6(t, NR_PAUSE, 0, 0, 0, 0) == LX_BLOCK);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(retry(t) == -LX_EINTR);
    f = frame_at(cpus[0].rsp);
    CHECK(cpus[0].rip == HANDLER && f.uc.uc_mcontext.rip == CALL_RIP &&
          f.uc.uc_mcontext.rax == (uint64_t)-LX_EINTR);

    /* No handler runs (another thread took the signal): the call starts again. */
    reset();
    struct lx_syscall_regs r = { NR_READ, 0, SCRATCH, 10, 0, 0, 0, CALL_RIP, STACK_TOP, 0x202 };
    t->regs = r;
    t->state = LX_THREAD_SYSCALL;
    int64_t value = -LX_EINTR;
    r.rax = (uint64_t)value;
    CHECK(signal_deliver(t, &r, &value, true));
    CHECK(r.rip == CALL_RIP - 2 && r.rax == NR_READ && value == NR_READ);
}

static void test_sigsuspend(void)
{
    reset();
    struct lx_thread *t = &threads[0];
    set_action(0, LX_SIGUSR1, HANDLER, LX_SA_RESTART, 0);
    t->sigmask = lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGHUP);
    threads[1].sigmask = lx_sigbit(LX_SIGHUP); /* else thread 1 would take SIGHUP and end the process */
    poke_u64(SCRATCH, lx_sigbit(LX_SIGHUP) | lx_sigbit(LX_SIGKILL));
    CHECK(syscall6(t, NR_SIGSUSPEND, SCRATCH, 4, 0, 0) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGSUSPEND, SCRATCH, 8, 0, 0) == LX_BLOCK);
    CHECK(t->sigmask == lx_sigbit(LX_SIGHUP)); /* SIGKILL never blocked */
    /* SIGHUP stays blocked: it does not wake it. */
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGHUP, 0, 0) == 0);
    CHECK(t->state == LX_THREAD_BLOCKED && wakes == 0);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(t->state == LX_THREAD_RETRY && wakes == 1);
    CHECK(retry(t) == -LX_EINTR);
    /* The frame holds the mask from before rt_sigsuspend; during the
     * handler the suspend mask plus the signal. */
    struct lx_rt_sigframe f = frame_at(cpus[0].rsp);
    CHECK(cpus[0].rip == HANDLER && f.uc.uc_mcontext.rax == (uint64_t)-LX_EINTR);
    CHECK(f.uc.uc_sigmask == (lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGHUP)));
    CHECK(t->sigmask == (lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGHUP)));
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(cpus[0].rip == CALL_RIP && cpus[0].rax == (uint64_t)-LX_EINTR);
    CHECK(t->sigmask == (lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGHUP)));
    CHECK(procs[0].sigpending == lx_sigbit(LX_SIGHUP));

    /* A signal already pending under the new mask: EINTR at once (and
     * SIGHUP, not caught, ends the process). */
    CHECK(exit_status[0] == -1);
    poke_u64(SCRATCH, 0);
    CHECK(syscall6(t, NR_SIGSUSPEND, SCRATCH, 8, 0, 0) == LX_NO_REPLY);
    CHECK(exit_status[0] == LX_SIGHUP);

    /* A thread that ended inside rt_sigsuspend leaves nothing behind for
     * the next thread in its slot. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    t->sigmask = lx_sigbit(LX_SIGHUP);
    CHECK(syscall6(t, NR_SIGSUSPEND, SCRATCH, 8, 0, 0) == LX_BLOCK);
    t->state = LX_THREAD_RUNNING;
    t->tid = 15;
    t->sigmask = lx_sigbit(LX_SIGINT);
    CHECK(syscall6(t, NR_SIGSUSPEND, SCRATCH, 8, 0, 0) == LX_BLOCK);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(retry(t) == -LX_EINTR);
    CHECK(frame_at(cpus[0].rsp).uc.uc_sigmask == lx_sigbit(LX_SIGINT));
}

static void test_default_actions(void)
{
    /* Ignored by default: never even pending. */
    reset();
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGCHLD, 0, 0) == 0);
    CHECK(procs[0].sigpending == 0);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGWINCH, 0, 0) == 0);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGTSTP, 0, 0) == 0); /* stops: not implemented */
    CHECK(procs[0].sigpending == 0 && exit_status[0] == -1);

    /* SIGTERM to a process running user code: it ends from the main loop. */
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGTERM, 0, 0) == 0);
    CHECK(exit_status[0] == -1);
    signal_flush_deferred();
    CHECK(exit_status[0] == LX_SIGTERM && exit_status[1] == -1);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGTERM, 0, 0) == 0); /* a zombie: accepted, no effect */

    /* Sending it to itself: the call does not return. */
    reset();
    CHECK(syscall6(&threads[2], NR_KILL, 20, LX_SIGQUIT, 0, 0) == LX_NO_REPLY);
    CHECK(exit_status[1] == LX_SIGQUIT);

    /* Blocked, it waits; unblocked, it kills. */
    reset();
    struct lx_thread *t = &threads[2];
    t->sigmask = lx_sigbit(LX_SIGTERM);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTERM, 0, 0) == 0);
    signal_flush_deferred();
    CHECK(exit_status[1] == -1 && procs[1].sigpending == lx_sigbit(LX_SIGTERM));
    poke_u64(SCRATCH, lx_sigbit(LX_SIGTERM));
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_UNBLOCK, SCRATCH, 0, 8) == LX_NO_REPLY);
    CHECK(exit_status[1] == LX_SIGTERM);

    /* A thread that blocks it still dies with its process: it does not run
     * a handler on the way out of its next call. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    threads[0].sigmask = lx_sigbit(LX_SIGTERM);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGTERM, 0, 0) == 0);
    CHECK(syscall6(&threads[0], NR_TKILL, 10, LX_SIGUSR1, 0, 0) == LX_NO_REPLY);
    CHECK(exit_status[0] == LX_SIGTERM);

    /* SIGKILL cannot be blocked, caught or ignored. */
    reset();
    uint64_t act[4] = { HANDLER, LX_SA_RESTORER, RESTORER, 0 };
    memcpy(mem + (SCRATCH - MEM_BASE), act, sizeof(act));
    CHECK(syscall6(&threads[2], NR_SIGACTION, LX_SIGKILL, SCRATCH, 0, 8) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_SIGACTION, LX_SIGSTOP, SCRATCH, 0, 8) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_SIGACTION, LX_SIGKILL, 0, SCRATCH + 64, 8) == 0); /* reading is fine */
    poke_u64(SCRATCH, ~0ull);
    CHECK(syscall6(&threads[2], NR_SIGPROCMASK, LX_SIG_SETMASK, SCRATCH, 0, 8) == 0);
    CHECK(threads[2].sigmask == ~(uint64_t)LX_SIG_UNBLOCKABLE);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGKILL, 0, 0) == 0);
    signal_flush_deferred();
    CHECK(exit_status[1] == LX_SIGKILL);

    /* A caught signal to a thread waiting in a call wakes it; the handler
     * runs when its call ends. */
    reset();
    set_action(1, LX_SIGINT, HANDLER, 0, 0);
    CHECK(syscall6(&threads[2], NR_PAUSE, 0, 0, 0, 0) == LX_BLOCK);
    CHECK(lx_signal_pgrp(10, LX_SIGINT) == 0);
    CHECK(threads[2].state == LX_THREAD_RETRY && exit_status[0] == -1);
    signal_flush_deferred();
    CHECK(exit_status[0] == LX_SIGINT); /* pid 10 had no handler */
    CHECK(retry(&threads[2]) == -LX_EINTR);
    CHECK(cpus[2].rip == HANDLER && frame_at(cpus[2].rsp).info.si_code == LX_SI_KERNEL);
    CHECK(lx_signal_pgrp(77, LX_SIGINT) == -LX_ESRCH);
}

static void test_process_directed(void)
{
    /* Thread 0 (the leader) blocks SIGUSR1, thread 1 waits: thread 1 takes it. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    threads[0].sigmask = lx_sigbit(LX_SIGUSR1);
    CHECK(syscall6(&threads[1], NR_PAUSE, 0, 0, 0, 0) == LX_BLOCK);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(threads[1].state == LX_THREAD_RETRY);
    CHECK(retry(&threads[1]) == -LX_EINTR && cpus[1].rip == HANDLER);

    /* Nobody can take it: it stays pending, and a thread that unblocks it
     * (here in rt_sigsuspend) takes it. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    threads[0].sigmask = threads[1].sigmask = lx_sigbit(LX_SIGUSR1);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(procs[0].sigpending == lx_sigbit(LX_SIGUSR1) && wakes == 0);
    poke_u64(SCRATCH, 0);
    CHECK(syscall6(&threads[1], NR_SIGSUSPEND, SCRATCH, 8, 0, 0) == -LX_EINTR);
    CHECK(cpus[1].rip == HANDLER && procs[0].sigpending == 0);

    /* The thread chosen for a process signal blocks it before taking it:
     * another one that waits is woken for it (retarget). */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    CHECK(wakes == 0 && procs[0].sigpending == lx_sigbit(LX_SIGUSR1));
    threads[1].state = LX_THREAD_BLOCKED; /* started waiting meanwhile */
    poke_u64(SCRATCH, lx_sigbit(LX_SIGUSR1));
    CHECK(syscall6(&threads[0], NR_SIGPROCMASK, LX_SIG_BLOCK, SCRATCH, 0, 8) == 0);
    CHECK(cpus[0].rip == CALL_RIP && wakes == 1 && threads[1].state == LX_THREAD_RETRY);

    /* tgkill reaches exactly one thread; the wrong group is ESRCH. */
    reset();
    set_action(0, LX_SIGUSR2, HANDLER2, 0, 0);
    threads[1].sigmask = lx_sigbit(LX_SIGUSR2);
    CHECK(syscall6(&threads[2], NR_TGKILL, 10, 11, LX_SIGUSR2, 0) == 0);
    CHECK(threads[1].sigpending == lx_sigbit(LX_SIGUSR2) && threads[0].sigpending == 0 &&
          procs[0].sigpending == 0);
    CHECK(syscall6(&threads[2], NR_TGKILL, 20, 11, LX_SIGUSR2, 0) == -LX_ESRCH);
    CHECK(syscall6(&threads[2], NR_TGKILL, 0, 11, LX_SIGUSR2, 0) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_TKILL, 0, LX_SIGUSR2, 0, 0) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_TKILL, 99, LX_SIGUSR2, 0, 0) == -LX_ESRCH);
    CHECK(syscall6(&threads[2], NR_TKILL, 11, 65, 0, 0) == -LX_EINVAL);
    /* rt_sigpending: the blocked pending ones, of the thread and its process. */
    CHECK(syscall6(&threads[1], NR_SIGPENDING, SCRATCH, 8, 0, 0) == 0);
    CHECK(peek_u64(SCRATCH) == lx_sigbit(LX_SIGUSR2));
    CHECK(syscall6(&threads[0], NR_SIGPENDING, SCRATCH, 8, 0, 0) == 0 && peek_u64(SCRATCH) == 0);
    CHECK(syscall6(&threads[1], NR_SIGPENDING, SCRATCH, 9, 0, 0) == -LX_EINVAL);
    CHECK(syscall6(&threads[1], NR_SIGPENDING, 0x10, 8, 0, 0) == -LX_EFAULT);
    /* A thread's id names its process for kill. */
    CHECK(syscall6(&threads[2], NR_KILL, 11, LX_SIGUSR2, 0, 0) == 0);
    CHECK(procs[0].sigpending == lx_sigbit(LX_SIGUSR2));
}

static void test_kill_targets(void)
{
    reset();
    procs[1].uid = procs[1].euid = 2000;
    procs[1].pgid = 20;
    /* Another user's process: EPERM, unless root; a bad number after the
     * target is found: EINVAL; no target: ESRCH. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == -LX_EPERM);
    CHECK(syscall6(&threads[0], NR_KILL, 20, 0, 0, 0) == -LX_EPERM);
    CHECK(syscall6(&threads[0], NR_KILL, 10, 0, 0, 0) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 10, 65, 0, 0) == -LX_EINVAL);
    CHECK(syscall6(&threads[0], NR_KILL, 10, (uint64_t)-1, 0, 0) == -LX_EINVAL);
    CHECK(syscall6(&threads[0], NR_KILL, 55, 65, 0, 0) == -LX_ESRCH);
    CHECK(syscall6(&threads[0], NR_KILL, 0x80000000u, 0, 0, 0) == -LX_ESRCH); /* INT_MIN */
    /* Groups: -20 is pid 20's (refused), 0 the caller's own. */
    CHECK(syscall6(&threads[0], NR_KILL, (uint64_t)-20, 0, 0, 0) == -LX_EPERM);
    CHECK(syscall6(&threads[0], NR_KILL, (uint64_t)-30, 0, 0, 0) == -LX_ESRCH);
    CHECK(syscall6(&threads[0], NR_KILL, 0, 0, 0, 0) == 0);
    /* -1: everybody but init and the caller; refusals still count. */
    CHECK(syscall6(&threads[0], NR_KILL, (uint64_t)-1, LX_SIGUSR1, 0, 0) == 0);
    CHECK(procs[1].sigpending == 0);
    procs[1].state = LX_PROC_FREE;
    CHECK(syscall6(&threads[0], NR_KILL, (uint64_t)-1, LX_SIGUSR1, 0, 0) == -LX_ESRCH);
    procs[1].state = LX_PROC_ALIVE;
    /* root may; SIGCONT within the session may. */
    procs[0].euid = 0;
    CHECK(syscall6(&threads[0], NR_KILL, 20, 0, 0, 0) == 0);
    procs[0].euid = 1000;
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
}

static void test_faults(void)
{
    /* No handler: the signal is the wait status (no core is written). */
    reset();
    CHECK(!signal_fault(&threads[2], LX_SIGSEGV, LX_SEGV_MAPERR, 0x10));
    CHECK(exit_status[1] == LX_SIGSEGV);

    /* A handler: entered with si_addr, trap number and address in the frame. */
    reset();
    set_action(1, LX_SIGSEGV, HANDLER, LX_SA_SIGINFO, 0);
    cpus[2].rip = 0x401abc;
    const struct lx_cpu before = cpus[2];
    CHECK(signal_fault(&threads[2], LX_SIGSEGV, LX_SEGV_ACCERR, 0x4000));
    CHECK(register_writes == 1 && cpus[2].rip == HANDLER && cpus[2].rdi == LX_SIGSEGV);
    struct lx_rt_sigframe f = frame_at(cpus[2].rsp);
    CHECK(f.info.si_code == LX_SEGV_ACCERR && f.info.u.fault.addr == 0x4000);
    CHECK(f.uc.uc_mcontext.rip == before.rip && f.uc.uc_mcontext.trapno == 14 &&
          f.uc.uc_mcontext.cr2 == 0x4000);
    CHECK(threads[2].sigmask == lx_sigbit(LX_SIGSEGV));

    /* A fault inside that handler (SIGSEGV blocked now): forced to the
     * default action, as Linux's force_sig does. */
    CHECK(!signal_fault(&threads[2], LX_SIGSEGV, LX_SEGV_MAPERR, 0));
    CHECK(exit_status[1] == LX_SIGSEGV);

    /* Ignoring SIGFPE does not survive a division by zero. */
    reset();
    uint64_t act[4] = { LX_SIG_IGN, 0, 0, 0 };
    memcpy(mem + (SCRATCH - MEM_BASE), act, sizeof(act));
    CHECK(syscall6(&threads[2], NR_SIGACTION, LX_SIGFPE, SCRATCH, 0, 8) == 0);
    CHECK(!signal_fault(&threads[2], LX_SIGFPE, LX_FPE_INTDIV, 0x401000));
    CHECK(exit_status[1] == LX_SIGFPE);

    /* A stack the frame cannot be written to: SIGSEGV (its handler cannot
     * be entered either, so it is dropped and the process dies). */
    reset();
    set_action(1, LX_SIGUSR1, HANDLER, 0, 0);
    set_action(1, LX_SIGSEGV, HANDLER2, 0, 0);
    cpus[2].rsp = 0x1000;
    CHECK(syscall6(&threads[2], NR_KILL, 20, LX_SIGUSR1, 0, 0) == LX_NO_REPLY);
    CHECK(exit_status[1] == LX_SIGSEGV);
    CHECK(procs[1].actions[LX_SIGSEGV - 1].handler == LX_SIG_DFL);

    /* No restorer: x86_64 Linux cannot enter the handler either. */
    reset();
    uint64_t bare[4] = { HANDLER, 0, 0, 0 };
    memcpy(mem + (SCRATCH - MEM_BASE), bare, sizeof(bare));
    CHECK(syscall6(&threads[2], NR_SIGACTION, LX_SIGUSR1, SCRATCH, 0, 8) == 0);
    CHECK(syscall6(&threads[2], NR_KILL, 20, LX_SIGUSR1, 0, 0) == LX_NO_REPLY);
    CHECK(exit_status[1] == LX_SIGSEGV);

    /* A bad rt_sigreturn frame is a SIGSEGV. */
    reset();
    cpus[2].rsp = 0x2000;
    CHECK(syscall6(&threads[2], NR_SIGRETURN, 0, 0, 0, 0) == LX_NO_REPLY);
    CHECK(exit_status[1] == LX_SIGSEGV);
}

static void test_sigaction_calls(void)
{
    reset();
    struct lx_thread *t = &threads[2];
    uint64_t act[4] = { HANDLER, LX_SA_RESTORER | LX_SA_RESTART | 0x400 /* SA_UNSUPPORTED */, RESTORER,
                        lx_sigbit(LX_SIGKILL) | lx_sigbit(LX_SIGINT) };
    memcpy(mem + (SCRATCH - MEM_BASE), act, sizeof(act));
    CHECK(syscall6(t, NR_SIGACTION, LX_SIGUSR1, SCRATCH, 0, 4) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGACTION, 0, SCRATCH, 0, 8) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGACTION, 65, SCRATCH, 0, 8) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGACTION, LX_SIGUSR1, 0x10, 0, 8) == -LX_EFAULT);
    /* A bad oact changes nothing. */
    CHECK(syscall6(t, NR_SIGACTION, LX_SIGUSR1, SCRATCH, 0x10, 8) == -LX_EFAULT);
    CHECK(procs[1].actions[LX_SIGUSR1 - 1].handler == LX_SIG_DFL);
    CHECK(syscall6(t, NR_SIGACTION, LX_SIGUSR1, SCRATCH, 0, 8) == 0);
    /* Read back: unknown flags and SIGKILL in the mask are gone. */
    CHECK(syscall6(t, NR_SIGACTION, LX_SIGUSR1, 0, SCRATCH + 64, 8) == 0);
    CHECK(peek_u64(SCRATCH + 64) == HANDLER);
    CHECK(peek_u64(SCRATCH + 72) == (LX_SA_RESTORER | LX_SA_RESTART));
    CHECK(peek_u64(SCRATCH + 80) == RESTORER);
    CHECK(peek_u64(SCRATCH + 88) == lx_sigbit(LX_SIGINT));
    /* Ignoring a pending signal drops it. */
    t->sigmask = lx_sigbit(LX_SIGUSR2);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR2, 0, 0) == 0);
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGUSR2));
    uint64_t ign[4] = { LX_SIG_IGN, 0, 0, 0 };
    memcpy(mem + (SCRATCH - MEM_BASE), ign, sizeof(ign));
    CHECK(syscall6(t, NR_SIGACTION, LX_SIGUSR2, SCRATCH, 0, 8) == 0);
    CHECK(procs[1].sigpending == 0);

    /* rt_sigprocmask's checks change nothing. */
    poke_u64(SCRATCH, lx_sigbit(LX_SIGHUP));
    CHECK(syscall6(t, NR_SIGPROCMASK, 7, SCRATCH, 0, 8) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_BLOCK, SCRATCH, 0, 16) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_BLOCK, 0x10, 0, 8) == -LX_EFAULT);
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_BLOCK, SCRATCH, 0x10, 8) == -LX_EFAULT);
    CHECK(t->sigmask == lx_sigbit(LX_SIGUSR2));
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_BLOCK, SCRATCH, SCRATCH + 8, 8) == 0);
    CHECK(peek_u64(SCRATCH + 8) == lx_sigbit(LX_SIGUSR2));
    CHECK(t->sigmask == (lx_sigbit(LX_SIGUSR2) | lx_sigbit(LX_SIGHUP)));
    /* how is not looked at without a set. */
    CHECK(syscall6(t, NR_SIGPROCMASK, 99, 0, SCRATCH + 8, 8) == 0);
}

static void test_altstack(void)
{
    reset();
    struct lx_thread *t = &threads[2];
    const uint64_t alt = MEM_BASE + 0x1000, size = 0x1000;
    set_action(1, LX_SIGUSR1, HANDLER, LX_SA_ONSTACK, 0);
    uint64_t ss[3] = { alt, LX_SS_AUTODISARM, size };
    memcpy(mem + (SCRATCH - MEM_BASE), ss, sizeof(ss));
    CHECK(syscall6(t, NR_SIGALTSTACK, SCRATCH, SCRATCH + 32, 0, 0) == 0);
    CHECK(peek_u64(SCRATCH + 32) == 0 && (uint32_t)peek_u64(SCRATCH + 40) == LX_SS_DISABLE);
    const uint64_t user_rsp = cpus[2].rsp;
    CHECK(syscall6(t, NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(cpus[2].rip == HANDLER && cpus[2].rsp > alt && cpus[2].rsp < alt + size);
    struct lx_rt_sigframe f = frame_at(cpus[2].rsp);
    CHECK(f.uc.uc_stack.ss_sp == alt && f.uc.uc_stack.ss_size == size &&
          (uint32_t)f.uc.uc_stack.ss_flags == LX_SS_AUTODISARM);
    /* SS_AUTODISARM: given up inside the handler, back after it. */
    CHECK(t->altstack_size == 0);
    CHECK(syscall6(t, NR_SIGALTSTACK, 0, SCRATCH + 32, 0, 0) == 0);
    CHECK((uint32_t)peek_u64(SCRATCH + 40) == LX_SS_DISABLE);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(cpus[2].rsp == user_rsp && t->altstack_sp == alt && t->altstack_size == size);

    /* Without SS_AUTODISARM: changing it while on it is EPERM. */
    ss[1] = 0;
    memcpy(mem + (SCRATCH - MEM_BASE), ss, sizeof(ss));
    CHECK(syscall6(t, NR_SIGALTSTACK, SCRATCH, 0, 0, 0) == 0);
    CHECK(syscall6(t, NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(cpus[2].rsp > alt && cpus[2].rsp < alt + size);
    CHECK(syscall6(t, NR_SIGALTSTACK, 0, SCRATCH + 32, 0, 0) == 0);
    CHECK((uint32_t)peek_u64(SCRATCH + 40) == LX_SS_ONSTACK);
    CHECK(syscall6(t, NR_SIGALTSTACK, SCRATCH, 0, 0, 0) == -LX_EPERM);
    ss[2] = 100;
    memcpy(mem + (SCRATCH - MEM_BASE), ss, sizeof(ss));
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(syscall6(t, NR_SIGALTSTACK, SCRATCH, 0, 0, 0) == -LX_ENOMEM);
    CHECK(syscall6(t, NR_SIGALTSTACK, 0x10, 0, 0, 0) == -LX_EFAULT);
    CHECK(t->altstack_sp == alt && t->altstack_size == size);
}

static void test_child_exit(void)
{
    reset();
    set_action(0, LX_SIGCHLD, HANDLER, LX_SA_SIGINFO, 0);
    procs[1].parent = &procs[0];
    procs[1].wait_status = LX_SIGSEGV;
    lx_signal_child_exit(&procs[0], &procs[1]);
    CHECK(syscall6(&threads[0], NR_SIGPENDING, SCRATCH, 8, 0, 0) == 0);
    struct lx_rt_sigframe f = frame_at(cpus[0].rsp);
    CHECK(cpus[0].rip == HANDLER && f.info.si_signo == LX_SIGCHLD && f.info.si_code == LX_CLD_KILLED &&
          f.info.u.proc.pid == 20 && f.info.u.proc.status == LX_SIGSEGV);
    reset();
    set_action(0, LX_SIGCHLD, HANDLER, LX_SA_SIGINFO, 0);
    procs[1].wait_status = 3 << 8;
    lx_signal_child_exit(&procs[0], &procs[1]);
    CHECK(syscall6(&threads[0], NR_SIGPENDING, SCRATCH, 8, 0, 0) == 0);
    f = frame_at(cpus[0].rsp);
    CHECK(f.info.si_code == LX_CLD_EXITED && f.info.u.proc.status == 3);
}

int main(void)
{
    test_handler_round_trip();
    test_nested_order();
    test_restart();
    test_sigsuspend();
    test_default_actions();
    test_process_directed();
    test_kill_targets();
    test_faults();
    test_sigaction_calls();
    test_altstack();
    test_child_exit();
    return check_exit("signal_delivery");
}
