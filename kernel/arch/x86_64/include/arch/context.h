/* kernel/arch/x86_64/include/arch/context.h — a user thread's saved registers.
 *
 * The layout is the hardware interrupt frame (rip..ss, the top five words)
 * under the vector and error code, under the general registers in push order.
 * TSS.rsp0 points just past the current thread's context, so an interrupt
 * from ring 3 makes the CPU push rip..ss straight into the TCB; the entry stub
 * pushes the rest and only then moves to the kernel stack.  The syscall entry
 * builds the identical frame by hand.  See docs/boot.md, "Kernel stacks". */
#pragma once

#include <arch/context_layout.h>
#include <kernel/types.h>

struct user_context {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;     /* 0..255 for interrupts, VECTOR_SYSCALL for syscall */
    uint64_t error_code; /* CPU-pushed error code, or 0 */
    uint64_t rip, cs, rflags, rsp, ss;
} __attribute__((aligned(16)));

#define CHECK_CTX(field, off) _Static_assert(__builtin_offsetof(struct user_context, field) == (off), #field)
CHECK_CTX(r15, CTX_R15);
CHECK_CTX(r11, CTX_R11);
CHECK_CTX(r8, CTX_R8);
CHECK_CTX(rbp, CTX_RBP);
CHECK_CTX(rdi, CTX_RDI);
CHECK_CTX(rcx, CTX_RCX);
CHECK_CTX(rax, CTX_RAX);
CHECK_CTX(vector, CTX_VECTOR);
CHECK_CTX(error_code, CTX_ERROR);
CHECK_CTX(rip, CTX_RIP);
CHECK_CTX(cs, CTX_CS);
CHECK_CTX(rflags, CTX_RFLAGS);
CHECK_CTX(rsp, CTX_RSP);
CHECK_CTX(ss, CTX_SS);
#undef CHECK_CTX
_Static_assert(sizeof(struct user_context) == CTX_SIZE, "context size");
_Static_assert(CTX_SIZE % 16 == 0, "the CPU aligns rsp0 to 16 bytes before pushing");

/* Typed view of a system call's registers (the native Kumiki ABI):
 *   rax = system call number, arguments in rdi, rsi, rdx, r10, r8, r9
 *   (r10 instead of rcx because syscall overwrites rcx with the return rip).
 * Results go back in rax (error code) and rdi, rsi, rdx.  A foreign-ABI
 * thread uses the same registers, which happen to be Linux's too. */
static inline uint64_t syscall_number(const struct user_context *c)
{
    return c->rax;
}
static inline uint64_t syscall_arg(const struct user_context *c, unsigned index)
{
    switch (index) {
    case 0: return c->rdi;
    case 1: return c->rsi;
    case 2: return c->rdx;
    case 3: return c->r10;
    case 4: return c->r8;
    default: return c->r9;
    }
}
static inline void syscall_set_result(struct user_context *c, uint64_t result)
{
    c->rax = result;
}

/* Values of a user context that make it safe to resume: user selectors,
 * interrupts on, no I/O privilege, no nested task, no virtual-8086. */
void context_init_user(struct user_context *c, vaddr_t rip, vaddr_t rsp);

/* Keeps only the flags user code may set (CF PF AF ZF SF TF DF OF AC ID)
 * and forces IF on: no I/O privilege, no nested task, no virtual-8086. */
static inline uint64_t context_sanitise_rflags(uint64_t value)
{
    return (value & 0x240dd5u) | 0x202u;
}

/* x86_64 addresses must sign-extend bit 47; iretq to a non-canonical rip
 * faults in ring 0, so every user-supplied rip/rsp/fs base is checked. */
static inline bool address_is_canonical(uint64_t v)
{
    return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

/* The x87/SSE state (fpu.c): struct fpu_state holds the FXSAVE64 image,
 * whose layout is the ABI's (kumiki_abi.py FPU_STATE_BYTES). */
struct fpu_state;
/* Enables the unit for user code and learns the CPU's MXCSR mask. */
void fpu_init(void);
/* The register file a new thread starts with (exceptions masked). */
void fpu_state_init(struct fpu_state *s);
/* Whether FXRSTOR accepts this MXCSR: no bit outside the CPU's mask. */
bool fpu_mxcsr_acceptable(uint32_t mxcsr);
/* Word `index` of the image (KUMIKI_FPU_STATE_WORDS words). */
uint64_t fpu_state_word(const struct fpu_state *s, unsigned index);
/* Replaces the image with `words` (KUMIKI_FPU_STATE_WORDS of them), its
 * MXCSR_MASK field with the CPU's; false, nothing written, when FXRSTOR
 * would refuse it. */
bool fpu_state_import(struct fpu_state *s, const uint64_t *words);

/* Leaves the kernel and resumes c in ring 3 (sysret when c was saved by
 * syscall and its rip is canonical, iretq otherwise).  Never returns. */
NORETURN void context_return_to_user(struct user_context *c);

/* Makes c the context the next ring-3 entry saves into (TSS.rsp0 and the
 * syscall entry's pointer both point just past it). */
void context_set_save_area(struct user_context *c);
