/* personalities/linux/signal_frame.h — the x86_64 Linux signal frame: what
 * a handler finds on its stack, and how rt_sigreturn reads it back.
 *
 * At handler entry rsp points at struct lx_rt_sigframe:
 *
 *     rsp + 0    pretcode      sa_restorer: the handler's `ret` goes there,
 *                              and the restorer calls rt_sigreturn
 *     rsp + 8    uc            struct ucontext: the interrupted registers
 *                              (uc_mcontext), mask (uc_sigmask), altstack
 *     rsp + 312  info          siginfo_t, 128 bytes
 *
 * with (rsp + 8) % 16 == 0, as after a `call`; rdi = signal, rsi = &info,
 * rdx = &uc, rax = 0.  Above it, 64-byte aligned, the interrupted x87/SSE
 * state (struct lx_fpstate, 512 bytes), which uc_mcontext.fpstate (libc's
 * uc_mcontext.fpregs) points at.  The layouts are the kernel's (uapi
 * asm/sigcontext.h, asm/ucontext.h, asm-generic/siginfo.h) and each offset a
 * program may use is asserted below.
 *
 * Floating point is what Linux does on a CPU without XSAVE, which is what
 * the program sees (QEMU's qemu64 has none, and Kumiki does not enable
 * it): the frame holds the FXSAVE image of the interrupted state, its
 * software bytes say FP_XSTATE_MAGIC1 with the sizes Linux writes (and no
 * MAGIC2, no UC_FP_XSTATE), the handler starts with the FPU reset (FCW
 * 0x37f, MXCSR 0x1f80, registers 0), and rt_sigreturn loads the state the
 * frame then holds: none (a NULL pointer) resets it, a misaligned or
 * unreadable one or an MXCSR the CPU refuses is a bad frame (SIGSEGV, the
 * FPU reset), as Linux's fpu__restore_sig.  The kernel moves the state
 * through TCB READ_FPU / WRITE_FPU (proc.c). */
#pragma once

#include "proc.h"
#include "signal_rules.h"
#include <stddef.h>
#include <stdint.h>

/* struct sigcontext (64-bit). */
struct lx_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* user address of the FPU state; 0: none */
    uint64_t reserved1[8];
};
_Static_assert(sizeof(struct lx_sigcontext) == 256, "struct sigcontext is 256 bytes");
_Static_assert(offsetof(struct lx_sigcontext, rdi) == 8 * 8, "gregs[REG_RDI] is 8");
_Static_assert(offsetof(struct lx_sigcontext, rsp) == 15 * 8, "gregs[REG_RSP] is 15");
_Static_assert(offsetof(struct lx_sigcontext, rip) == 16 * 8, "gregs[REG_RIP] is 16");
_Static_assert(offsetof(struct lx_sigcontext, eflags) == 17 * 8, "gregs[REG_EFL] is 17");
_Static_assert(offsetof(struct lx_sigcontext, err) == 19 * 8, "gregs[REG_ERR] is 19");
_Static_assert(offsetof(struct lx_sigcontext, trapno) == 20 * 8, "gregs[REG_TRAPNO] is 20");
_Static_assert(offsetof(struct lx_sigcontext, oldmask) == 21 * 8, "gregs[REG_OLDMASK] is 21");
_Static_assert(offsetof(struct lx_sigcontext, cr2) == 22 * 8, "gregs[REG_CR2] is 22");
_Static_assert(offsetof(struct lx_sigcontext, fpstate) == 23 * 8, "mcontext fpregs follows the 23 gregs");

/* stack_t. */
struct lx_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};
_Static_assert(sizeof(struct lx_stack) == 24, "stack_t is 24 bytes");

/* The kernel's struct ucontext (libc's ucontext_t starts the same way). */
struct lx_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct lx_stack uc_stack;
    struct lx_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};
_Static_assert(offsetof(struct lx_ucontext, uc_stack) == 16, "uc_stack at 16");
_Static_assert(offsetof(struct lx_ucontext, uc_mcontext) == 40, "uc_mcontext at 40");
_Static_assert(offsetof(struct lx_ucontext, uc_sigmask) == 296, "uc_sigmask at 296");
_Static_assert(sizeof(struct lx_ucontext) == 304, "the kernel's ucontext is 304 bytes");

/* uc_flags: ss is saved, and rt_sigreturn restores it strictly. */
enum { LX_UC_SIGCONTEXT_SS = 2, LX_UC_STRICT_RESTORE_SS = 4 };
/* The x86_64 user segment selectors Linux puts in a frame. */
enum { LX_USER_CS = 0x33, LX_USER_DS = 0x2b };

/* siginfo_t: the union starts at 16 (it holds pointers). */
struct lx_siginfo {
    int32_t si_signo, si_errno, si_code, pad;
    union {
        struct {
            int32_t pid;    /* si_pid */
            uint32_t uid;   /* si_uid */
            int32_t status; /* si_status (SIGCHLD) */
            int32_t pad;
            int64_t utime, stime;
        } proc;
        struct {
            uint64_t addr; /* si_addr */
        } fault;
        uint8_t bytes[112];
    } u;
};
_Static_assert(sizeof(struct lx_siginfo) == 128, "siginfo_t is 128 bytes");
_Static_assert(offsetof(struct lx_siginfo, u.proc.pid) == 16, "si_pid at 16");
_Static_assert(offsetof(struct lx_siginfo, u.proc.uid) == 20, "si_uid at 20");
_Static_assert(offsetof(struct lx_siginfo, u.proc.status) == 24, "si_status at 24");
_Static_assert(offsetof(struct lx_siginfo, u.proc.utime) == 32, "si_utime at 32");
_Static_assert(offsetof(struct lx_siginfo, u.fault.addr) == 16, "si_addr at 16");

/* What Linux keeps of a siginfo_t (struct kernel_siginfo): the first 48
 * bytes, the union's first 32; the rest of a siginfo_t it hands out reads
 * as zeros.  A pending signal keeps as much here (signal.c). */
enum { LX_SIGINFO_KEPT = 48 };
_Static_assert(LX_SIGINFO_KEPT >= offsetof(struct lx_siginfo, u.proc.utime) + 16,
               "every field Linux fills is kept");

/* struct _fpx_sw_bytes: the 48 bytes of an FXSAVE image the CPU leaves to
 * software, where Linux says what follows the image (XSAVE state). */
struct lx_fpx_sw_bytes {
    uint32_t magic1;
    uint32_t extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
};
_Static_assert(sizeof(struct lx_fpx_sw_bytes) == 48, "struct _fpx_sw_bytes is 48 bytes");

/* struct _fpstate (64-bit): the FXSAVE64 image, byte for byte the same as
 * Kumiki's TCB READ_FPU image (KUMIKI_FPU_*). */
struct lx_fpstate {
    uint16_t cwd, swd, twd, fop;
    uint64_t rip, rdp;
    uint32_t mxcsr, mxcsr_mask;
    uint32_t st_space[32];
    uint32_t xmm_space[64];
    uint32_t reserved2[12];
    struct lx_fpx_sw_bytes sw_reserved;
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct lx_fpstate) == 512, "struct _fpstate is 512 bytes");
_Static_assert(offsetof(struct lx_fpstate, mxcsr) == 24, "mxcsr at 24");
_Static_assert(offsetof(struct lx_fpstate, st_space) == 32, "st_space at 32");
_Static_assert(offsetof(struct lx_fpstate, xmm_space) == 160, "xmm_space at 160");
_Static_assert(offsetof(struct lx_fpstate, sw_reserved) == 464, "sw_reserved at 464");

/* Linux's FP_XSTATE_MAGIC1 and the sizes it writes with it. */
enum { LX_FP_XSTATE_MAGIC1 = 0x46505853, LX_FP_XSTATE_MAGIC2_SIZE = 4 };
/* The state a handler starts with (Linux's init_fpstate). */
enum { LX_FPU_INIT_CWD = 0x37f, LX_FPU_INIT_MXCSR = 0x1f80 };
/* Where Linux puts the state below the stack pointer. */
enum { LX_FPSTATE_ALIGN = 64 };

/* *f becomes the state a handler starts with; mxcsr_mask, which says what
 * the CPU supports, stays. */
void lx_fpstate_reset(struct lx_fpstate *f);
/* *f, the interrupted state as the kernel keeps it, becomes what the frame
 * holds: Linux's software bytes (magic1, sizes) and nothing left in the
 * bytes the CPU reserves. */
void lx_fpstate_for_frame(struct lx_fpstate *f);
/* Whether rt_sigreturn may load the state from addr (not 0): FXRSTOR
 * needs 16-byte alignment and faults otherwise. */
bool lx_fpstate_address_ok(uint64_t addr);

struct lx_rt_sigframe {
    uint64_t pretcode;
    struct lx_ucontext uc;
    struct lx_siginfo info;
};
_Static_assert(offsetof(struct lx_rt_sigframe, uc) == 8, "uc follows pretcode");
_Static_assert(offsetof(struct lx_rt_sigframe, info) == 312, "info follows uc");
_Static_assert(sizeof(struct lx_rt_sigframe) == 440, "the frame without FPU state is 440 bytes");

/* Who sent a signal, or what fault raised it: the parts of siginfo_t a
 * pending signal keeps. */
struct lx_sigorigin {
    int32_t code; /* si_code */
    int32_t pid;  /* sender (SI_USER, SI_TKILL) or child (SIGCHLD) */
    uint32_t uid;
    int32_t status; /* SIGCHLD: exit code or signal */
    uint64_t addr;  /* faults: si_addr */
};

/* siginfo_t for sig from o, laid out as Linux's siginfo_layout() chooses:
 * fault signals with a positive si_code below SI_KERNEL carry si_addr,
 * SIGCHLD with CLD_* carries pid, uid and status, the rest pid and uid. */
void lx_siginfo_fill(struct lx_siginfo *si, int sig, const struct lx_sigorigin *o);

/* The red zone below rsp that x86_64 code may use without moving rsp: a
 * frame goes below it (not on the alternate stack, which is fresh). */
enum { LX_REDZONE = 128 };

/* Where the frame goes for a thread at sp: below the red zone, or at the
 * top of the alternate stack when the handler asked for it (SA_ONSTACK)
 * and the thread is not on it already, first the FPU state (*fpstate, if
 * not NULL: 64-byte aligned), below it the frame, aligned so that
 * (frame + 8) % 16 is 0.  Returns 0 when the frame on the alternate stack
 * would overflow it (Linux then kills with SIGSEGV rather than write below
 * it). */
uint64_t lx_sigframe_place(uint64_t sp, bool sa_onstack, const struct lx_altstack *alt, uint64_t *fpstate);

struct lx_sigframe_setup {
    int sig;
    uint64_t handler, restorer;
    uint64_t saved_mask;         /* uc_sigmask: what rt_sigreturn restores */
    struct lx_altstack altstack; /* the thread's, before this delivery */
    bool onstack;                /* SA_ONSTACK */
    struct lx_siginfo info;
    uint64_t trapno, err, cr2; /* of a CPU fault; 0 otherwise */
};

/* Builds the frame for a thread stopped with registers *cpu: *frame is its
 * content, *frame_addr where it goes, *fpstate_addr where the FPU state
 * goes (uc_mcontext.fpstate points there; the caller writes it); *cpu
 * becomes the state at handler entry (rip = handler, rsp = frame,
 * rdi/rsi/rdx = signal, &info, &uc, rax = 0, DF, TF and RF clear).
 * Returns false (nothing changed) when it does not fit (see
 * lx_sigframe_place). */
bool lx_sigframe_build(const struct lx_sigframe_setup *s, struct lx_cpu *cpu, struct lx_rt_sigframe *frame,
                       uint64_t *frame_addr, uint64_t *fpstate_addr);

/* rt_sigreturn: *cpu (the thread's registers now) becomes the state the
 * frame's ucontext saved; fs_base stays (Linux does not save it), rflags
 * takes only the bits user code may change.  The FPU state (at
 * uc_mcontext.fpstate) is the caller's (signal.c).  *mask is the mask to restore
 * (without SIGKILL/SIGSTOP), *alt the uc_stack to restore.  Returns false
 * (nothing changed) for a non-canonical rip or rsp, which no return to
 * user mode can load. */
bool lx_sigframe_restore(const struct lx_ucontext *uc, struct lx_cpu *cpu, uint64_t *mask,
                         struct lx_altstack *alt);
