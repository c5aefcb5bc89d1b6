/* servers/root/watch.c — a server is told when its clients end
 * (ROOT_REQUEST_WATCH_CLIENTS, root_requests.h).
 *
 * A server that keeps state per client (the device-state server keeps
 * each client's view of a device) must learn that a client has gone, or
 * the state of a crashed client stays in force for good.  The root task is
 * the one that sees every exit and fault, so it says so, without ever
 * waiting for the server: it holds a badged copy (badge 1 << bit, WRITE
 * only) of a notification the server declares, and signals it.  The signal
 * carries no detail; the server asks ROOT_REQUEST_CLIENT, whose answer has
 * each client's state and count of ended runs.
 *
 * Authority comes from the manifest alone, as in priority.c: the caller
 * must provide the endpoint and declare the notification in that slot.  A
 * watch belongs to one run of the caller: once the caller ends or is
 * restarted it is dead (and its notification with it), and its entry is
 * reused.  Each entry keeps one root slot from the reserve for its copy. */
#include "watch.h"
#include "priority.h"

#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

struct watch {
    bool used;
    unsigned watcher; /* component index */
    unsigned run;     /* the watcher's run it was asked in */
    uint64_t endpoint;
    kumiki_cptr_t copy; /* a root slot, kept once allocated: the badged notification */
};

static struct watch watches[ROOT_MAX_WATCHES];

static bool live(const struct root *r, const struct watch *w)
{
    const struct component *c = &r->components[w->watcher];
    return w->used && c->state == COMPONENT_RUNNING && c->runs == w->run;
}

/* Whether the caller declares a notification in `slot`. */
static bool declares_notification(const struct root *r, const struct component *c, uint64_t slot)
{
    const struct kdm_cap *caps = root_caps(r, c);
    for (uint32_t i = 0; i < c->decl->cap_count; i++)
        if (caps[i].slot == slot && caps[i].kind == KDM_CAP_NOTIFICATION)
            return true;
    return false;
}

/* The caller's watch of `endpoint` (to replace), else a free or dead entry. */
static struct watch *entry_for(const struct root *r, const struct component *caller, uint64_t endpoint)
{
    for (unsigned i = 0; i < ROOT_MAX_WATCHES; i++)
        if (live(r, &watches[i]) && watches[i].watcher == caller->index && watches[i].endpoint == endpoint)
            return &watches[i];
    for (unsigned i = 0; i < ROOT_MAX_WATCHES; i++)
        if (!live(r, &watches[i]))
            return &watches[i];
    return NULL;
}

static void reply(uint64_t label)
{
    struct kumiki_msg m = { .label = label };
    kumiki_reply(&m);
}

static uint64_t refuse(const struct component *caller, const struct kumiki_msg *m, uint64_t e)
{
    uprintf("root: '%s' may not watch the clients of its slot %lu with slot %lu bit %lu (error %lu)\n",
            caller->name, (unsigned long)m->words[0], (unsigned long)m->words[1], (unsigned long)m->words[2],
            (unsigned long)e);
    return e;
}

static uint64_t watch(struct root *r, struct component *caller, const struct kumiki_msg *m)
{
    if (m->length != 3)
        return ROOT_REQUEST_MALFORMED;
    int endpoint = priority_provided_endpoint(r, caller, m->words[0]);
    if (endpoint < 0)
        return refuse(caller, m, ROOT_REQUEST_NOT_PROVIDER);
    if (!declares_notification(r, caller, m->words[1]))
        return refuse(caller, m, ROOT_REQUEST_NOT_NOTIFICATION);
    if (m->words[2] >= 64)
        return refuse(caller, m, ROOT_REQUEST_BIT_RANGE);
    struct watch *w = entry_for(r, caller, (uint64_t)endpoint);
    if (!w)
        return refuse(caller, m, ROOT_REQUEST_TOO_MANY);
    if (!w->copy && !(w->copy = kumiki_alloc_slot(&r->alloc)))
        return refuse(caller, m, ROOT_REQUEST_TOO_MANY); /* the reserve is used up */
    /* The slot may hold an earlier watch's copy (or be emptied by the
     * destruction of that watcher's notification): cleared first. */
    kumiki_cnode_delete(r->alloc.cspace, w->copy, 64);
    w->used = false;
    uint64_t e = kumiki_cnode_mint(r->alloc.cspace, w->copy, 64, caller->process.cnode, m->words[1],
                                   caller->decl->cnode_radix, KUMIKI_RIGHT_WRITE, 1ull << m->words[2]);
    if (e || kumiki_cap_type(w->copy) != KUMIKI_OBJ_NOTIFICATION) {
        /* It declared one there, but moved or deleted it since. */
        kumiki_cnode_delete(r->alloc.cspace, w->copy, 64);
        return refuse(caller, m, ROOT_REQUEST_NOT_NOTIFICATION);
    }
    *w = (struct watch){ .used = true,
                         .watcher = caller->index,
                         .run = caller->runs,
                         .endpoint = (uint64_t)endpoint,
                         .copy = w->copy };
    uprintf("root: '%s' is told (bit %lu) when a client of its endpoint %d ends\n", caller->name,
            (unsigned long)m->words[2], endpoint);
    return ROOT_REQUEST_OK;
}

bool watch_serve(struct root *r, struct component *caller, const struct kumiki_msg *m)
{
    if (m->label != ROOT_REQUEST_WATCH_CLIENTS)
        return false;
    reply(watch(r, caller, m));
    return true;
}

/* Whether c holds a client capability (no READ) of endpoint. */
static bool client_of(const struct root *r, const struct component *c, uint64_t endpoint)
{
    const struct kdm_cap *caps = root_caps(r, c);
    for (uint32_t i = 0; i < c->decl->cap_count; i++)
        if (caps[i].kind == KDM_CAP_ENDPOINT && caps[i].a == endpoint && !(caps[i].c & KUMIKI_RIGHT_READ))
            return true;
    return false;
}

void watch_client_ended(struct root *r, const struct component *c)
{
    for (unsigned i = 0; i < ROOT_MAX_WATCHES; i++) {
        const struct watch *w = &watches[i];
        if (!live(r, w) || w->watcher == c->index || !client_of(r, c, w->endpoint))
            continue;
        uint64_t e = kumiki_signal(w->copy);
        if (e) /* its notification is gone: the watcher is ending too */
            uprintf("root: could not tell '%s' that its client '%s' ended (error %lu)\n",
                    r->components[w->watcher].name, c->name, (unsigned long)e);
        else
            uprintf("root: told '%s' that its client '%s' ended\n", r->components[w->watcher].name, c->name);
    }
}
