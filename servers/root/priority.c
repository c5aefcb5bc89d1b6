/* servers/root/priority.c — the root task answers a server about its own
 * clients (root_requests.h): which components hold a capability to an
 * endpoint it provides (and whether they still run), and, for the
 * scheduling feedback of the device-state server (docs/devstate.md), sets
 * their priority.  Watching them end is watch.c.
 *
 * Authority comes from the manifest alone: the caller must provide the
 * endpoint (hold it with READ), the target must hold a client capability
 * to it, and the new priority must lie in 1 .. the caller's priority - 1,
 * so no component can raise anyone above itself or touch a component that
 * is not its client.  The root task holds every TCB, so it makes the
 * change (TCB SET_PRIORITY, its own TCB as the authority) and says so. */
#include "priority.h"

#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

/* What was set, per component, and in which run: a restarted component is
 * rebuilt with its declared priority. */
static struct {
    uint8_t priority;
    unsigned run; /* c->runs when set; 0: never */
} set[KDM_MAX_COMPONENTS];

uint8_t priority_current(const struct component *c)
{
    if (c->index < KDM_MAX_COMPONENTS && set[c->index].run && set[c->index].run == c->runs)
        return set[c->index].priority;
    return c->decl->priority;
}

int priority_provided_endpoint(const struct root *r, const struct component *caller, uint64_t slot)
{
    const struct kdm_cap *caps = root_caps(r, caller);
    for (uint32_t i = 0; i < caller->decl->cap_count; i++)
        if (caps[i].slot == slot && caps[i].kind == KDM_CAP_ENDPOINT && (caps[i].c & KUMIKI_RIGHT_READ))
            return (int)caps[i].a;
    return -1;
}

int priority_find_client(const struct root *r, const struct component *caller, uint64_t slot, int index,
                         uint64_t badge, const struct component **target, const struct kdm_cap **cap)
{
    int endpoint = priority_provided_endpoint(r, caller, slot);
    if (endpoint < 0)
        return ROOT_REQUEST_NOT_PROVIDER;
    int seen = 0;
    for (unsigned i = 0; i < r->component_count; i++) {
        const struct component *c = &r->components[i];
        const struct kdm_cap *caps = root_caps(r, c);
        for (uint32_t k = 0; k < c->decl->cap_count; k++) {
            const struct kdm_cap *e = &caps[k];
            if (e->kind != KDM_CAP_ENDPOINT || e->a != (uint64_t)endpoint || (e->c & KUMIKI_RIGHT_READ))
                continue; /* not a client capability of this endpoint */
            if (index >= 0 ? seen++ == index : e->b == badge) {
                *target = c;
                *cap = e;
                return ROOT_REQUEST_OK;
            }
        }
    }
    return ROOT_REQUEST_NO_CLIENT;
}

static void reply(uint64_t label, unsigned length, const uint64_t *words)
{
    struct kumiki_msg m = { .label = label, .length = length };
    for (unsigned i = 0; i < length; i++)
        m.words[i] = words[i];
    kumiki_reply(&m);
}

static enum root_client_state client_state(enum component_state state)
{
    switch (state) {
    case COMPONENT_CREATED: return ROOT_CLIENT_CREATED;
    case COMPONENT_RUNNING: return ROOT_CLIENT_RUNNING;
    case COMPONENT_EXITED: return ROOT_CLIENT_EXITED;
    case COMPONENT_STOPPED: return ROOT_CLIENT_STOPPED;
    case COMPONENT_FAILED: return ROOT_CLIENT_FAILED;
    }
    return ROOT_CLIENT_FAILED;
}

/* Runs that have ended: every run but a running one (a restart starts run
 * n + 1 after run n ended). */
static uint64_t ends_of(const struct component *c)
{
    return c->runs - (c->state == COMPONENT_RUNNING && c->runs ? 1 : 0);
}

static void serve_client(struct root *r, struct component *caller, const struct kumiki_msg *m)
{
    const struct component *target;
    const struct kdm_cap *cap;
    if (m->length != 2 || m->words[1] > KDM_MAX_CAPS) {
        reply(ROOT_REQUEST_MALFORMED, 0, NULL);
        return;
    }
    int e = priority_find_client(r, caller, m->words[0], (int)m->words[1], 0, &target, &cap);
    if (e) {
        reply((uint64_t)e, 0, NULL);
        return;
    }
    uint64_t words[ROOT_REQUEST_CLIENT_WORDS] = { cap->b, priority_current(target), target->index };
    for (unsigned i = 0; target->name[i] && i < ROOT_REQUEST_NAME_WORDS * 8 - 1; i++)
        words[3 + i / 8] |= (uint64_t)(uint8_t)target->name[i] << (8 * (i % 8));
    words[3 + ROOT_REQUEST_NAME_WORDS] = client_state(target->state);
    words[4 + ROOT_REQUEST_NAME_WORDS] = ends_of(target);
    words[5 + ROOT_REQUEST_NAME_WORDS] =
        target->state == COMPONENT_EXITED ? (uint64_t)target->exit_status : 0;
    reply(ROOT_REQUEST_OK, ROOT_REQUEST_CLIENT_WORDS, words);
}

static void serve_priority(struct root *r, struct component *caller, const struct kumiki_msg *m)
{
    const struct component *found;
    const struct kdm_cap *cap;
    if (m->length != 3) {
        reply(ROOT_REQUEST_MALFORMED, 0, NULL);
        return;
    }
    int e = priority_find_client(r, caller, m->words[0], -1, m->words[1], &found, &cap);
    if (!e && found->state != COMPONENT_RUNNING)
        e = ROOT_REQUEST_NO_CLIENT;
    uint64_t priority = m->words[2];
    if (!e && (priority < 1 || priority >= caller->decl->priority))
        e = ROOT_REQUEST_PRIORITY_RANGE;
    if (e) {
        uprintf("root: '%s' may not set the priority of its client with badge 0x%lx to %lu (error %d)\n",
                caller->name, (unsigned long)m->words[1], (unsigned long)priority, e);
        reply((uint64_t)e, 0, NULL);
        return;
    }
    struct component *target = &r->components[found->index];
    uint64_t before = priority_current(target);
    if (kumiki_tcb_set_priority(target->process.tcb, KUMIKI_CAP_INIT_TCB, priority) != KE_OK) {
        reply(ROOT_REQUEST_KERNEL, 0, NULL);
        return;
    }
    set[target->index].priority = (uint8_t)priority;
    set[target->index].run = target->runs;
    if (before != priority)
        uprintf("root: priority of '%s' %lu -> %lu (asked by '%s')\n", target->name, (unsigned long)before,
                (unsigned long)priority, caller->name);
    reply(ROOT_REQUEST_OK, 1, &before);
}

bool priority_serve(struct root *r, struct component *caller, const struct kumiki_msg *m)
{
    if (m->label == ROOT_REQUEST_CLIENT)
        serve_client(r, caller, m);
    else if (m->label == ROOT_REQUEST_PRIORITY)
        serve_priority(r, caller, m);
    else
        return false;
    return true;
}
