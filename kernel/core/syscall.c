/* kernel/core/syscall.c — the system-call dispatcher and object invocation.
 *
 * Path: entry.S syscall_entry -> syscall_from_user -> (IPC | invocation |
 * debug) -> sched_exit_to_user.  Each handler checks every argument before
 * it changes anything; a bad argument yields an error code in rax. */
#include <arch/arch.h>
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/fastpath.h>
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <kernel/log.h>
#include <kernel/tcb.h>
#include <kernel/usercopy.h>

enum { SYSCALL_INSTRUCTION_LENGTH = 2 }; /* 0f 05 */

uint64_t invocation_word(const struct invocation *inv, unsigned index)
{
    return index < inv->length ? message_word(inv->caller, index) : 0;
}

void invocation_set_result(struct invocation *inv, unsigned index, uint64_t value)
{
    message_set_word(inv->caller, index, value);
    if (index + 1 > inv->results)
        inv->results = index + 1;
}

static uint64_t dispatch_invocation(struct invocation *inv)
{
    const struct cap *cap = &inv->service->cap;
    if (!cap_has_rights(cap, kumiki_method_right(cap->type, inv->label)))
        return KE_MISSING_RIGHT;
    switch (cap->type) {
    case KUMIKI_OBJ_UNTYPED: return untyped_invoke(inv);
    case KUMIKI_OBJ_CNODE: return cnode_invoke(inv);
    case KUMIKI_OBJ_TCB: return tcb_invoke(inv);
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT:
    case KUMIKI_OBJ_PML4: return vspace_invoke(inv);
    case KUMIKI_OBJ_IRQ_CONTROL:
    case KUMIKI_OBJ_IRQ_HANDLER: return irq_invoke(inv);
    case KUMIKI_OBJ_IOPORT_CONTROL:
    case KUMIKI_OBJ_IOPORT: return ioport_invoke(inv);
    default: return KE_WRONG_TYPE;
    }
}

/* A Call (or Send) on a capability to a kernel object. */
static void invoke(struct tcb *t, struct cte *service)
{
    uint64_t info = t->ctx.rsi;
    struct invocation inv = { .caller = t, .service = service, .label = kumiki_msginfo_label(info) };
    unsigned length = (unsigned)kumiki_msginfo_length(info);
    inv.length = length < message_capacity(t) ? length : message_capacity(t);
    unsigned extra = (unsigned)kumiki_msginfo_extra_caps(info);
    uint64_t error = KE_OK;
    if (extra > KUMIKI_MSG_MAX_CAPS || (extra && !t->ipc_buffer))
        error = KE_TRUNCATED_MESSAGE;
    for (unsigned i = 0; !error && i < extra; i++) {
        struct lookup_result r =
            cspace_lookup(&t->cspace_root.cap, t->ipc_buffer->caps_or_badges[i], 64, false);
        if (r.error)
            error = KE_INVALID_CAPABILITY;
        inv.caps[i] = r.slot;
    }
    inv.extra_caps = extra;
    if (!error)
        error = dispatch_invocation(&inv);
    if (error == KE_RESTART) {
        /* Back to the syscall instruction with the registers as they were:
         * the pending interrupt is taken first, then the call goes on. */
        t->ctx.rip -= SYSCALL_INSTRUCTION_LENGTH;
        return;
    }
    t->ctx.rax = error;
    t->ctx.rsi = kumiki_msginfo(0, 0, error ? 0 : inv.results);
}

static struct cte *lookup_or_fail(struct tcb *t, uint64_t cptr)
{
    struct lookup_result r = cspace_lookup(&t->cspace_root.cap, cptr, 64, false);
    if (r.error || cap_is_null(&r.slot->cap)) {
        t->ctx.rax = KE_INVALID_CAPABILITY;
        return NULL;
    }
    return r.slot;
}

static void signal(struct tcb *t, const struct cap *cap)
{
    if (!cap_has_rights(cap, KUMIKI_RIGHT_WRITE)) {
        t->ctx.rax = KE_MISSING_RIGHT;
        return;
    }
    notification_signal((struct notification *)(uintptr_t)cap->object, cap->data);
    t->ctx.rax = KE_OK;
}

static void wait(struct tcb *t, const struct cap *cap, bool blocking)
{
    if (!cap_has_rights(cap, KUMIKI_RIGHT_READ)) {
        t->ctx.rax = KE_MISSING_RIGHT;
        return;
    }
    notification_wait(t, (struct notification *)(uintptr_t)cap->object, blocking);
}

static void send(struct tcb *t, uint64_t number)
{
    struct cte *slot = lookup_or_fail(t, t->ctx.rdi);
    if (!slot)
        return;
    switch (slot->cap.type) {
    case KUMIKI_OBJ_ENDPOINT: ipc_send(t, &slot->cap, number != SYS_NB_SEND, number == SYS_CALL); break;
    case KUMIKI_OBJ_NOTIFICATION: signal(t, &slot->cap); break;
    case KUMIKI_OBJ_REPLY: t->ctx.rax = ipc_reply(t, slot); break;
    default: invoke(t, slot); break;
    }
}

static void receive(struct tcb *t, uint64_t cptr, bool blocking)
{
    struct cte *slot = lookup_or_fail(t, cptr);
    if (!slot)
        return;
    switch (slot->cap.type) {
    case KUMIKI_OBJ_ENDPOINT: ipc_receive(t, &slot->cap, blocking); break;
    case KUMIKI_OBJ_NOTIFICATION: wait(t, &slot->cap, blocking); break;
    default: t->ctx.rax = KE_WRONG_TYPE; break;
    }
}

static void notification_call(struct tcb *t, uint64_t number)
{
    struct cte *slot = lookup_or_fail(t, t->ctx.rdi);
    if (!slot)
        return;
    if (slot->cap.type != KUMIKI_OBJ_NOTIFICATION) {
        t->ctx.rax = KE_WRONG_TYPE;
        return;
    }
    if (number == SYS_SIGNAL)
        signal(t, &slot->cap);
    else
        wait(t, &slot->cap, number == SYS_WAIT);
}

static uint64_t debug_write(struct tcb *t, vaddr_t buf, uint64_t len)
{
    if (len > KUMIKI_DEBUG_WRITE_MAX)
        return KE_RANGE;
    if (!user_range_accessible(t, buf, len, false))
        return KE_BAD_ADDRESS;
    char chunk[256];
    while (len) {
        size_t n = len < sizeof(chunk) ? len : sizeof(chunk);
        user_read(t, buf, chunk, n);
        console_write(chunk, n);
        buf += n;
        len -= n;
    }
    return KE_OK;
}

static void set_value(struct tcb *t, uint64_t value)
{
    t->ctx.rax = KE_OK;
    t->ctx.rdi = value;
}

/* A serial driver drains the console ring (core/console.c). */
static void debug_console_read(struct tcb *t)
{
    vaddr_t buf = t->ctx.rdi;
    uint64_t len = t->ctx.rsi, cptr = t->ctx.rdx;
    if (len > KUMIKI_DEBUG_WRITE_MAX) {
        t->ctx.rax = KE_RANGE;
        return;
    }
    if (!user_range_accessible(t, buf, len, true)) {
        t->ctx.rax = KE_BAD_ADDRESS;
        return;
    }
    if (cptr) {
        struct lookup_result r = cspace_lookup(&t->cspace_root.cap, cptr, 64, false);
        if (r.error || r.slot->cap.type != KUMIKI_OBJ_NOTIFICATION) {
            t->ctx.rax = r.error ? KE_INVALID_CAPABILITY : KE_WRONG_TYPE;
            return;
        }
        if (!cap_has_rights(&r.slot->cap, KUMIKI_RIGHT_WRITE)) {
            t->ctx.rax = KE_MISSING_RIGHT;
            return;
        }
        console_set_reader((struct notification *)(uintptr_t)r.slot->cap.object, r.slot->cap.data);
    }
    char chunk[256];
    uint64_t lost = 0, total = 0, lost_now;
    while (total < len) {
        size_t n = console_read(chunk, len - total < sizeof(chunk) ? len - total : sizeof(chunk), &lost_now);
        lost += lost_now;
        if (!n)
            break;
        user_write(t, buf + total, chunk, n);
        total += n;
    }
    set_value(t, total);
    t->ctx.rsi = lost;
}

/* The runtime audit's view of a slot in a CNode the caller holds. */
static void debug_slot_info(struct tcb *t)
{
    struct lookup_result r = cspace_lookup(&t->cspace_root.cap, t->ctx.rdi, 64, false);
    if (r.error || r.slot->cap.type != KUMIKI_OBJ_CNODE) {
        t->ctx.rax = KE_INVALID_CAPABILITY;
        return;
    }
    uint64_t index = t->ctx.rsi;
    if (index == 0 || index >= (1ull << r.slot->cap.size_bits)) {
        t->ctx.rax = KE_RANGE;
        return;
    }
    const struct cap *c = &cnode_slots(&r.slot->cap)[index].cap;
    set_value(t, c->type | (uint64_t)c->rights << 8 | (uint64_t)c->size_bits << 16 |
                     (uint64_t)c->guard_bits << 24);
    t->ctx.rsi = c->data;
    t->ctx.rdx = c->object;
}

static void debug_call(struct tcb *t, uint64_t number)
{
    switch (number) {
    case SYS_DEBUG_NULL: t->ctx.rax = KE_OK; break;
    case SYS_DEBUG_WRITE: t->ctx.rax = debug_write(t, t->ctx.rdi, t->ctx.rsi); break;
    case SYS_DEBUG_TICKS: set_value(t, sched_ticks()); break;
    case SYS_DEBUG_BOOT_TSC: set_value(t, arch_boot_entry_tsc()); break;
    case SYS_DEBUG_IDLE_TSC: set_value(t, arch_idle_tsc()); break;
    case SYS_DEBUG_TICK_HZ: set_value(t, sched_tick_hz()); break;
    case SYS_DEBUG_CAP_IDENTIFY: {
        struct lookup_result r = cspace_lookup(&t->cspace_root.cap, t->ctx.rdi, 64, false);
        set_value(t, r.error ? 0 : r.slot->cap.type);
        break;
    }
    case SYS_DEBUG_SLOT_INFO: debug_slot_info(t); break;
    case SYS_DEBUG_CONSOLE_READ: debug_console_read(t); break;
    case SYS_DEBUG_HALT:
        console_take_back();
        kprintf("[kernel] halt requested by thread %u '%s' (code %lu)\n", t->id, tcb_name(t), t->ctx.rdi);
        arch_debug_exit((uint8_t)t->ctx.rdi);
    default: fault_unknown_syscall(t); break;
    }
}

NORETURN void syscall_from_user(struct user_context *ctx)
{
    struct tcb *t = current_thread;
    (void)ctx;
    if (t->foreign_abi) {
        fastpath_unknown_syscall(t); /* returns only when it does not apply */
        fault_unknown_syscall(t);
        sched_exit_to_user();
    }
    uint64_t number = t->ctx.rax;
    switch (number) {
    case SYS_CALL: send(t, number); break; /* the fast path was tried in syscall_call_entry */
    case SYS_SEND:
    case SYS_NB_SEND: send(t, number); break;
    case SYS_RECV:
    case SYS_NB_RECV: receive(t, t->ctx.rdi, number == SYS_RECV); break;
    case SYS_REPLY: t->ctx.rax = ipc_reply(t, NULL); break;
    case SYS_REPLY_RECV:
        ipc_reply(t, NULL);
        receive(t, t->ctx.rdi, true);
        break;
    case SYS_YIELD:
        t->ctx.rax = KE_OK;
        sched_yield();
        break;
    case SYS_SIGNAL:
    case SYS_WAIT:
    case SYS_POLL: notification_call(t, number); break;
    default: debug_call(t, number); break;
    }
    sched_exit_to_user();
}
