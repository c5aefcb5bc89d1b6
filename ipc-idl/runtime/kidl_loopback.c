/*
 * Loopback transport; see kidl_loopback.h.  Plain freestanding C, so it
 * builds with the Kumiki cross compiler too (useful for in-process tests on
 * Kumiki), though only host programs use it today.
 */
#include "kidl_loopback.h"

struct binding {
    bool used;
    kidl_cptr_t endpoint;
    kidl_dispatch_fn dispatch;
    const void *server;
    kidl_badge_t badge;
};

static struct binding bindings[KIDL_LOOPBACK_MAX_ENDPOINTS];

/* The single client thread's message buffer (the IPC buffer on Kumiki). */
static struct kidl_msg client_buffer;

struct kidl_msg *kidl_msg_buffer(void)
{
    return &client_buffer;
}

int kidl_loopback_bind(kidl_cptr_t endpoint, kidl_dispatch_fn dispatch, const void *server,
                       kidl_badge_t badge)
{
    struct binding *free_slot = NULL;

    for (size_t i = 0; i < KIDL_LOOPBACK_MAX_ENDPOINTS; i++) {
        if (bindings[i].used && bindings[i].endpoint == endpoint) {
            free_slot = &bindings[i];
            break;
        }
        if (!bindings[i].used && free_slot == NULL)
            free_slot = &bindings[i];
    }
    if (free_slot == NULL)
        return KIDL_ERR_TRANSPORT;
    free_slot->used = true;
    free_slot->endpoint = endpoint;
    free_slot->dispatch = dispatch;
    free_slot->server = server;
    free_slot->badge = badge;
    return 0;
}

void kidl_loopback_reset(void)
{
    for (size_t i = 0; i < KIDL_LOOPBACK_MAX_ENDPOINTS; i++)
        bindings[i].used = false;
}

/* What the kernel checks of a message-info word before it moves anything. */
static bool deliverable(kidl_msginfo_t info)
{
    return kidl_msginfo_length(info) <= KIDL_MSG_MAX_WORDS && kidl_msginfo_caps(info) <= KIDL_MSG_MAX_CAPS;
}

/* Moves what the kernel would move: the info word, the used words, the
 * transferred capability slots.  (Plain loops: compilers may make library
 * calls of them on the host, which is where the loopback runs.) */
static inline void transfer(struct kidl_msg *to, const struct kidl_msg *from)
{
    uint32_t words = kidl_msginfo_length(from->info);
    uint32_t caps = kidl_msginfo_caps(from->info);
    kidl_word_t *to_word = to->words;
    const kidl_word_t *from_word = from->words;

    to->info = from->info;
    for (; words != 0; words--)
        *to_word++ = *from_word++;
    for (uint32_t i = 0; i < caps; i++)
        to->caps[i] = from->caps[i];
}

int kidl_call(kidl_cptr_t endpoint, struct kidl_msg *msg)
{
    /* On the stack, so a handler may itself call another loopback server. */
    struct kidl_msg server_buffer;
    const struct binding *target = NULL;

    for (size_t i = 0; i < KIDL_LOOPBACK_MAX_ENDPOINTS; i++) {
        if (bindings[i].used && bindings[i].endpoint == endpoint) {
            target = &bindings[i];
            break;
        }
    }
    if (target == NULL || !deliverable(msg->info))
        return KIDL_ERR_TRANSPORT;
    transfer(&server_buffer, msg);
    target->dispatch(target->server, target->badge, &server_buffer);
    if (!deliverable(server_buffer.info))
        return KIDL_ERR_TRANSPORT;
    transfer(msg, &server_buffer);
    return 0;
}
