/* kernel/core/ipc.c — endpoints, replies and notifications (see ipc.h).
 *
 * A message moves in one step from sender to receiver when both are
 * present; whoever comes first waits on the endpoint's queue with its
 * message still in its own registers and IPC buffer. */
#include <arch/paging.h>
#include <kernel/cdt.h>
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/object.h>
#include <kernel/string.h>

static inline unsigned min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

void thread_set_error(struct tcb *t, uint64_t error)
{
    t->ctx.rax = error;
}

unsigned message_capacity(const struct tcb *t)
{
    return t->ipc_buffer ? KUMIKI_MSG_MAX_WORDS : KUMIKI_MSG_REGISTER_WORDS;
}

uint64_t message_word(const struct tcb *t, unsigned index)
{
    switch (index) {
    case 0: return t->ctx.rdx;
    case 1: return t->ctx.r10;
    case 2: return t->ctx.r8;
    case 3: return t->ctx.r9;
    default: return t->ipc_buffer && index < KUMIKI_MSG_MAX_WORDS ? t->ipc_buffer->msg[index] : 0;
    }
}

void message_set_word(struct tcb *t, unsigned index, uint64_t value)
{
    switch (index) {
    case 0: t->ctx.rdx = value; break;
    case 1: t->ctx.r10 = value; break;
    case 2: t->ctx.r8 = value; break;
    case 3: t->ctx.r9 = value; break;
    default:
        if (t->ipc_buffer && index < KUMIKI_MSG_MAX_WORDS)
            t->ipc_buffer->msg[index] = value;
    }
}

/* ---- wait queues (endpoint and notification share the shape) ---------- */

static void queue_append(struct tcb **head, struct tcb **tail, struct tcb *t)
{
    t->queue_next = NULL;
    t->queue_prev = *tail;
    if (*tail)
        (*tail)->queue_next = t;
    else
        *head = t;
    *tail = t;
}

static void queue_remove(struct tcb **head, struct tcb **tail, struct tcb *t)
{
    if (t->queue_prev)
        t->queue_prev->queue_next = t->queue_next;
    else
        *head = t->queue_next;
    if (t->queue_next)
        t->queue_next->queue_prev = t->queue_prev;
    else
        *tail = t->queue_prev;
    t->queue_next = t->queue_prev = NULL;
    t->blocked_on = NULL;
}

void endpoint_dequeue(struct endpoint *ep, struct tcb *t)
{
    queue_remove(&ep->head, &ep->tail, t);
    if (!ep->head)
        ep->state = ENDPOINT_IDLE;
}

void endpoint_enqueue(struct endpoint *ep, struct tcb *t, enum endpoint_state state,
                      enum thread_state thread_state)
{
    queue_append(&ep->head, &ep->tail, t);
    ep->state = state;
    t->blocked_on = ep;
    thread_set_state(t, thread_state);
}

void endpoint_append_receiver(struct endpoint *ep, struct tcb *t)
{
    queue_append(&ep->head, &ep->tail, t);
    ep->state = ENDPOINT_RECEIVING;
    t->blocked_on = ep;
}

/* ---- message and capability transfer ------------------------------------ */

/* Copies the extra capabilities named in the sender's IPC buffer into the
 * receiver's receive window; stops at the first that cannot go.  Returns
 * how many went. */
static unsigned transfer_caps(struct tcb *from, struct tcb *to, unsigned count)
{
    if (!count || !from->ipc_buffer || !to->ipc_buffer)
        return 0;
    struct kumiki_ipc_buffer *rb = to->ipc_buffer;
    unsigned window = (unsigned)min_u((unsigned)rb->receive_count, KUMIKI_MSG_MAX_CAPS);
    unsigned done = 0;
    for (; done < count && done < window; done++) {
        struct lookup_result src =
            cspace_lookup(&from->cspace_root.cap, from->ipc_buffer->caps_or_badges[done], 64, false);
        if (src.error || cap_is_null(&src.slot->cap) || cap_is_factory(&src.slot->cap) ||
            src.slot->cap.type == KUMIKI_OBJ_REPLY)
            break;
        struct cap cnode = to->cspace_root.cap;
        if (rb->receive_cnode) {
            struct lookup_result c = cspace_lookup(&to->cspace_root.cap, rb->receive_cnode, 64, false);
            if (c.error)
                break;
            cnode = c.slot->cap;
        }
        unsigned depth = rb->receive_cnode ? (unsigned)rb->receive_depth : 64;
        struct lookup_result dst = cspace_lookup(&cnode, rb->receive_index + done, depth, true);
        if (dst.error || !cap_is_null(&dst.slot->cap))
            break;
        struct cap copy = src.slot->cap;
        copy.flags &= (uint8_t)~CAP_FLAG_MAPPED; /* a mapping belongs to one capability */
        slot_insert(dst.slot, copy, src.slot);
    }
    return done;
}

static void set_receive_result(struct tcb *to, uint64_t badge, uint64_t label, unsigned caps, unsigned length)
{
    to->ctx.rax = KE_OK;
    to->ctx.rdi = badge;
    to->ctx.rsi = kumiki_msginfo(label, caps, length);
}

/* The sender's message (its registers and buffer) into the receiver. */
static void transfer_message(struct tcb *from, struct tcb *to, uint64_t info, uint64_t badge, bool can_grant)
{
    unsigned length =
        min_u(min_u((unsigned)kumiki_msginfo_length(info), message_capacity(from)), message_capacity(to));
    unsigned in_registers = min_u(length, KUMIKI_MSG_REGISTER_WORDS);
    for (unsigned i = 0; i < in_registers; i++)
        message_set_word(to, i, message_word(from, i));
    if (length > KUMIKI_MSG_REGISTER_WORDS) /* both have IPC buffers, or length would be 4 */
        memcpy(&to->ipc_buffer->msg[KUMIKI_MSG_REGISTER_WORDS],
               &from->ipc_buffer->msg[KUMIKI_MSG_REGISTER_WORDS],
               (length - KUMIKI_MSG_REGISTER_WORDS) * sizeof(uint64_t));
    unsigned caps = can_grant ? transfer_caps(from, to, (unsigned)kumiki_msginfo_extra_caps(info)) : 0;
    set_receive_result(to, badge, kumiki_msginfo_label(info), caps, length);
}

static void transfer_fault(struct tcb *faulter, struct tcb *to, uint64_t badge)
{
    unsigned length = min_u(faulter->fault_length, message_capacity(to));
    for (unsigned i = 0; i < length; i++)
        message_set_word(to, i, faulter->fault_words[i]);
    set_receive_result(to, badge, faulter->pending_fault, 0, length);
}

/* ---- replies ------------------------------------------------------------- */

static void make_reply_pending(struct tcb *caller, struct tcb *receiver)
{
    if (receiver->reply_to)
        ipc_drop_reply_right(receiver); /* an older caller never got its reply */
    receiver->reply_to = caller;
    caller->replier = receiver;
    caller->reply_slot = NULL;
    thread_set_state(caller, THREAD_BLOCKED_REPLY);
}

static uint64_t *context_register(struct user_context *c, unsigned fault, unsigned index)
{
    static const uint8_t unknown_syscall[] = { CTX_RAX, CTX_RDI, CTX_RSI, CTX_RDX, CTX_R10,
                                               CTX_R8,  CTX_R9,  CTX_RIP, CTX_RSP, CTX_RFLAGS };
    static const uint8_t user_exception[] = { CTX_RIP, CTX_RSP, CTX_RFLAGS };
    uint8_t offset;
    if (fault == KUMIKI_FAULT_UNKNOWN_SYSCALL && index < sizeof(unknown_syscall))
        offset = unknown_syscall[index];
    else if (fault == KUMIKI_FAULT_USER_EXCEPTION && index < sizeof(user_exception))
        offset = user_exception[index];
    else
        return NULL;
    return (uint64_t *)(void *)((char *)c + offset);
}

/* A fault handler replied: label 0 resumes, with the reply words written
 * into the registers the fault type names; anything else leaves the thread
 * stopped. */
static void apply_fault_reply(struct tcb *replier, struct tcb *faulter, uint64_t info)
{
    unsigned fault = faulter->pending_fault;
    faulter->pending_fault = 0;
    if (kumiki_msginfo_label(info) != 0) {
        thread_set_state(faulter, THREAD_INACTIVE);
        return;
    }
    unsigned length = min_u((unsigned)kumiki_msginfo_length(info), message_capacity(replier));
    for (unsigned i = 0; i < length; i++) {
        uint64_t *reg = context_register(&faulter->ctx, fault, i);
        if (!reg)
            break;
        uint64_t value = message_word(replier, i);
        if (reg == &faulter->ctx.rflags)
            value = context_sanitise_rflags(value);
        else if ((reg == &faulter->ctx.rip || reg == &faulter->ctx.rsp) && !address_is_canonical(value))
            continue; /* would fault inside iretq, in the kernel: keep the old value */
        *reg = value;
    }
    thread_set_state(faulter, THREAD_RUNNABLE);
}

static void detach_reply(struct tcb *caller)
{
    if (caller->replier && caller->replier->reply_to == caller)
        caller->replier->reply_to = NULL;
    caller->replier = NULL;
    if (caller->reply_slot) {
        struct cte *slot = caller->reply_slot;
        caller->reply_slot = NULL;
        cdt_remove(slot);
        slot->cap = cap_null();
    }
}

uint64_t ipc_reply(struct tcb *replier, struct cte *reply_slot)
{
    struct tcb *caller = reply_slot ? (struct tcb *)(uintptr_t)reply_slot->cap.object : replier->reply_to;
    if (!caller || caller->state != THREAD_BLOCKED_REPLY)
        return KE_NO_REPLY;
    uint64_t info = replier->ctx.rsi;
    detach_reply(caller);
    if (caller->pending_fault) {
        apply_fault_reply(replier, caller, info);
    } else {
        transfer_message(replier, caller, info, 0, caller->send_can_grant_reply);
        thread_set_state(caller, THREAD_RUNNABLE);
    }
    return KE_OK;
}

uint64_t ipc_save_caller(struct tcb *t, struct cte *dest)
{
    struct tcb *caller = t->reply_to;
    if (!caller)
        return KE_NO_REPLY;
    t->reply_to = NULL;
    caller->replier = NULL;
    caller->reply_slot = dest;
    slot_insert(dest,
                (struct cap){ .type = KUMIKI_OBJ_REPLY,
                              .rights = KUMIKI_RIGHTS_ALL,
                              .object = (uint64_t)(uintptr_t)caller },
                NULL);
    return KE_OK;
}

void reply_cap_deleted(struct tcb *caller)
{
    if (caller->state != THREAD_BLOCKED_REPLY || !caller->reply_slot)
        return;
    caller->reply_slot = NULL;
    caller->pending_fault = 0;
    thread_set_error(caller, KE_CANCELLED);
    thread_set_state(caller, THREAD_RUNNABLE);
}

void ipc_drop_reply_right(struct tcb *t)
{
    struct tcb *caller = t->reply_to;
    t->reply_to = NULL;
    if (!caller || caller->state != THREAD_BLOCKED_REPLY)
        return;
    caller->replier = NULL;
    if (caller->pending_fault) {
        caller->pending_fault = 0; /* a faulted thread with no handler stays stopped */
        thread_set_state(caller, THREAD_INACTIVE);
        return;
    }
    thread_set_error(caller, KE_CANCELLED);
    thread_set_state(caller, THREAD_RUNNABLE);
}

/* ---- send and receive ---------------------------------------------------- */

void ipc_send(struct tcb *sender, const struct cap *ep_cap, bool blocking, bool is_call)
{
    if (!cap_has_rights(ep_cap, KUMIKI_RIGHT_WRITE) ||
        (is_call && !(ep_cap->rights & (KUMIKI_RIGHT_GRANT | KUMIKI_RIGHT_GRANT_REPLY)))) {
        thread_set_error(sender, KE_MISSING_RIGHT);
        return;
    }
    struct endpoint *ep = (struct endpoint *)(uintptr_t)ep_cap->object;
    bool can_grant = cap_has_rights(ep_cap, KUMIKI_RIGHT_GRANT);
    if (ep->state == ENDPOINT_RECEIVING) {
        struct tcb *receiver = ep->head;
        endpoint_dequeue(ep, receiver);
        transfer_message(sender, receiver, sender->ctx.rsi, ep_cap->data, can_grant);
        thread_set_state(receiver, THREAD_RUNNABLE);
        thread_set_error(sender, KE_OK);
        if (is_call) {
            sender->send_can_grant_reply = cap_has_rights(ep_cap, KUMIKI_RIGHT_GRANT_REPLY);
            make_reply_pending(sender, receiver);
        }
        return;
    }
    if (!blocking) {
        thread_set_error(sender, KE_OK); /* no receiver: the message is dropped */
        return;
    }
    sender->send_badge = ep_cap->data;
    sender->send_can_grant = can_grant;
    sender->send_can_grant_reply = cap_has_rights(ep_cap, KUMIKI_RIGHT_GRANT_REPLY);
    sender->send_is_call = is_call;
    sender->pending_fault = 0;
    endpoint_enqueue(ep, sender, ENDPOINT_SENDING, THREAD_BLOCKED_SEND);
}

static bool take_bound_notification(struct tcb *receiver)
{
    struct notification *n = receiver->bound_notification;
    if (!n || !n->word)
        return false;
    set_receive_result(receiver, n->word, KUMIKI_BOUND_NOTIFICATION_LABEL, 0, 0);
    n->word = 0;
    return true;
}

void ipc_receive(struct tcb *receiver, const struct cap *ep_cap, bool blocking)
{
    if (!cap_has_rights(ep_cap, KUMIKI_RIGHT_READ)) {
        thread_set_error(receiver, KE_MISSING_RIGHT);
        return;
    }
    if (receiver->reply_to)
        ipc_drop_reply_right(receiver);
    if (take_bound_notification(receiver))
        return;
    struct endpoint *ep = (struct endpoint *)(uintptr_t)ep_cap->object;
    if (ep->state == ENDPOINT_SENDING) {
        struct tcb *sender = ep->head;
        endpoint_dequeue(ep, sender);
        if (sender->pending_fault) {
            transfer_fault(sender, receiver, sender->send_badge);
            make_reply_pending(sender, receiver);
        } else {
            transfer_message(sender, receiver, sender->ctx.rsi, sender->send_badge, sender->send_can_grant);
            if (sender->send_is_call) {
                make_reply_pending(sender, receiver);
            } else {
                thread_set_error(sender, KE_OK);
                thread_set_state(sender, THREAD_RUNNABLE);
            }
        }
        return;
    }
    if (!blocking) {
        set_receive_result(receiver, 0, 0, 0, 0);
        thread_set_error(receiver, KE_WOULD_BLOCK);
        return;
    }
    endpoint_enqueue(ep, receiver, ENDPOINT_RECEIVING, THREAD_BLOCKED_RECV);
}

/* ---- faults -------------------------------------------------------------- */

void fault_deliver(struct tcb *t, unsigned label, const uint64_t *words, unsigned count)
{
    struct cap *ep_cap = &t->fault_endpoint.cap;
    if (ep_cap->type != KUMIKI_OBJ_ENDPOINT) {
        log_warn("thread %u '%s': fault %u (word0 0x%lx, word1 0x%lx) and no fault handler: suspended", t->id,
                 tcb_name(t), label, words[0], count > 1 ? words[1] : 0);
        thread_set_state(t, THREAD_INACTIVE);
        return;
    }
    t->pending_fault = (uint8_t)label;
    t->fault_length = (uint8_t)min_u(count, KUMIKI_FAULT_MAX_WORDS);
    memcpy(t->fault_words, words, t->fault_length * sizeof(uint64_t));
    struct endpoint *ep = (struct endpoint *)(uintptr_t)ep_cap->object;
    if (ep->state == ENDPOINT_RECEIVING) {
        struct tcb *handler = ep->head;
        endpoint_dequeue(ep, handler);
        transfer_fault(t, handler, ep_cap->data);
        thread_set_state(handler, THREAD_RUNNABLE);
        make_reply_pending(t, handler);
        return;
    }
    t->send_badge = ep_cap->data;
    t->send_can_grant = false;
    t->send_can_grant_reply = false;
    t->send_is_call = true;
    endpoint_enqueue(ep, t, ENDPOINT_SENDING, THREAD_BLOCKED_SEND);
}

/* ---- notifications ------------------------------------------------------- */

void notification_signal(struct notification *n, uint64_t badge)
{
    if (n->head) {
        struct tcb *waiter = n->head;
        queue_remove(&n->head, &n->tail, waiter);
        set_receive_result(waiter, n->word | badge, 0, 0, 0);
        n->word = 0;
        thread_set_state(waiter, THREAD_RUNNABLE);
        return;
    }
    struct tcb *bound = n->bound_tcb;
    if (bound && bound->state == THREAD_BLOCKED_RECV) {
        ipc_cancel(bound);
        set_receive_result(bound, n->word | badge, KUMIKI_BOUND_NOTIFICATION_LABEL, 0, 0);
        n->word = 0;
        thread_set_state(bound, THREAD_RUNNABLE);
        return;
    }
    n->word |= badge;
}

void notification_wait(struct tcb *t, struct notification *n, bool blocking)
{
    if (n->word || !blocking) {
        set_receive_result(t, n->word, 0, 0, 0);
        n->word = 0;
        return;
    }
    queue_append(&n->head, &n->tail, t);
    t->blocked_on = n;
    thread_set_state(t, THREAD_BLOCKED_NOTIFICATION);
}

/* ---- cancellation -------------------------------------------------------- */

void ipc_cancel(struct tcb *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECV: endpoint_dequeue(t->blocked_on, t); break;
    case THREAD_BLOCKED_NOTIFICATION: {
        struct notification *n = t->blocked_on;
        queue_remove(&n->head, &n->tail, t);
        break;
    }
    case THREAD_BLOCKED_REPLY: detach_reply(t); break;
    default: break;
    }
    t->pending_fault = 0;
    if (t->state != THREAD_RUNNABLE)
        thread_set_state(t, THREAD_INACTIVE);
}

static void wake_cancelled(struct tcb *t)
{
    t->pending_fault = 0;
    thread_set_error(t, KE_CANCELLED);
    thread_set_state(t, THREAD_RUNNABLE);
}

void endpoint_cancel_all(struct endpoint *ep)
{
    while (ep->head) {
        struct tcb *t = ep->head;
        bool was_faulting = t->pending_fault != 0;
        endpoint_dequeue(ep, t);
        if (was_faulting) {
            t->pending_fault = 0;
            thread_set_state(t, THREAD_INACTIVE); /* its fault can no longer be handled */
        } else {
            wake_cancelled(t);
        }
    }
}

void endpoint_cancel_badged(struct endpoint *ep, uint64_t badge)
{
    struct tcb *t = ep->state == ENDPOINT_SENDING ? ep->head : NULL;
    while (t) {
        struct tcb *next = t->queue_next;
        if (t->send_badge == badge && !t->pending_fault) {
            endpoint_dequeue(ep, t);
            wake_cancelled(t);
        }
        t = next;
    }
}

void notification_finalise(struct notification *n)
{
    irq_notification_gone(n); /* no interrupt may signal it any more */
    console_notification_gone(n);
    while (n->head) {
        struct tcb *t = n->head;
        queue_remove(&n->head, &n->tail, t);
        wake_cancelled(t);
    }
    if (n->bound_tcb) {
        n->bound_tcb->bound_notification = NULL;
        n->bound_tcb = NULL;
    }
}
