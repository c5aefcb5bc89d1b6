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
 * targets and permissions, the argument checks of each call, queued
 * real-time signals and their limit, rt_sigqueueinfo and
 * rt_tgsigqueueinfo, rt_sigtimedwait, ppoll's mask, the FPU state in
 * frames (saved, reset for the handler, restored, and the bad states
 * rt_sigreturn refuses), and job control:
 * stopping (threads held, suspended or left waiting), continuing, the
 * parent's SIGCHLD and wait reports, orphaned process groups.  The
 * allocator is malloc, so AddressSanitizer sees a queued siginfo that is
 * never freed. */
#include "../heap.h"
#include "../personality.h"
#include "../signal.h"
#include "../syscall.h"
#include "check.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
    NR_SIGTIMEDWAIT = 128,
    NR_SIGQUEUEINFO = 129,
    NR_SIGSUSPEND = 130,
    NR_SIGALTSTACK = 131,
    NR_TKILL = 200,
    NR_TGKILL = 234,
    NR_TGSIGQUEUEINFO = 297
};

static uint8_t mem[MEM_SIZE];
static struct lx_mm fake_mm;
static struct lx_proc procs[3];
static struct lx_thread threads[4];
static struct lx_cpu cpus[4];
static int exit_status[3];        /* as proc_exit_group got it, -1: alive */
static struct lx_fpstate fpus[4]; /* thread_read_fpu / thread_write_fpu */
static unsigned wakes, register_writes, fpu_writes;
static unsigned child_wakes[3]; /* lx_wake of procs[i].child_exit */
static bool suspended[4];       /* thread_suspend / thread_resume */
static unsigned suspends, resumes;
static uint64_t now_ns = 1000000000; /* lx_now_ns */
static uint64_t deadline_of[4];      /* lx_wait_until */

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
    deadline_of[t->index] = 0;
    wakes++;
}

void lx_wake(struct lx_waitq *q)
{
    for (unsigned i = 0; i < 3; i++)
        if (q == &procs[i].child_exit)
            child_wakes[i]++;
}

uint64_t lx_now_ns(void)
{
    return now_ns;
}

void lx_wait_until(struct lx_thread *t, uint64_t deadline_ns)
{
    deadline_of[t->index] = deadline_ns;
}

int thread_suspend(struct lx_thread *t)
{
    CHECK(!suspended[t->index] && t->state == LX_THREAD_RUNNING);
    suspended[t->index] = true;
    suspends++;
    return 0;
}

int thread_resume(struct lx_thread *t)
{
    CHECK(suspended[t->index]);
    suspended[t->index] = false;
    resumes++;
    return 0;
}

void *lx_malloc(size_t size)
{
    return malloc(size);
}

void lx_free(void *p)
{
    free(p);
}

void proc_exit_group(struct lx_proc *p, int wait_status)
{
    CHECK(p->state == LX_PROC_ALIVE);
    exit_status[p - procs] = wait_status;
    for (struct lx_thread *t = p->threads; t; t = t->next_in_proc) {
        signal_thread_released(t);
        suspended[t->index] = false; /* its TCB is gone */
        t->state = LX_THREAD_FREE;
        t->proc = NULL;
    }
    p->threads = NULL;
    signal_proc_ended(p);
    p->state = LX_PROC_ZOMBIE;
    p->wait_status = wait_status;
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

/* The kernel's TCB READ_FPU / WRITE_FPU on a CPU whose MXCSR_MASK is
 * 0xffff (QEMU's): an image with another MXCSR bit is refused, the mask
 * field is the CPU's. */
enum { FAKE_MXCSR_MASK = 0xffff };

int thread_read_fpu(struct lx_thread *t, struct lx_fpstate *f)
{
    *f = fpus[t->index];
    return 0;
}

int thread_write_fpu(struct lx_thread *t, const struct lx_fpstate *f)
{
    if (f->mxcsr & ~(uint32_t)FAKE_MXCSR_MASK)
        return -LX_EINVAL;
    fpus[t->index] = *f;
    fpus[t->index].mxcsr_mask = FAKE_MXCSR_MASK;
    fpu_writes++;
    return 0;
}

/* A thread's FPU state as a program left it: recognisable in every byte. */
static struct lx_fpstate sample_fpu(unsigned k)
{
    struct lx_fpstate f;
    uint8_t *b = (uint8_t *)&f;
    for (unsigned i = 0; i < sizeof(f); i++)
        b[i] = (uint8_t)(i * 7 + k);
    f.cwd = 0x27f;
    f.mxcsr = 0x3f80; /* round down */
    f.mxcsr_mask = FAKE_MXCSR_MASK;
    return f;
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
    for (unsigned r = 0; r < LX_RLIM_NLIMITS; r++)
        p->rlimits[r] = (struct lx_rlimit){ LX_RLIM_INFINITY, LX_RLIM_INFINITY };
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
        fpus[k] = sample_fpu(k);
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
    for (unsigned i = 0; i < 3; i++) { /* what a test left queued */
        for (struct lx_thread *t = procs[i].threads; t; t = t->next_in_proc)
            signal_thread_released(t);
        signal_proc_ended(&procs[i]);
        CHECK(procs[i].sigqueued == 0);
    }
    memset(suspended, 0, sizeof(suspended));
    memset(child_wakes, 0, sizeof(child_wakes));
    memset(deadline_of, 0, sizeof(deadline_of));
    suspends = resumes = 0;
    memset(mem, 0, sizeof(mem));
    memset(procs, 0, sizeof(procs));
    memset(threads, 0, sizeof(threads));
    make_proc(0, 0, 2, 1000);
    make_proc(1, 2, 1, 1000);
    wakes = register_writes = fpu_writes = 0;
    signal_flush_deferred();
}

static lx_syscall_fn find_call(uint64_t nr)
{
    for (const struct lx_syscall_def *d = lx_syscalls_signal; d->fn; d++)
        if (d->nr == nr)
            return d->fn;
    return NULL;
}

/* What main.c's complete() does with a call's result.  A thread whose
 * process is stopped is held: LX_BLOCK with has_result.  Returns the
 * result (LX_BLOCK, LX_NO_REPLY, LX_RESUME_AS_IS or the value); the
 * thread's registers are then those it resumes with. */
static int64_t complete_call(struct lx_thread *t, int64_t result)
{
    struct lx_cpu *c = &cpus[t->index];
    lx_syscall_fn fn = find_call(t->regs.rax);
    if (result == LX_BLOCK && !t->has_result && lx_signal_deliverable(t)) {
        t->interrupted = true;
        result = fn(t, &t->regs);
        if (result == LX_BLOCK)
            result = -LX_EINTR;
    }
    if (result != LX_BLOCK && result != LX_NO_REPLY && signal_stop_point(t)) {
        t->has_result = true;
        t->result = result;
        result = LX_BLOCK;
    }
    if (result == LX_BLOCK) {
        t->state = LX_THREAD_BLOCKED;
        return result;
    }
    if (result == LX_NO_REPLY)
        return result;
    t->call_deadline_ns = 0;
    t->timed_out = t->interrupted = false;
    if (result == LX_RESUME_AS_IS) {
        if (lx_signal_deliverable(t) && !signal_deliver(t, NULL, NULL, false))
            return LX_NO_REPLY;
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

/* Runs the call the thread makes now (its registers in cpus[]), then what
 * main.c's complete() does. */
static int64_t run_call(struct lx_thread *t)
{
    lx_syscall_fn fn = find_call(t->regs.rax);
    CHECK(fn != NULL);
    t->state = LX_THREAD_SYSCALL;
    return complete_call(t, fn(t, &t->regs));
}

static int64_t syscall6(struct lx_thread *t, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct lx_cpu *c = &cpus[t->index];
    c->rax = nr, c->rdi = a0, c->rsi = a1, c->rdx = a2, c->r10 = a3, c->rip = CALL_RIP;
    t->regs = (struct lx_syscall_regs){ nr, a0, a1, a2, a3, c->r8, c->r9, CALL_RIP, c->rsp, c->rflags };
    return run_call(t);
}

/* A woken thread's call runs again, or its held result goes out (main.c's
 * run_retries); a stopped one stays blocked. */
static int64_t retry(struct lx_thread *t)
{
    CHECK(t->state == LX_THREAD_RETRY);
    if (signal_stopped(t)) {
        t->state = LX_THREAD_BLOCKED;
        return LX_BLOCK;
    }
    if (t->has_result) {
        t->has_result = false;
        t->state = LX_THREAD_SYSCALL;
        return complete_call(t, t->result);
    }
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

static struct lx_fpstate fpstate_at(uint64_t uaddr)
{
    struct lx_fpstate f;
    CHECK(in_mem(uaddr, sizeof(f)));
    memcpy(&f, mem + (uaddr - MEM_BASE), sizeof(f));
    return f;
}

/* Whether f is the state a handler starts with, in what the CPU loads
 * (FXRSTOR ignores the reserved and software bytes). */
static bool is_reset(const struct lx_fpstate *f)
{
    struct lx_fpstate init = { .mxcsr_mask = FAKE_MXCSR_MASK }, cpu = *f;
    lx_fpstate_reset(&init);
    memset(cpu.reserved2, 0, sizeof(cpu.reserved2));
    cpu.sw_reserved = (struct lx_fpx_sw_bytes){ 0 };
    return memcmp(&cpu, &init, sizeof(init)) == 0;
}

/* A delivery saves the interrupted FPU state in the frame, as Linux lays it
 * out, and the handler starts with the FPU reset; what the frame holds when
 * the handler returns is what the thread runs on with. */
static void test_fpu_round_trip(void)
{
    reset();
    struct lx_thread *t = &threads[0];
    set_action(0, LX_SIGUSR1, HANDLER, LX_SA_SIGINFO, 0);
    const struct lx_fpstate interrupted = fpus[0];
    const uint64_t user_rsp = cpus[0].rsp;
    CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    struct lx_rt_sigframe f = frame_at(cpus[0].rsp);
    uint64_t fp = f.uc.uc_mcontext.fpstate;
    CHECK(fp % 64 == 0 && fp > cpus[0].rsp + sizeof(f) && fp + 512 <= user_rsp - LX_REDZONE);
    struct lx_fpstate saved = fpstate_at(fp);
    struct lx_fpstate want = interrupted;
    lx_fpstate_for_frame(&want);
    CHECK(memcmp(&saved, &want, sizeof(saved)) == 0);
    CHECK(saved.sw_reserved.magic1 == LX_FP_XSTATE_MAGIC1 && saved.xmm_space[0] == interrupted.xmm_space[0]);
    CHECK(is_reset(&fpus[0]) && fpu_writes == 1);

    /* The handler changes its own state and the frame's xmm0 and MXCSR. */
    fpus[0].xmm_space[5] = 0xdead;
    fpus[0].mxcsr = 0x7f80;
    saved.xmm_space[0] = 0x600df00d;
    saved.mxcsr = 0x5f80;
    saved.mxcsr_mask = 0; /* ignored: the CPU's comes back */
    memcpy(mem + (fp - MEM_BASE), &saved, sizeof(saved));
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    struct lx_fpstate after = saved;
    after.mxcsr_mask = FAKE_MXCSR_MASK;
    CHECK(memcmp(&fpus[0], &after, sizeof(after)) == 0);
    CHECK(cpus[0].rip == CALL_RIP && cpus[0].rsp == user_rsp);

    /* Two signals at once: the second frame (on top) saves the first
     * handler's starting state, the reset one (as Linux does). */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    set_action(0, LX_SIGUSR2, HANDLER2, 0, 0);
    t->sigmask = lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2);
    CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR2, 0, 0) == 0);
    CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    poke_u64(SCRATCH, ~0ull);
    fpu_writes = 0;
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_UNBLOCK, SCRATCH, 0, 8) == 0);
    CHECK(cpus[0].rip == HANDLER2 && fpu_writes == 1 && is_reset(&fpus[0]));
    struct lx_rt_sigframe top = frame_at(cpus[0].rsp);
    struct lx_fpstate top_fp = fpstate_at(top.uc.uc_mcontext.fpstate);
    CHECK(is_reset(&top_fp) && top_fp.sw_reserved.magic1 == LX_FP_XSTATE_MAGIC1);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(cpus[0].rip == HANDLER && is_reset(&fpus[0]));
    struct lx_rt_sigframe under = frame_at(cpus[0].rsp);
    struct lx_fpstate under_fp = fpstate_at(under.uc.uc_mcontext.fpstate);
    CHECK(under_fp.xmm_space[0] == sample_fpu(0).xmm_space[0] && under_fp.mxcsr == 0x3f80);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(cpus[0].rip == CALL_RIP && fpus[0].xmm_space[0] == sample_fpu(0).xmm_space[0]);

    /* A fault's handler: the same (signal_fault writes registers and FPU). */
    reset();
    set_action(1, LX_SIGSEGV, HANDLER, LX_SA_SIGINFO, 0);
    CHECK(signal_fault(&threads[2], LX_SIGSEGV, LX_SEGV_MAPERR, 0x10));
    f = frame_at(cpus[2].rsp);
    CHECK(fpstate_at(f.uc.uc_mcontext.fpstate).xmm_space[3] == sample_fpu(2).xmm_space[3]);
    CHECK(is_reset(&fpus[2]));
}

/* What rt_sigreturn does with the frame's fpstate pointer: NULL resets the
 * FPU; misaligned, unreadable, or an MXCSR the CPU refuses is a bad frame:
 * SIGSEGV, the FPU reset, and (Linux's order) the registers and mask
 * already the frame's, uc_stack not restored, rax 0. */
static void test_fpu_restore_rules(void)
{
    const struct {
        const char *what;
        uint64_t fpstate_offset; /* added to the frame's pointer; ~0: NULL */
        uint32_t mxcsr;
        bool bad;
    } cases[] = {
        { "NULL resets", ~0ull, 0x1f80, false },   { "misaligned by 8", 8, 0x1f80, true },
        { "unreadable", 0x100000, 0x1f80, true },  { "MXCSR bit 16", 0, 0x11f80, true },
        { "MXCSR all ones", 0, 0xffffffff, true }, { "MXCSR with DAZ and flags", 0, 0x1fff, false },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset();
        struct lx_thread *t = &threads[0];
        set_action(0, LX_SIGUSR1, HANDLER, 0, lx_sigbit(LX_SIGUSR2));
        set_action(0, LX_SIGSEGV, HANDLER2, 0, 0);
        CHECK(syscall6(t, NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
        struct lx_rt_sigframe f = frame_at(cpus[0].rsp);
        uint64_t uc = cpus[0].rsp + offsetof(struct lx_rt_sigframe, uc);
        uint64_t fp_field = uc + offsetof(struct lx_ucontext, uc_mcontext.fpstate);
        uint64_t fp = f.uc.uc_mcontext.fpstate;
        struct lx_fpstate image = fpstate_at(fp);
        image.mxcsr = cases[i].mxcsr;
        memcpy(mem + (fp - MEM_BASE), &image, sizeof(image));
        poke_u64(fp_field, cases[i].fpstate_offset == ~0ull ? 0 : fp + cases[i].fpstate_offset);
        /* the handler asks for a different rax and altstack on return */
        poke_u64(uc + offsetof(struct lx_ucontext, uc_mcontext.rax), 77);
        poke_u64(uc + offsetof(struct lx_ucontext, uc_stack.ss_flags), LX_SS_DISABLE);
        fpus[0].mxcsr = 0x7f80; /* the handler's own */
        CHECK(handler_returns(t) == LX_RESUME_AS_IS);
        if (!cases[i].bad) {
            CHECK(cpus[0].rip == CALL_RIP && cpus[0].rax == 77);
            if (cases[i].fpstate_offset == ~0ull)
                CHECK(is_reset(&fpus[0]));
            else
                CHECK(fpus[0].mxcsr == cases[i].mxcsr && fpus[0].xmm_space[1] == image.xmm_space[1]);
            continue;
        }
        /* SIGSEGV's handler runs on top of the restored state */
        if (cpus[0].rip != HANDLER2)
            fprintf(stderr, "case %s: rip %#llx\n", cases[i].what, (unsigned long long)cpus[0].rip);
        CHECK(cpus[0].rip == HANDLER2 && cpus[0].rdi == LX_SIGSEGV);
        struct lx_rt_sigframe segv = frame_at(cpus[0].rsp);
        CHECK(segv.uc.uc_mcontext.rip == CALL_RIP && segv.uc.uc_mcontext.rax == 0);
        CHECK(segv.uc.uc_sigmask == 0); /* the frame's mask was restored first */
        CHECK(segv.uc.uc_stack.ss_flags == 0);
        struct lx_fpstate segv_fp = fpstate_at(segv.uc.uc_mcontext.fpstate);
        CHECK(is_reset(&segv_fp) && is_reset(&fpus[0]));
    }

    /* No SIGSEGV handler: the process dies of it. */
    reset();
    set_action(0, LX_SIGUSR1, HANDLER, 0, 0);
    CHECK(syscall6(&threads[0], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    uint64_t fp = frame_at(cpus[0].rsp).uc.uc_mcontext.fpstate;
    poke_u64(fp + 24, 0xffff1f80ull | ((uint64_t)FAKE_MXCSR_MASK << 32) | 0x10000);
    CHECK(handler_returns(&threads[0]) == LX_NO_REPLY);
    CHECK(exit_status[0] == LX_SIGSEGV);
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
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGCONT, 0, 0) == 0); /* nothing to continue */
    CHECK(procs[0].sigpending == 0 && exit_status[0] == -1 && !procs[0].continued_report);

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

/* ---- queued signals, rt_sigqueueinfo, rt_sigtimedwait ------------------------------------ */

#define INFO_AT (MEM_BASE + 0x400) /* a siginfo_t a program passes */
#define WAIT_AT (MEM_BASE + 0x600) /* rt_sigtimedwait's set, timeout and info */

/* The siginfo_t at INFO_AT: si_signo 99 (the kernel puts the signal there),
 * code, pid, uid, si_value; `extra` sets a byte Linux does not keep. */
static void put_siginfo(int code, int pid, uint32_t uid, uint64_t value, bool extra)
{
    struct lx_siginfo si;
    memset(&si, 0, sizeof(si));
    si.si_signo = 99;
    si.si_code = code;
    si.u.proc.pid = pid;
    si.u.proc.uid = uid;
    memcpy(si.u.bytes + 8, &value, sizeof(value)); /* si_value at 24 */
    if (extra)
        si.u.bytes[100 - 16] = 1;
    memcpy(mem + (INFO_AT - MEM_BASE), &si, sizeof(si));
}

static uint64_t value_of(const struct lx_siginfo *si)
{
    uint64_t v;
    memcpy(&v, si->u.bytes + 8, sizeof(v));
    return v;
}

static bool kept_only(const struct lx_siginfo *si)
{
    for (size_t i = LX_SIGINFO_KEPT; i < sizeof(*si); i++)
        if (((const uint8_t *)si)[i])
            return false;
    return true;
}

static void test_sigqueueinfo(void)
{
    reset();
    struct lx_thread *t = &threads[0];
    set_action(0, LX_SIGUSR1, HANDLER, LX_SA_SIGINFO, 0);
    /* sigqueue(getpid(), SIGUSR1, 1234): the handler sees the siginfo as
     * given (pid and uid included), with si_signo set. */
    put_siginfo(LX_SI_QUEUE, 10, 1000, 1234, false);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 10, LX_SIGUSR1, INFO_AT, 0) == 0);
    CHECK(cpus[0].rip == HANDLER && cpus[0].rdi == LX_SIGUSR1);
    struct lx_rt_sigframe f = frame_at(cpus[0].rsp);
    CHECK(f.info.si_signo == LX_SIGUSR1 && f.info.si_code == LX_SI_QUEUE && f.info.u.proc.pid == 10 &&
          f.info.u.proc.uid == 1000 && value_of(&f.info) == 1234);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS && procs[0].sigqueued == 0);
    /* A known layout keeps 48 bytes, and ignores the rest. */
    put_siginfo(LX_SI_QUEUE, 77, 5, 9, true);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 10, LX_SIGUSR1, INFO_AT, 0) == 0);
    f = frame_at(cpus[0].rsp);
    CHECK(f.info.u.proc.pid == 77 && f.info.u.proc.uid == 5 && value_of(&f.info) == 9 && kept_only(&f.info));
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    /* An unknown layout must not carry more (E2BIG); zeros are fine. */
    put_siginfo(-8, 10, 1000, 0, true);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 10, LX_SIGUSR1, INFO_AT, 0) == -LX_E2BIG);
    put_siginfo(-8, 10, 1000, 0, false);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 10, LX_SIGUSR1, INFO_AT, 0) == 0);
    CHECK(frame_at(cpus[0].rsp).info.si_code == -8 && handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 10, LX_SIGUSR1, 0x10, 0) == -LX_EFAULT);

    /* To another process: a user code only; kernel codes and tkill's are
     * refused (EPERM), to itself they are not.  Linux compares the pid
     * with the caller's thread id. */
    threads[2].sigmask = lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2);
    put_siginfo(LX_SI_QUEUE, 10, 1000, 1, false);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, LX_SIGUSR1, INFO_AT, 0) == 0);
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGUSR1) && procs[1].sigqueued == 1);
    static const int refused[] = { LX_SI_USER, LX_SI_TKILL, LX_SI_KERNEL, LX_CLD_EXITED };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        put_siginfo(refused[i], 10, 1000, 1, false);
        CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, LX_SIGUSR2, INFO_AT, 0) == -LX_EPERM);
        CHECK(syscall6(&threads[1], NR_SIGQUEUEINFO, 10, LX_SIGUSR2, INFO_AT, 0) == -LX_EPERM);
    }
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGUSR1));
    set_action(0, LX_SIGUSR2, HANDLER2, LX_SA_SIGINFO, 0);
    put_siginfo(LX_SI_KERNEL, 0, 0, 0, false);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 10, LX_SIGUSR2, INFO_AT, 0) == 0);
    CHECK(cpus[0].rip == HANDLER2 && frame_at(cpus[0].rsp).info.si_code == LX_SI_KERNEL);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    /* The target is looked up before the signal number is checked. */
    put_siginfo(LX_SI_QUEUE, 10, 1000, 1, false);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 55, LX_SIGUSR1, INFO_AT, 0) == -LX_ESRCH);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 0, LX_SIGUSR1, INFO_AT, 0) == -LX_ESRCH);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, (uint64_t)-1, LX_SIGUSR1, INFO_AT, 0) == -LX_ESRCH);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, 65, INFO_AT, 0) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, 0, INFO_AT, 0) == 0);
    /* Another user's process: EPERM for a user code. */
    procs[1].uid = procs[1].euid = 2000;
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, LX_SIGUSR1, INFO_AT, 0) == -LX_EPERM);

    /* rt_tgsigqueueinfo: one thread; EFAULT first, then the ids. */
    reset();
    threads[1].sigmask = lx_sigbit(LX_SIGUSR2);
    put_siginfo(LX_SI_QUEUE, 10, 1000, 5, false);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 0, 0, LX_SIGUSR2, 0x10) == -LX_EFAULT);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 0, 11, LX_SIGUSR2, INFO_AT) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 10, 0, LX_SIGUSR2, INFO_AT) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 20, 11, LX_SIGUSR2, INFO_AT) == -LX_ESRCH);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 10, 11, 65, INFO_AT) == -LX_EINVAL);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 10, 11, LX_SIGUSR2, INFO_AT) == 0);
    CHECK(threads[1].sigpending == lx_sigbit(LX_SIGUSR2) && procs[0].sigpending == 0);
    put_siginfo(LX_SI_TKILL, 10, 1000, 5, false);
    CHECK(syscall6(&threads[2], NR_TGSIGQUEUEINFO, 10, 11, LX_SIGUSR1, INFO_AT) == -LX_EPERM);
    threads[1].sigmask |= lx_sigbit(LX_SIGUSR1);
    CHECK(syscall6(&threads[1], NR_TGSIGQUEUEINFO, 10, 11, LX_SIGUSR1, INFO_AT) == 0); /* itself */
    CHECK(threads[1].sigpending == (lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2)));
}

static void test_realtime_queue(void)
{
    reset();
    struct lx_thread *t = &threads[2];
    const int rt = 34;
    set_action(1, rt, HANDLER, LX_SA_SIGINFO, 0);
    set_action(1, LX_SIGUSR1, HANDLER2, LX_SA_SIGINFO, 0);
    t->sigmask = lx_sigbit(rt) | lx_sigbit(LX_SIGUSR1);
    for (uint64_t v = 1; v <= 3; v++) {
        put_siginfo(LX_SI_QUEUE, 20, 1000, v, false);
        CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, (uint64_t)rt, INFO_AT, 0) == 0);
    }
    /* A standard signal sent twice is pending once, with the first siginfo. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(syscall6(t, NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(procs[1].sigpending == (lx_sigbit(rt) | lx_sigbit(LX_SIGUSR1)) && procs[1].sigqueued == 4);
    /* Unblocked: SIGUSR1 first (lower number), its handler on top; the
     * real-time one waits in its own handler's mask until that returns,
     * then each instance comes in order, as on Linux. */
    poke_u64(SCRATCH, lx_sigbit(rt) | lx_sigbit(LX_SIGUSR1));
    CHECK(syscall6(t, NR_SIGPROCMASK, LX_SIG_UNBLOCK, SCRATCH, 0, 8) == 0);
    struct lx_rt_sigframe f = frame_at(cpus[2].rsp);
    CHECK(cpus[2].rip == HANDLER && value_of(&f.info) == 1 && f.uc.uc_mcontext.rip == HANDLER2);
    for (uint64_t v = 2; v <= 3; v++) {
        CHECK(handler_returns(t) == LX_RESUME_AS_IS);
        f = frame_at(cpus[2].rsp);
        CHECK(cpus[2].rip == HANDLER && f.info.si_code == LX_SI_QUEUE && value_of(&f.info) == v);
    }
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    f = frame_at(cpus[2].rsp);
    CHECK(cpus[2].rip == HANDLER2 && f.info.si_code == LX_SI_USER && f.info.u.proc.pid == 10);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS);
    CHECK(cpus[2].rip == CALL_RIP && procs[1].sigpending == 0 && procs[1].sigqueued == 0);

    /* The limit (RLIMIT_SIGPENDING, here 2): a real-time signal with a
     * siginfo of its own is refused (EAGAIN); kill()'s is pending without
     * its siginfo, as is a standard signal. */
    reset();
    procs[1].rlimits[LX_RLIMIT_SIGPENDING].cur = 2;
    t->sigmask = lx_sigbit(rt) | lx_sigbit(rt + 1) | lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2);
    put_siginfo(LX_SI_QUEUE, 20, 1000, 7, false);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, (uint64_t)rt, INFO_AT, 0) == 0);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, (uint64_t)rt, INFO_AT, 0) == 0);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, (uint64_t)rt, INFO_AT, 0) == -LX_EAGAIN);
    CHECK(syscall6(t, NR_TGKILL, 20, 20, (uint64_t)rt + 1, 0) == -LX_EAGAIN && procs[1].sigqueued == 2);
    CHECK(syscall6(t, NR_KILL, 20, (uint64_t)rt + 1, 0, 0) == 0);
    CHECK(syscall6(t, NR_SIGQUEUEINFO, 20, LX_SIGUSR1, INFO_AT, 0) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR2, 0, 0) == 0); /* a kernel code: over the limit */
    CHECK(procs[1].sigqueued == 3);
    CHECK(procs[1].sigpending ==
          (lx_sigbit(rt) | lx_sigbit(rt + 1) | lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGUSR2)));
    /* Taken with rt_sigtimedwait: the lost siginfo reads as SI_USER from 0. */
    poke_u64(WAIT_AT, lx_sigbit(LX_SIGUSR1));
    poke_u64(WAIT_AT + 8, 0);
    poke_u64(WAIT_AT + 16, 0);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, WAIT_AT + 32, WAIT_AT + 8, 8) == LX_SIGUSR1);
    struct lx_siginfo si;
    memcpy(&si, mem + (WAIT_AT + 32 - MEM_BASE), sizeof(si));
    CHECK(si.si_signo == LX_SIGUSR1 && si.si_code == LX_SI_USER && si.u.proc.pid == 0 && kept_only(&si));
    poke_u64(WAIT_AT, lx_sigbit(LX_SIGUSR2));
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, WAIT_AT + 32, WAIT_AT + 8, 8) == LX_SIGUSR2);
    memcpy(&si, mem + (WAIT_AT + 32 - MEM_BASE), sizeof(si));
    CHECK(si.si_code == LX_SI_USER && si.u.proc.pid == 10);
    /* Ignoring a real-time signal drops every queued instance. */
    uint64_t ign[4] = { LX_SIG_IGN, 0, 0, 0 };
    memcpy(mem + (SCRATCH - MEM_BASE), ign, sizeof(ign));
    CHECK(syscall6(t, NR_SIGACTION, (uint64_t)rt, SCRATCH, 0, 8) == 0);
    CHECK(procs[1].sigpending == lx_sigbit(rt + 1) && procs[1].sigqueued == 0);
}

static void set_timeout(uint64_t sec, uint64_t nsec)
{
    poke_u64(WAIT_AT + 8, sec);
    poke_u64(WAIT_AT + 16, nsec);
}

static void test_sigtimedwait(void)
{
    reset();
    struct lx_thread *t = &threads[2];
    t->sigmask = lx_sigbit(LX_SIGUSR1);
    poke_u64(WAIT_AT, lx_sigbit(LX_SIGUSR1) | lx_sigbit(LX_SIGKILL));
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, 0, 4) == -LX_EINVAL);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, 0x10, 0, 0, 8) == -LX_EFAULT);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, 0x10, 8) == -LX_EFAULT);
    set_timeout(0, 1000000000);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, WAIT_AT + 8, 8) == -LX_EINVAL);
    set_timeout((uint64_t)-1, 0);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, WAIT_AT + 8, 8) == -LX_EINVAL);
    set_timeout(0, 0);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, WAIT_AT + 8, 8) == -LX_EAGAIN);
    CHECK(t->sigmask == lx_sigbit(LX_SIGUSR1));
    /* Pending already: taken, with its siginfo. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, WAIT_AT + 32, 0, 8) == LX_SIGUSR1);
    struct lx_siginfo si;
    memcpy(&si, mem + (WAIT_AT + 32 - MEM_BASE), sizeof(si));
    CHECK(si.si_signo == LX_SIGUSR1 && si.si_code == LX_SI_USER && si.u.proc.pid == 10);
    CHECK(procs[1].sigpending == 0 && cpus[2].rax == LX_SIGUSR1);

    /* Waiting: the set is unblocked meanwhile, so SIGUSR1 (whose action
     * is to terminate) wakes it instead of killing the process. */
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, WAIT_AT + 32, 0, 8) == LX_BLOCK);
    CHECK(t->sigmask == 0 && deadline_of[2] == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    signal_flush_deferred();
    CHECK(exit_status[1] == -1 && t->state == LX_THREAD_RETRY);
    CHECK(retry(t) == LX_SIGUSR1 && t->sigmask == lx_sigbit(LX_SIGUSR1));

    /* A timeout. */
    set_timeout(0, 5000);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, WAIT_AT + 8, 8) == LX_BLOCK);
    CHECK(deadline_of[2] == now_ns + 5000);
    now_ns += 5000;
    t->timed_out = true; /* lx_expire_deadlines */
    lx_wake_thread(t);
    CHECK(retry(t) == -LX_EAGAIN && t->sigmask == lx_sigbit(LX_SIGUSR1) && t->call_deadline_ns == 0);

    /* Another signal interrupts it: EINTR, never restarted, and the
     * handler's frame holds the thread's own mask. */
    set_action(1, LX_SIGUSR2, HANDLER, LX_SA_RESTART, 0);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, 0, 8) == LX_BLOCK);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR2, 0, 0) == 0);
    CHECK(retry(t) == -LX_EINTR && cpus[2].rip == HANDLER);
    struct lx_rt_sigframe f = frame_at(cpus[2].rsp);
    CHECK(f.uc.uc_sigmask == lx_sigbit(LX_SIGUSR1) && f.uc.uc_mcontext.rax == (uint64_t)-LX_EINTR &&
          f.uc.uc_mcontext.rip == CALL_RIP);
    CHECK(handler_returns(t) == LX_RESUME_AS_IS && t->sigmask == lx_sigbit(LX_SIGUSR1));

    /* A bad info pointer: the signal is taken all the same. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0x10, 0, 8) == -LX_EFAULT && procs[1].sigpending == 0);

    /* A process's signal goes to the thread that waits for it, even when
     * another thread would take it otherwise (and be killed by it). */
    reset();
    threads[0].sigmask = lx_sigbit(LX_SIGUSR1);
    poke_u64(WAIT_AT, lx_sigbit(LX_SIGUSR1));
    CHECK(syscall6(&threads[0], NR_SIGTIMEDWAIT, WAIT_AT, 0, 0, 8) == LX_BLOCK);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGUSR1, 0, 0) == 0);
    signal_flush_deferred();
    CHECK(exit_status[0] == -1 && threads[0].state == LX_THREAD_RETRY);
    CHECK(retry(&threads[0]) == LX_SIGUSR1);

    /* A stop interrupts it: EINTR once continued (signal(7)). */
    reset();
    t->sigmask = lx_sigbit(LX_SIGUSR1);
    CHECK(syscall6(t, NR_SIGTIMEDWAIT, WAIT_AT, 0, 0, 8) == LX_BLOCK);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0 && procs[1].stopped);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0 && t->state == LX_THREAD_RETRY);
    CHECK(retry(t) == -LX_EINTR && t->sigmask == lx_sigbit(LX_SIGUSR1));
}

/* ---- ppoll's mask ----------------------------------------------------------------------- */

static void test_call_mask(void)
{
    reset();
    struct lx_thread *t = &threads[2];
    set_action(1, LX_SIGUSR1, HANDLER, LX_SA_RESTART, 0);
    t->sigmask = lx_sigbit(LX_SIGUSR1);
    /* The first run puts the mask in place, the runs after it keep it. */
    signal_mask_for_call(t, lx_sigbit(LX_SIGHUP) | lx_sigbit(LX_SIGKILL));
    CHECK(t->sigmask == lx_sigbit(LX_SIGHUP));
    signal_mask_for_call(t, 0);
    CHECK(t->sigmask == lx_sigbit(LX_SIGHUP));
    CHECK(signal_mask_call_end(t, LX_BLOCK) == LX_BLOCK && t->sigmask == lx_sigbit(LX_SIGHUP));
    /* A result: the old mask is back at once (a signal only the call's
     * mask let through stays pending). */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(signal_mask_call_end(t, 1) == 1 && t->sigmask == lx_sigbit(LX_SIGUSR1));
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGUSR1));

    /* Interrupted: the handler runs with the call's mask; its frame holds
     * the old one; ppoll is not restarted, SA_RESTART or not. */
    signal_mask_for_call(t, 0);
    CHECK(signal_mask_call_end(t, -LX_EINTR) == -LX_EINTR && t->sigmask == 0);
    t->regs =
        (struct lx_syscall_regs){ 271 /* ppoll */, SCRATCH, 1, 0, 0, 8, 0, CALL_RIP, cpus[2].rsp, 0x202 };
    t->state = LX_THREAD_SYSCALL;
    CHECK(complete_call(t, -LX_EINTR) == -LX_EINTR);
    struct lx_rt_sigframe f = frame_at(cpus[2].rsp);
    CHECK(cpus[2].rip == HANDLER && f.uc.uc_sigmask == lx_sigbit(LX_SIGUSR1) &&
          f.uc.uc_mcontext.rax == (uint64_t)-LX_EINTR && t->sigmask == lx_sigbit(LX_SIGUSR1));
    CHECK(handler_returns(t) == LX_RESUME_AS_IS && t->sigmask == lx_sigbit(LX_SIGUSR1));

    /* Interrupted with no handler to run: the mask goes back and the call
     * starts again (it puts its mask in place again). */
    signal_mask_for_call(t, 0);
    t->regs = (struct lx_syscall_regs){ 271, SCRATCH, 1, 0, 0, 8, 0, CALL_RIP, cpus[2].rsp, 0x202 };
    t->state = LX_THREAD_SYSCALL;
    CHECK(complete_call(t, -LX_EINTR) == -LX_EINTR);
    CHECK(cpus[2].rip == CALL_RIP - 2 && cpus[2].rax == 271 && t->sigmask == lx_sigbit(LX_SIGUSR1));
}

/* ---- job control -------------------------------------------------------------------------- */

static int status_of(unsigned proc, int options)
{
    int status = -1;
    return signal_wait_job(&procs[proc], options, &status) ? status : -1;
}

static struct lx_siginfo pending_sigchld(void)
{
    /* procs[0]'s thread 0 blocks SIGCHLD: take it with rt_sigtimedwait. */
    poke_u64(WAIT_AT, lx_sigbit(LX_SIGCHLD));
    set_timeout(0, 0);
    struct lx_siginfo si;
    memset(&si, 0, sizeof(si));
    if (syscall6(&threads[0], NR_SIGTIMEDWAIT, WAIT_AT, WAIT_AT + 32, WAIT_AT + 8, 8) == LX_SIGCHLD)
        memcpy(&si, mem + (WAIT_AT + 32 - MEM_BASE), sizeof(si));
    return si;
}

/* procs[1] (pid 20, thread 2) is procs[0]'s child; procs[0] catches
 * SIGCHLD (blocked, so the siginfo can be read) unless sa_flags say. */
static void reset_family(uint64_t sigchld_flags)
{
    reset();
    procs[1].parent = &procs[0];
    set_action(0, LX_SIGCHLD, HANDLER2, LX_SA_SIGINFO | sigchld_flags, 0);
    threads[0].sigmask = lx_sigbit(LX_SIGCHLD);
}

static void test_stop_and_continue(void)
{
    /* SIGSTOP to a process running user code: stopped at once, the parent
     * told (SIGCHLD, CLD_STOPPED) and woken; its thread is suspended by
     * the main loop's sweep. */
    reset_family(0);
    struct lx_thread *c = &threads[2];
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    CHECK(procs[1].stopped && procs[1].sigpending == 0 && child_wakes[0] == 1);
    struct lx_siginfo si = pending_sigchld();
    CHECK(si.si_code == LX_CLD_STOPPED && si.u.proc.status == LX_SIGSTOP && si.u.proc.pid == 20 &&
          si.u.proc.uid == 1000);
    CHECK(signal_stop_sweep_pending() && c->state == LX_THREAD_RUNNING);
    signal_suspend_stopped();
    CHECK(suspended[2] && suspends == 1 && !signal_stop_sweep_pending());
    signal_suspend_stopped();
    CHECK(suspends == 1);
    /* wait4: WUNTRACED reports the stop once (WNOWAIT leaves it). */
    CHECK(status_of(1, 0) == -1 && status_of(1, LX_WCONTINUED) == -1);
    CHECK(status_of(1, LX_WSTOPPED | LX_WNOWAIT) == 0x137f);
    CHECK(status_of(1, LX_WSTOPPED) == 0x137f && status_of(1, LX_WSTOPPED) == -1);
    /* More stop signals while stopped: pending, nothing reported. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTSTP, 0, 0) == 0);
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGTSTP) && status_of(1, LX_WSTOPPED) == -1);
    /* SIGCONT: resumed, the pending stop dropped, the parent told. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(!procs[1].stopped && !suspended[2] && resumes == 1 && procs[1].sigpending == 0);
    CHECK(child_wakes[0] == 2 && status_of(1, LX_WSTOPPED) == -1);
    CHECK(status_of(1, LX_WCONTINUED | LX_WNOWAIT) == 0xffff);
    CHECK(status_of(1, LX_WCONTINUED) == 0xffff && status_of(1, LX_WCONTINUED) == -1);
    si = pending_sigchld();
    CHECK(si.si_code == LX_CLD_CONTINUED && si.u.proc.status == LX_SIGCONT && si.u.proc.pid == 20);
    /* SIGCONT to a process that runs: nothing to continue, nothing told. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(!procs[1].continued_report && child_wakes[0] == 2);

    /* raise(SIGTSTP): the thread's own call gets no answer until SIGCONT
     * (it is held as a result), and it is not suspended. */
    reset_family(0);
    set_action(1, LX_SIGUSR1, HANDLER, 0, 0);
    CHECK(syscall6(c, NR_TKILL, 20, LX_SIGTSTP, 0, 0) == LX_BLOCK);
    CHECK(procs[1].stopped && c->has_result && c->state == LX_THREAD_BLOCKED);
    signal_suspend_stopped();
    CHECK(suspends == 0);
    CHECK(status_of(1, LX_WSTOPPED) == lx_wait_status_stopped(LX_SIGTSTP));
    /* A handled signal meanwhile is delivered when it continues. */
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0);
    CHECK(c->state == LX_THREAD_BLOCKED && procs[1].sigpending == lx_sigbit(LX_SIGUSR1));
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0 && c->state == LX_THREAD_RETRY);
    CHECK(retry(c) == 0 && cpus[2].rip == HANDLER);
    struct lx_rt_sigframe f = frame_at(cpus[2].rsp);
    CHECK(f.uc.uc_mcontext.rip == CALL_RIP && f.uc.uc_mcontext.rax == 0);
    CHECK(handler_returns(c) == LX_RESUME_AS_IS && cpus[2].rip == CALL_RIP);

    /* A thread waiting in a call stays blocked; woken while stopped, its
     * call does not run; SIGCONT wakes it again. */
    reset_family(0);
    set_action(1, LX_SIGUSR1, HANDLER, 0, 0);
    CHECK(syscall6(c, NR_PAUSE, 0, 0, 0, 0) == LX_BLOCK);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    signal_suspend_stopped();
    CHECK(suspends == 0 && c->state == LX_THREAD_BLOCKED);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGUSR1, 0, 0) == 0 && c->state == LX_THREAD_RETRY);
    CHECK(retry(c) == LX_BLOCK && c->state == LX_THREAD_BLOCKED && !c->has_result);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0 && c->state == LX_THREAD_RETRY);
    CHECK(retry(c) == -LX_EINTR && cpus[2].rip == HANDLER);

    /* A fault answered while stopped is held too (main.c answers faults
     * through complete() with LX_RESUME_AS_IS). */
    reset_family(0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    c->state = LX_THREAD_SYSCALL;
    CHECK(complete_call(c, LX_RESUME_AS_IS) == LX_BLOCK && c->has_result);
    signal_suspend_stopped();
    CHECK(suspends == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(retry(c) == LX_RESUME_AS_IS && c->state == LX_THREAD_RUNNING);

    /* A vfork parent is not woken by SIGCONT: it waits for its child. */
    reset_family(0);
    c->state = LX_THREAD_BLOCKED;
    c->has_result = true;
    c->vfork_child = &procs[2];
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(c->state == LX_THREAD_BLOCKED);
    c->vfork_child = NULL;

    /* SIGKILL ends a stopped process. */
    reset_family(0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    signal_suspend_stopped();
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGKILL, 0, 0) == 0);
    signal_flush_deferred();
    CHECK(exit_status[1] == LX_SIGKILL && !procs[1].stopped && status_of(1, LX_WSTOPPED) == -1);
}

static void test_stop_rules(void)
{
    /* SA_NOCLDSTOP: no SIGCHLD for a stop or a continuation; wait4 is
     * woken all the same. */
    reset_family(LX_SA_NOCLDSTOP);
    struct lx_thread *c = &threads[2];
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(procs[0].sigpending == 0 && child_wakes[0] == 2);
    /* SIGCHLD ignored: the same. */
    reset_family(0);
    uint64_t ign[4] = { LX_SIG_IGN, 0, 0, 0 };
    memcpy(mem + (SCRATCH - MEM_BASE), ign, sizeof(ign));
    CHECK(syscall6(&threads[0], NR_SIGACTION, LX_SIGCHLD, SCRATCH, 0, 8) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0);
    CHECK(procs[0].sigpending == 0 && child_wakes[0] == 1 && procs[1].stopped);

    /* A blocked SIGTSTP stops when it is unblocked: the call that
     * unblocks it gets its answer after SIGCONT. */
    reset_family(0);
    c->sigmask = lx_sigbit(LX_SIGTSTP);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTSTP, 0, 0) == 0);
    CHECK(!procs[1].stopped && procs[1].sigpending == lx_sigbit(LX_SIGTSTP));
    poke_u64(SCRATCH, lx_sigbit(LX_SIGTSTP));
    CHECK(syscall6(c, NR_SIGPROCMASK, LX_SIG_UNBLOCK, SCRATCH, 0, 8) == LX_BLOCK);
    CHECK(procs[1].stopped && c->has_result && procs[1].sigpending == 0);
    CHECK(status_of(1, LX_WSTOPPED) == lx_wait_status_stopped(LX_SIGTSTP));
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(retry(c) == 0 && cpus[2].rip == CALL_RIP);

    /* Caught, SIGTSTP does not stop. */
    reset_family(0);
    set_action(1, LX_SIGTSTP, HANDLER, 0, 0);
    CHECK(syscall6(c, NR_TKILL, 20, LX_SIGTSTP, 0, 0) == 0);
    CHECK(!procs[1].stopped && cpus[2].rip == HANDLER);

    /* SIGCONT continues whatever its action or mask; then it is delivered
     * as any signal.  Sending it drops pending stops; sending a stop drops
     * a pending SIGCONT. */
    reset_family(0);
    set_action(1, LX_SIGCONT, HANDLER, 0, 0);
    c->sigmask = lx_sigbit(LX_SIGCONT) | lx_sigbit(LX_SIGTSTP);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0 && procs[1].stopped);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(!procs[1].stopped && procs[1].sigpending == lx_sigbit(LX_SIGCONT));
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTSTP, 0, 0) == 0);
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGTSTP));
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGCONT, 0, 0) == 0);
    CHECK(procs[1].sigpending == lx_sigbit(LX_SIGCONT) && !procs[1].stopped);

    /* An orphaned process group (no member's parent in another group of
     * its session): SIGTSTP, SIGTTIN and SIGTTOU are discarded, SIGSTOP
     * still stops. */
    reset_family(0);
    procs[1].pgid = procs[1].sid = 20;
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTSTP, 0, 0) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTTIN, 0, 0) == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTTOU, 0, 0) == 0);
    CHECK(!procs[1].stopped && procs[1].sigpending == 0 && child_wakes[0] == 0);
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGSTOP, 0, 0) == 0 && procs[1].stopped);
    /* Its own group, its parent in another group of the same session (a
     * shell's job): not orphaned. */
    reset_family(0);
    procs[1].pgid = 20;
    CHECK(syscall6(&threads[0], NR_KILL, 20, LX_SIGTTOU, 0, 0) == 0 && procs[1].stopped);
    /* A group whose process has no parent (kumiki-run's program) is not
     * orphaned either. */
    reset();
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGTSTP, 0, 0) == 0 && procs[0].stopped);
    /* Both of its threads run user code: both are suspended, and resumed. */
    signal_suspend_stopped();
    CHECK(suspended[0] && suspended[1] && suspends == 2);
    CHECK(syscall6(&threads[2], NR_KILL, 10, LX_SIGCONT, 0, 0) == 0 && resumes == 2);
}

int main(void)
{
    test_handler_round_trip();
    test_nested_order();
    test_fpu_round_trip();
    test_fpu_restore_rules();
    test_restart();
    test_sigsuspend();
    test_default_actions();
    test_process_directed();
    test_kill_targets();
    test_faults();
    test_sigaction_calls();
    test_altstack();
    test_child_exit();
    test_sigqueueinfo();
    test_realtime_queue();
    test_sigtimedwait();
    test_call_mask();
    test_stop_and_continue();
    test_stop_rules();
    return check_exit("signal_delivery");
}
