/* servers/root/root_requests.h — what a component may ask of the root task
 * besides exiting: a Call on its supervisor endpoint (slot 1, badged with
 * its index, so the root task knows who asks) with one of these labels.
 *
 * Both concern the clients of an endpoint the caller *provides* (named by
 * the slot of its `provides` capability): the root task answers only for
 * connections the deployment made to the caller, so a server learns who its
 * clients are and may adjust their priority, and nothing else.
 *
 *   ROOT_REQUEST_CLIENT    in:  slot, index
 *                          out: badge, priority now, component index, then
 *                               the component's name in ROOT_REQUEST_NAME_WORDS
 *                               words (NUL-padded): the index-th client
 *                               capability of that endpoint, manifest order
 *   ROOT_REQUEST_PRIORITY  in:  slot, badge, priority
 *                          out: the priority before
 *                          Sets the priority of the running component that
 *                          holds the client capability with that badge: at
 *                          least 1 and below the caller's own priority (a
 *                          server never lifts a client above itself).
 *
 * The reply's label is ROOT_REQUEST_OK or a root_request_error.  A request
 * with any other label from a component is not answered (as before). */
#pragma once

#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <stdint.h>

enum {
    ROOT_REQUEST_CLIENT = 0x200,
    ROOT_REQUEST_PRIORITY = 0x201,
    ROOT_REQUEST_NAME_WORDS = 8, /* 64 bytes: KDM_NAME_MAX */
};

enum root_request_error {
    ROOT_REQUEST_OK = 0,
    ROOT_REQUEST_MALFORMED = 1,      /* wrong number of words, or values out of range */
    ROOT_REQUEST_NOT_PROVIDER = 2,   /* the slot is not an endpoint the caller provides */
    ROOT_REQUEST_NO_CLIENT = 3,      /* no such client (index past the end, badge unknown, not running) */
    ROOT_REQUEST_PRIORITY_RANGE = 4, /* not in 1 .. the caller's priority - 1 */
    ROOT_REQUEST_KERNEL = 5,         /* the kernel refused (should not happen) */
};

struct root_client {
    uint64_t badge;
    uint8_t priority;
    unsigned component;
    char name[ROOT_REQUEST_NAME_WORDS * 8];
};

/* The index-th client of the endpoint the caller provides in `slot`. */
static inline int root_request_client(uint64_t slot, unsigned index, struct root_client *out)
{
    struct kumiki_msg m = { .label = ROOT_REQUEST_CLIENT, .length = 2, .words = { slot, index } };
    if (kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &m) != KE_OK)
        return ROOT_REQUEST_KERNEL;
    if (m.label != ROOT_REQUEST_OK)
        return (int)m.label;
    if (m.length != 3 + ROOT_REQUEST_NAME_WORDS)
        return ROOT_REQUEST_MALFORMED;
    out->badge = m.words[0];
    out->priority = (uint8_t)m.words[1];
    out->component = (unsigned)m.words[2];
    for (unsigned i = 0; i < sizeof(out->name); i++)
        out->name[i] = (char)(m.words[3 + i / 8] >> (8 * (i % 8)));
    out->name[sizeof(out->name) - 1] = 0;
    return ROOT_REQUEST_OK;
}

/* Sets the priority of the client with `badge` of the endpoint in `slot`. */
static inline int root_request_priority(uint64_t slot, uint64_t badge, uint8_t priority, uint8_t *before)
{
    struct kumiki_msg m = { .label = ROOT_REQUEST_PRIORITY, .length = 3, .words = { slot, badge, priority } };
    if (kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &m) != KE_OK)
        return ROOT_REQUEST_KERNEL;
    if (m.label == ROOT_REQUEST_OK && m.length == 1 && before)
        *before = (uint8_t)m.words[0];
    return m.label == ROOT_REQUEST_OK && m.length != 1 ? ROOT_REQUEST_MALFORMED : (int)m.label;
}
