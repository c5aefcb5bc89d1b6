/* tests/kernel/irq.c — IRQ_CONTROL GET and IRQ handlers, with a real
 * interrupt: PIT channel 0 (the kernel ticks with the LAPIC timer, so the
 * PIT is free) as a one-shot on ISA line 0. */
#include "groups.h"
#include "ktest.h"

#define ROOT    KUMIKI_CAP_INIT_CNODE
#define CONTROL KUMIKI_CAP_IRQ_CONTROL

static uint64_t get(uint64_t line, kumiki_cptr_t slot)
{
    return kumiki_irq_control_get(CONTROL, line, ROOT, slot, 64);
}

static void get_each_line_once(void)
{
    kumiki_cptr_t h = kt_slot(), other = kt_slot(), copy = kt_slot();
    CHECK_OK(get(9, h));
    CHECK_EQ(kumiki_cap_type(h), KUMIKI_OBJ_IRQ_HANDLER);
    CHECK_ERR(get(9, other), KE_ILLEGAL_OPERATION);
    CHECK_ERR(get(2, other), KE_RANGE); /* the cascade */
    CHECK_ERR(get(KUMIKI_IRQ_LINES, other), KE_RANGE);
    CHECK_ERR(get(~0ull, other), KE_RANGE);
    CHECK_ERR(get(10, h), KE_DELETE_FIRST);
    CHECK_ERR(kumiki_irq_control_get(CONTROL, 10, kt.pool, 1, 64), KE_WRONG_TYPE);
    CHECK_OK(get(10, other)); /* the failures above did not use line 10 up */
    /* the line is free again once its last capability is gone */
    CHECK_OK(kumiki_cnode_copy(ROOT, copy, 64, ROOT, h, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_delete(ROOT, h, 64));
    CHECK_ERR(get(9, h), KE_ILLEGAL_OPERATION);
    CHECK_OK(kumiki_cnode_delete(ROOT, copy, 64));
    CHECK_OK(get(9, h));
    CHECK_ERR(kumiki_invoke(CONTROL, 2, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
}

static void handler_arguments(void)
{
    kumiki_cptr_t h = kt_slot(), n, ep, ro = kt_slot();
    CHECK_OK(get(11, h));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kumiki_cnode_copy(ROOT, ro, 64, ROOT, n, 64, KUMIKI_RIGHT_READ));
    CHECK_ERR(kumiki_irq_handler_set_notification(h, ep), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_irq_handler_set_notification(h, ro), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_irq_handler_set_notification(h, n));
    CHECK_OK(kumiki_irq_handler_set_notification(h, kt.empty_slot)); /* clears */
    CHECK_OK(kumiki_irq_handler_ack(h));
    CHECK_OK(kumiki_irq_handler_clear(h));
    CHECK_ERR(kumiki_invoke(h, 9, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
    CHECK_ERR(kumiki_invoke(h, KUMIKI_IRQ_HANDLER_SET_NOTIFICATION, 0, NULL, 0, NULL, 0, NULL),
              KE_TRUNCATED_MESSAGE);
}

enum { PIT_CH0 = 0x40, PIT_MODE = 0x43, PIT_ONE_SHOT = 0x30 /* channel 0, lo/hi byte, mode 0 */ };
enum { IRQ_BADGE = 0x1000 };

static uint64_t pit_arm(kumiki_cptr_t pit, uint16_t count)
{
    uint64_t e = kumiki_ioport_out8(pit, PIT_MODE, PIT_ONE_SHOT);
    if (!e)
        e = kumiki_ioport_out8(pit, PIT_CH0, count & 0xff);
    if (!e)
        e = kumiki_ioport_out8(pit, PIT_CH0, count >> 8);
    return e;
}

/* Polls n for up to `ticks` timer ticks; returns the word (0: nothing). */
static uint64_t poll_for(kumiki_cptr_t n, uint64_t ticks)
{
    uint64_t end = kumiki_ticks() + ticks, w = 0;
    do {
        if (kumiki_poll(n, &w) == KE_OK && w)
            return w;
    } while (kumiki_ticks() < end);
    return 0;
}

static void pit_interrupt_delivered(void)
{
    kumiki_cptr_t pit = kt_slot(), h = kt_slot(), n, badged = kt_slot();
    CHECK_OK(kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, 0x40, 0x43, ROOT, pit, 64));
    CHECK_OK(get(0, h));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kumiki_cnode_mint(ROOT, badged, 64, ROOT, n, 64, KUMIKI_RIGHT_WRITE, IRQ_BADGE));
    /* stop the firmware's periodic mode, then drain what it left pending */
    CHECK_OK(kumiki_ioport_out8(pit, PIT_MODE, PIT_ONE_SHOT));
    CHECK_OK(kumiki_irq_handler_set_notification(h, badged));
    /* Each drained interrupt masks the line until ACK: acknowledge after
     * every poll, or a late one leaves the line masked for the test's own. */
    for (unsigned i = 0; i < 3; i++) {
        poll_for(n, 2);
        CHECK_OK(kumiki_irq_handler_ack(h));
    }
    /* a 5 ms one-shot */
    CHECK_OK(pit_arm(pit, 5966));
    uint64_t w = poll_for(n, 50);
    CHECK_EQ(w, IRQ_BADGE);
    /* not acknowledged yet: the line stays masked, the next one waits */
    CHECK_OK(pit_arm(pit, 1193));
    CHECK_EQ(poll_for(n, 5), 0);
    CHECK_OK(kumiki_irq_handler_ack(h));
    CHECK_EQ(poll_for(n, 20), IRQ_BADGE);
    CHECK_OK(kumiki_irq_handler_ack(h));
    /* acknowledged: the next one-shot arrives, and a thread waiting gets it */
    CHECK_OK(pit_arm(pit, 1193));
    CHECK_OK(kumiki_wait(n, &w));
    CHECK_EQ(w, IRQ_BADGE);
    CHECK_OK(kumiki_irq_handler_ack(h));
    /* cleared: nothing is delivered any more */
    CHECK_OK(kumiki_irq_handler_clear(h));
    CHECK_OK(pit_arm(pit, 1193));
    CHECK_EQ(poll_for(n, 5), 0);
    CHECK_OK(kumiki_irq_handler_ack(h)); /* without a notification, ACK does not unmask */
    CHECK_EQ(poll_for(n, 3), 0);
}

/* A notification destroyed while an IRQ handler still points at it: the
 * line forgets it (an interrupt must not signal freed memory), and the
 * handler can be given a new one. */
static void notification_deleted_under_handler(void)
{
    kumiki_cptr_t pit = kt_slot(), h = kt_slot(), n, n2, badged = kt_slot();
    CHECK_OK(kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, 0x40, 0x43, ROOT, pit, 64));
    CHECK_OK(get(0, h));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kumiki_ioport_out8(pit, PIT_MODE, PIT_ONE_SHOT));
    CHECK_OK(kumiki_irq_handler_set_notification(h, n));
    CHECK_OK(kumiki_cnode_delete(ROOT, n, 64)); /* its last capability */
    CHECK_OK(pit_arm(pit, 1193));               /* would signal the dead notification */
    CHECK_OK(kumiki_irq_handler_ack(h));        /* no notification: stays masked */
    uint64_t end = kumiki_ticks() + 3;
    while (kumiki_ticks() < end)
        kumiki_yield();
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n2));
    CHECK_OK(kumiki_cnode_mint(ROOT, badged, 64, ROOT, n2, 64, KUMIKI_RIGHT_WRITE, IRQ_BADGE));
    CHECK_OK(kumiki_irq_handler_set_notification(h, badged));
    CHECK_OK(pit_arm(pit, 1193));
    CHECK_EQ(poll_for(n2, 20), IRQ_BADGE);
    CHECK_OK(kumiki_irq_handler_clear(h));
}

const struct ktest irq_tests[] = {
    { "irq: IRQ_CONTROL GET: each line once, lines 2 and >= 16 are RANGE", get_each_line_once },
    { "irq: handler arguments", handler_arguments },
    { "irq: a PIT one-shot on line 0 reaches the notification; ACK, CLEAR", pit_interrupt_delivered },
    { "irq: deleting the notification of a live handler", notification_deleted_under_handler },
    { NULL, NULL },
};
