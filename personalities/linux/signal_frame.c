/* personalities/linux/signal_frame.c — see signal_frame.h.  Placement and
 * contents follow arch/x86/kernel/signal.c (get_sigframe, setup_rt_frame,
 * restore_sigcontext). */
#include "signal_frame.h"
#include <kumiki/user.h>

/* rflags bits. */
enum {
    RFLAGS_CF = 1u << 0,
    RFLAGS_PF = 1u << 2,
    RFLAGS_AF = 1u << 4,
    RFLAGS_ZF = 1u << 6,
    RFLAGS_SF = 1u << 7,
    RFLAGS_TF = 1u << 8,
    RFLAGS_DF = 1u << 10,
    RFLAGS_OF = 1u << 11,
    RFLAGS_RF = 1u << 16,
    RFLAGS_AC = 1u << 18,
};
/* What rt_sigreturn takes from the frame (Linux's FIX_EFLAGS); the rest
 * (IF, IOPL, ...) stays as it is. */
#define RFLAGS_FROM_FRAME                                                                           \
    ((uint64_t)(RFLAGS_AC | RFLAGS_OF | RFLAGS_DF | RFLAGS_TF | RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | \
                RFLAGS_PF | RFLAGS_CF | RFLAGS_RF))
/* Cleared at handler entry: the ABI wants DF clear, and a handler must not
 * single-step or skip a breakpoint because the interrupted code did. */
#define RFLAGS_CLEAR_AT_ENTRY ((uint64_t)(RFLAGS_DF | RFLAGS_TF | RFLAGS_RF))

static bool is_fault_signal(int sig)
{
    return sig == LX_SIGILL || sig == LX_SIGFPE || sig == LX_SIGSEGV || sig == LX_SIGBUS || sig == LX_SIGTRAP;
}

void lx_siginfo_fill(struct lx_siginfo *si, int sig, const struct lx_sigorigin *o)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = o->code;
    bool kernel_code = o->code > 0 && o->code < LX_SI_KERNEL; /* SEGV_*, CLD_*, ... */
    if (kernel_code && is_fault_signal(sig)) {
        si->u.fault.addr = o->addr;
        return;
    }
    si->u.proc.pid = o->pid;
    si->u.proc.uid = o->uid;
    if (kernel_code && sig == LX_SIGCHLD)
        si->u.proc.status = o->status;
}

/* The kernel's __on_sig_stack: whether sp is inside the stack, whatever
 * its flags. */
static bool inside(const struct lx_altstack *a, uint64_t sp)
{
    return sp > a->sp && sp - a->sp <= a->size;
}

uint64_t lx_sigframe_place(uint64_t sp, bool sa_onstack, const struct lx_altstack *alt, uint64_t *fpstate)
{
    bool nested = lx_altstack_on(alt, sp);
    bool entering = false;
    sp -= LX_REDZONE;
    if (sa_onstack && alt->size && !lx_altstack_on(alt, sp)) {
        sp = alt->sp + alt->size;
        entering = true;
    }
    /* fpu__alloc_mathframe: the FXSAVE image, no XSAVE area after it */
    uint64_t fp = (sp - sizeof(struct lx_fpstate)) & ~(uint64_t)(LX_FPSTATE_ALIGN - 1);
    uint64_t frame = ((fp - sizeof(struct lx_rt_sigframe)) & ~(uint64_t)15) - 8;
    if ((nested || entering) && !inside(alt, frame))
        return 0;
    if (fpstate)
        *fpstate = fp;
    return frame;
}

void lx_fpstate_reset(struct lx_fpstate *f)
{
    uint32_t mask = f->mxcsr_mask;
    memset(f, 0, sizeof(*f));
    f->cwd = LX_FPU_INIT_CWD;
    f->mxcsr = LX_FPU_INIT_MXCSR;
    f->mxcsr_mask = mask;
}

void lx_fpstate_for_frame(struct lx_fpstate *f)
{
    /* FXSAVE leaves them alone: on Linux they hold what the stack held. */
    memset(f->reserved2, 0, sizeof(f->reserved2));
    /* save_sw_bytes: written whenever the CPU has FXSR, with XSAVE or not;
     * without XSAVE, no feature is a user xfeature and no MAGIC2 follows. */
    f->sw_reserved = (struct lx_fpx_sw_bytes){
        .magic1 = LX_FP_XSTATE_MAGIC1,
        .extended_size = sizeof(*f) + LX_FP_XSTATE_MAGIC2_SIZE,
        .xfeatures = 0,
        .xstate_size = sizeof(*f),
    };
}

bool lx_fpstate_address_ok(uint64_t addr)
{
    return addr % 16 == 0;
}

static void save_registers(struct lx_sigcontext *sc, const struct lx_cpu *c)
{
    sc->r8 = c->r8;
    sc->r9 = c->r9;
    sc->r10 = c->r10;
    sc->r11 = c->r11;
    sc->r12 = c->r12;
    sc->r13 = c->r13;
    sc->r14 = c->r14;
    sc->r15 = c->r15;
    sc->rdi = c->rdi;
    sc->rsi = c->rsi;
    sc->rbp = c->rbp;
    sc->rbx = c->rbx;
    sc->rdx = c->rdx;
    sc->rax = c->rax;
    sc->rcx = c->rcx;
    sc->rsp = c->rsp;
    sc->rip = c->rip;
    sc->eflags = c->rflags;
}

bool lx_sigframe_build(const struct lx_sigframe_setup *s, struct lx_cpu *cpu, struct lx_rt_sigframe *f,
                       uint64_t *frame_addr, uint64_t *fpstate_addr)
{
    uint64_t fpstate;
    uint64_t addr = lx_sigframe_place(cpu->rsp, s->onstack, &s->altstack, &fpstate);
    if (!addr)
        return false;
    memset(f, 0, sizeof(*f));
    f->pretcode = s->restorer;
    f->uc.uc_flags = LX_UC_SIGCONTEXT_SS | LX_UC_STRICT_RESTORE_SS;
    f->uc.uc_stack.ss_sp = s->altstack.sp;
    f->uc.uc_stack.ss_flags = (int32_t)s->altstack.flags;
    f->uc.uc_stack.ss_size = s->altstack.size;
    struct lx_sigcontext *sc = &f->uc.uc_mcontext;
    save_registers(sc, cpu);
    sc->cs = LX_USER_CS;
    sc->ss = LX_USER_DS;
    sc->err = s->err;
    sc->trapno = s->trapno;
    sc->oldmask = s->saved_mask;
    sc->cr2 = s->cr2;
    sc->fpstate = fpstate;
    f->uc.uc_sigmask = s->saved_mask;
    f->info = s->info;

    *frame_addr = addr;
    *fpstate_addr = fpstate;
    cpu->rip = s->handler;
    cpu->rsp = addr;
    cpu->rdi = (uint64_t)s->sig;
    cpu->rsi = addr + offsetof(struct lx_rt_sigframe, info);
    cpu->rdx = addr + offsetof(struct lx_rt_sigframe, uc);
    cpu->rax = 0; /* for handlers declared without a prototype (varargs) */
    cpu->rflags &= ~RFLAGS_CLEAR_AT_ENTRY;
    return true;
}

static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

bool lx_sigframe_restore(const struct lx_ucontext *uc, struct lx_cpu *cpu, uint64_t *mask,
                         struct lx_altstack *alt)
{
    const struct lx_sigcontext *sc = &uc->uc_mcontext;
    if (!canonical(sc->rip) || !canonical(sc->rsp))
        return false;
    cpu->r8 = sc->r8;
    cpu->r9 = sc->r9;
    cpu->r10 = sc->r10;
    cpu->r11 = sc->r11;
    cpu->r12 = sc->r12;
    cpu->r13 = sc->r13;
    cpu->r14 = sc->r14;
    cpu->r15 = sc->r15;
    cpu->rdi = sc->rdi;
    cpu->rsi = sc->rsi;
    cpu->rbp = sc->rbp;
    cpu->rbx = sc->rbx;
    cpu->rdx = sc->rdx;
    cpu->rax = sc->rax;
    cpu->rcx = sc->rcx;
    cpu->rsp = sc->rsp;
    cpu->rip = sc->rip;
    cpu->rflags = (cpu->rflags & ~RFLAGS_FROM_FRAME) | (sc->eflags & RFLAGS_FROM_FRAME);
    *mask = uc->uc_sigmask & ~LX_SIG_UNBLOCKABLE;
    *alt = (struct lx_altstack){ .sp = uc->uc_stack.ss_sp,
                                 .size = uc->uc_stack.ss_size,
                                 .flags = (uint32_t)uc->uc_stack.ss_flags };
    return true;
}
