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
 */
#include <kernel/cspace.h>
#include <kernel/fastpath.h>
#include <kernel/ipc.h>

static bool register_message(uint64_t info)
{
    return kumiki_msginfo_extra_caps(info) == 0 && kumiki_msginfo_length(info) <= KUMIKI_MSG_REGISTER_WORDS;
}

static void copy_registers(const struct tcb *from, struct tcb *to, uint64_t info, uint64_t badge)
{
    to->ctx.rdx = from->ctx.rdx;
    to->ctx.r10 = from->ctx.r10;
    to->ctx.r8 = from->ctx.r8;
    to->ctx.r9 = from->ctx.r9;
    to->ctx.rax = KE_OK;
    to->ctx.rdi = badge;
    to->ctx.rsi = kumiki_msginfo(kumiki_msginfo_label(info), 0, kumiki_msginfo_length(info));
}

static const struct cap *endpoint_cap(struct tcb *t, uint64_t cptr)
{
    struct lookup_result r = cspace_lookup(&t->cspace_root.cap, cptr, 64, false);
    if (r.error || r.slot->cap.type != KUMIKI_OBJ_ENDPOINT)
        return NULL;
    return &r.slot->cap;
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

    endpoint_dequeue(ep, server);
    copy_registers(caller, server, info, cap->data);
    server->reply_to = caller;
    caller->replier = server;
    caller->reply_slot = NULL;
    caller->send_can_grant = cap_has_rights(cap, KUMIKI_RIGHT_GRANT);
    thread_set_state(caller, THREAD_BLOCKED_REPLY);
    thread_set_state(server, THREAD_RUNNABLE);
    sched_switch_now(server);
}

void fastpath_reply_recv(struct tcb *server)
{
    uint64_t info = server->ctx.rsi;
    struct tcb *caller = server->reply_to;
    if (!register_message(info) || !caller || caller->state != THREAD_BLOCKED_REPLY ||
        caller->pending_fault || caller->priority < server->priority)
        return;
    const struct cap *cap = endpoint_cap(server, server->ctx.rdi);
    if (!cap || !cap_has_rights(cap, KUMIKI_RIGHT_READ))
        return;
    struct endpoint *ep = (struct endpoint *)(uintptr_t)cap->object;
    if (ep->state == ENDPOINT_SENDING || (server->bound_notification && server->bound_notification->word))
        return;

    copy_registers(server, caller, info, 0);
    server->reply_to = NULL;
    caller->replier = NULL;
    thread_set_state(caller, THREAD_RUNNABLE);
    endpoint_enqueue(ep, server, ENDPOINT_RECEIVING, THREAD_BLOCKED_RECV);
    sched_switch_now(caller);
}
