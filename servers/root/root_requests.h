/* servers/root/root_requests.h — what a component may ask of the root task
 * besides exiting: a Call on its supervisor endpoint (slot 1, badged with
 * its index, so the root task knows who asks) with one of these labels.
 *
 * All concern the clients of an endpoint the caller *provides* (named by
 * the slot of its `provides` capability): the root task answers only for
 * connections the deployment made to the caller, so a server learns who its
 * clients are, may adjust their priority, and learns when they end, and
 * nothing else.
 *
 *   ROOT_REQUEST_CLIENT    in:  slot, index
 *                          out: badge, priority now, component index, then
 *                               the component's name in ROOT_REQUEST_NAME_WORDS
 *                               words (NUL-padded), then its state
 *                               (root_client_state), its ends (how many of its
 *                               runs have ended: exits, faults, a restart's
 *                               predecessor) and its exit status (EXITED only,
 *                               else 0): the index-th client capability of
 *                               that endpoint, manifest order
 *   ROOT_REQUEST_PRIORITY  in:  slot, badge, priority
 *                          out: the priority before
 *                          Sets the priority of the running component that
 *                          holds the client capability with that badge: at
 *                          least 1 and below the caller's own priority (a
 *                          server never lifts a client above itself).
 *   ROOT_REQUEST_WATCH_CLIENTS
 *                          in:  slot, notification slot, bit
 *                          out: nothing
 *                          From now on, whenever a component holding a client
 *                          capability of that endpoint ends (exits, faults,
 *                          is restarted, cannot be rebuilt), the root task
 *                          signals the caller's notification (a `notification`
 *                          the caller declares, in that slot) with bit `bit`
 *                          (0..63): a signal never blocks the root task.  The
 *                          caller then asks ROOT_REQUEST_CLIENT which clients'
 *                          state or ends changed.  Asked again for the same
 *                          endpoint, the watch is replaced; a watch lasts as
 *                          long as the caller's run (a restarted server asks
 *                          again).  At most ROOT_MAX_WATCHES in the system.
 *
 * The reply's label is ROOT_REQUEST_OK or a root_request_error; a refused
 * request changes nothing.  A request with any other label from a
 * component is not answered (as before). */
#pragma once

#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <stdbool.h>
#include <stdint.h>

enum {
    ROOT_REQUEST_CLIENT = 0x200,
    ROOT_REQUEST_PRIORITY = 0x201,
    ROOT_REQUEST_WATCH_CLIENTS = 0x202,
    ROOT_REQUEST_NAME_WORDS = 8,                                 /* 64 bytes: KDM_NAME_MAX */
    ROOT_REQUEST_CLIENT_WORDS = 3 + ROOT_REQUEST_NAME_WORDS + 3, /* the answer's length */
    ROOT_MAX_WATCHES = 16,
};

enum root_request_error {
    ROOT_REQUEST_OK = 0,
    ROOT_REQUEST_MALFORMED = 1,        /* wrong number of words, or values out of range */
    ROOT_REQUEST_NOT_PROVIDER = 2,     /* the slot is not an endpoint the caller provides */
    ROOT_REQUEST_NO_CLIENT = 3,        /* no such client (index past the end, badge unknown, not running) */
    ROOT_REQUEST_PRIORITY_RANGE = 4,   /* not in 1 .. the caller's priority - 1 */
    ROOT_REQUEST_KERNEL = 5,           /* the kernel refused (should not happen) */
    ROOT_REQUEST_NOT_NOTIFICATION = 6, /* the slot is not a notification the caller declares (or holds) */
    ROOT_REQUEST_BIT_RANGE = 7,        /* a notification bit above 63 */
    ROOT_REQUEST_TOO_MANY = 8,         /* ROOT_MAX_WATCHES are in use */
};

/* A client component's state, as ROOT_REQUEST_CLIENT reports it. */
enum root_client_state {
    ROOT_CLIENT_CREATED = 0, /* built, not started yet */
    ROOT_CLIENT_RUNNING = 1,
    ROOT_CLIENT_EXITED = 2,  /* exited by itself: exit_status says how */
    ROOT_CLIENT_STOPPED = 3, /* faulted and not restarted (any more) */
    ROOT_CLIENT_FAILED = 4,  /* could not be built (or rebuilt for a restart) */
};

struct root_client {
    uint64_t badge;
    uint8_t priority;
    unsigned component;
    char name[ROOT_REQUEST_NAME_WORDS * 8];
    enum root_client_state state;
    uint64_t ends; /* runs that have ended: it grows at each exit, fault or restart */
    int64_t exit_status;
};

/* Whether a client in this state may still use what it asked for. */
static inline bool root_client_alive(enum root_client_state state)
{
    return state == ROOT_CLIENT_CREATED || state == ROOT_CLIENT_RUNNING;
}

/* The index-th client of the endpoint the caller provides in `slot`. */
static inline int root_request_client(uint64_t slot, unsigned index, struct root_client *out)
{
    struct kumiki_msg m = { .label = ROOT_REQUEST_CLIENT, .length = 2, .words = { slot, index } };
    if (kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &m) != KE_OK)
        return ROOT_REQUEST_KERNEL;
    if (m.label != ROOT_REQUEST_OK)
        return (int)m.label;
    if (m.length != ROOT_REQUEST_CLIENT_WORDS || m.words[3 + ROOT_REQUEST_NAME_WORDS] > ROOT_CLIENT_FAILED)
        return ROOT_REQUEST_MALFORMED;
    out->badge = m.words[0];
    out->priority = (uint8_t)m.words[1];
    out->component = (unsigned)m.words[2];
    for (unsigned i = 0; i < sizeof(out->name); i++)
        out->name[i] = (char)(m.words[3 + i / 8] >> (8 * (i % 8)));
    out->name[sizeof(out->name) - 1] = 0;
    out->state = (enum root_client_state)m.words[3 + ROOT_REQUEST_NAME_WORDS];
    out->ends = m.words[4 + ROOT_REQUEST_NAME_WORDS];
    out->exit_status = (int64_t)m.words[5 + ROOT_REQUEST_NAME_WORDS];
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

/* Signals bit `bit` of the caller's notification in `notification` whenever
 * a client of the endpoint in `slot` ends (see ROOT_REQUEST_WATCH_CLIENTS). */
static inline int root_request_watch_clients(uint64_t slot, uint64_t notification, unsigned bit)
{
    struct kumiki_msg m = { .label = ROOT_REQUEST_WATCH_CLIENTS,
                            .length = 3,
                            .words = { slot, notification, bit } };
    if (kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &m) != KE_OK)
        return ROOT_REQUEST_KERNEL;
    return (int)m.label;
}
