/* tests/kernel/tcb.c — TCB configuration and control: spaces, IPC buffer,
 * priorities and their authority, registers, suspend and resume, bound
 * notifications, TLS base, GS bases, names; threads started in the root's
 * VSpace. */
#include "arch.h"
#include "groups.h"
#include "kthread.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

static uint64_t read_all(kumiki_cptr_t tcb, uint64_t r[KUMIKI_REG_COUNT])
{
    return kumiki_tcb_read_registers(tcb, &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8],
                                     &r[9], &r[10], &r[11], &r[12], &r[13], &r[14], &r[15], &r[16], &r[17],
                                     &r[18], &r[19]);
}

static uint64_t write_all(kumiki_cptr_t tcb, uint64_t resume, const uint64_t r[KUMIKI_REG_COUNT])
{
    return kumiki_tcb_write_registers(tcb, resume, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                                      r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], r[18], r[19]);
}

static void set_space_checks_types(void)
{
    kumiki_cptr_t tcb, ep, n, node, vspace, ro_ep = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_CNODE, 4, &node));
    CHECK_OK(kt_new(KUMIKI_OBJ_PML4, 0, &vspace));
    CHECK_OK(kumiki_cnode_copy(ROOT, ro_ep, 64, ROOT, ep, 64, KUMIKI_RIGHT_READ));
    CHECK_ERR(kumiki_tcb_set_space(tcb, n, node, 0, vspace), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_tcb_set_space(tcb, ep, ep, 0, vspace), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_tcb_set_space(tcb, ep, node, 0, node), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_tcb_set_space(tcb, ep, node, 0, kt.empty_slot), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_tcb_set_space(tcb, ro_ep, node, 0, vspace), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_tcb_set_space(tcb, ep, node, 61, vspace), KE_RANGE);
    CHECK_ERR(kumiki_tcb_set_space(tcb, ep, node, (4 << 6) | 2, vspace), KE_RANGE);
    CHECK_OK(kumiki_tcb_set_space(tcb, ep, node, (3 << 6) | 2, vspace));
    CHECK_OK(kumiki_tcb_set_space(tcb, kt.empty_slot, node, 0, vspace));
    /* without a VSpace it could not run; with one it can */
    CHECK_OK(kumiki_tcb_resume(tcb));
    CHECK_OK(kumiki_tcb_suspend(tcb));
}

static void set_ipc_buffer_checks(void)
{
    kumiki_cptr_t tcb, frame, large, ep;
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_new(KUMIKI_OBJ_LARGE_FRAME, 0, &large));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_ERR(kumiki_tcb_set_ipc_buffer(tcb, 0x10000008, frame), KE_ALIGNMENT);
    CHECK_ERR(kumiki_tcb_set_ipc_buffer(tcb, 0xffff800000000000ull, frame), KE_RANGE);
    CHECK_ERR(kumiki_tcb_set_ipc_buffer(tcb, 0x00007ffffffff000ull, frame), KE_RANGE);
    CHECK_ERR(kumiki_tcb_set_ipc_buffer(tcb, 0x10000000, ep), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_tcb_set_ipc_buffer(tcb, 0x10000000, large), KE_WRONG_TYPE);
    CHECK_OK(kumiki_tcb_set_ipc_buffer(tcb, 0x10000000, frame));
    CHECK_OK(kumiki_tcb_set_ipc_buffer(tcb, 0, kt.empty_slot)); /* address 0: no buffer */
    /* deleting the frame while it is the buffer is safe */
    CHECK_OK(kumiki_tcb_set_ipc_buffer(tcb, 0x10000000, frame));
    CHECK_OK(kumiki_cnode_delete(ROOT, frame, 64));
    CHECK_OK(kumiki_cnode_delete(ROOT, tcb, 64));
}

static void priorities_and_mcp(void)
{
    kumiki_cptr_t a, b, ep;
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &a));
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &b));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    /* the root task's mcp is 255 */
    CHECK_OK(kumiki_tcb_set_priority(a, KUMIKI_CAP_INIT_TCB, 255));
    CHECK_ERR(kumiki_tcb_set_priority(a, KUMIKI_CAP_INIT_TCB, 256), KE_RANGE);
    CHECK_ERR(kumiki_tcb_set_mc_priority(a, KUMIKI_CAP_INIT_TCB, 256), KE_RANGE);
    CHECK_ERR(kumiki_tcb_set_priority(a, ep, 1), KE_WRONG_TYPE);
    /* a new TCB's mcp is 0: as authority it allows priority 0 only */
    CHECK_OK(kumiki_tcb_set_priority(b, a, 0));
    CHECK_ERR(kumiki_tcb_set_priority(b, a, 1), KE_RANGE);
    CHECK_OK(kumiki_tcb_set_mc_priority(a, KUMIKI_CAP_INIT_TCB, 50));
    CHECK_OK(kumiki_tcb_set_priority(b, a, 50));
    CHECK_ERR(kumiki_tcb_set_priority(b, a, 51), KE_RANGE);
    CHECK_OK(kumiki_tcb_set_mc_priority(b, a, 50));
    CHECK_ERR(kumiki_tcb_set_mc_priority(b, a, 51), KE_RANGE);
    /* b can lower its own authority, never raise it */
    CHECK_OK(kumiki_tcb_set_mc_priority(b, b, 10));
    CHECK_ERR(kumiki_tcb_set_mc_priority(b, b, 11), KE_RANGE);
    CHECK_ERR(kumiki_tcb_set_priority(b, b, 11), KE_RANGE);
}

static void registers_round_trip(void)
{
    struct kthread t;
    CHECK_OK(kthread_new(&t, 10));
    uint64_t in[KUMIKI_REG_COUNT], out[KUMIKI_REG_COUNT];
    for (unsigned i = 0; i < KUMIKI_REG_COUNT; i++)
        in[i] = 0x1111111111111111ull * (i % 7 + 1) + i;
    in[KUMIKI_REG_RIP] = 0x401000;
    in[KUMIKI_REG_RSP] = 0x7ffff000;
    in[KUMIKI_REG_FS_BASE] = 0x12345000;
    in[KUMIKI_REG_GS_BASE] = 0x23456000;
    in[KUMIKI_REG_RFLAGS] = ~0ull;
    CHECK_OK(write_all(t.tcb, 0, in));
    CHECK_OK(read_all(t.tcb, out));
    for (unsigned i = 0; i < KUMIKI_REG_COUNT; i++)
        if (i != KUMIKI_REG_RFLAGS && i != KUMIKI_REG_GS_BASE)
            CHECK_EQ(out[i], in[i]);
    CHECK_EQ(out[KUMIKI_REG_GS_BASE], t.ipc_vaddr); /* a native thread's: see native_gs_base */
    /* rflags: interrupts on, no IOPL / NT / VM; user flags kept */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x200, 0x200);
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x3000, 0);    /* IOPL */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x4000, 0);    /* NT */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x20000, 0);   /* VM */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x8c5, 0x8c5); /* CF PF ZF SF OF */
    /* non-canonical rip, rsp, fs or gs base: refused, nothing written */
    in[KUMIKI_REG_RIP] = 0x0000800000000000ull;
    CHECK_ERR(write_all(t.tcb, 0, in), KE_INVALID_ARGUMENT);
    in[KUMIKI_REG_RIP] = 0x401000;
    in[KUMIKI_REG_RSP] = 0x8000000000000000ull;
    CHECK_ERR(write_all(t.tcb, 0, in), KE_INVALID_ARGUMENT);
    in[KUMIKI_REG_RSP] = 0x7ffff000;
    in[KUMIKI_REG_FS_BASE] = 0x00ff000000000000ull;
    CHECK_ERR(write_all(t.tcb, 0, in), KE_INVALID_ARGUMENT);
    in[KUMIKI_REG_FS_BASE] = 0x12345000;
    in[KUMIKI_REG_GS_BASE] = 0xfff0000000000000ull;
    CHECK_ERR(write_all(t.tcb, 0, in), KE_INVALID_ARGUMENT);
    uint64_t again[KUMIKI_REG_COUNT];
    CHECK_OK(read_all(t.tcb, again));
    for (unsigned i = 0; i < KUMIKI_REG_COUNT; i++)
        CHECK_EQ(again[i], out[i]);
    /* a truncated write is refused */
    uint64_t words[3] = { 0, 0x401000, 0x7ffff000 };
    CHECK_ERR(kumiki_invoke(t.tcb, KUMIKI_TCB_WRITE_REGISTERS, 3, words, 0, NULL, 0, NULL),
              KE_TRUNCATED_MESSAGE);
}

static void resume_needs_a_vspace(void)
{
    kumiki_cptr_t tcb;
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_ERR(kumiki_tcb_resume(tcb), KE_ILLEGAL_OPERATION);
    CHECK_OK(kumiki_tcb_suspend(tcb));
    CHECK_ERR(kumiki_invoke(tcb, 99, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
}

static volatile uint64_t started_arg, started_self, started_count;

static void record_and_return(uint64_t arg, kumiki_cptr_t self)
{
    started_arg = arg;
    started_self = self;
    started_count++;
}

static void start_thread_in_own_vspace(void)
{
    struct kthread t;
    started_arg = started_self = started_count = 0;
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, record_and_return, 0xabcdef));
    CHECK_EQ(started_count, 0); /* lower priority than the root: not yet */
    kt_settle();
    CHECK_EQ(started_count, 1);
    CHECK_EQ(started_arg, 0xabcdef);
    CHECK_EQ(started_self, t.tcb);
    /* it suspended itself when fn returned: resuming runs the trampoline
     * loop again, which suspends it again */
    kt_settle();
    CHECK_EQ(started_count, 1);
    uint64_t r[KUMIKI_REG_COUNT];
    CHECK_OK(read_all(t.tcb, r));
    CHECK(r[KUMIKI_REG_RIP] > 0x400000 && r[KUMIKI_REG_RIP] < 0x500000);
    /* restart it from the beginning */
    CHECK_OK(kthread_start(&t, record_and_return, 2));
    kt_settle();
    CHECK_EQ(started_count, 2);
    CHECK_EQ(started_arg, 2);
}

static volatile uint64_t loops;

static void wait_loop(uint64_t notification, kumiki_cptr_t self)
{
    for (;;) {
        uint64_t w;
        kumiki_wait(notification, &w);
        loops++;
    }
}

static void suspend_and_resume(void)
{
    struct kthread t;
    kumiki_cptr_t n;
    loops = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, wait_loop, n));
    kt_settle();
    CHECK_EQ(loops, 0);
    CHECK_OK(kumiki_signal(n));
    kt_settle();
    CHECK_EQ(loops, 1);
    CHECK_OK(kumiki_tcb_suspend(t.tcb)); /* cancels its wait */
    CHECK_OK(kumiki_signal(n));
    kt_settle();
    CHECK_EQ(loops, 1);
    uint64_t w = 0;
    CHECK_OK(kumiki_poll(n, &w)); /* nobody took the signal */
    CHECK_OK(kumiki_signal(n));
    CHECK_OK(kumiki_tcb_resume(t.tcb));
    CHECK_OK(kumiki_tcb_resume(t.tcb)); /* resuming a runnable thread changes nothing */
    kt_settle();
    CHECK(loops >= 2);
    uint64_t seen = loops;
    CHECK_OK(kumiki_signal(n));
    kt_settle();
    CHECK_EQ(loops, seen + 1);
}

static void bind_notification_rules(void)
{
    kumiki_cptr_t a, b, n, m, ep, ro = kt_slot(), wo = kt_slot();
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &a));
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &b));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &m));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kumiki_cnode_copy(ROOT, wo, 64, ROOT, m, 64, KUMIKI_RIGHT_WRITE));
    CHECK_OK(kumiki_cnode_copy(ROOT, ro, 64, ROOT, m, 64, KUMIKI_RIGHT_READ));
    CHECK_ERR(kumiki_tcb_unbind_notification(a), KE_ILLEGAL_OPERATION);
    CHECK_ERR(kumiki_tcb_bind_notification(a, ep), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_tcb_bind_notification(a, wo), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_tcb_bind_notification(a, n));
    CHECK_ERR(kumiki_tcb_bind_notification(a, m), KE_ILLEGAL_OPERATION); /* a has one */
    CHECK_ERR(kumiki_tcb_bind_notification(b, n), KE_ILLEGAL_OPERATION); /* n has one */
    CHECK_OK(kumiki_tcb_bind_notification(b, ro));
    CHECK_OK(kumiki_tcb_unbind_notification(a));
    CHECK_ERR(kumiki_tcb_unbind_notification(a), KE_ILLEGAL_OPERATION);
    CHECK_OK(kumiki_tcb_bind_notification(a, n));
    /* deleting the notification unbinds */
    CHECK_OK(kumiki_cnode_delete(ROOT, n, 64));
    CHECK_ERR(kumiki_tcb_unbind_notification(a), KE_ILLEGAL_OPERATION);
    /* deleting the TCB frees its notification for another */
    CHECK_OK(kumiki_cnode_delete(ROOT, b, 64));
    CHECK_OK(kumiki_tcb_bind_notification(a, m));
}

static volatile uint64_t fs_seen;
static volatile uint64_t fs_target = 0x5eed5eed5eed5eedull;

static void read_fs(uint64_t arg, kumiki_cptr_t self)
{
    fs_seen = kt_read_fs0();
}

static void tls_base(void)
{
    struct kthread t;
    fs_seen = 0;
    CHECK_OK(kthread_new(&t, 100));
    CHECK_ERR(kumiki_tcb_set_tls_base(t.tcb, 0x0001000000000000ull), KE_INVALID_ARGUMENT);
    CHECK_OK(kthread_start(&t, read_fs, 0));
    CHECK_OK(kumiki_tcb_set_tls_base(t.tcb, (uint64_t)(uintptr_t)&fs_target));
    uint64_t r[KUMIKI_REG_COUNT];
    CHECK_OK(read_all(t.tcb, r));
    CHECK_EQ(r[KUMIKI_REG_FS_BASE], (uint64_t)(uintptr_t)&fs_target);
    kt_settle();
    CHECK_EQ(fs_seen, fs_target);
}

/* ---- GS bases ----------------------------------------------------------------
 * A native thread's GS base is its IPC buffer (the library reads the
 * buffer's `self` word at %gs:0); a foreign-ABI thread's is its own, set by
 * WRITE_REGISTERS.  Threads see their base through kt_read_gs0. */

/* What the pages a foreign thread's GS base points at hold at offset 0. */
#define GS_MARK_A 0x65a5e0000000000aull
#define GS_MARK_B 0x65a5e0000000000bull

/* A page at a fresh address whose first word is `mark`. */
static uint64_t gs_page(uint64_t mark, uint64_t *base)
{
    kumiki_cptr_t frame;
    uint64_t e = kt_new_mapped_frame(&frame, base);
    if (!e)
        *(volatile uint64_t *)(uintptr_t)*base = mark;
    return e;
}

/* Registers that run fn(arg, tcb) from the trampoline with the given GS base
 * (kthread_start's, plus gs_base). */
static void start_registers(const struct kthread *t, kthread_fn *fn, uint64_t arg, uint64_t gs_base,
                            uint64_t r[KUMIKI_REG_COUNT])
{
    uint64_t fn_address;
    memcpy(&fn_address, &fn, sizeof(fn_address));
    for (unsigned i = 0; i < KUMIKI_REG_COUNT; i++)
        r[i] = 0;
    r[KUMIKI_REG_RIP] = kt_code_address(kthread_trampoline);
    r[KUMIKI_REG_RSP] = t->stack_top;
    r[KUMIKI_REG_RFLAGS] = 0x202;
    r[KUMIKI_REG_RDX] = fn_address;
    r[KUMIKI_REG_RSI] = t->tcb;
    r[KUMIKI_REG_RDI] = arg;
    r[KUMIKI_REG_GS_BASE] = gs_base;
}

enum { GS_ROUNDS = 3 };
static volatile uint64_t gs_seen[GS_ROUNDS];

/* A foreign-ABI thread: %gs:0 before each of its system calls (each an
 * UNKNOWN_SYSCALL fault, so the root runs in between).  No library call: a
 * foreign thread has no IPC buffer behind %gs. */
static void read_gs_between_syscalls(uint64_t arg, kumiki_cptr_t self)
{
    uint64_t rdi;
    for (unsigned i = 0;; i++) {
        if (i < GS_ROUNDS)
            gs_seen[i] = kt_read_gs0();
        kt_syscall(SYS_DEBUG_NULL, i, 0, &rdi);
    }
}

static void foreign_gs_base(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    uint64_t base_a, base_b, r[KUMIKI_REG_COUNT];
    for (unsigned i = 0; i < GS_ROUNDS; i++)
        gs_seen[i] = 0;
    CHECK_OK(gs_page(GS_MARK_A, &base_a));
    CHECK_OK(gs_page(GS_MARK_B, &base_b));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_set_fault_endpoint(&t, ep));
    CHECK_OK(kumiki_tcb_set_foreign_abi(t.tcb, 1));
    /* a new foreign thread's GS base is 0, not its IPC buffer */
    CHECK_OK(read_all(t.tcb, r));
    CHECK_EQ(r[KUMIKI_REG_GS_BASE], 0);
    start_registers(&t, read_gs_between_syscalls, 0, 0x0000800000000000ull, r);
    CHECK_ERR(write_all(t.tcb, 1, r), KE_INVALID_ARGUMENT); /* non-canonical: nothing written */
    uint64_t now[KUMIKI_REG_COUNT];
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], 0);
    CHECK_EQ(now[KUMIKI_REG_RIP], 0);
    r[KUMIKI_REG_GS_BASE] = base_a;
    CHECK_OK(write_all(t.tcb, 1, r));
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], base_a);

    /* round 0: the thread ran after the root (whose GS base is its IPC buffer) */
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RDI], 0);
    CHECK_EQ(gs_seen[0], GS_MARK_A);
    CHECK_EQ(kt_read_gs0(), kt.bi->ipc_buffer); /* the root's own is untouched */
    /* round 1: back to it after a fault round trip */
    struct kumiki_msg reply = { .label = 0, .length = 1, .words = { 0 } };
    CHECK_OK(kumiki_reply_recv(ep, &reply));
    CHECK_EQ(reply.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RDI], 1);
    CHECK_EQ(gs_seen[1], GS_MARK_A);
    /* round 2: WRITE_REGISTERS on the blocked thread moves its GS base */
    CHECK_OK(read_all(t.tcb, r));
    r[KUMIKI_REG_GS_BASE] = base_b;
    CHECK_OK(write_all(t.tcb, 0, r));
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], base_b);
    reply = (struct kumiki_msg){ .label = 0, .length = 1, .words = { 0 } };
    CHECK_OK(kumiki_reply_recv(ep, &reply));
    CHECK_EQ(reply.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RDI], 2);
    CHECK_EQ(gs_seen[2], GS_MARK_B);
    CHECK_EQ(kt_read_gs0(), kt.bi->ipc_buffer);
    /* native again: the IPC buffer; foreign again: its own base is kept */
    CHECK_OK(kumiki_tcb_set_foreign_abi(t.tcb, 0));
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], t.ipc_vaddr);
    CHECK_OK(kumiki_tcb_set_foreign_abi(t.tcb, 1));
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], base_b);
    CHECK_OK(kumiki_tcb_suspend(t.tcb));
}

static volatile uint64_t native_gs_seen;

static void read_gs_once(uint64_t arg, kumiki_cptr_t self)
{
    native_gs_seen = kt_read_gs0();
}

static void native_gs_base(void)
{
    struct kthread t;
    kumiki_cptr_t frame;
    uint64_t base_a, vaddr, r[KUMIKI_REG_COUNT];
    native_gs_seen = 0;
    CHECK_OK(gs_page(GS_MARK_A, &base_a));
    CHECK_OK(kthread_new(&t, 100));
    /* WRITE_REGISTERS checks gs_base but leaves a native thread's alone */
    start_registers(&t, read_gs_once, 0, 0x0000800000000000ull, r);
    CHECK_ERR(write_all(t.tcb, 0, r), KE_INVALID_ARGUMENT);
    r[KUMIKI_REG_GS_BASE] = base_a;
    CHECK_OK(write_all(t.tcb, 1, r));
    uint64_t now[KUMIKI_REG_COUNT];
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], t.ipc_vaddr);
    kt_settle();
    CHECK_EQ(native_gs_seen, t.ipc_vaddr); /* the buffer's self word, not GS_MARK_A */
    /* a new IPC buffer moves it */
    CHECK_OK(kt_new_mapped_frame(&frame, &vaddr));
    CHECK_OK(kumiki_tcb_set_ipc_buffer(t.tcb, vaddr, frame));
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], vaddr);
    CHECK_OK(kthread_start(&t, read_gs_once, 0));
    kt_settle();
    CHECK_EQ(native_gs_seen, vaddr);
    /* so does removing it (no buffer: 0) */
    CHECK_OK(kumiki_tcb_set_ipc_buffer(t.tcb, 0, kt.empty_slot));
    CHECK_OK(read_all(t.tcb, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], 0);
    /* the root's own, as the kernel reports it and as it reads it */
    CHECK_OK(read_all(KUMIKI_CAP_INIT_TCB, now));
    CHECK_EQ(now[KUMIKI_REG_GS_BASE], kt.bi->ipc_buffer);
    CHECK_EQ(kt_read_gs0(), kt.bi->ipc_buffer);
}

/* Counts reads of %gs:0 and how many differed from `expected`, for ever. */
struct gs_watch {
    volatile uint64_t expected, reads, wrong;
};

static void watch_gs(uint64_t arg, kumiki_cptr_t self)
{
    struct gs_watch *w = (struct gs_watch *)(uintptr_t)arg;
    for (;;) {
        if (kt_read_gs0() != w->expected)
            w->wrong++;
        w->reads++;
    }
}

/* A foreign and a native thread and the root share one priority: timer
 * preemption switches among the three must leave each with its own base,
 * before and after the foreign thread's base is rewritten (while it is
 * preempted: both restart, so no read of the old base is in flight). */
static void gs_bases_survive_preemption(void)
{
    struct kthread foreign, native;
    static struct gs_watch fw, nw;
    uint64_t bases[2], marks[2] = { GS_MARK_A, GS_MARK_B }, r[KUMIKI_REG_COUNT];
    CHECK_OK(gs_page(marks[0], &bases[0]));
    CHECK_OK(gs_page(marks[1], &bases[1]));
    CHECK_OK(kthread_new(&foreign, KT_ROOT_PRIORITY - 1));
    CHECK_OK(kthread_new(&native, KT_ROOT_PRIORITY - 1));
    CHECK_OK(kumiki_tcb_set_foreign_abi(foreign.tcb, 1));
    for (unsigned round = 0; round < 2; round++) {
        fw = (struct gs_watch){ .expected = marks[round] };
        nw = (struct gs_watch){ .expected = native.ipc_vaddr };
        start_registers(&foreign, watch_gs, (uint64_t)(uintptr_t)&fw, bases[round], r);
        CHECK_OK(write_all(foreign.tcb, 1, r));
        CHECK_OK(kthread_start(&native, watch_gs, (uint64_t)(uintptr_t)&nw));
        CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY - 1));
        kt_spin_ticks(30); /* two turns each: a turn is 5 ticks (THREAD_TIME_SLICE) */
        CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY)); /* both preempted now */
        CHECK(fw.reads > 0 && nw.reads > 0);
        CHECK_EQ(fw.wrong, 0);
        CHECK_EQ(nw.wrong, 0);
    }
    CHECK_OK(kumiki_tcb_suspend(foreign.tcb));
    CHECK_OK(kumiki_tcb_suspend(native.tcb));
}

/* ---- Bases changed behind the kernel's back ----------------------------------
 * A thread may load %fs or %gs itself (a null selector, or its own data
 * selector): the CPU then runs it with another base (0) than the kernel
 * recorded.  That is the thread's own business, but the next thread must
 * not inherit it, even when its recorded base is the same number: Linux
 * processes' TLS blocks are often at one address in every process. */

static volatile uint64_t shared_tls_word = 0x7157157157157157ull;
static volatile uint64_t base_seen, base_changer_done;

/* arg: the selector to load into %fs after setting the base to the shared word. */
static void change_fs_behind_kernel(uint64_t selector, kumiki_cptr_t self)
{
    if (kumiki_tcb_set_tls_base(self, (uint64_t)(uintptr_t)&shared_tls_word) == KE_OK) {
        kt_load_fs(selector);
        base_changer_done = 1;
    }
}

static void read_fs_word(uint64_t arg, kumiki_cptr_t self)
{
    base_seen = kt_read_fs0();
}

/* A changes its base and stops; B, with the same recorded FS base, runs
 * right after it (same priority, queued behind it: nothing in between). */
static void fs_base_changed_by_the_thread(void)
{
    uint64_t selectors[2] = { 0, kt_stack_selector() };
    for (unsigned round = 0; round < 2; round++) {
        struct kthread a, b;
        base_seen = base_changer_done = 0;
        CHECK_OK(kthread_new(&a, 100));
        CHECK_OK(kthread_new(&b, 100));
        CHECK_OK(kthread_start(&a, change_fs_behind_kernel, selectors[round]));
        CHECK_OK(kthread_start(&b, read_fs_word, 0));
        /* after kthread_start, whose WRITE_REGISTERS sets fs_base to 0 */
        CHECK_OK(kumiki_tcb_set_tls_base(b.tcb, (uint64_t)(uintptr_t)&shared_tls_word));
        kt_settle();
        CHECK_EQ(base_changer_done, 1);
        CHECK_EQ(base_seen, shared_tls_word);
    }
}

/* Foreign-ABI threads (no library: every system call faults): load %gs,
 * then stop in a system call. */
static void change_gs_behind_kernel(uint64_t selector, kumiki_cptr_t self)
{
    uint64_t rdi;
    kt_load_gs(selector);
    base_changer_done = 1;
    for (;;)
        kt_syscall(SYS_DEBUG_NULL, 0, 0, &rdi);
}

static void read_gs_word(uint64_t arg, kumiki_cptr_t self)
{
    uint64_t rdi;
    base_seen = kt_read_gs0();
    for (;;)
        kt_syscall(SYS_DEBUG_NULL, 0, 0, &rdi);
}

/* The same for GS bases: two foreign threads with one GS base. */
static void gs_base_changed_by_the_thread(void)
{
    uint64_t selectors[2] = { 0, kt_stack_selector() };
    for (unsigned round = 0; round < 2; round++) {
        struct kthread a, b;
        kumiki_cptr_t ep;
        uint64_t base, r[KUMIKI_REG_COUNT];
        base_seen = base_changer_done = 0;
        CHECK_OK(gs_page(GS_MARK_A, &base));
        CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep)); /* nobody receives: a fault stops the thread */
        CHECK_OK(kthread_new(&a, 100));
        CHECK_OK(kthread_new(&b, 100));
        CHECK_OK(kthread_set_fault_endpoint(&a, ep));
        CHECK_OK(kthread_set_fault_endpoint(&b, ep));
        CHECK_OK(kumiki_tcb_set_foreign_abi(a.tcb, 1));
        CHECK_OK(kumiki_tcb_set_foreign_abi(b.tcb, 1));
        start_registers(&a, change_gs_behind_kernel, selectors[round], base, r);
        CHECK_OK(write_all(a.tcb, 1, r));
        start_registers(&b, read_gs_word, 0, base, r);
        CHECK_OK(write_all(b.tcb, 1, r));
        kt_settle();
        CHECK_EQ(base_changer_done, 1);
        CHECK_EQ(base_seen, GS_MARK_A);
        CHECK_OK(kumiki_tcb_suspend(a.tcb));
        CHECK_OK(kumiki_tcb_suspend(b.tcb));
    }
}

static void names_and_foreign_abi_arguments(void)
{
    kumiki_cptr_t tcb;
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_OK(kumiki_tcb_set_name(tcb, 0x2d74736574656b6bull, 0x0000006461657268ull)); /* "kketest-thread" */
    uint64_t word = 1;
    CHECK_ERR(kumiki_invoke(tcb, KUMIKI_TCB_SET_NAME, 1, &word, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
    CHECK_ERR(kumiki_invoke(tcb, KUMIKI_TCB_SET_TLS_BASE, 0, &word, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
    CHECK_ERR(kumiki_tcb_set_foreign_abi(tcb, 2), KE_INVALID_ARGUMENT);
    CHECK_OK(kumiki_tcb_set_foreign_abi(tcb, 1));
    CHECK_OK(kumiki_tcb_set_foreign_abi(tcb, 0));
}

static volatile uint64_t victim_progress;

static void spin_victim(uint64_t arg, kumiki_cptr_t self)
{
    kt_spin_forever(&victim_progress);
}

static void deleting_a_running_thread(void)
{
    struct kthread t;
    victim_progress = 0;
    CHECK_OK(kthread_new(&t, KT_ROOT_PRIORITY - 1));
    CHECK_OK(kthread_start(&t, spin_victim, 0));
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY - 1)); /* share the CPU with it */
    uint64_t start = kumiki_ticks();
    while (victim_progress == 0 && kumiki_ticks() - start < 100)
        ;
    CHECK(victim_progress > 0);
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY));
    CHECK_OK(kumiki_cnode_delete(ROOT, t.tcb, 64));
    uint64_t seen = victim_progress;
    kt_settle();
    CHECK_EQ(victim_progress, seen);
}

const struct ktest tcb_tests[] = {
    { "tcb: set_space checks types, rights and guards", set_space_checks_types },
    { "tcb: set_ipc_buffer checks", set_ipc_buffer_checks },
    { "tcb: priorities are bounded by the authority's mcp", priorities_and_mcp },
    { "tcb: registers round trip, non-canonical refused", registers_round_trip },
    { "tcb: resume without a VSpace, unknown method", resume_needs_a_vspace },
    { "tcb: a thread in the root's VSpace on a static stack", start_thread_in_own_vspace },
    { "tcb: suspend cancels a wait, resume continues", suspend_and_resume },
    { "tcb: bind and unbind notifications", bind_notification_rules },
    { "tcb: TLS base reaches the thread's %fs", tls_base },
    { "tcb: a foreign-ABI thread's GS base is its own, across fault round trips", foreign_gs_base },
    { "tcb: a native thread's GS base is its IPC buffer", native_gs_base },
    { "tcb: GS bases survive preemption among foreign and native threads", gs_bases_survive_preemption },
    { "tcb: an FS base the thread changed itself does not leak to the next thread",
      fs_base_changed_by_the_thread },
    { "tcb: a GS base the thread changed itself does not leak to the next thread",
      gs_base_changed_by_the_thread },
    { "tcb: set_name and set_foreign_abi arguments", names_and_foreign_abi_arguments },
    { "tcb: deleting a running thread stops it", deleting_a_running_thread },
    { NULL, NULL },
};
