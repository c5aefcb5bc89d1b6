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
 * rdx = &uc, rax = 0.  The layouts are the kernel's (uapi asm/sigcontext.h,
 * asm/ucontext.h, asm-generic/siginfo.h) and each offset a program may use
 * is asserted below.
 *
 * Floating point: the personality cannot read or write a thread's FPU/SSE
 * state (the kernel has no call for it), so uc_mcontext.fpstate is NULL and
 * rt_sigreturn leaves the FPU as the handler left it.  A handler that
 * changes SSE registers or the x87/MXCSR control words changes them for the
 * code it interrupted too; Linux would have saved and restored them.
 * Signals arrive only where a thread enters the personality: mostly in a
 * libc system-call wrapper, which is a function call, across which the
 * caller keeps nothing in SSE registers and so loses nothing.  Code that
 * makes a system call inline with live SSE values, or a handler that
 * returns into a faulting instruction, sees them changed (handlers call
 * memcpy or printf, which use SSE registers). */
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
 * and the thread is not on it already; aligned so that (frame + 8) % 16 is
 * 0.  Returns 0 when a frame on the alternate stack would overflow it
 * (Linux then kills with SIGSEGV rather than write below it). */
uint64_t lx_sigframe_place(uint64_t sp, bool sa_onstack, const struct lx_altstack *alt);

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
 * content, *frame_addr where it goes; *cpu becomes the state at handler
 * entry (rip = handler, rsp = frame, rdi/rsi/rdx = signal, &info, &uc,
 * rax = 0, DF, TF and RF clear).  Returns false (nothing changed) when it
 * does not fit (see lx_sigframe_place). */
bool lx_sigframe_build(const struct lx_sigframe_setup *s, struct lx_cpu *cpu, struct lx_rt_sigframe *frame,
                       uint64_t *frame_addr);

/* rt_sigreturn: *cpu (the thread's registers now) becomes the state the
 * frame's ucontext saved; fs_base stays (Linux does not save it), rflags
 * takes only the bits user code may change.  *mask is the mask to restore
 * (without SIGKILL/SIGSTOP), *alt the uc_stack to restore.  Returns false
 * (nothing changed) for a non-canonical rip or rsp, which no return to
 * user mode can load. */
bool lx_sigframe_restore(const struct lx_ucontext *uc, struct lx_cpu *cpu, uint64_t *mask,
                         struct lx_altstack *alt);
