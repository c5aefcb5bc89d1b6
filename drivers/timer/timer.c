/* drivers/timer/timer.c — the timer driver (docs/drivers.md).
 *
 * Holds PIT ports 0x40-0x43 and IRQ 0 and serves the timer interface
 * (timer.idl).  PIT channel 0 runs as a rate generator at about 250 Hz; each
 * interrupt advances the monotonic clock by one period and fires the
 * timeouts whose deadline has come, by signalling the client's notification
 * through a copy badged with the timeout's bit.  The kernel keeps the LAPIC
 * timer for scheduling and used only PIT channel 2, once, at boot.
 *
 * CSpace use beyond the deployment's slots: a window slot where a
 * registered notification arrives, then per client one slot for the
 * notification and TIMER_IDS slots for its badged copies. */
#include "driver_loop.h"
#include "timer_driver_caps.h"
#include "timer_server.h"

#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum {
    PIT_CHANNEL0 = TIMER_DRIVER_PORT_FIRST_PIT,
    PIT_COMMAND = TIMER_DRIVER_PORT_FIRST_PIT + 3,
    PIT_CH0_RATE_GENERATOR = 0x34, /* channel 0, low then high byte, mode 2, binary */
    RECEIVE_SLOT = 32,
    CLIENT_SLOTS = 64, /* client i: slot CLIENT_SLOTS + i * (TIMER_IDS + 1), then its ids */
    DEPTH = 64,
};

#define PIT_HZ     1193182ull
#define PIT_DIV    4773ull /* 1193182 / 4773 = 249.99 Hz: a period of 4000227 ns */
#define NS_PER_SEC 1000000000ull

_Static_assert(CLIENT_SLOTS + TIMER_CLIENTS * (TIMER_IDS + 1) <= (1 << 10), "slots fit the default CSpace");

struct timeout {
    bool armed;
    uint64_t deadline; /* ns */
    uint64_t period;   /* ns; 0: one-shot */
};

struct client {
    kidl_badge_t badge; /* 0: a free entry (connections have nonzero badges) */
    bool registered;
    uint32_t minted; /* ids whose badged copy exists */
    struct timeout timeouts[TIMER_IDS];
};

static struct client clients[TIMER_CLIENTS];
static uint64_t ticks;
static volatile bool stopping;
static bool stoppable;

/* ticks * PIT_DIV / PIT_HZ seconds, in ns, without overflow for ~2^42 s. */
static uint64_t now_ns(void)
{
    uint64_t cycles = ticks * PIT_DIV;
    return cycles / PIT_HZ * NS_PER_SEC + cycles % PIT_HZ * NS_PER_SEC / PIT_HZ;
}

static kumiki_cptr_t notification_slot(unsigned client)
{
    return CLIENT_SLOTS + client * (TIMER_IDS + 1);
}

static struct client *find_client(kidl_badge_t badge, bool create)
{
    for (unsigned i = 0; i < TIMER_CLIENTS; i++)
        if (clients[i].badge == badge)
            return &clients[i];
    if (!create)
        return NULL;
    for (unsigned i = 0; i < TIMER_CLIENTS; i++)
        if (!clients[i].badge) {
            clients[i].badge = badge;
            return &clients[i];
        }
    return NULL;
}

static unsigned index_of(const struct client *c)
{
    return (unsigned)(c - clients);
}

/* Deletes the client's notification and its badged copies. */
static void forget_notification(struct client *c)
{
    kumiki_cptr_t base = notification_slot(index_of(c));
    for (unsigned id = 0; id < TIMER_IDS; id++)
        if (c->minted & (1u << id))
            kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, base + 1 + id, DEPTH);
    if (c->registered)
        kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, base, DEPTH);
    c->minted = 0;
    c->registered = false;
}

static void fire(struct client *c, unsigned id)
{
    kumiki_signal(notification_slot(index_of(c)) + 1 + id);
}

static void on_tick(void *ctx, uint64_t word)
{
    (void)ctx;
    if (!(word & (1ull << TIMER_DRIVER_IRQ_LINE_TICK)))
        return;
    ticks++;
    uint64_t now = now_ns();
    for (unsigned i = 0; i < TIMER_CLIENTS; i++) {
        struct client *c = &clients[i];
        if (!c->registered)
            continue;
        for (unsigned id = 0; id < TIMER_IDS; id++) {
            struct timeout *t = &c->timeouts[id];
            if (!t->armed || t->deadline > now)
                continue;
            fire(c, id);
            if (!t->period) {
                t->armed = false;
                continue;
            }
            while (t->deadline <= now)
                t->deadline += t->period;
        }
    }
    kumiki_irq_handler_ack(TIMER_DRIVER_CAP_TICK);
}

static int now_handler(void *ctx, kidl_badge_t badge, uint64_t *ns)
{
    (void)ctx;
    (void)badge;
    *ns = now_ns();
    return 0;
}

static int register_notification(void *ctx, kidl_badge_t badge, kidl_cptr_t notification)
{
    (void)ctx;
    struct client *c = find_client(badge, true);
    if (!c) {
        kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, notification, DEPTH);
        return TIMER_ERR_TOO_MANY;
    }
    forget_notification(c);
    if (kumiki_cnode_move(KUMIKI_PROGRAM_CAP_CNODE, notification_slot(index_of(c)), DEPTH,
                          KUMIKI_PROGRAM_CAP_CNODE, notification, DEPTH) != KE_OK) {
        kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, notification, DEPTH);
        return TIMER_ERR_CAP;
    }
    c->registered = true;
    return 0;
}

static int arm(kidl_badge_t badge, uint8_t id, uint64_t ns, uint64_t period)
{
    struct client *c = find_client(badge, false);
    if (!c || !c->registered)
        return TIMER_ERR_NO_NOTIFICATION;
    if (id >= TIMER_IDS)
        return TIMER_ERR_BAD_ID;
    if (!(c->minted & (1u << id))) {
        kumiki_cptr_t base = notification_slot(index_of(c));
        if (kumiki_cnode_mint(KUMIKI_PROGRAM_CAP_CNODE, base + 1 + id, DEPTH, KUMIKI_PROGRAM_CAP_CNODE, base,
                              DEPTH, KUMIKI_RIGHT_WRITE, 1ull << id) != KE_OK)
            return TIMER_ERR_CAP;
        c->minted |= 1u << id;
    }
    c->timeouts[id] = (struct timeout){ true, now_ns() + ns, period };
    return 0;
}

static int oneshot(void *ctx, kidl_badge_t badge, uint8_t id, uint64_t ns)
{
    (void)ctx;
    return arm(badge, id, ns, 0);
}

static int periodic(void *ctx, kidl_badge_t badge, uint8_t id, uint64_t ns)
{
    (void)ctx;
    if (!ns)
        return TIMER_ERR_BAD_PERIOD;
    return arm(badge, id, ns, ns);
}

static int cancel(void *ctx, kidl_badge_t badge, uint8_t id)
{
    (void)ctx;
    struct client *c = find_client(badge, false);
    if (!c || !c->registered)
        return TIMER_ERR_NO_NOTIFICATION;
    if (id >= TIMER_IDS)
        return TIMER_ERR_BAD_ID;
    c->timeouts[id].armed = false;
    return 0;
}

static int stop(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    if (!stoppable)
        return TIMER_ERR_REFUSED;
    stopping = true;
    return 0;
}

static const struct timer_handlers handlers = {
    .now = now_handler,
    .register_notification = register_notification,
    .oneshot = oneshot,
    .periodic = periodic,
    .cancel = cancel,
    .stop = stop,
};
static const struct timer_server server = { &handlers, NULL };

int main(const char *args)
{
    stoppable = has_argument(args, "stoppable");
    kumiki_ioport_out8(TIMER_DRIVER_CAP_PIT, PIT_COMMAND, PIT_CH0_RATE_GENERATOR);
    kumiki_ioport_out8(TIMER_DRIVER_CAP_PIT, PIT_CHANNEL0, PIT_DIV & 0xff);
    kumiki_ioport_out8(TIMER_DRIVER_CAP_PIT, PIT_CHANNEL0, PIT_DIV >> 8);
    struct driver_loop loop = {
        .endpoint = TIMER_DRIVER_CAP_CLOCK,
        .notification = TIMER_DRIVER_CAP_TICK_NOTIFICATION,
        .dispatch = timer_dispatch_any,
        .server = &server,
        .on_event = on_tick,
        .receive_first = RECEIVE_SLOT,
        .receive_count = 1,
        .stop = &stopping,
    };
    uint64_t e = driver_loop_run(&loop);
    if (e != KE_OK) {
        uprintf("timer: cannot bind the IRQ notification: %s\n", kumiki_error_name(e));
        return 1;
    }
    kumiki_ioport_out8(TIMER_DRIVER_CAP_PIT, PIT_COMMAND, 0x30); /* channel 0: mode 0, stops at 0 */
    return 0;
}
