/* servers/devstate/devstate.c — the device-state server (docs/devstate.md).
 *
 * Each client holds one capability per view: its badge is device << 8 |
 * client (devstate.idl).  Who holds which badge comes from the root task at
 * start (root_requests.h: the clients of the endpoint devstate provides),
 * so a view exists exactly when the deployment connects it, and the monitor
 * can name every client.  A request goes through the table-driven engine
 * (engine.c) with the deployment's tables (devstate_tables.h, generated
 * from its .dst configuration); when a merged field changes, the field's
 * actuator calls the driver (act_<driver>.c).  Every request and every
 * device access a driver makes for devstate is recorded in the monitor's
 * ring (monitor.c), which the reader holding DEVSTATE_MONITOR_BADGE drains
 * with monitor_read; its rates feed the scheduling policy (schedule.c),
 * which asks the root task to change a client's priority.
 *
 * One thread: requests on its endpoint, and events on a notification
 * bound to its TCB: the timer driver signals scheduling windows and force
 * timeouts (bits below TIMER_IDS), the root task signals CLIENT_ENDS when a
 * client component ends (ROOT_REQUEST_WATCH_CLIENTS).  A client that has
 * ended no longer uses anything: its views leave, exactly as if it had
 * detached them (a restarted client gets fresh ones).  Nothing it does for
 * one request waits for another client: a monitor reader that waits has
 * its reply saved (CNODE SAVE_CALLER) and answered after a later request
 * adds records.
 *
 * Arguments: "stoppable" — when every view has detached or left (and the
 * reader has had the last records), stop the drivers and the timer and exit
 * (tests). */
#include "devstate_caps.h"
#include "devstate_config.h"
#include "devstate_server.h"
#include "iomon_line.h"
#include "monitor.h"
#include "root_requests.h"
#include "schedule.h"
#include "timer_client.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

/* The notification the timer signals (the deployment's `notification events`). */
#define EVENTS DEVSTATE_CAP_EVENTS

enum {
    REPLY_SLOT = 63,    /* the waiting reader's reply; checked empty at start */
    TIMER_SCHEDULE = 1, /* schedule i: timeout id TIMER_SCHEDULE + i */
    TIMER_FORCE = 16,   /* force i: timeout id TIMER_FORCE + i */
    MAX_CALLERS = 32,   /* badges connected to devstate */
    CLIENT_ENDS = 40,   /* the root task's bit: a client component ended */
    NO_DEVICE = -1,
    MS = 1000000,
};
_Static_assert(TIMER_SCHEDULE + DEVSTATE_MAX_SCHEDULES <= TIMER_FORCE, "timer ids");
_Static_assert(TIMER_FORCE + DEVSTATE_MAX_FORCES <= TIMER_IDS, "timer ids");
_Static_assert(TIMER_IDS <= CLIENT_ENDS && CLIENT_ENDS < 64, "the timer never signals the root task's bit");

/* Someone the monitor names: a client (a component) or a driver. */
struct actor {
    char name[DEVSTATE_NAME_MAX + 1];
    uint64_t badge;                    /* a client's: one of its badges, for the root task */
    uint8_t priority, lowest, highest; /* as the feedback set them (lowest 0: never) */
    const struct devstate_schedule *schedule;
    bool ended; /* its component is not running: no feedback */
};

/* What a badge means. */
struct caller {
    uint64_t badge;
    uint8_t actor;
    int device;     /* index into devstate_config.devices, NO_DEVICE: no view */
    uint8_t client; /* the engine's client index: client number - 1 */
    bool attached;
    uint64_t ends; /* its component's ended runs when its view attached (root_requests.h) */
};

static struct ds_state states[DEVSTATE_MAX_DEVICES];
static struct actor actors[MONITOR_MAX_ACTORS];
static unsigned actor_count;
static uint8_t driver_actor[DEVSTATE_MAX_DEVICES];
static struct caller callers[MAX_CALLERS];
static unsigned caller_count, views_attached;
static struct caller stranger = { .device = NO_DEVICE }; /* a badge the root task did not list */

static struct monitor monitor;
static struct devstate_record ring[DEVSTATE_MAX_RING];
/* The batch the reader has but has not acknowledged (by reading again):
 * printed again by a final flush, so nothing it had not printed is lost. */
static struct devstate_record lent[DEVSTATE_MONITOR_BATCH];
static uint32_t lent_count;
static bool reader_present, reader_waiting, final_sent;
static bool stoppable, stopping;
static bool force_armed[DEVSTATE_MAX_FORCES];
/* A force timeout whose asking view has left (detached, or its client
 * ended): the request outlives its asker (an OS that asks for power-off
 * and halts still wants it), so the timeout stays armed for force_asked
 * while views are left to force. */
static bool force_orphaned[DEVSTATE_MAX_FORCES];
static uint64_t force_asked[DEVSTATE_MAX_FORCES];

/* ---- the monitor ------------------------------------------------------ */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* One record.  The line format (iomon_line.h, tools/iomon) wants at least
 * one access of at least one byte, and a value that fits its size: a
 * request that asked for none (a detach, a bad count or size) is recorded
 * as one byte, its value cut to its size. */
static void note(uint8_t actor, uint32_t thread, uint8_t device, uint16_t reg, uint64_t value, uint32_t count,
                 uint32_t size, enum devstate_outcome outcome)
{
    count = count ? count : 1;
    size = size ? size : 1;
    value &= size_mask(size);
    monitor_record(&monitor, (struct devstate_record){ .tsc = kumiki_read_tsc(),
                                                       .value = value,
                                                       .thread = thread,
                                                       .count = count,
                                                       .size = size,
                                                       .reg = reg,
                                                       .actor = actor,
                                                       .device = device,
                                                       .outcome = outcome });
}

static const char *device_name(uint8_t number)
{
    for (unsigned d = 0; d < devstate_config.device_count; d++)
        if (devstate_config.devices[d].number == number)
            return devstate_config.devices[d].model.name;
    return number ? NULL : "none";
}

static void print_record(const struct devstate_record *r)
{
    char line[IOMON_LINE_MAX];
    iomon_line(line, sizeof(line), r, r->actor < actor_count ? actors[r->actor].name : "?",
               device_name(r->device));
    kumiki_debug_write(line, strlen(line));
}

/* Before an irreversible action: everything not yet printed by the reader,
 * printed here (the reader's unacknowledged batch may appear twice). */
static void flush_monitor(void)
{
    for (uint32_t i = 0; i < lent_count; i++)
        print_record(&lent[i]);
    struct devstate_record r;
    while (monitor_take(&monitor, &r, 1))
        print_record(&r);
    if (monitor.dropped) {
        char line[IOMON_LINE_MAX];
        iomon_dropped_line(line, sizeof(line), monitor.dropped);
        kumiki_debug_write(line, strlen(line));
    }
}

/* ---- actions on the drivers ----------------------------------------- */

static void record_driver(const struct devstate_action *a, uint16_t port, uint64_t value, uint32_t count,
                          uint32_t size, bool failed)
{
    note(driver_actor[a->device], 0, devstate_config.devices[a->device].number, port, value, count, size,
         failed ? DEVSTATE_OUTCOME_ERROR : DEVSTATE_OUTCOME_FORWARDED);
    if (a->final)
        flush_monitor();
}

static int act(unsigned device, devstate_actuator actuator, struct devstate_action *a)
{
    a->record = record_driver;
    a->device = device;
    return actuator(a);
}

/* Every field whose merged value differs from `before` goes to its driver. */
static void apply_changes(unsigned device, const uint64_t *before)
{
    const struct devstate_device *d = &devstate_config.devices[device];
    for (unsigned f = 0; f < d->model.field_count; f++) {
        const struct devstate_field_binding *b = &d->fields[f];
        if (states[device].hardware[f] == before[f] || !b->apply)
            continue;
        struct devstate_action a = { .arg = b->arg, .value = states[device].hardware[f], .final = b->final };
        int e = act(device, b->apply, &a);
        if (e)
            uprintf("devstate: %s: applying %s = %lu failed (%d)\n", d->model.name, d->model.fields[f].name,
                    (unsigned long)a.value, e);
    }
}

/* Whether a merged field would change the device: only fields with an
 * actuator ever reach it. */
static bool reaches_device(unsigned device, const uint64_t *before)
{
    const struct devstate_device *d = &devstate_config.devices[device];
    for (unsigned f = 0; f < d->model.field_count; f++)
        if (states[device].hardware[f] != before[f] && d->fields[f].apply)
            return true;
    return false;
}

/* After a rewrite write that did not reach the device: DEFERRED when the
 * client's view of an all-agree field waits for the others. */
static enum devstate_outcome unapplied_outcome(unsigned device, unsigned client,
                                               const struct ds_register *reg)
{
    const struct ds_state *s = &states[device];
    for (unsigned b = 0; b < reg->bit_count; b++) {
        unsigned f = reg->bits[b].field;
        if (s->device->fields[f].policy == DS_ALL_AGREE && s->views[client][f] != s->hardware[f])
            return DEVSTATE_OUTCOME_DEFERRED;
    }
    return DEVSTATE_OUTCOME_VIRTUAL;
}

/* Whether an orphaned request still waits: some view is left to force,
 * and the field is not already what was asked. */
static bool orphan_waits(unsigned i)
{
    const struct devstate_force *f = &devstate_config.forces[i];
    const struct ds_state *s = &states[f->device];
    bool any = false;
    for (unsigned c = 0; c < DS_MAX_CLIENTS; c++)
        any = any || s->attached[c];
    return force_orphaned[i] && any && s->hardware[f->field] != force_asked[i];
}

/* Force timeouts follow the fields they watch: armed when a view first
 * asks, cancelled when the views agree, or when no request stands any
 * more (withdrawn; an orphaned one stands until every view has gone). */
static void watch_forces(void)
{
    for (unsigned i = 0; i < devstate_config.force_count; i++) {
        const struct devstate_force *f = &devstate_config.forces[i];
        uint64_t asked;
        bool waiting = ds_waiting(&states[f->device], f->field, &asked);
        if (waiting && !force_armed[i]) {
            force_armed[i] =
                !timer_oneshot(DEVSTATE_CAP_CLOCK, (uint8_t)(TIMER_FORCE + i), (uint64_t)f->after_ms * MS);
            force_asked[i] = asked;
        } else if (!waiting && force_armed[i] && !orphan_waits(i)) {
            timer_cancel(DEVSTATE_CAP_CLOCK, (uint8_t)(TIMER_FORCE + i));
            force_armed[i] = false;
        }
        if (!force_armed[i])
            force_orphaned[i] = false;
    }
}

/* Before a client's view of a device leaves: an armed force timeout it
 * asked for is kept for its request (watch_forces). */
static void orphan_forces(unsigned device, unsigned client)
{
    for (unsigned i = 0; i < devstate_config.force_count; i++) {
        const struct devstate_force *f = &devstate_config.forces[i];
        uint64_t v = states[device].views[client][f->field];
        if (f->device == device && force_armed[i] && v != states[device].device->fields[f->field].idle &&
            v == force_asked[i])
            force_orphaned[i] = true;
    }
}

/* ---- who is asking ---------------------------------------------------- */

static struct caller *identify(kidl_badge_t badge)
{
    for (unsigned i = 0; i < caller_count; i++)
        if (callers[i].badge == badge)
            return &callers[i];
    return &stranger;
}

static int register_index(const struct ds_device *m, uint16_t reg)
{
    for (unsigned r = 0; r < m->register_count; r++)
        if (m->registers[r].offset == reg)
            return (int)r;
    return -1;
}

/* The common checks of a register access; 0, or the error (recorded). */
static int check_access(const struct caller *c, uint32_t thread, uint16_t reg, uint8_t size, uint64_t value,
                        int *index)
{
    int e = 0;
    if (c->device == NO_DEVICE || !c->attached)
        e = DEVSTATE_ERROR_NO_VIEW;
    else if ((*index = register_index(&devstate_config.devices[c->device].model, reg)) < 0)
        e = DEVSTATE_ERROR_NO_REGISTER;
    else if (devstate_config.devices[c->device].registers[*index].size != size)
        e = DEVSTATE_ERROR_BAD_SIZE;
    if (e)
        note(c->actor, thread, c->device == NO_DEVICE ? 0 : devstate_config.devices[c->device].number, reg,
             value, 1, size, DEVSTATE_OUTCOME_ERROR);
    return e;
}

/* ---- the interface ---------------------------------------------------- */

static int on_write(void *ctx, kidl_badge_t badge, uint32_t thread, uint16_t reg, uint8_t size,
                    uint64_t value, enum devstate_outcome *outcome)
{
    (void)ctx;
    const struct caller *c = identify(badge);
    int r, e = check_access(c, thread, reg, size, value, &r);
    if (e)
        return e;
    unsigned device = (unsigned)c->device;
    const struct devstate_device *d = &devstate_config.devices[device];
    const struct ds_register *model = &d->model.registers[r];
    value &= size_mask(size);
    uint64_t before[DS_MAX_FIELDS];
    memcpy(before, states[device].hardware, sizeof(before));
    struct ds_effect effect = ds_write(&states[device], c->client, reg, value);
    struct devstate_action a = { .value = value };
    switch (model->writes) {
    case DS_FORWARD:
        e = act(device, d->registers[r].write, &a) ? DEVSTATE_ERROR_DEVICE_FAILED : 0;
        *outcome = e ? DEVSTATE_OUTCOME_ERROR : DEVSTATE_OUTCOME_FORWARDED;
        break;
    case DS_REFUSE: *outcome = DEVSTATE_OUTCOME_REFUSED; break;
    case DS_VIRTUAL: *outcome = DEVSTATE_OUTCOME_VIRTUAL; break;
    case DS_REWRITE:
        *outcome = reaches_device(device, before) ? DEVSTATE_OUTCOME_REWRITTEN
                                                  : unapplied_outcome(device, c->client, model);
        break;
    }
    (void)effect;
    /* The request's record comes before the device accesses it causes. */
    note(c->actor, thread, d->number, reg, value, 1, size, *outcome);
    if (model->writes == DS_REWRITE) {
        apply_changes(device, before);
        watch_forces();
    }
    return e;
}

static int on_read(void *ctx, kidl_badge_t badge, uint32_t thread, uint16_t reg, uint8_t size,
                   uint64_t *value, enum devstate_outcome *outcome)
{
    (void)ctx;
    const struct caller *c = identify(badge);
    int r, e = check_access(c, thread, reg, size, 0, &r);
    if (e)
        return e;
    unsigned device = (unsigned)c->device;
    const struct devstate_device *d = &devstate_config.devices[device];
    struct ds_effect effect = ds_read(&states[device], c->client, reg);
    *value = effect.reply;
    switch (d->model.registers[r].reads) {
    case DS_FORWARD:
    case DS_REWRITE: {
        struct devstate_action a = { 0 };
        if (act(device, d->registers[r].read, &a)) {
            e = DEVSTATE_ERROR_DEVICE_FAILED;
            *outcome = DEVSTATE_OUTCOME_ERROR;
            break;
        }
        *value = ds_read_result(&states[device], c->client, reg, a.result & size_mask(size));
        *outcome = d->model.registers[r].reads == DS_FORWARD ? DEVSTATE_OUTCOME_FORWARDED
                                                             : DEVSTATE_OUTCOME_REWRITTEN;
        break;
    }
    case DS_VIRTUAL: *outcome = DEVSTATE_OUTCOME_VIRTUAL; break;
    case DS_REFUSE: *outcome = DEVSTATE_OUTCOME_REFUSED; break;
    }
    *value &= size_mask(size);
    note(c->actor, thread, d->number, reg, *value, 1, size, *outcome); /* after the device access */
    return e;
}

static const struct devstate_buffer *buffer_of(unsigned client)
{
    for (unsigned i = 0; i < devstate_config.buffer_count; i++)
        if (devstate_config.buffers[i].client == client + 1)
            return &devstate_config.buffers[i];
    return NULL;
}

static int on_transfer(void *ctx, kidl_badge_t badge, uint32_t thread, uint32_t number, uint32_t unit,
                       uint32_t position, uint32_t count, enum devstate_outcome *outcome)
{
    (void)ctx;
    const struct caller *c = identify(badge);
    uint64_t value = (uint64_t)unit << 32 | position;
    if (c->device == NO_DEVICE || !c->attached) {
        note(c->actor, thread, 0, 0, value, count, 0, DEVSTATE_OUTCOME_ERROR);
        return DEVSTATE_ERROR_NO_VIEW;
    }
    const struct devstate_device *d = &devstate_config.devices[c->device];
    const struct devstate_operation *op = NULL;
    for (unsigned i = 0; i < d->operation_count; i++)
        if (d->operations[i].number == number)
            op = &d->operations[i];
    const struct devstate_buffer *buffer = buffer_of(c->client);
    int e = 0;
    if (!op)
        e = DEVSTATE_ERROR_NO_REGISTER;
    else if (op->classification == DS_REFUSE)
        *outcome = DEVSTATE_OUTCOME_REFUSED;
    else if (!buffer || count == 0 || (uint64_t)count * op->unit_size > buffer->size)
        e = DEVSTATE_ERROR_BAD_SIZE;
    else {
        struct devstate_action a = { .unit = unit,
                                     .position = position,
                                     .count = count,
                                     .buffer = (uint8_t *)buffer->vaddr,
                                     .buffer_size = buffer->size };
        e = act((unsigned)c->device, op->forward, &a) ? DEVSTATE_ERROR_DEVICE_FAILED : 0;
        *outcome = e ? DEVSTATE_OUTCOME_ERROR : DEVSTATE_OUTCOME_FORWARDED;
    }
    note(c->actor, thread, d->number, op ? op->port : 0, value, count, op ? op->unit_size : 0,
         e ? DEVSTATE_OUTCOME_ERROR : *outcome);
    return e;
}

static void check_stop(void)
{
    if (stoppable && views_attached == 0 && !stopping) {
        stopping = true;
        uprintf("devstate: every view has detached: ending\n");
    }
}

/* The view leaves: it no longer counts in any merge (the client's detach,
 * or its component's end). */
static void leave(struct caller *c, uint32_t thread)
{
    unsigned device = (unsigned)c->device;
    orphan_forces(device, c->client);
    uint64_t before[DS_MAX_FIELDS];
    memcpy(before, states[device].hardware, sizeof(before));
    ds_detach(&states[device], c->client);
    c->attached = false;
    views_attached--;
    note(c->actor, thread, devstate_config.devices[device].number, 0, 0, 0, 0,
         reaches_device(device, before) ? DEVSTATE_OUTCOME_REWRITTEN : DEVSTATE_OUTCOME_VIRTUAL);
    apply_changes(device, before);
    watch_forces();
}

static int on_detach(void *ctx, kidl_badge_t badge, uint32_t thread)
{
    (void)ctx;
    struct caller *c = identify(badge);
    if (c->device == NO_DEVICE || !c->attached) {
        note(c->actor, thread, 0, 0, 0, 0, 0, DEVSTATE_OUTCOME_ERROR);
        return DEVSTATE_ERROR_NO_VIEW;
    }
    leave(c, thread);
    check_stop();
    return 0;
}

static int on_monitor_read(void *ctx, kidl_badge_t badge, bool wait,
                           struct devstate_record records[DEVSTATE_MONITOR_BATCH], uint32_t *count,
                           uint64_t *dropped, bool *final)
{
    (void)ctx;
    if (badge != DEVSTATE_MONITOR_BADGE) {
        note(identify(badge)->actor, 0, 0, 0, 0, 0, 0, DEVSTATE_OUTCOME_REFUSED);
        return DEVSTATE_ERROR_NOT_MONITOR;
    }
    lent_count = 0; /* reading again: the last batch is printed */
    if (wait && monitor_empty(&monitor) && !stopping &&
        kumiki_cnode_save_caller(KUMIKI_PROGRAM_CAP_CNODE, REPLY_SLOT, 64) == KE_OK) {
        reader_waiting = true; /* answered by answer_reader() once records come */
        return 0;
    }
    *count = monitor_take(&monitor, records, DEVSTATE_MONITOR_BATCH);
    for (uint32_t i = *count; i < DEVSTATE_MONITOR_BATCH; i++)
        records[i].outcome = DEVSTATE_OUTCOME_ERROR; /* unused, but every element must decode */
    memcpy(lent, records, *count * sizeof(*records));
    lent_count = *count;
    *dropped = monitor.dropped;
    *final = stopping && monitor_empty(&monitor);
    final_sent = final_sent || *final;
    return 0;
}

static int on_describe(void *ctx, kidl_badge_t badge, enum devstate_name_kind kind, uint8_t index,
                       char name[DEVSTATE_NAME_MAX + 1])
{
    (void)ctx;
    if (badge != DEVSTATE_MONITOR_BADGE)
        return DEVSTATE_ERROR_NOT_MONITOR;
    const char *text = kind == DEVSTATE_NAME_KIND_ACTOR ? (index < actor_count ? actors[index].name : NULL)
                                                        : device_name(index);
    if (!text)
        return DEVSTATE_ERROR_NO_SUCH_NAME;
    unsigned n = 0;
    for (; text[n] && n < DEVSTATE_NAME_MAX; n++)
        name[n] = text[n];
    name[n] = 0;
    return 0;
}

static int on_priority(void *ctx, kidl_badge_t badge, uint8_t *current, uint8_t *lowest, uint8_t *highest)
{
    (void)ctx;
    const struct caller *c = identify(badge);
    if (c->device == NO_DEVICE)
        return DEVSTATE_ERROR_NO_VIEW;
    *current = actors[c->actor].priority;
    *lowest = actors[c->actor].lowest;
    *highest = actors[c->actor].highest;
    return 0;
}

static const struct devstate_handlers handlers = {
    .write = on_write,
    .read = on_read,
    .transfer = on_transfer,
    .detach = on_detach,
    .monitor_read = on_monitor_read,
    .describe = on_describe,
    .priority = on_priority,
};
static const struct devstate_server server = { &handlers, NULL };

/* ---- timer events ----------------------------------------------------- */

static void schedule_window(unsigned i)
{
    const struct devstate_schedule *p = &devstate_config.schedules[i];
    for (unsigned a = 0; a < actor_count; a++) {
        struct actor *who = &actors[a];
        if (who->schedule != p || who->ended)
            continue;
        uint32_t requests = monitor_take_requests(&monitor, a);
        uint8_t next = schedule_next(p, who->priority, requests);
        if (next == who->priority)
            continue;
        int e = root_request_priority(DEVSTATE_CAP_SVC, who->badge, next, NULL);
        if (e) {
            uprintf("devstate: the root task refused priority %u for '%s' (%d)\n", next, who->name, e);
            continue;
        }
        uprintf("devstate: '%s' made %u requests in %u ms: priority %u -> %u\n", who->name, requests,
                p->window_ms, who->priority, next);
        who->priority = next;
        if (!who->lowest || next < who->lowest)
            who->lowest = next;
        if (next > who->highest)
            who->highest = next;
    }
}

/* The first rewrite register holding the field, and the field's shift there. */
static bool field_register(const struct ds_device *m, unsigned field, unsigned *reg, unsigned *shift)
{
    for (unsigned r = 0; r < m->register_count; r++)
        for (unsigned b = 0; b < m->registers[r].bit_count; b++)
            if (m->registers[r].writes == DS_REWRITE && m->registers[r].bits[b].field == field) {
                *reg = r;
                *shift = m->registers[r].bits[b].shift;
                return true;
            }
    return false;
}

static void force_timeout(unsigned i)
{
    const struct devstate_force *f = &devstate_config.forces[i];
    struct ds_state *s = &states[f->device];
    const struct devstate_device *d = &devstate_config.devices[f->device];
    force_armed[i] = false;
    uint64_t asked, before[DS_MAX_FIELDS];
    bool orphan = orphan_waits(i);
    force_orphaned[i] = false;
    if (!ds_waiting(s, f->field, &asked)) {
        if (!orphan)
            return;
        asked = force_asked[i]; /* its asker has left: the views that remain get it */
    }
    uprintf("devstate: %s.%s: no agreement after %u ms: forced to %lu (declared policy)\n", d->model.name,
            d->model.fields[f->field].name, f->after_ms, (unsigned long)asked);
    memcpy(before, s->hardware, sizeof(before));
    uint32_t forced;
    ds_force(s, f->field, asked, &forced);
    /* Each view that had not asked is recorded as rewritten on its behalf,
     * in the register that holds the field (the generator checked there is
     * a rewrite register for every field with an apply action). */
    unsigned r, shift;
    if (field_register(&d->model, f->field, &r, &shift))
        for (unsigned k = 0; k < caller_count; k++)
            if (callers[k].device == (int)f->device && callers[k].attached &&
                (forced & (1u << callers[k].client)))
                note(callers[k].actor, 0, d->number, d->model.registers[r].offset, asked << shift, 1,
                     d->registers[r].size, DEVSTATE_OUTCOME_REWRITTEN);
    apply_changes(f->device, before);
}

static void attach(struct caller *c, const struct root_client *rc)
{
    ds_attach(&states[c->device], c->client);
    c->attached = true;
    c->ends = rc->ends;
    views_attached++;
    uprintf("devstate: '%s' has a view of %s as client %u\n", rc->name,
            devstate_config.devices[c->device].model.name, c->client + 1u);
}

static void say_ended(const struct root_client *rc, const char *what)
{
    if (rc->state == ROOT_CLIENT_EXITED)
        uprintf("devstate: '%s' exited (status %ld): %s\n", rc->name, (long)rc->exit_status, what);
    else if (rc->state == ROOT_CLIENT_RUNNING)
        uprintf("devstate: '%s' was restarted: %s\n", rc->name, what);
    else
        uprintf("devstate: '%s' %s: %s\n", rc->name,
                rc->state == ROOT_CLIENT_STOPPED ? "faulted and was left stopped" : "could not be built",
                what);
}

/* The root task says some client component ended (CLIENT_ENDS): each
 * client's state and ended runs, compared with what its view was attached
 * in.  An ended client's view leaves as its own detach would (recorded as
 * such, thread 0: devstate acts for it); a restarted one gets a fresh view
 * (its idle values); the monitor's reader that ended is not waited for. */
static void clients_ended(void)
{
    for (unsigned index = 0; index < caller_count; index++) {
        struct root_client rc;
        int e = root_request_client(DEVSTATE_CAP_SVC, index, &rc);
        struct caller *c = &callers[index];
        if (e || rc.badge != c->badge) { /* the manifest does not change: should not happen */
            uprintf("devstate: the root task does not say how client %u is (%d)\n", index, e);
            continue;
        }
        bool alive = root_client_alive(rc.state), renewed = rc.ends != c->ends;
        if (c->badge == DEVSTATE_MONITOR_BADGE && !alive && reader_present) {
            reader_present = false;
            if (reader_waiting) /* its saved reply goes nowhere */
                kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, REPLY_SLOT, 64);
            reader_waiting = false;
            say_ended(&rc, "the monitor has no reader any more");
        }
        if (c->device == NO_DEVICE)
            continue;
        actors[c->actor].ended = !alive;
        actors[c->actor].priority = rc.priority; /* a restart resets it */
        if (c->attached && (!alive || renewed)) {
            say_ended(&rc, "its view leaves");
            leave(c, 0);
        }
        if (renewed && alive && !c->attached)
            attach(c, &rc);
        c->ends = rc.ends;
    }
    check_stop(); /* after the restarted ones have their fresh views */
}

static void on_events(uint64_t word)
{
    if (word & (1ull << CLIENT_ENDS))
        clients_ended();
    for (unsigned i = 0; i < devstate_config.schedule_count; i++)
        if (word & (1ull << (TIMER_SCHEDULE + i)))
            schedule_window(i);
    for (unsigned i = 0; i < devstate_config.force_count; i++)
        if (word & (1ull << (TIMER_FORCE + i)))
            force_timeout(i);
}

/* ---- start ------------------------------------------------------------ */

static int add_actor(const char *name, uint64_t badge, uint8_t priority)
{
    if (actor_count == MONITOR_MAX_ACTORS)
        return -1;
    struct actor *a = &actors[actor_count];
    unsigned n = 0;
    for (; name[n] && n < DEVSTATE_NAME_MAX; n++)
        a->name[n] = name[n];
    a->name[n] = 0;
    a->badge = badge;
    a->priority = priority;
    return (int)actor_count++;
}

static int device_index(uint8_t number)
{
    for (unsigned d = 0; d < devstate_config.device_count; d++)
        if (devstate_config.devices[d].number == number)
            return (int)d;
    return NO_DEVICE;
}

/* The clients the root task says are connected, each badge a view (or the
 * monitor's reader, or nothing). */
static bool learn_clients(void)
{
    int client_actor[DS_MAX_CLIENTS + 1];
    unsigned client_component[DS_MAX_CLIENTS + 1];
    for (unsigned i = 0; i <= DS_MAX_CLIENTS; i++)
        client_actor[i] = -1;
    for (unsigned index = 0;; index++) {
        struct root_client rc;
        int e = root_request_client(DEVSTATE_CAP_SVC, index, &rc);
        if (e == ROOT_REQUEST_NO_CLIENT)
            return true;
        if (e || caller_count == MAX_CALLERS) {
            uprintf("devstate: cannot learn its clients from the root task (%d)\n", e ? e : -1);
            return false;
        }
        if (rc.badge == DEVSTATE_MONITOR_BADGE && root_client_alive(rc.state))
            reader_present = true;
        unsigned number = rc.badge & 0xff;
        struct caller *c = &callers[caller_count++];
        *c = (struct caller){ .badge = rc.badge,
                              .device = rc.badge == DEVSTATE_MONITOR_BADGE
                                            ? NO_DEVICE
                                            : device_index((uint8_t)(rc.badge >> 8)),
                              .client = (uint8_t)(number - 1) };
        if (rc.badge >> 16 || number < 1 || number > DS_MAX_CLIENTS)
            c->device = NO_DEVICE;
        int a = c->device != NO_DEVICE ? client_actor[number] : -1;
        if (a >= 0 && client_component[number] != rc.component) {
            uprintf("devstate: client number %u is held by two components ('%s' and '%s'): refusing to run\n",
                    number, actors[a].name, rc.name);
            return false;
        }
        if (a < 0 && (a = add_actor(rc.name, rc.badge, rc.priority)) < 0) {
            uprintf("devstate: more than %u clients and drivers to name\n", (unsigned)MONITOR_MAX_ACTORS);
            return false;
        }
        c->actor = (uint8_t)a;
        if (c->device == NO_DEVICE) {
            if (rc.badge != DEVSTATE_MONITOR_BADGE)
                uprintf("devstate: '%s' (badge 0x%lx) names no served device: it gets no view\n", rc.name,
                        (unsigned long)rc.badge);
            continue;
        }
        client_actor[number] = a;
        client_component[number] = rc.component;
        c->ends = rc.ends;
        if (root_client_alive(rc.state))
            attach(c, &rc);
        else { /* ended before devstate started: it uses nothing */
            actors[a].ended = true;
            say_ended(&rc, "it gets no view");
        }
    }
}

static bool setup(const char *args)
{
    stoppable = has_argument(args, "stoppable");
    for (unsigned d = 0; d < devstate_config.device_count; d++) {
        const struct devstate_device *dev = &devstate_config.devices[d];
        if (!ds_device_valid(&dev->model)) {
            uprintf("devstate: the tables of device '%s' are not valid: refusing to run\n", dev->model.name);
            return false;
        }
        ds_init(&states[d], &dev->model);
        int a = add_actor(dev->driver, 0, 0);
        if (a < 0)
            return false;
        driver_actor[d] = (uint8_t)a;
    }
    stranger.actor = (uint8_t)add_actor("unknown", 0, 0);
    monitor_init(&monitor, ring, devstate_config.ring);
    if (kumiki_cap_type(REPLY_SLOT) != 0) {
        uprintf("devstate: slot %u is not free for the monitor reader's reply\n", (unsigned)REPLY_SLOT);
        return false;
    }
    /* Watched before they are learnt: no end falls between the two. */
    int e = root_request_watch_clients(DEVSTATE_CAP_SVC, EVENTS, CLIENT_ENDS);
    if (e) {
        uprintf("devstate: the root task will not say when clients end (%d): refusing to run\n", e);
        return false;
    }
    if (!learn_clients())
        return false;
    for (unsigned a = 0; a < actor_count; a++)
        for (unsigned i = 0; i < devstate_config.schedule_count; i++)
            for (unsigned k = 0; k < caller_count; k++)
                if (callers[k].actor == a && callers[k].device != NO_DEVICE &&
                    callers[k].client + 1u == devstate_config.schedules[i].client)
                    actors[a].schedule = &devstate_config.schedules[i];
    if (timer_register_notification(DEVSTATE_CAP_CLOCK, EVENTS)) {
        uprintf("devstate: the timer does not take its notification\n");
        return false;
    }
    for (unsigned i = 0; i < devstate_config.schedule_count; i++)
        timer_periodic(DEVSTATE_CAP_CLOCK, (uint8_t)(TIMER_SCHEDULE + i),
                       (uint64_t)devstate_config.schedules[i].window_ms * MS);
    return kumiki_tcb_bind_notification(KUMIKI_PROGRAM_CAP_TCB, EVENTS) == KE_OK;
}

/* ---- the loop ---------------------------------------------------------- */

/* A waiting reader gets its records (or the end) through its saved reply. */
static void answer_reader(void)
{
    if (!reader_waiting || (monitor_empty(&monitor) && !stopping))
        return;
    struct kidl_msg *msg = kidl_msg_buffer();
    msg->info = kidl_msginfo(DEVSTATE_LABEL_MONITOR_READ, 1, 0);
    msg->words[0] = 0; /* wait = false: a monitor_read as the reader would send it */
    devstate_dispatch_any(&server, DEVSTATE_MONITOR_BADGE, msg);
    struct kumiki_msg m;
    kidl_kumiki_to_kernel(msg, &m);
    kumiki_send(REPLY_SLOT, &m); /* a send on a REPLY capability replies, and uses it up */
    reader_waiting = false;
}

static void stop_drivers(void)
{
    for (unsigned d = 0; d < devstate_config.device_count; d++)
        if (devstate_config.devices[d].stop) {
            struct devstate_action a = { 0 };
            act(d, devstate_config.devices[d].stop, &a);
        }
    timer_stop(DEVSTATE_CAP_CLOCK);
}

static void serve(void)
{
    struct kidl_msg *msg = kidl_msg_buffer();
    struct kumiki_msg m;
    bool answer = false; /* the last message was a call still owed a reply */
    for (;;) {
        uint64_t e = answer ? kumiki_reply_recv(DEVSTATE_CAP_SVC, &m) : kumiki_recv(DEVSTATE_CAP_SVC, &m);
        answer = false;
        if (e != KE_OK)
            continue; /* a caller that went away */
        if (m.label == KUMIKI_BOUND_NOTIFICATION_LABEL) {
            on_events(m.badge); /* no caller waits for an answer */
            answer_reader();
            if (stopping && (final_sent || !reader_present))
                return;
            continue;
        }
        bool reader_was_waiting = reader_waiting;
        kidl_kumiki_from_kernel(&m, 0, msg);
        devstate_dispatch_any(&server, m.badge, msg);
        kidl_kumiki_to_kernel(msg, &m);
        bool saved = reader_waiting && !reader_was_waiting; /* its reply is in REPLY_SLOT */
        answer_reader();
        if (stopping && (final_sent || !reader_present)) {
            if (!saved)
                kumiki_reply(&m);
            return;
        }
        answer = !saved;
    }
}

int main(const char *args)
{
    if (!setup(args))
        return 1;
    uprintf("devstate: serving %u device%s, monitor ring of %u records%s\n", devstate_config.device_count,
            devstate_config.device_count == 1 ? "" : "s", devstate_config.ring,
            reader_present ? ", read by its monitor" : "");
    serve();
    stop_drivers();
    uprintf("devstate: %lu requests recorded, %lu dropped\n", (unsigned long)(monitor.next_seq - 1),
            (unsigned long)monitor.dropped);
    return 0;
}
