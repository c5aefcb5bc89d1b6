/*
 * The Kumiki transport (see kidl_kumiki.h and kidl_transport.h).
 *
 * struct kidl_msg lives in the second half of the thread's IPC buffer page,
 * which the kernel never reads: one per thread, no allocation.  A message
 * goes out through the user runtime's kumiki_call / kumiki_reply_recv, which
 * put words 0-3 in registers and the rest in the kernel's part of the page.
 */
#include "kidl_kumiki.h"

#include <kumiki/ipc.h>

enum { KIDL_MSG_OFFSET = 2048 };
_Static_assert(sizeof(struct kumiki_ipc_buffer) <= KIDL_MSG_OFFSET, "kernel part of the IPC buffer page");
_Static_assert(KIDL_MSG_OFFSET + sizeof(struct kidl_msg) <= 4096, "the kidl message fits in the page");
_Static_assert(KIDL_MSG_MAX_WORDS == KUMIKI_MSG_MAX_WORDS && KIDL_MSG_MAX_CAPS == KUMIKI_MSG_MAX_CAPS &&
                   KIDL_MSGINFO_LABEL_SHIFT == KUMIKI_MSGINFO_LABEL_SHIFT,
               "the IDL's message limits are the kernel's");

static kidl_cptr_t receive_first;
static unsigned receive_count;

void kidl_kumiki_receive_into(kidl_cptr_t first, unsigned count)
{
    receive_first = first;
    receive_count = count > KIDL_MSG_MAX_CAPS ? KIDL_MSG_MAX_CAPS : count;
}

struct kidl_msg *kidl_msg_buffer(void)
{
    return (struct kidl_msg *)(void *)((char *)kumiki_ipc_buffer() + KIDL_MSG_OFFSET);
}

void kidl_kumiki_to_kernel(const struct kidl_msg *in, struct kumiki_msg *out)
{
    out->label = kidl_msginfo_label(in->info);
    out->length = kidl_msginfo_length(in->info);
    out->extra_caps = kidl_msginfo_caps(in->info);
    for (unsigned i = 0; i < out->length && i < KIDL_MSG_MAX_WORDS; i++)
        out->words[i] = in->words[i];
    for (unsigned i = 0; i < out->extra_caps && i < KIDL_MSG_MAX_CAPS; i++)
        out->caps[i] = in->caps[i];
}

void kidl_kumiki_from_kernel(const struct kumiki_msg *in, kidl_cptr_t receive_slot, struct kidl_msg *out)
{
    out->info = kidl_msginfo(in->label, in->length, in->extra_caps);
    for (unsigned i = 0; i < in->length && i < KIDL_MSG_MAX_WORDS; i++)
        out->words[i] = in->words[i];
    for (unsigned i = 0; i < in->extra_caps && i < KIDL_MSG_MAX_CAPS; i++)
        out->caps[i] = receive_slot + i;
}

static void accept_caps(void)
{
    kumiki_set_receive_slots(0, receive_first, 64, receive_count);
}

int kidl_call(kidl_cptr_t endpoint, struct kidl_msg *msg)
{
    struct kumiki_msg m;
    kidl_kumiki_to_kernel(msg, &m);
    if (receive_count)
        accept_caps();
    if (kumiki_call(endpoint, &m) != KE_OK)
        return KIDL_ERR_TRANSPORT;
    kidl_kumiki_from_kernel(&m, receive_first, msg);
    return KIDL_OK;
}

void kidl_serve_until(kidl_cptr_t endpoint, kidl_dispatch_fn dispatch, const void *server,
                      const volatile bool *stop)
{
    struct kidl_msg *msg = kidl_msg_buffer();
    struct kumiki_msg m;
    if (receive_count)
        accept_caps();
    while (kumiki_recv(endpoint, &m) != KE_OK)
        ;
    for (;;) {
        kidl_kumiki_from_kernel(&m, receive_first, msg);
        dispatch(server, m.badge, msg);
        kidl_kumiki_to_kernel(msg, &m);
        if (stop && *stop) {
            kumiki_reply(&m);
            return;
        }
        if (receive_count)
            accept_caps();
        while (kumiki_reply_recv(endpoint, &m) != KE_OK) /* a caller that went away: wait for the next */
            m.length = m.extra_caps = 0;
    }
}

void kidl_serve(kidl_cptr_t endpoint, kidl_dispatch_fn dispatch, const void *server)
{
    kidl_serve_until(endpoint, dispatch, server, NULL);
}
