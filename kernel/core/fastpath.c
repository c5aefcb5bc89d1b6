/* kernel/core/fastpath.c — Call and ReplyRecv in one straight line.
 *
 * The common case of client/server IPC is a register-only message to a
 * partner that is already waiting.  Then the whole exchange is: move four
 * words and the message info between two saved register sets, record the
 * reply right, requeue two threads and switch.  Each function checks every
 * condition first and returns (having changed nothing) if one fails; the
 * general path in syscall.c then does the same work step by step.
 *
 * Call fast path:       ReplyRecv fast path:
 *   no extra caps, <= 4 words   no extra caps, <= 4 words
 *   cap: endpoint, WRITE and    a caller waiting for our reply (not a fault)
 *     GRANT or GRANT_REPLY      cap: endpoint with READ, no sender queued
 *   a receiver waiting          no pending bound notification
 *   receiver priority >= ours   caller priority >= ours
 *   receiver owes no reply
 *
 * Unknown-syscall faults (every system call of a foreign-ABI thread) have
 * their own: the fault endpoint's receiver gets the ten-word fault message
 * (four in registers, six in its IPC buffer) and the switch is direct; the
 * handler's register-only reply with label 0 sets rax, rdi, rsi, rdx and
 * resumes the thread through the ReplyRecv fast path.
 */
#include <kernel/cspace.h>
#include <kernel/fastpath.h>
#include <kernel/ipc.h>

static inline bool register_message(uint64_t info)
{
    return kumiki_msginfo_extra_caps(info) == 0 && kumiki_msginfo_length(info) <= KUMIKI_MSG_REGISTER_WORDS;
}

static inline void copy_registers(const struct tcb *from, struct tcb *to, uint64_t info, uint64_t badge)
{
    to->ctx.rdx = from->ctx.rdx;
    to->ctx.r10 = from->ctx.r10;
    to->ctx.r8 = from->ctx.r8;
    to->ctx.r9 = from->ctx.r9;
    to->ctx.rax = KE_OK;
    to->ctx.rdi = badge;
    to->ctx.rsi = kumiki_msginfo(kumiki_msginfo_label(info), 0, kumiki_msginfo_length(info));
}

/* The endpoint capability at cptr.  A one-level CSpace (guard + radix = 64
 * bits, the usual case) is indexed directly; anything else takes the
 * general lookup. */
#define FAST static inline __attribute__((always_inline))

FAST const struct cap *endpoint_cap(struct tcb *t, uint64_t cptr)
{
    const struct cap *root = &t->cspace_root.cap;
    const struct cap *cap;
    unsigned radix = root->size_bits;
    if (root->type == KUMIKI_OBJ_CNODE && radix + root->guard_bits == KUMIKI_WORD_BITS) {
        uint64_t index = cptr & ((1ull << radix) - 1);
        if ((root->guard_bits && (cptr >> radix) != root->data) || index == 0)
            return NULL;
        cap = &cnode_slots(root)[index].cap;
    } else {
        struct lookup_result r = cspace_lookup(root, cptr, 64, false);
        if (r.error)
            return NULL;
        cap = &r.slot->cap;
    }
    return cap->type == KUMIKI_OBJ_ENDPOINT ? cap : NULL;
}

/* Takes the first waiter off an endpoint queue. */
FAST void take_head(struct endpoint *ep, struct tcb *head)
{
    struct tcb *next = head->queue_next;
    ep->head = next;
    if (next) {
        next->queue_prev = NULL;
    } else {
        ep->tail = NULL;
        ep->state = ENDPOINT_IDLE;
    }
    head->queue_next = NULL;
    head->blocked_on = NULL;
}

/* `blocked` stops running and `woken` may run.  At one priority the woken
 * thread simply takes the blocked one's place in the ready queue (O(1), no
 * bitmap update); otherwise both go through the scheduler. */
FAST void hand_over(struct tcb *blocked, enum thread_state state, struct tcb *woken)
{
    if (blocked->priority == woken->priority && blocked->on_ready_queue && !woken->on_ready_queue) {
        sched_replace(blocked, woken);
        blocked->state = state;
        woken->state = THREAD_RUNNABLE;
        return;
    }
    thread_set_state(blocked, state);
    thread_set_state(woken, THREAD_RUNNABLE);
}

void fastpath_call(struct tcb *caller)
{
    uint64_t info = caller->ctx.rsi;
    if (!register_message(info))
        return;
    const struct cap *cap = endpoint_cap(caller, caller->ctx.rdi);
    if (!cap || !cap_has_rights(cap, KUMIKI_RIGHT_WRITE) ||
        !(cap->rights & (KUMIKI_RIGHT_GRANT | KUMIKI_RIGHT_GRANT_REPLY)))
        return;
    struct endpoint *ep = (struct endpoint *)(uintptr_t)cap->object;
    if (ep->state != ENDPOINT_RECEIVING)
        return;
    struct tcb *server = ep->head;
    if (server->priority < caller->priority || server->reply_to)
        return;

    take_head(ep, server);
    copy_registers(caller, server, info, cap->data);
    server->reply_to = caller;
    caller->replier = server;
    caller->reply_slot = NULL;
    caller->send_can_grant_reply = cap_has_rights(cap, KUMIKI_RIGHT_GRANT_REPLY);
    hand_over(caller, THREAD_BLOCKED_REPLY, server);
    switch_to_thread(server);
}

/* The reply to an UNKNOWN_SYSCALL fault (a personality answering its
 * program's system call): reply words 0-3 are rax, rdi, rsi, rdx. */
static void apply_syscall_reply(const struct tcb *server, struct tcb *caller, uint64_t length)
{
    const uint64_t words[4] = { server->ctx.rdx, server->ctx.r10, server->ctx.r8, server->ctx.r9 };
    uint64_t *regs[4] = { &caller->ctx.rax, &caller->ctx.rdi, &caller->ctx.rsi, &caller->ctx.rdx };
    for (uint64_t i = 0; i < length; i++)
        *regs[i] = words[i];
    caller->pending_fault = 0;
}

void fastpath_reply_recv(struct tcb *server)
{
    uint64_t info = server->ctx.rsi;
    struct tcb *caller = server->reply_to;
    if (!register_message(info) || !caller || caller->state != THREAD_BLOCKED_REPLY ||
        caller->priority < server->priority)
        return;
    bool syscall_reply = false;
    if (__builtin_expect(caller->pending_fault != 0, 0)) {
        if (caller->pending_fault != KUMIKI_FAULT_UNKNOWN_SYSCALL || kumiki_msginfo_label(info) != 0)
            return; /* other fault replies, and replies that leave the thread stopped */
        syscall_reply = true;
    }
    const struct cap *cap = endpoint_cap(server, server->ctx.rdi);
    if (!cap || !cap_has_rights(cap, KUMIKI_RIGHT_READ))
        return;
    struct endpoint *ep = (struct endpoint *)(uintptr_t)cap->object;
    if (ep->state == ENDPOINT_SENDING || (server->bound_notification && server->bound_notification->word))
        return;

    if (__builtin_expect(syscall_reply, 0))
        apply_syscall_reply(server, caller, kumiki_msginfo_length(info));
    else
        copy_registers(server, caller, info, 0);
    server->reply_to = NULL;
    caller->replier = NULL;
    endpoint_append_receiver(ep, server);
    hand_over(server, THREAD_BLOCKED_RECV, caller);
    switch_to_thread(caller);
}

void fastpath_unknown_syscall(struct tcb *t)
{
    const struct cap *cap = &t->fault_endpoint.cap;
    if (cap->type != KUMIKI_OBJ_ENDPOINT)
        return;
    struct endpoint *ep = (struct endpoint *)(uintptr_t)cap->object;
    if (ep->state != ENDPOINT_RECEIVING)
        return;
    struct tcb *handler = ep->head;
    if (handler->priority < t->priority || handler->reply_to || !handler->ipc_buffer)
        return;

    take_head(ep, handler);
    const struct user_context *c = &t->ctx;
    uint64_t *buffer = handler->ipc_buffer->msg;
    buffer[KUMIKI_FAULT_UNKNOWN_SYSCALL_R10] = c->r10;
    buffer[KUMIKI_FAULT_UNKNOWN_SYSCALL_R8] = c->r8;
    buffer[KUMIKI_FAULT_UNKNOWN_SYSCALL_R9] = c->r9;
    buffer[KUMIKI_FAULT_UNKNOWN_SYSCALL_RIP] = c->rip;
    buffer[KUMIKI_FAULT_UNKNOWN_SYSCALL_RSP] = c->rsp;
    buffer[KUMIKI_FAULT_UNKNOWN_SYSCALL_RFLAGS] = c->rflags;
    handler->ctx.rdx = c->rax;
    handler->ctx.r10 = c->rdi;
    handler->ctx.r8 = c->rsi;
    handler->ctx.r9 = c->rdx;
    handler->ctx.rax = KE_OK;
    handler->ctx.rdi = cap->data;
    handler->ctx.rsi = kumiki_msginfo(KUMIKI_FAULT_UNKNOWN_SYSCALL, 0, KUMIKI_FAULT_UNKNOWN_SYSCALL_LENGTH);
    t->pending_fault = KUMIKI_FAULT_UNKNOWN_SYSCALL;
    handler->reply_to = t;
    t->replier = handler;
    t->reply_slot = NULL;
    hand_over(t, THREAD_BLOCKED_REPLY, handler);
    switch_to_thread(handler);
}

_Static_assert(SYS_CALL == 1 && SYS_REPLY_RECV == 2, "entry.S dispatches on these numbers");

NORETURN void syscall_call_entry(struct user_context *ctx)
{
    struct tcb *t = current_thread;
    if (!t->foreign_abi)
        fastpath_call(t);
    syscall_from_user(ctx);
}

NORETURN void syscall_reply_recv_entry(struct user_context *ctx)
{
    struct tcb *t = current_thread;
    if (!t->foreign_abi)
        fastpath_reply_recv(t);
    syscall_from_user(ctx);
}
