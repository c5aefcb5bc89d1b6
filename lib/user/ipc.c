/* lib/user/ipc.c — message marshalling between struct kumiki_msg and the
 * registers + IPC buffer. */
#include "arch/x86_64/syscall.h"
#include <kumiki/ipc.h>
#include <stdbool.h>

struct kumiki_ipc_buffer *kumiki_ipc_buffer(void)
{
    return kumiki_ipc_buffer_address();
}

/* The IPC buffer is touched only when a message needs it, so threads
 * without one can still exchange register-sized messages. */
static void load(const struct kumiki_msg *msg, struct kumiki_regs *r)
{
    unsigned length = msg->length > KUMIKI_MSG_MAX_WORDS ? KUMIKI_MSG_MAX_WORDS : msg->length;
    struct kumiki_ipc_buffer *b =
        length > KUMIKI_MSG_REGISTER_WORDS || msg->extra_caps ? kumiki_ipc_buffer() : NULL;
    for (unsigned i = 0; i < length; i++) {
        if (i < KUMIKI_MSG_REGISTER_WORDS)
            r->mr[i] = msg->words[i];
        else if (b)
            b->msg[i] = msg->words[i];
    }
    unsigned caps = msg->extra_caps > KUMIKI_MSG_MAX_CAPS ? KUMIKI_MSG_MAX_CAPS : msg->extra_caps;
    for (unsigned i = 0; b && i < caps; i++)
        b->caps_or_badges[i] = msg->caps[i];
    r->rsi = kumiki_msginfo(msg->label, caps, length);
}

static void store(const struct kumiki_regs *r, struct kumiki_msg *msg)
{
    struct kumiki_ipc_buffer *b =
        kumiki_msginfo_length(r->rsi) > KUMIKI_MSG_REGISTER_WORDS ? kumiki_ipc_buffer() : NULL;
    msg->label = kumiki_msginfo_label(r->rsi);
    msg->length = (unsigned)kumiki_msginfo_length(r->rsi);
    msg->extra_caps = (unsigned)kumiki_msginfo_extra_caps(r->rsi);
    msg->badge = r->rdi;
    for (unsigned i = 0; i < msg->length; i++)
        msg->words[i] = i < KUMIKI_MSG_REGISTER_WORDS ? r->mr[i] : b ? b->msg[i] : 0;
}

static uint64_t exchange(uint64_t number, kumiki_cptr_t cap, struct kumiki_msg *msg, bool sends,
                         bool receives)
{
    struct kumiki_regs r = { .rax = number, .rdi = cap };
    if (sends)
        load(msg, &r);
    kumiki_syscall_regs(&r);
    if (receives && r.rax == KE_OK)
        store(&r, msg);
    return r.rax;
}

uint64_t kumiki_send(kumiki_cptr_t ep, const struct kumiki_msg *msg)
{
    return exchange(SYS_SEND, ep, (struct kumiki_msg *)msg, true, false);
}

uint64_t kumiki_nb_send(kumiki_cptr_t ep, const struct kumiki_msg *msg)
{
    return exchange(SYS_NB_SEND, ep, (struct kumiki_msg *)msg, true, false);
}

uint64_t kumiki_call(kumiki_cptr_t ep, struct kumiki_msg *msg)
{
    return exchange(SYS_CALL, ep, msg, true, true);
}

uint64_t kumiki_recv(kumiki_cptr_t ep, struct kumiki_msg *msg)
{
    return exchange(SYS_RECV, ep, msg, false, true);
}

uint64_t kumiki_nb_recv(kumiki_cptr_t ep, struct kumiki_msg *msg)
{
    return exchange(SYS_NB_RECV, ep, msg, false, true);
}

uint64_t kumiki_reply(const struct kumiki_msg *msg)
{
    return exchange(SYS_REPLY, 0, (struct kumiki_msg *)msg, true, false);
}

uint64_t kumiki_reply_recv(kumiki_cptr_t ep, struct kumiki_msg *msg)
{
    return exchange(SYS_REPLY_RECV, ep, msg, true, true);
}

uint64_t kumiki_yield(void)
{
    return kumiki_syscall2(SYS_YIELD, 0, 0, NULL);
}

uint64_t kumiki_signal(kumiki_cptr_t notification)
{
    return kumiki_syscall2(SYS_SIGNAL, notification, 0, NULL);
}

uint64_t kumiki_wait(kumiki_cptr_t notification, uint64_t *word)
{
    return kumiki_syscall2(SYS_WAIT, notification, 0, word);
}

uint64_t kumiki_poll(kumiki_cptr_t notification, uint64_t *word)
{
    return kumiki_syscall2(SYS_POLL, notification, 0, word);
}

void kumiki_set_receive_slots(kumiki_cptr_t cnode, uint64_t index, uint64_t depth, uint64_t count)
{
    struct kumiki_ipc_buffer *b = kumiki_ipc_buffer();
    b->receive_cnode = cnode;
    b->receive_index = index;
    b->receive_depth = depth;
    b->receive_count = count;
}

uint64_t kumiki_invoke(kumiki_cptr_t service, uint64_t label, unsigned nwords, const uint64_t *words,
                       unsigned ncaps, const kumiki_cptr_t *caps, unsigned nresults, uint64_t *results)
{
    bool needs_buffer = nwords > KUMIKI_MSG_REGISTER_WORDS || ncaps || nresults > KUMIKI_MSG_REGISTER_WORDS;
    struct kumiki_ipc_buffer *b = needs_buffer ? kumiki_ipc_buffer() : NULL;
    struct kumiki_regs r = { .rax = SYS_CALL, .rdi = service };
    for (unsigned i = 0; i < nwords; i++) {
        if (i < KUMIKI_MSG_REGISTER_WORDS)
            r.mr[i] = words[i];
        else if (b)
            b->msg[i] = words[i];
    }
    for (unsigned i = 0; b && i < ncaps; i++)
        b->caps_or_badges[i] = caps[i];
    r.rsi = kumiki_msginfo(label, ncaps, nwords);
    kumiki_syscall_regs(&r);
    unsigned got = (unsigned)kumiki_msginfo_length(r.rsi);
    for (unsigned i = 0; r.rax == KE_OK && i < nresults && i < got; i++)
        results[i] = i < KUMIKI_MSG_REGISTER_WORDS ? r.mr[i] : b ? b->msg[i] : 0;
    return r.rax;
}
