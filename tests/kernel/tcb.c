/* tests/kernel/tcb.c — TCB configuration and control: spaces, IPC buffer,
 * priorities and their authority, registers, suspend and resume, bound
 * notifications, TLS base, names; threads started in the root's VSpace. */
#include "arch.h"
#include "groups.h"
#include "kthread.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

static uint64_t read_all(kumiki_cptr_t tcb, uint64_t r[KUMIKI_REG_COUNT])
{
    return kumiki_tcb_read_registers(tcb, &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8],
                                     &r[9], &r[10], &r[11], &r[12], &r[13], &r[14], &r[15], &r[16], &r[17],
                                     &r[18]);
}

static uint64_t write_all(kumiki_cptr_t tcb, uint64_t resume, const uint64_t r[KUMIKI_REG_COUNT])
{
    return kumiki_tcb_write_registers(tcb, resume, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                                      r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], r[18]);
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
    in[KUMIKI_REG_RFLAGS] = ~0ull;
    CHECK_OK(write_all(t.tcb, 0, in));
    CHECK_OK(read_all(t.tcb, out));
    for (unsigned i = 0; i < KUMIKI_REG_COUNT; i++)
        if (i != KUMIKI_REG_RFLAGS)
            CHECK_EQ(out[i], in[i]);
    /* rflags: interrupts on, no IOPL / NT / VM; user flags kept */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x200, 0x200);
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x3000, 0);    /* IOPL */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x4000, 0);    /* NT */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x20000, 0);   /* VM */
    CHECK_EQ(out[KUMIKI_REG_RFLAGS] & 0x8c5, 0x8c5); /* CF PF ZF SF OF */
    /* non-canonical rip, rsp or fs base: refused, nothing written */
    in[KUMIKI_REG_RIP] = 0x0000800000000000ull;
    CHECK_ERR(write_all(t.tcb, 0, in), KE_INVALID_ARGUMENT);
    in[KUMIKI_REG_RIP] = 0x401000;
    in[KUMIKI_REG_RSP] = 0x8000000000000000ull;
    CHECK_ERR(write_all(t.tcb, 0, in), KE_INVALID_ARGUMENT);
    in[KUMIKI_REG_RSP] = 0x7ffff000;
    in[KUMIKI_REG_FS_BASE] = 0x00ff000000000000ull;
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
    { "tcb: set_name and set_foreign_abi arguments", names_and_foreign_abi_arguments },
    { "tcb: deleting a running thread stops it", deleting_a_running_thread },
    { NULL, NULL },
};
