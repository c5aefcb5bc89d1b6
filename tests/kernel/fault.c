/* tests/kernel/fault.c — faults as messages to the fault endpoint: VM
 * faults, user exceptions, unknown system calls (native and foreign ABI),
 * and threads without a fault handler. */
#include "arch.h"
#include "groups.h"
#include "kthread.h"

#define ROOT KUMIKI_CAP_INIT_CNODE
enum { FAULT_BADGE = 0x77 };

/* A thread at priority 100 whose faults go to a new endpoint *ep (badged
 * FAULT_BADGE). */
static uint64_t faulting_thread(struct kthread *t, kumiki_cptr_t *ep)
{
    kumiki_cptr_t badged = kt_slot();
    uint64_t e = kt_new(KUMIKI_OBJ_ENDPOINT, 0, ep);
    if (!e)
        e = kumiki_cnode_mint(ROOT, badged, 64, ROOT, *ep, 64, KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY,
                              FAULT_BADGE);
    if (!e)
        e = kthread_new(t, 100);
    if (!e)
        e = kthread_set_fault_endpoint(t, badged);
    return e;
}

static uint64_t thread_rip(kumiki_cptr_t tcb)
{
    uint64_t rip = 0;
    kumiki_tcb_read_registers(tcb, &rip, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                              NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    return rip;
}

static volatile uint64_t after_fault;

static void write_then_read(uint64_t address, kumiki_cptr_t self)
{
    *(volatile uint64_t *)address = 0x1234;
    after_fault = *(volatile uint64_t *)address + 1;
}

static void vm_fault_handled_by_mapping(void)
{
    struct kthread t;
    kumiki_cptr_t ep, frame;
    after_fault = 0;
    CHECK_OK(faulting_thread(&t, &ep));
    uint64_t address = kt_vaddr(4096, 4096) + 0x238;
    CHECK_OK(kthread_start(&t, write_then_read, address));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_VM);
    CHECK_EQ(m.badge, FAULT_BADGE);
    CHECK_EQ(m.length, KUMIKI_FAULT_VM_LENGTH);
    CHECK_EQ(m.words[KUMIKI_FAULT_VM_ADDRESS], address);
    CHECK_EQ(m.words[KUMIKI_FAULT_VM_IS_FETCH], 0);
    CHECK_EQ(m.words[KUMIKI_FAULT_VM_ERROR_CODE] & 7, 6); /* not present, write, user */
    CHECK_EQ(m.words[KUMIKI_FAULT_VM_RIP], thread_rip(t.tcb));
    CHECK_EQ(after_fault, 0);
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_map(frame, address & ~0xfffull, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE));
    struct kumiki_msg reply = { .label = 0 };
    CHECK_OK(kumiki_reply(&reply));
    kt_settle();
    CHECK_EQ(after_fault, 0x1235);
    CHECK_EQ(*(volatile uint64_t *)address, 0x1234);
}

static volatile uint64_t ud2_result;

static void run_ud2(uint64_t arg, kumiki_cptr_t self)
{
    ud2_result = kt_ud2();
}

static void user_exception_skipped_by_reply(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    ud2_result = 0;
    CHECK_OK(faulting_thread(&t, &ep));
    CHECK_OK(kthread_start(&t, run_ud2, 0));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    uint64_t site = kt_code_address((void (*)(void))kt_ud2);
    CHECK_EQ(m.label, KUMIKI_FAULT_USER_EXCEPTION);
    CHECK_EQ(m.badge, FAULT_BADGE);
    CHECK_EQ(m.length, KUMIKI_FAULT_USER_EXCEPTION_LENGTH);
    CHECK_EQ(m.words[KUMIKI_FAULT_USER_EXCEPTION_RIP], site);
    CHECK_EQ(m.words[KUMIKI_FAULT_USER_EXCEPTION_VECTOR], 6);
    CHECK_EQ(m.words[KUMIKI_FAULT_USER_EXCEPTION_ERROR_CODE], 0);
    CHECK(m.words[KUMIKI_FAULT_USER_EXCEPTION_RSP] < t.stack_top &&
          m.words[KUMIKI_FAULT_USER_EXCEPTION_RSP] > t.stack_top - 16384);
    /* reply with rip past the 2-byte ud2 */
    struct kumiki_msg reply = { .label = 0, .length = 1, .words = { site + 2 } };
    CHECK_OK(kumiki_reply(&reply));
    kt_settle();
    CHECK_EQ(ud2_result, 7);
}

static volatile uint64_t sys_rax, sys_rdi, sys_done;

static void unknown_syscall(uint64_t number, kumiki_cptr_t self)
{
    uint64_t rdi = 0;
    sys_rax = kt_syscall(number, 11, 22, &rdi);
    sys_rdi = rdi;
    sys_done = 1;
}

static void unknown_syscall_native(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    sys_rax = sys_rdi = sys_done = 0;
    CHECK_OK(faulting_thread(&t, &ep));
    CHECK_OK(kthread_start(&t, unknown_syscall, 1000));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(m.length, KUMIKI_FAULT_UNKNOWN_SYSCALL_LENGTH);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RAX], 1000);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RDI], 11);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RSI], 22);
    uint64_t rip = m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RIP];
    /* rip is after the 2-byte syscall instruction inside kt_syscall */
    uint64_t fn = kt_code_address((void (*)(void))kt_syscall);
    CHECK(rip > fn && rip < fn + 32);
    CHECK_EQ(((const uint8_t *)(uintptr_t)rip)[-2], 0x0f);
    CHECK_EQ(((const uint8_t *)(uintptr_t)rip)[-1], 0x05);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RFLAGS] & 0x200, 0x200);
    struct kumiki_msg reply = { .label = 0, .length = 2, .words = { 77, 88 } };
    CHECK_OK(kumiki_reply(&reply));
    kt_settle();
    CHECK_EQ(sys_done, 1);
    CHECK_EQ(sys_rax, 77);
    CHECK_EQ(sys_rdi, 88);
}

static volatile uint64_t foreign_results[3];
static volatile uint64_t foreign_steps;

static void foreign_calls(uint64_t arg, kumiki_cptr_t self)
{
    uint64_t rdi = 0;
    static const char text[] = "a foreign thread must never print this\n";
    foreign_results[0] = kt_syscall(SYS_DEBUG_NULL, 1, 2, &rdi);
    foreign_steps = 1;
    foreign_results[1] = kt_syscall(SYS_DEBUG_WRITE, (uint64_t)(uintptr_t)text, sizeof(text) - 1, &rdi);
    foreign_steps = 2;
    foreign_results[2] = kt_syscall(SYS_DEBUG_NULL, 0, 0, &rdi); /* native again by now */
    foreign_steps = 3;
}

static void foreign_abi_syscalls_are_faults(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    foreign_steps = 0;
    CHECK_OK(faulting_thread(&t, &ep));
    CHECK_OK(kumiki_tcb_set_foreign_abi(t.tcb, 1));
    CHECK_OK(kthread_start(&t, foreign_calls, 0));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RAX], SYS_DEBUG_NULL);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RDI], 1);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RSI], 2);
    CHECK_EQ(foreign_steps, 0);
    struct kumiki_msg reply = { .label = 0, .length = 1, .words = { 0x5150 } };
    CHECK_OK(kumiki_reply_recv(ep, &reply));
    CHECK_EQ(reply.label, KUMIKI_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(reply.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RAX], SYS_DEBUG_WRITE);
    CHECK_EQ(foreign_steps, 1);
    CHECK_EQ(foreign_results[0], 0x5150);
    CHECK_OK(kumiki_tcb_set_foreign_abi(t.tcb, 0));
    struct kumiki_msg reply2 = { .label = 0, .length = 1, .words = { 0x600d } };
    CHECK_OK(kumiki_reply(&reply2));
    kt_settle();
    CHECK_EQ(foreign_steps, 3);
    CHECK_EQ(foreign_results[1], 0x600d);
    CHECK_EQ(foreign_results[2], KE_OK);
}

static void no_fault_handler_suspends(void)
{
    struct kthread t;
    after_fault = 0;
    CHECK_OK(kthread_new(&t, 100)); /* no fault endpoint */
    uint64_t address = kt_vaddr(4096, 4096);
    CHECK_OK(kthread_start(&t, write_then_read, address));
    kt_settle();
    CHECK_EQ(after_fault, 0);
    uint64_t rip = thread_rip(t.tcb);
    kt_settle();
    CHECK_EQ(thread_rip(t.tcb), rip); /* stopped, not faulting over and over */
    /* it is suspended: map the page and resume it, the write retries */
    kumiki_cptr_t frame;
    CHECK_OK(kt_new(KUMIKI_OBJ_FRAME, 0, &frame));
    CHECK_OK(kt_map(frame, address, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE));
    CHECK_OK(kumiki_tcb_resume(t.tcb));
    kt_settle();
    CHECK_EQ(after_fault, 0x1235);
}

static void fault_reply_with_label_stops_thread(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    ud2_result = 0;
    CHECK_OK(faulting_thread(&t, &ep));
    CHECK_OK(kthread_start(&t, run_ud2, 0));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_USER_EXCEPTION);
    struct kumiki_msg reply = { .label = 1, .length = 1, .words = { m.words[0] + 2 } };
    CHECK_OK(kumiki_reply(&reply));
    kt_settle();
    CHECK_EQ(ud2_result, 0);
    CHECK_EQ(thread_rip(t.tcb), m.words[0]); /* the reply words were not applied */
    struct kumiki_msg none;
    CHECK_ERR(kumiki_nb_recv(ep, &none), KE_WOULD_BLOCK); /* no second fault either */
}

static void fault_endpoint_deleted_while_faulting(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    ud2_result = 0;
    CHECK_OK(faulting_thread(&t, &ep));
    CHECK_OK(kthread_start(&t, run_ud2, 0));
    kt_settle(); /* it faults and waits on the endpoint for a handler */
    CHECK_OK(kumiki_cnode_revoke(ROOT, ep, 64));
    CHECK_OK(kumiki_cnode_delete(ROOT, ep, 64));
    kt_settle();
    CHECK_EQ(ud2_result, 0);
    CHECK_EQ(thread_rip(t.tcb), kt_code_address((void (*)(void))kt_ud2));
}

static void handler_gets_faults_in_order(void)
{
    struct kthread a, b;
    kumiki_cptr_t ep, second = kt_slot();
    CHECK_OK(faulting_thread(&a, &ep));
    CHECK_OK(kthread_new(&b, 100));
    CHECK_OK(kumiki_cnode_mint(ROOT, second, 64, ROOT, ep, 64, KUMIKI_RIGHT_WRITE, 0x99));
    CHECK_OK(kthread_set_fault_endpoint(&b, second));
    CHECK_OK(kthread_start(&a, run_ud2, 0));
    CHECK_OK(kthread_start(&b, unknown_syscall, 1234));
    kt_settle();
    struct kumiki_msg m;
    CHECK_OK(kumiki_nb_recv(ep, &m));
    CHECK_EQ(m.badge, FAULT_BADGE);
    CHECK_EQ(m.label, KUMIKI_FAULT_USER_EXCEPTION);
    CHECK_OK(kumiki_nb_recv(ep, &m)); /* drops the first fault's reply right */
    CHECK_EQ(m.badge, 0x99);
    CHECK_EQ(m.label, KUMIKI_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(m.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RAX], 1234);
}

const struct ktest fault_tests[] = {
    { "fault: VM fault, handler maps the page, reply resumes", vm_fault_handled_by_mapping },
    { "fault: ud2 as USER_EXCEPTION, reply rip skips it", user_exception_skipped_by_reply },
    { "fault: unknown syscall 1000, reply sets rax and rdi", unknown_syscall_native },
    { "fault: foreign-ABI thread, every syscall is a fault", foreign_abi_syscalls_are_faults },
    { "fault: no fault handler: thread is suspended", no_fault_handler_suspends },
    { "fault: a reply with a label leaves the thread stopped", fault_reply_with_label_stops_thread },
    { "fault: fault endpoint deleted under a faulting thread", fault_endpoint_deleted_while_faulting },
    { "fault: faults queue with their badges", handler_gets_faults_in_order },
    { NULL, NULL },
};
