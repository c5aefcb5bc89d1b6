/* kernel/include/kernel/ipc.h — endpoints, notifications, replies, faults.
 *
 * An endpoint is a queue of threads all waiting to send, or all waiting to
 * receive (never both).  A notification is a word of bits OR-ed by signals
 * and a queue of waiters.  Messages move registers-first: words 0-3 between
 * saved register sets, words 4.. between IPC buffers through the physmap. */
#pragma once

#include <kernel/tcb.h>

enum endpoint_state { ENDPOINT_IDLE, ENDPOINT_SENDING, ENDPOINT_RECEIVING };

struct endpoint {
    struct tcb *head, *tail;
    uint64_t state;
    uint64_t unused;
};
_Static_assert(sizeof(struct endpoint) <= (1u << KUMIKI_ENDPOINT_SIZE_BITS), "endpoint size");

struct notification {
    struct tcb *head, *tail; /* waiting threads */
    uint64_t word;
    struct tcb *bound_tcb;
};
_Static_assert(sizeof(struct notification) <= (1u << KUMIKI_NOTIFICATION_SIZE_BITS), "notification size");

/* Endpoint queues (the fast path uses them directly). */
void endpoint_dequeue(struct endpoint *ep, struct tcb *t);
void endpoint_enqueue(struct endpoint *ep, struct tcb *t, enum endpoint_state state,
                      enum thread_state thread_state);
/* Queues t as a receiver without changing its scheduling state. */
void endpoint_append_receiver(struct endpoint *ep, struct tcb *t);

/* System calls on an endpoint capability. */
void ipc_send(struct tcb *sender, const struct cap *ep_cap, bool blocking, bool is_call);
void ipc_receive(struct tcb *receiver, const struct cap *ep_cap, bool blocking);
/* Replies to t->reply_to (or through a REPLY capability: reply_slot). */
uint64_t ipc_reply(struct tcb *replier, struct cte *reply_slot);
/* Moves the pending reply right of t into an empty slot as a REPLY cap. */
uint64_t ipc_save_caller(struct tcb *t, struct cte *dest);

void notification_signal(struct notification *n, uint64_t badge);
void notification_wait(struct tcb *t, struct notification *n, bool blocking);

/* Delivers a fault of t to its fault endpoint (as a Call), or suspends it
 * with a log line when it has none.  words: the fault message. */
void fault_deliver(struct tcb *t, unsigned label, const uint64_t *words, unsigned count);

/* Object teardown: wake every thread queued on the object with
 * KE_CANCELLED.  Used when the last capability is deleted. */
void endpoint_cancel_all(struct endpoint *ep);
void endpoint_cancel_badged(struct endpoint *ep, uint64_t badge);
void notification_finalise(struct notification *n);
/* A REPLY capability for `caller` was deleted unused. */
void reply_cap_deleted(struct tcb *caller);
/* Takes t out of whatever IPC it is in (suspend, delete); t ends INACTIVE. */
void ipc_cancel(struct tcb *t);
/* t is going away: a caller waiting for t's reply gets KE_CANCELLED. */
void ipc_drop_reply_right(struct tcb *t);
/* Sets the syscall result registers of a thread that will resume. */
void thread_set_error(struct tcb *t, uint64_t error);

/* Message registers of a thread: 0-3 in its saved registers, the rest in its
 * IPC buffer (reads as 0 and writes are dropped without one). */
uint64_t message_word(const struct tcb *t, unsigned index);
void message_set_word(struct tcb *t, unsigned index, uint64_t value);
/* Words a thread can hold: MSG_MAX_WORDS with an IPC buffer, 4 without. */
unsigned message_capacity(const struct tcb *t);
