/* tests/kernel/fpu.c — TCB READ_FPU and WRITE_FPU: a thread's x87/SSE state
 * as the FXSAVE64 image, for a thread that never ran, one blocked in the
 * kernel, one preempted while it computes, and the caller itself; the
 * MXCSR that FXRSTOR would fault on, short images, rights, and a caller
 * without an IPC buffer. */
#include "arch.h"
#include "groups.h"
#include "kthread.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

enum { WORDS = KUMIKI_FPU_STATE_WORDS, MXCSR_WORD = KUMIKI_FPU_MXCSR / 8, XMM0_WORD = KUMIKI_FPU_XMM0 / 8 };
enum { MXCSR_DEFAULT = 0x1f80, MXCSR_ROUND_DOWN = 0x3f80, MXCSR_ROUND_TO_ZERO = 0x7f80 };

static uint32_t mxcsr_of(const uint64_t *image)
{
    return (uint32_t)image[MXCSR_WORD];
}

static uint32_t mask_of(const uint64_t *image)
{
    return (uint32_t)(image[MXCSR_WORD] >> 32);
}

static void set_mxcsr(uint64_t *image, uint32_t mxcsr)
{
    image[MXCSR_WORD] = (image[MXCSR_WORD] & ~0xffffffffull) | mxcsr;
}

/* The lowest MXCSR bit the CPU does not support (FXRSTOR #GP). */
static uint32_t unsupported_bit(uint32_t mask)
{
    uint32_t outside = ~mask;
    return outside & -outside;
}

static bool images_equal(const uint64_t *a, const uint64_t *b)
{
    for (unsigned i = 0; i < WORDS; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static void new_thread_state_and_round_trip(void)
{
    struct kthread t;
    uint64_t image[WORDS], back[WORDS];
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, image));
    /* a new thread: FCW 0x37f, MXCSR 0x1f80, everything else 0 but the mask */
    CHECK_EQ(image[0], 0x037f);
    CHECK_EQ(mxcsr_of(image), MXCSR_DEFAULT);
    uint32_t mask = mask_of(image);
    CHECK_EQ(mask & 0xffbf, 0xffbf); /* every x86_64 CPU has at least these */
    for (unsigned i = 1; i < WORDS; i++)
        if (i != MXCSR_WORD)
            CHECK_EQ(image[i], 0);

    /* any image with a supported MXCSR goes in and comes back as written,
     * its MXCSR_MASK field replaced by the CPU's */
    for (unsigned i = 0; i < WORDS; i++)
        image[i] = 0x0101010101010101ull * (i + 1) ^ 0xf00dfeedcafe0000ull;
    image[MXCSR_WORD] = (uint64_t)0xdeadbeef << 32 | MXCSR_ROUND_TO_ZERO;
    CHECK_OK(kumiki_tcb_write_fpu(t.tcb, image));
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, back));
    image[MXCSR_WORD] = (uint64_t)mask << 32 | MXCSR_ROUND_TO_ZERO;
    CHECK(images_equal(image, back));
}

static volatile uint32_t mxcsr_seen;

static void record_mxcsr(uint64_t arg, kumiki_cptr_t self)
{
    mxcsr_seen = kt_get_mxcsr();
}

static void unsupported_mxcsr_refused(void)
{
    struct kthread t;
    uint64_t image[WORDS], bad[WORDS], back[WORDS];
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, image));
    uint32_t mask = mask_of(image);
    set_mxcsr(image, MXCSR_ROUND_DOWN);
    CHECK_OK(kumiki_tcb_write_fpu(t.tcb, image));
    /* the lowest unsupported bit, the top bit, all bits: refused, nothing written */
    uint32_t bad_values[3] = { MXCSR_DEFAULT | unsupported_bit(mask), MXCSR_DEFAULT | 0x80000000u,
                               0xffffffffu };
    for (unsigned i = 0; i < 3; i++) {
        memcpy(bad, image, sizeof(bad));
        for (unsigned w = XMM0_WORD; w < XMM0_WORD + 32; w++)
            bad[w] = ~0ull;
        set_mxcsr(bad, bad_values[i]);
        CHECK_ERR(kumiki_tcb_write_fpu(t.tcb, bad), KE_INVALID_ARGUMENT);
        CHECK_OK(kumiki_tcb_read_fpu(t.tcb, back));
        CHECK(images_equal(image, back));
    }
    /* and the thread runs with what it has (a refused image never reaches FXRSTOR) */
    mxcsr_seen = 0;
    CHECK_OK(kthread_start(&t, record_mxcsr, 0));
    kt_settle();
    CHECK_EQ(mxcsr_seen, MXCSR_ROUND_DOWN);
}

static void short_image_and_rights(void)
{
    struct kthread t;
    kumiki_cptr_t read_only = kt_slot(), write_only = kt_slot();
    uint64_t image[WORDS], back[WORDS];
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, image));
    CHECK_ERR(kumiki_invoke(t.tcb, KUMIKI_TCB_WRITE_FPU, WORDS - 1, image, 0, NULL, 0, NULL),
              KE_TRUNCATED_MESSAGE);
    CHECK_ERR(kumiki_invoke(t.tcb, KUMIKI_TCB_WRITE_FPU, 0, image, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
    CHECK_OK(kumiki_cnode_copy(ROOT, read_only, 64, ROOT, t.tcb, 64, KUMIKI_RIGHT_READ));
    CHECK_OK(kumiki_cnode_copy(ROOT, write_only, 64, ROOT, t.tcb, 64, KUMIKI_RIGHT_WRITE));
    /* reading needs READ, writing WRITE */
    CHECK_OK(kumiki_tcb_read_fpu(read_only, back));
    CHECK(images_equal(image, back));
    set_mxcsr(image, MXCSR_ROUND_DOWN);
    CHECK_ERR(kumiki_tcb_write_fpu(read_only, image), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_tcb_read_fpu(write_only, back), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, back));
    CHECK_EQ(mxcsr_of(back), MXCSR_DEFAULT);
    CHECK_OK(kumiki_tcb_write_fpu(write_only, image));
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, back));
    CHECK_EQ(mxcsr_of(back), MXCSR_ROUND_DOWN);
}

/* ---- a thread blocked in the kernel ------------------------------------------------ */

static const uint64_t xmm_pattern[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
static const uint64_t xmm_written[2] = { 0x1111222233334444ull, 0x5555666677778888ull };
static volatile uint64_t xmm_after[2];
static volatile uint32_t mxcsr_after;

static void xmm0_across_wait(uint64_t notification, kumiki_cptr_t self)
{
    kt_fpu_across_syscall(SYS_WAIT, notification, xmm_pattern, (void *)xmm_after, (uint32_t *)&mxcsr_after);
}

static void blocked_thread(void)
{
    struct kthread t;
    kumiki_cptr_t n;
    uint64_t image[WORDS];
    xmm_after[0] = xmm_after[1] = 0;
    mxcsr_after = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, xmm0_across_wait, n));
    kt_settle(); /* it loads xmm0 and waits */
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, image));
    CHECK_EQ(image[XMM0_WORD], xmm_pattern[0]);
    CHECK_EQ(image[XMM0_WORD + 1], xmm_pattern[1]);
    CHECK_EQ(mxcsr_of(image), MXCSR_DEFAULT);
    /* what is written is what it has when it runs on */
    image[XMM0_WORD] = xmm_written[0];
    image[XMM0_WORD + 1] = xmm_written[1];
    set_mxcsr(image, MXCSR_ROUND_TO_ZERO);
    CHECK_OK(kumiki_tcb_write_fpu(t.tcb, image));
    CHECK_OK(kumiki_signal(n));
    kt_settle();
    CHECK_EQ(xmm_after[0], xmm_written[0]);
    CHECK_EQ(xmm_after[1], xmm_written[1]);
    CHECK_EQ(mxcsr_after, MXCSR_ROUND_TO_ZERO);
}

/* ---- a thread preempted while it computes ------------------------------------------ */

static volatile uint32_t spin_mxcsr;
static volatile uint64_t spin_count;

static void spin_with_round_down(uint64_t arg, kumiki_cptr_t self)
{
    kt_spin_with_mxcsr(MXCSR_ROUND_DOWN, &spin_mxcsr, &spin_count);
}

/* Lets t (at the root's priority less one) run for a few time slices. */
static uint64_t share_the_cpu(void)
{
    uint64_t e = kt_root_priority(KT_ROOT_PRIORITY - 1);
    if (!e) {
        kt_spin_ticks(12);
        e = kt_root_priority(KT_ROOT_PRIORITY);
    }
    return e;
}

static void preempted_thread(void)
{
    struct kthread t;
    uint64_t image[WORDS];
    spin_mxcsr = 0;
    spin_count = 0;
    CHECK_OK(kthread_new(&t, KT_ROOT_PRIORITY - 1));
    CHECK_OK(kthread_start(&t, spin_with_round_down, 0));
    CHECK_OK(share_the_cpu()); /* now it is runnable, preempted in its loop */
    CHECK(spin_count > 0);
    CHECK_EQ(spin_mxcsr, MXCSR_ROUND_DOWN);
    CHECK_OK(kumiki_tcb_read_fpu(t.tcb, image));
    CHECK_EQ(mxcsr_of(image), MXCSR_ROUND_DOWN);
    set_mxcsr(image, MXCSR_ROUND_TO_ZERO);
    CHECK_OK(kumiki_tcb_write_fpu(t.tcb, image));
    uint64_t before = spin_count;
    CHECK_OK(share_the_cpu());
    CHECK(spin_count > before);
    CHECK_EQ(spin_mxcsr, MXCSR_ROUND_TO_ZERO);
    CHECK_OK(kumiki_tcb_suspend(t.tcb));
}

/* ---- the caller's own state --------------------------------------------------------- */

static void own_state(void)
{
    uint64_t image[WORDS], back[WORDS];
    /* no compiled code changes MXCSR: what the root set is what it reads */
    kt_set_mxcsr(MXCSR_ROUND_DOWN);
    uint64_t e = kumiki_tcb_read_fpu(KUMIKI_CAP_INIT_TCB, image);
    kt_set_mxcsr(MXCSR_DEFAULT);
    CHECK_OK(e);
    CHECK_EQ(mxcsr_of(image), MXCSR_ROUND_DOWN);
    /* written: live at once */
    set_mxcsr(image, MXCSR_ROUND_TO_ZERO);
    e = kumiki_tcb_write_fpu(KUMIKI_CAP_INIT_TCB, image);
    uint32_t now = kt_get_mxcsr();
    kt_set_mxcsr(MXCSR_DEFAULT);
    CHECK_OK(e);
    CHECK_EQ(now, MXCSR_ROUND_TO_ZERO);
    /* refused for the caller too, and it runs on unharmed */
    set_mxcsr(image, 0xffffffffu);
    CHECK_ERR(kumiki_tcb_write_fpu(KUMIKI_CAP_INIT_TCB, image), KE_INVALID_ARGUMENT);
    CHECK_EQ(kt_get_mxcsr(), MXCSR_DEFAULT);
    CHECK_OK(kumiki_tcb_read_fpu(KUMIKI_CAP_INIT_TCB, back));
    CHECK_EQ(mxcsr_of(back), MXCSR_DEFAULT);
}

/* ---- a caller without an IPC buffer ---------------------------------------------- */

static volatile uint64_t bare_result;

/* No IPC buffer: the 64 words could not reach it, so the call is refused
 * (the invocation asks for no results, so the library needs no buffer). */
static void read_own_fpu_without_buffer(uint64_t arg, kumiki_cptr_t self)
{
    bare_result = kumiki_invoke(self, KUMIKI_TCB_READ_FPU, 0, NULL, 0, NULL, 0, NULL);
}

static void caller_without_ipc_buffer(void)
{
    struct kthread t;
    bare_result = ~0ull;
    CHECK_OK(kthread_new_bare(&t, 100));
    CHECK_OK(kthread_start(&t, read_own_fpu_without_buffer, 0));
    kt_settle();
    CHECK_EQ(bare_result, KE_TRUNCATED_MESSAGE);
}

const struct ktest fpu_tests[] = {
    { "fpu: a new thread's state; an image round trips, MXCSR_MASK is the CPU's",
      new_thread_state_and_round_trip },
    { "fpu: an MXCSR FXRSTOR would fault on is refused, nothing written", unsupported_mxcsr_refused },
    { "fpu: short images; READ_FPU needs READ, WRITE_FPU needs WRITE", short_image_and_rights },
    { "fpu: a blocked thread's xmm0 and MXCSR, read and written", blocked_thread },
    { "fpu: a preempted thread's MXCSR, read and written", preempted_thread },
    { "fpu: the caller's own state is the CPU's", own_state },
    { "fpu: READ_FPU without an IPC buffer to receive it", caller_without_ipc_buffer },
    { NULL, NULL },
};
