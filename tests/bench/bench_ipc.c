/* bench_ipc: the capability kernel's benchmarks (root task).  Meaningful
 * under QEMU -icount shift=0,sleep=off, where rdtsc counts guest
 * instructions exactly (meson compile -C build bench).  Every figure is
 * guest instructions per operation, measured at user level: it includes the
 * user-side stubs, as sel4bench's figures do.
 *
 *   ipc_call_reply_fast     Call + ReplyRecv, 0 words, server in another
 *                           address space (both directions on the fast path)
 *   ipc_call_reply_slow     the same with 10 words each way (IPC buffers: the
 *                           general path)
 *   ipc_call_reply_same_as  as fast, server thread in the caller's address space
 *   notification_signal_wait  signal waking a higher-priority waiter, which
 *                           waits again (one round)
 *   unknown_syscall_fault   a foreign-ABI thread's syscall: fault message to
 *                           the handler and its reply (round trip)
 *   page_fault              a page fault delivered to the handler and its
 *                           reply (round trip; the handler maps the page at
 *                           the end, amortised)
 *   yield                   Yield to another thread of the same priority */
#include "arch/x86_64/touch.h"
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/process.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum { ROUNDS = 1000, PRIORITY = 200, STACK_WORDS = 2048 };

#define SCRATCH_PAGE  0x10000000ull
#define MODULE_WINDOW 0x20000000ull
#define FAULT_PAGE    0x30000000ull

static struct kumiki_allocator alloc;
static int failures;

static void check(uint64_t error, const char *what)
{
    if (error) {
        uprintf("# bench: %s failed: %s\n", what, kumiki_error_name(error));
        failures++;
    }
}

static void report(const char *name, uint64_t total, uint64_t rounds)
{
    uprintf("BENCH %s %lu instructions\n", name, (unsigned long)(total / rounds));
}

/* ---- threads in the root task's own address space ------------------------ */

struct thread {
    kumiki_cptr_t tcb;
    uint64_t stack[STACK_WORDS] __attribute__((aligned(16)));
};

static uint64_t function_address(void (*fn)(void))
{
    uint64_t address;
    _Static_assert(sizeof(address) == sizeof(fn), "function pointers are 64-bit");
    memcpy(&address, &fn, sizeof(address));
    return address;
}

/* A thread running fn at `priority`, with fault_ep (0: none) as handler. */
static void start_thread(struct thread *t, void (*fn)(void), uint64_t priority, kumiki_cptr_t fault_ep,
                         bool foreign)
{
    check(kumiki_alloc_object(&alloc, KUMIKI_OBJ_TCB, 0, &t->tcb), "creating a TCB");
    kumiki_cptr_t none = kumiki_alloc_slot(&alloc); /* an empty slot: no fault handler */
    check(kumiki_tcb_set_space(t->tcb, fault_ep ? fault_ep : none, KUMIKI_CAP_INIT_CNODE, 0,
                               KUMIKI_CAP_INIT_VSPACE),
          "set_space");
    check(kumiki_tcb_set_priority(t->tcb, KUMIKI_CAP_INIT_TCB, priority), "set_priority");
    if (foreign)
        check(kumiki_tcb_set_foreign_abi(t->tcb, 1), "set_foreign_abi");
    /* As if called: rsp + 8 is 16-byte aligned at a function's entry. */
    uint64_t sp = (uint64_t)&t->stack[STACK_WORDS - 1];
    check(kumiki_tcb_write_registers(t->tcb, 1, function_address(fn), sp, 0x202, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0),
          "write_registers");
}

/* ---- Call / ReplyRecv ---------------------------------------------------- */

static kumiki_cptr_t endpoint, notification, fault_ep;

static void same_as_server(void)
{
    uint64_t mr[4] = { 0 }, badge, info;
    struct kumiki_msg first;
    kumiki_recv(endpoint, &first);
    for (;;)
        kumiki_reply_recv_fast(endpoint, kumiki_msginfo(0, 0, 0), mr, &badge, &info);
}

static uint64_t time_fast_calls(void)
{
    uint64_t mr[4] = { 0 }, info;
    for (unsigned i = 0; i < 10; i++) /* warm up: the server reaches its loop */
        kumiki_call_fast(endpoint, kumiki_msginfo(0, 0, 0), mr, &info);
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        kumiki_call_fast(endpoint, kumiki_msginfo(0, 0, 0), mr, &info);
    return kumiki_read_tsc() - start;
}

static uint64_t time_slow_calls(void)
{
    struct kumiki_msg msg = { .length = 10 };
    for (unsigned i = 0; i < 10; i++) {
        msg.length = 10;
        kumiki_call(endpoint, &msg);
    }
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++) {
        msg.length = 10;
        msg.extra_caps = 0;
        kumiki_call(endpoint, &msg);
    }
    return kumiki_read_tsc() - start;
}

static void map_module(const struct kumiki_module_desc *m)
{
    for (uint64_t slot = m->frames.start; slot < m->frames.end; slot++)
        check(kumiki_map_page(&alloc, KUMIKI_CAP_INIT_VSPACE, slot,
                              MODULE_WINDOW + (slot - m->frames.start) * 4096, KUMIKI_RIGHT_READ),
              "mapping the server module");
}

static void spawn_server(const struct kumiki_module_desc *m, const char *args, struct kumiki_process *p)
{
    kumiki_cptr_t give[1] = { endpoint };
    struct kumiki_spawn s = { .elf = (const void *)MODULE_WINDOW,
                              .elf_size = m->size,
                              .args = args,
                              .supervisor = fault_ep,
                              .badge = 1,
                              .priority = PRIORITY,
                              .memory_bits = 22,
                              .give = give,
                              .give_count = 1,
                              .scratch_vspace = KUMIKI_CAP_INIT_VSPACE,
                              .scratch_vaddr = SCRATCH_PAGE };
    const char *why = "";
    uint64_t e = kumiki_process_spawn(&alloc, &s, p, &why);
    if (e)
        uprintf("# bench: spawning the server: %s\n", why);
    check(e, "spawning the server");
}

static void bench_ipc(const struct kumiki_bootinfo *bi)
{
    if (bi->module_count < 1) {
        uprintf("# bench: the server program is missing (second module)\n");
        failures++;
        return;
    }
    map_module(&bi->modules[0]);
    struct kumiki_process server;
    spawn_server(&bi->modules[0], "bench_server fast", &server);
    report("ipc_call_reply_fast", time_fast_calls(), ROUNDS);
    check(kumiki_process_destroy(&alloc, &server), "destroying the server");
    spawn_server(&bi->modules[0], "bench_server slow", &server);
    report("ipc_call_reply_slow", time_slow_calls(), ROUNDS);
    check(kumiki_process_destroy(&alloc, &server), "destroying the server");

    static struct thread local;
    start_thread(&local, same_as_server, PRIORITY, 0, false);
    report("ipc_call_reply_same_as", time_fast_calls(), ROUNDS);
    check(kumiki_tcb_suspend(local.tcb), "suspending the server");
}

/* ---- notifications ------------------------------------------------------- */

static void waiter(void)
{
    for (;;)
        kumiki_wait(notification, NULL);
}

static void bench_notification(void)
{
    static struct thread t;
    start_thread(&t, waiter, PRIORITY + 1, 0, false);
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        kumiki_signal(notification);
    report("notification_signal_wait", kumiki_read_tsc() - start, ROUNDS);
    check(kumiki_tcb_suspend(t.tcb), "suspending the waiter");
}

/* ---- faults -------------------------------------------------------------- */

enum { DONE_SYSCALL = 0xdead };
static volatile uint64_t foreign_elapsed, fault_elapsed;

static void foreign_thread(void)
{
    for (unsigned i = 0; i < 10; i++)
        bench_foreign_syscall(SYS_DEBUG_NULL);
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        bench_foreign_syscall(SYS_DEBUG_NULL); /* a foreign thread: every syscall is a fault */
    foreign_elapsed = kumiki_read_tsc() - start;
    for (;;)
        bench_foreign_syscall(DONE_SYSCALL);
}

static void faulting_thread(void)
{
    uint64_t start = kumiki_read_tsc();
    bench_store((volatile uint64_t *)FAULT_PAGE); /* faults ROUNDS times, then the page is there */
    fault_elapsed = kumiki_read_tsc() - start;
    for (;;)
        bench_foreign_syscall(DONE_SYSCALL); /* native: an unknown syscall, a fault too */
}

/* Answers faults until the thread says it is done; after `map_after`
 * VM faults, maps a page at FAULT_PAGE first. */
static void handle_faults(unsigned map_after)
{
    struct kumiki_msg msg;
    check(kumiki_recv(fault_ep, &msg), "receiving a fault");
    for (unsigned faults = 1;; faults++) {
        if (msg.label == KUMIKI_FAULT_UNKNOWN_SYSCALL &&
            msg.words[KUMIKI_FAULT_UNKNOWN_SYSCALL_RAX] == DONE_SYSCALL)
            return;
        if (msg.label == KUMIKI_FAULT_VM && faults == map_after) {
            kumiki_cptr_t frame;
            check(kumiki_alloc_object(&alloc, KUMIKI_OBJ_FRAME, 0, &frame), "a frame");
            check(kumiki_map_page(&alloc, KUMIKI_CAP_INIT_VSPACE, frame, FAULT_PAGE,
                                  KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE),
                  "mapping the faulting page");
        }
        uint64_t mr[4] = { KE_OK, 0, 0, 0 }, badge, info;
        uint64_t reply =
            msg.label == KUMIKI_FAULT_UNKNOWN_SYSCALL ? kumiki_msginfo(0, 0, 1) : kumiki_msginfo(0, 0, 0);
        uint64_t e = kumiki_reply_recv_fast(fault_ep, reply, mr, &badge, &info);
        if (e)
            return;
        msg.label = kumiki_msginfo_label(info);
        msg.words[0] = mr[0];
    }
}

static void bench_faults(void)
{
    static struct thread foreign, faulting;
    start_thread(&foreign, foreign_thread, PRIORITY, fault_ep, true);
    handle_faults(0);
    report("unknown_syscall_fault", foreign_elapsed, ROUNDS);
    check(kumiki_tcb_suspend(foreign.tcb), "suspending the foreign thread");

    start_thread(&faulting, faulting_thread, PRIORITY, fault_ep, false);
    handle_faults(ROUNDS + 1);
    report("page_fault", fault_elapsed, ROUNDS);
    check(kumiki_tcb_suspend(faulting.tcb), "suspending the faulting thread");
}

/* ---- yield --------------------------------------------------------------- */

static void yielder(void)
{
    for (;;)
        kumiki_yield();
}

static void bench_yield(void)
{
    static struct thread t;
    start_thread(&t, yielder, PRIORITY, 0, false);
    kumiki_yield();
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        kumiki_yield(); /* to the other thread, which yields straight back */
    report("yield", kumiki_read_tsc() - start, 2 * ROUNDS);
    check(kumiki_tcb_suspend(t.tcb), "suspending the yielding thread");
}

int main(const char *argument)
{
    (void)argument;
    const struct kumiki_bootinfo *bi = kumiki_bootinfo();
    uprintf("1..1\n");
    if (!bi || kumiki_alloc_init_root(&alloc, bi)) {
        uprintf("not ok 1 - bench_ipc: no boot information or memory\n");
        return 0;
    }
    check(kumiki_tcb_set_priority(KUMIKI_CAP_INIT_TCB, KUMIKI_CAP_INIT_TCB, PRIORITY),
          "lowering the root's priority");
    check(kumiki_alloc_object(&alloc, KUMIKI_OBJ_ENDPOINT, 0, &endpoint), "an endpoint");
    check(kumiki_alloc_object(&alloc, KUMIKI_OBJ_ENDPOINT, 0, &fault_ep), "a fault endpoint");
    check(kumiki_alloc_object(&alloc, KUMIKI_OBJ_NOTIFICATION, 0, &notification), "a notification");
    if (!failures) {
        bench_ipc(bi);
        bench_notification();
        bench_faults();
        bench_yield();
    }
    uprintf("%s 1 - bench_ipc\n", failures ? "not ok" : "ok");
    return 0;
}
