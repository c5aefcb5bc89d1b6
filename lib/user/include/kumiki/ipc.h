/* lib/user/include/kumiki/ipc.h — IPC and invocations for native programs.
 *
 * A message is a label, up to KUMIKI_MSG_MAX_WORDS words (the first four in
 * registers, the rest in the IPC buffer) and up to KUMIKI_MSG_MAX_CAPS
 * capabilities.  Every function returns the kernel's error code (KE_OK). */
#pragma once

#include <kumiki/abi.h>
#include <stddef.h>

struct kumiki_msg {
    uint64_t label;
    unsigned length;     /* words */
    unsigned extra_caps; /* capabilities sent (addresses in caps) or received */
    uint64_t badge;      /* received: the sender's badge */
    uint64_t words[KUMIKI_MSG_MAX_WORDS];
    kumiki_cptr_t caps[KUMIKI_MSG_MAX_CAPS];
};

/* The calling thread's IPC buffer (NULL if it has none). */
struct kumiki_ipc_buffer *kumiki_ipc_buffer(void);

/* Invokes an object: label, words and caps in, results out.  Used by the
 * generated stubs (kumiki/invocations_generated.h). */
uint64_t kumiki_invoke(kumiki_cptr_t service, uint64_t label, unsigned nwords, const uint64_t *words,
                       unsigned ncaps, const kumiki_cptr_t *caps, unsigned nresults, uint64_t *results);

uint64_t kumiki_send(kumiki_cptr_t ep, const struct kumiki_msg *msg);
uint64_t kumiki_nb_send(kumiki_cptr_t ep, const struct kumiki_msg *msg);
uint64_t kumiki_call(kumiki_cptr_t ep, struct kumiki_msg *msg); /* msg: request in, reply out */
uint64_t kumiki_recv(kumiki_cptr_t ep, struct kumiki_msg *msg);
uint64_t kumiki_nb_recv(kumiki_cptr_t ep, struct kumiki_msg *msg);
uint64_t kumiki_reply(const struct kumiki_msg *msg);
/* Replies to the last caller, then waits on ep; msg: reply in, next message out. */
uint64_t kumiki_reply_recv(kumiki_cptr_t ep, struct kumiki_msg *msg);
uint64_t kumiki_yield(void);
uint64_t kumiki_signal(kumiki_cptr_t notification);
uint64_t kumiki_wait(kumiki_cptr_t notification, uint64_t *word);
uint64_t kumiki_poll(kumiki_cptr_t notification, uint64_t *word);

/* Where received capabilities go: slots [index, index + count) of the CNode
 * at address cnode (0 = the CSpace root) resolved with `depth` bits. */
void kumiki_set_receive_slots(kumiki_cptr_t cnode, uint64_t index, uint64_t depth, uint64_t count);

/* Register-only Call and ReplyRecv, inlined (kumiki_call_fast,
 * kumiki_reply_recv_fast): the kernel's fast path, nothing else. */
#include <kumiki/arch/x86_64/ipc_fast.h>
