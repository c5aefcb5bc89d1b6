/* kernel/arch/x86_64/fpu.c — user threads' x87/SSE state: enabling the
 * unit, a new thread's state, and the FXSAVE64 image that TCB READ_FPU and
 * WRITE_FPU move (lib/abi/kumiki_abi.py, FPU_STATE_BYTES).
 *
 * The kernel itself never executes x87 or SSE instructions (it is built with
 * -mgeneral-regs-only); the state is switched eagerly with the thread
 * (switch_to_thread).  Invariant: every struct fpu_state the kernel may
 * FXRSTOR has an MXCSR within the CPU's mask, since FXRSTOR of any other
 * faults (#GP) in ring 0. */
#include <arch/context.h>
#include <arch/cpu.h>
#include <kernel/string.h>
#include <kumiki/abi_generated.h>

_Static_assert(sizeof(struct fpu_state) == KUMIKI_FPU_SIZE, "the FXSAVE64 image");
_Static_assert(KUMIKI_FPU_STATE_WORDS * 8 == KUMIKI_FPU_SIZE, "the ABI's words cover the image");

enum { MXCSR_DEFAULT_MASK = 0xffbf }; /* Intel SDM vol. 1, 11.6.6: when FXSAVE reports 0 */

/* The MXCSR bits this CPU supports (FXSAVE's MXCSR_MASK); set by fpu_init. */
static uint32_t mxcsr_mask = MXCSR_DEFAULT_MASK;

static uint32_t image_u32(const struct fpu_state *s, unsigned offset)
{
    uint32_t v;
    memcpy(&v, &s->bytes[offset], sizeof(v));
    return v;
}

static void image_set_u32(struct fpu_state *s, unsigned offset, uint32_t v)
{
    memcpy(&s->bytes[offset], &v, sizeof(v));
}

/* User programs use SSE (every x86_64 compiler emits it), so the unit is on
 * for them.  CR0.NE: an x87 exception a program unmasked is #MF, delivered
 * to its fault handler like any exception (without it, the old PC way is
 * FERR# on an interrupt line nobody watches, and the error is lost). */
void fpu_init(void)
{
    enum {
        CR0_MP = 1u << 1,
        CR0_EM = 1u << 2,
        CR0_TS = 1u << 3,
        CR0_NE = 1u << 5,
        CR4_OSFXSR = 1u << 9,
        CR4_OSXMMEXCPT = 1u << 10
    };
    write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    static struct fpu_state probe;
    fpu_save(&probe);
    uint32_t reported = image_u32(&probe, KUMIKI_FPU_MXCSR_MASK);
    mxcsr_mask = reported ? reported : MXCSR_DEFAULT_MASK;
}

void fpu_state_init(struct fpu_state *s)
{
    memset(s, 0, sizeof(*s));
    s->bytes[KUMIKI_FPU_FCW] = 0x7f; /* FCW 0x037f: all x87 exceptions masked, 64-bit precision */
    s->bytes[KUMIKI_FPU_FCW + 1] = 0x03;
    image_set_u32(s, KUMIKI_FPU_MXCSR, 0x1f80); /* all SSE exceptions masked, round to nearest */
    image_set_u32(s, KUMIKI_FPU_MXCSR_MASK, mxcsr_mask);
}

bool fpu_mxcsr_acceptable(uint32_t mxcsr)
{
    return (mxcsr & ~mxcsr_mask) == 0;
}

uint64_t fpu_state_word(const struct fpu_state *s, unsigned index)
{
    uint64_t w;
    memcpy(&w, &s->bytes[index * 8], sizeof(w));
    return w;
}

bool fpu_state_import(struct fpu_state *s, const uint64_t *words)
{
    uint64_t mxcsr_word = words[KUMIKI_FPU_MXCSR / 8];
    _Static_assert(KUMIKI_FPU_MXCSR % 8 == 0 && KUMIKI_FPU_MXCSR_MASK == KUMIKI_FPU_MXCSR + 4,
                   "MXCSR is the low half of word 3, MXCSR_MASK the high half");
    if (!fpu_mxcsr_acceptable((uint32_t)mxcsr_word))
        return false;
    memcpy(s->bytes, words, sizeof(s->bytes));
    /* What FXSAVE would report, whatever the caller put there. */
    image_set_u32(s, KUMIKI_FPU_MXCSR_MASK, mxcsr_mask);
    return true;
}
