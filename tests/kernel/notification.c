/* tests/kernel/notification.c — notifications: signal, wait, poll, badge
 * OR, waking waiters, bound notifications and teardown. */
#include "arch.h"
#include "groups.h"
#include "kthread.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

static uint64_t badged(kumiki_cptr_t n, uint64_t badge, kumiki_cptr_t *out)
{
    *out = kt_slot();
    return kumiki_cnode_mint(ROOT, *out, 64, ROOT, n, 64, KUMIKI_RIGHT_WRITE, badge);
}

static void badges_are_ored(void)
{
    kumiki_cptr_t n, a, b;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(badged(n, 0x1, &a));
    CHECK_OK(badged(n, 0x4, &b));
    uint64_t w = ~0ull;
    CHECK_OK(kumiki_poll(n, &w));
    CHECK_EQ(w, 0);
    CHECK_OK(kumiki_signal(a));
    CHECK_OK(kumiki_signal(b));
    CHECK_OK(kumiki_signal(a));
    CHECK_OK(kumiki_wait(n, &w)); /* pending: does not block */
    CHECK_EQ(w, 0x5);
    CHECK_OK(kumiki_poll(n, &w)); /* cleared by the wait */
    CHECK_EQ(w, 0);
    CHECK_ERR(kumiki_signal(kt.empty_slot), KE_INVALID_CAPABILITY);
}

static void syscall_aliases(void)
{
    kumiki_cptr_t n, a, ep;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(badged(n, 0x8, &a));
    /* SEND on a notification signals; RECV waits; NB_RECV polls */
    struct kumiki_msg m = { .label = 1 };
    CHECK_OK(kumiki_send(a, &m));
    CHECK_OK(kumiki_nb_send(a, &m));
    struct kumiki_msg r = { 0 };
    CHECK_OK(kumiki_recv(n, &r));
    CHECK_EQ(r.badge, 0x8);
    CHECK_OK(kumiki_nb_recv(n, &r));
    CHECK_EQ(r.badge, 0);
    /* the notification calls refuse endpoints */
    uint64_t w;
    CHECK_ERR(kumiki_signal(ep), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_poll(ep, &w), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_wait(ep, &w), KE_WRONG_TYPE);
}

static volatile uint64_t waited[2], wait_errors[2], wait_count;

/* arg: the notification, and in bits 32.. where to record. */
static void wait_once(uint64_t arg, kumiki_cptr_t self)
{
    uint64_t w = 0;
    unsigned i = (unsigned)(arg >> 32);
    uint64_t e = kumiki_wait(arg & 0xffffffff, &w);
    waited[i] = w;
    wait_errors[i] = e;
    wait_count++;
}

static void signal_wakes_waiters_in_order(void)
{
    struct kthread a, b;
    kumiki_cptr_t n, x, y;
    waited[0] = waited[1] = wait_count = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(badged(n, 0x10, &x));
    CHECK_OK(badged(n, 0x20, &y));
    CHECK_OK(kthread_new(&a, 100));
    CHECK_OK(kthread_new(&b, 100));
    CHECK_OK(kthread_start(&a, wait_once, n));
    kt_settle();
    CHECK_OK(kthread_start(&b, wait_once, n | 1ull << 32));
    kt_settle();
    CHECK_EQ(wait_count, 0);
    CHECK_OK(kumiki_signal(x));
    kt_settle();
    CHECK_EQ(wait_count, 1);
    CHECK_EQ(waited[0], 0x10);
    CHECK_OK(kumiki_signal(y));
    kt_settle();
    CHECK_EQ(wait_count, 2);
    CHECK_EQ(waited[1], 0x20);
}

static void deletion_cancels_waiters(void)
{
    struct kthread a;
    kumiki_cptr_t n;
    waited[0] = wait_count = 0;
    wait_errors[0] = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kthread_new(&a, 100));
    CHECK_OK(kthread_start(&a, wait_once, n));
    kt_settle();
    CHECK_OK(kumiki_cnode_delete(ROOT, n, 64));
    kt_settle();
    CHECK_EQ(wait_count, 1);
    CHECK_EQ(wait_errors[0], KE_CANCELLED);
}

static volatile struct {
    uint64_t error, label, badge, words0, done;
} bound_seen[2];

static void bound_receiver(uint64_t ep, kumiki_cptr_t self)
{
    for (unsigned i = 0; i < 2; i++) {
        struct kumiki_msg m = { 0 };
        bound_seen[i].error = kumiki_recv(ep, &m);
        bound_seen[i].label = m.label;
        bound_seen[i].badge = m.badge;
        bound_seen[i].words0 = m.length ? m.words[0] : 0;
        bound_seen[i].done = 1;
    }
}

static void bound_notification_wakes_recv(void)
{
    struct kthread t;
    kumiki_cptr_t n, ep, x;
    memset((void *)bound_seen, 0, sizeof(bound_seen));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(badged(n, 0x2, &x));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kumiki_tcb_bind_notification(t.tcb, n));
    CHECK_OK(kthread_start(&t, bound_receiver, ep));
    kt_settle(); /* blocked in Recv on the endpoint */
    CHECK_EQ(bound_seen[0].done, 0);
    CHECK_OK(kumiki_signal(x));
    kt_settle();
    CHECK_EQ(bound_seen[0].done, 1);
    CHECK_EQ(bound_seen[0].error, KE_OK);
    CHECK_EQ(bound_seen[0].label, KUMIKI_BOUND_NOTIFICATION_LABEL);
    CHECK_EQ(bound_seen[0].badge, 0x2);
    /* the endpoint still works for it afterwards */
    struct kumiki_msg m = { .label = 0x33, .length = 1, .words = { 44 } };
    CHECK_OK(kumiki_send(ep, &m));
    kt_settle();
    CHECK_EQ(bound_seen[1].done, 1);
    CHECK_EQ(bound_seen[1].label, 0x33);
    CHECK_EQ(bound_seen[1].badge, 0);
    CHECK_EQ(bound_seen[1].words0, 44);
}

static void pending_signal_completes_recv_at_once(void)
{
    struct kthread t;
    kumiki_cptr_t n, ep, x, y;
    memset((void *)bound_seen, 0, sizeof(bound_seen));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(badged(n, 0x100, &x));
    CHECK_OK(badged(n, 0x001, &y));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kumiki_tcb_bind_notification(t.tcb, n));
    CHECK_OK(kumiki_signal(x));
    CHECK_OK(kumiki_signal(y));
    CHECK_OK(kthread_start(&t, bound_receiver, ep));
    kt_settle();
    CHECK_EQ(bound_seen[0].done, 1);
    CHECK_EQ(bound_seen[0].label, KUMIKI_BOUND_NOTIFICATION_LABEL);
    CHECK_EQ(bound_seen[0].badge, 0x101);
    CHECK_EQ(bound_seen[1].done, 0); /* the word was consumed: the second Recv blocks */
    uint64_t w = 1;
    CHECK_OK(kumiki_poll(n, &w));
    CHECK_EQ(w, 0);
    /* after unbinding, signals no longer reach the Recv */
    CHECK_OK(kumiki_tcb_unbind_notification(t.tcb));
    CHECK_OK(kumiki_signal(x));
    kt_settle();
    CHECK_EQ(bound_seen[1].done, 0);
    CHECK_OK(kumiki_poll(n, &w));
    CHECK_EQ(w, 0x100);
}

const struct ktest notification_tests[] = {
    { "notification: badges of signals before a wait are OR-ed", badges_are_ored },
    { "notification: SEND/RECV/NB_RECV on notifications", syscall_aliases },
    { "notification: waiters woken in order with the badge", signal_wakes_waiters_in_order },
    { "notification: deletion cancels waiters", deletion_cancels_waiters },
    { "notification: a bound notification wakes a Recv", bound_notification_wakes_recv },
    { "notification: a pending bound signal completes Recv at once", pending_signal_completes_recv_at_once },
    { NULL, NULL },
};
