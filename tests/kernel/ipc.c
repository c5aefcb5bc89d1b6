/* tests/kernel/ipc.c — endpoints: Send, Recv, Call, Reply, ReplyRecv,
 * non-blocking variants, long messages, capability transfer, badges,
 * cancellation, reply capabilities and the rights each operation needs. */
#include "groups.h"
#include "kthread.h"

#define ROOT KUMIKI_CAP_INIT_CNODE

static uint64_t copy_with(kumiki_cptr_t *dest, kumiki_cptr_t src, uint64_t rights, uint64_t badge)
{
    *dest = kt_slot();
    return kumiki_cnode_mint(ROOT, *dest, 64, ROOT, src, 64, rights, badge);
}

/* What a test thread saw; written by the thread, read by the root. */
static volatile struct {
    uint64_t error, label, badge, length, extra_caps, done;
    uint64_t words[KUMIKI_MSG_MAX_WORDS];
} seen;

static void save(uint64_t error, const struct kumiki_msg *m)
{
    seen.error = error;
    seen.label = m->label;
    seen.badge = m->badge;
    seen.length = m->length;
    seen.extra_caps = m->extra_caps;
    for (unsigned i = 0; i < m->length && i < KUMIKI_MSG_MAX_WORDS; i++)
        seen.words[i] = m->words[i];
    seen.done++;
}

static void reset_seen(void)
{
    memset((void *)&seen, 0, sizeof(seen));
}

static void send_four(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { .label = 0x42, .length = 4, .words = { 1, 2, 3, 4 } };
    seen.error = kumiki_send(ep, &m);
    seen.done++;
}

static void send_and_receive(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new_bare(&t, 100)); /* four words need no IPC buffer */
    CHECK_OK(kthread_start(&t, send_four, ep));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, 0x42);
    CHECK_EQ(m.length, 4);
    CHECK_EQ(m.badge, 0);
    CHECK_EQ(m.extra_caps, 0);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(m.words[i], i + 1);
    kt_settle();
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.error, KE_OK);
}

static void receive_one(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { 0 };
    save(kumiki_recv(ep, &m), &m);
}

static void receiver_waits_first(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, receive_one, ep));
    kt_settle(); /* blocked in Recv */
    CHECK_EQ(seen.done, 0);
    struct kumiki_msg m = { .label = 7, .length = 2, .words = { 0xaa, 0xbb } };
    CHECK_OK(kumiki_send(ep, &m)); /* a receiver waits: does not block */
    kt_settle();
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.label, 7);
    CHECK_EQ(seen.length, 2);
    CHECK_EQ(seen.words[0], 0xaa);
    CHECK_EQ(seen.words[1], 0xbb);
}

static void call_three(uint64_t ep, kumiki_cptr_t self)
{
    for (uint64_t i = 1; i <= 3; i++) {
        struct kumiki_msg m = { .label = 0x10 + i, .length = 1, .words = { i * 100 } };
        uint64_t e = kumiki_call(ep, &m);
        if (e || m.label != 0x20 + i || m.length != 1 || m.words[0] != i * 100 + 1) {
            save(e ? e : KE_INVALID_ARGUMENT, &m);
            return;
        }
    }
    struct kumiki_msg none = { 0 };
    save(KE_OK, &none);
}

static void call_reply_and_reply_recv(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, call_three, ep));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    for (uint64_t i = 1; i <= 3; i++) {
        CHECK_EQ(m.label, 0x10 + i);
        CHECK_EQ(m.words[0], i * 100);
        struct kumiki_msg r = { .label = 0x20 + i, .length = 1, .words = { m.words[0] + 1 } };
        if (i < 3) {
            CHECK_OK(kumiki_reply_recv(ep, &r));
            m = r;
        } else {
            CHECK_OK(kumiki_reply(&r));
        }
    }
    kt_settle();
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.error, KE_OK);
    /* the reply right was used: nothing to reply to now */
    struct kumiki_msg r = { 0 };
    CHECK_ERR(kumiki_reply(&r), KE_NO_REPLY);
}

static void fast_server(uint64_t ep, kumiki_cptr_t self)
{
    uint64_t mr[4] = { 0 }, badge = 0, info = 0;
    uint64_t e = kumiki_recv(ep, &(struct kumiki_msg){ 0 });
    (void)e;
    for (;;) {
        /* echo: each word + the badge, label + 1 */
        mr[0] += 1;
        mr[1] += 1;
        mr[2] += 1;
        mr[3] += 1;
        kumiki_reply_recv_fast(ep, kumiki_msginfo(kumiki_msginfo_label(info) + 1, 0, 4), mr, &badge, &info);
    }
}

static void register_only_call_round_trips(void)
{
    struct kthread t;
    kumiki_cptr_t ep, badged;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(copy_with(&badged, ep, KUMIKI_RIGHTS_ALL, 0x5));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, fast_server, ep));
    kt_settle();
    /* the first call is taken by the server's plain Recv */
    uint64_t mr[4] = { 9, 9, 9, 9 }, info;
    CHECK_OK(kumiki_call_fast(badged, kumiki_msginfo(1, 0, 4), mr, &info));
    for (uint64_t i = 0; i < 200; i++) {
        uint64_t w[4] = { i, i << 8, i << 16, ~i };
        mr[0] = w[0], mr[1] = w[1], mr[2] = w[2], mr[3] = w[3];
        CHECK_OK(kumiki_call_fast(badged, kumiki_msginfo(i, 0, 4), mr, &info));
        CHECK_EQ(kumiki_msginfo_label(info), i + 1);
        CHECK_EQ(kumiki_msginfo_length(info), 4);
        for (unsigned k = 0; k < 4; k++)
            CHECK_EQ(mr[k], w[k] + 1);
    }
}

static void echo_long(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { .label = 1, .length = KUMIKI_MSG_MAX_WORDS };
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_WORDS; i++)
        m.words[i] = i * 3 + 1;
    save(kumiki_call(ep, &m), &m);
}

static void long_messages_both_ways(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, echo_long, ep));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.length, KUMIKI_MSG_MAX_WORDS);
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_WORDS; i++)
        CHECK_EQ(m.words[i], i * 3 + 1);
    struct kumiki_msg r = { .label = 2, .length = KUMIKI_MSG_MAX_WORDS };
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_WORDS; i++)
        r.words[i] = ~(uint64_t)i;
    CHECK_OK(kumiki_reply(&r));
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.label, 2);
    CHECK_EQ(seen.length, KUMIKI_MSG_MAX_WORDS);
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_WORDS; i++)
        CHECK_EQ(seen.words[i], ~(uint64_t)i);
}

static void receive_bare(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { 0 };
    uint64_t e = kumiki_recv(ep, &m); /* length <= 4: kumiki_recv needs no buffer */
    save(e, &m);
}

static void receiver_without_buffer_gets_four_words(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new_bare(&t, 100));
    CHECK_OK(kthread_start(&t, receive_bare, ep));
    kt_settle();
    struct kumiki_msg m = { .label = 3, .length = 10 };
    for (unsigned i = 0; i < 10; i++)
        m.words[i] = 50 + i;
    CHECK_OK(kumiki_send(ep, &m));
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.length, 4);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(seen.words[i], 50 + i);
}

static void non_blocking_variants(void)
{
    struct kthread t;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    struct kumiki_msg m = { .label = 5, .length = 1, .words = { 5 } }, r;
    CHECK_ERR(kumiki_nb_recv(ep, &r), KE_WOULD_BLOCK);
    CHECK_OK(kumiki_nb_send(ep, &m)); /* nobody waits: dropped */
    CHECK_ERR(kumiki_nb_recv(ep, &r), KE_WOULD_BLOCK);
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, receive_one, ep));
    kt_settle();
    CHECK_OK(kumiki_nb_send(ep, &m)); /* a receiver waits: delivered */
    kt_settle();
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.label, 5);
    /* a blocked sender is found by NB_RECV */
    CHECK_OK(kthread_start(&t, send_four, ep));
    kt_settle();
    CHECK_OK(kumiki_nb_recv(ep, &r));
    CHECK_EQ(r.label, 0x42);
    CHECK_EQ(r.words[3], 4);
}

static void receive_caps(uint64_t ep, kumiki_cptr_t first_slot)
{
    kumiki_set_receive_slots(0, first_slot, 0, KUMIKI_MSG_MAX_CAPS);
    struct kumiki_msg m = { 0 };
    save(kumiki_recv(ep, &m), &m);
}

static void receive_caps_thread(uint64_t ep, kumiki_cptr_t self)
{
    receive_caps(ep, seen.words[0]);
}

static void capability_transfer_with_grant(void)
{
    struct kthread t;
    kumiki_cptr_t ep, n, n2, ep2, first = kt_slots(3);
    reset_seen();
    seen.words[0] = first;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep2));
    CHECK_OK(copy_with(&n2, n, KUMIKI_RIGHT_WRITE, 0x30));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, receive_caps_thread, ep));
    kt_settle();
    struct kumiki_msg m = { .label = 1, .length = 1, .extra_caps = 3, .caps = { n, n2, ep2 } };
    CHECK_OK(kumiki_send(ep, &m));
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.extra_caps, 3);
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NOTIFICATION);
    CHECK_EQ(kumiki_cap_type(first + 1), KUMIKI_OBJ_NOTIFICATION);
    CHECK_EQ(kumiki_cap_type(first + 2), KUMIKI_OBJ_ENDPOINT);
    /* the received copies keep badge and rights */
    uint64_t w;
    CHECK_OK(kumiki_signal(first + 1));
    CHECK_OK(kumiki_poll(first, &w));
    CHECK_EQ(w, 0x30);
    CHECK_ERR(kumiki_poll(first + 1, &w), KE_MISSING_RIGHT);
    /* and are derived from what was sent: revoke reaches them */
    CHECK_OK(kumiki_cnode_revoke(ROOT, n, 64));
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(first + 1), KUMIKI_OBJ_NULL);
    CHECK_EQ(kumiki_cap_type(first + 2), KUMIKI_OBJ_ENDPOINT);
}

static void capability_transfer_refused(void)
{
    struct kthread t;
    kumiki_cptr_t ep, no_grant, n, first = kt_slots(3);
    reset_seen();
    seen.words[0] = first;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy_with(&no_grant, ep, KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_READ, 0));
    CHECK_OK(kthread_new(&t, 100));
    /* without GRANT: the message goes, the capability does not */
    CHECK_OK(kthread_start(&t, receive_caps_thread, ep));
    kt_settle();
    struct kumiki_msg m = { .label = 1, .length = 1, .words = { 9 }, .extra_caps = 1, .caps = { n } };
    CHECK_OK(kumiki_send(no_grant, &m));
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.words[0], 9);
    CHECK_EQ(seen.extra_caps, 0);
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NULL);
    /* an untyped cannot travel: the transfer stops there */
    reset_seen();
    seen.words[0] = first;
    CHECK_OK(kthread_start(&t, receive_caps_thread, ep));
    kt_settle();
    kumiki_cptr_t ut;
    CHECK_OK(kt_new(KUMIKI_OBJ_UNTYPED, 12, &ut));
    struct kumiki_msg m2 = { .label = 1, .length = 0, .extra_caps = 3, .caps = { n, ut, n } };
    CHECK_OK(kumiki_send(ep, &m2));
    kt_settle();
    CHECK_EQ(seen.extra_caps, 1);
    CHECK_EQ(kumiki_cap_type(first), KUMIKI_OBJ_NOTIFICATION);
    CHECK_EQ(kumiki_cap_type(first + 1), KUMIKI_OBJ_NULL);
    /* an occupied receive slot stops it too */
    reset_seen();
    seen.words[0] = first; /* first is taken now */
    CHECK_OK(kthread_start(&t, receive_caps_thread, ep));
    kt_settle();
    struct kumiki_msg m3 = { .label = 1, .length = 0, .extra_caps = 1, .caps = { n } };
    CHECK_OK(kumiki_send(ep, &m3));
    kt_settle();
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.extra_caps, 0);
}

static void send_via(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { .label = 0x77, .length = 1, .words = { ep } };
    kumiki_send(ep, &m);
}

static void badges_are_delivered(void)
{
    struct kthread a, b;
    kumiki_cptr_t ep, ba, bb;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(copy_with(&ba, ep, KUMIKI_RIGHT_WRITE, 0x1111));
    CHECK_OK(copy_with(&bb, ep, KUMIKI_RIGHT_WRITE, 0x2222));
    CHECK_OK(kthread_new(&a, 100));
    CHECK_OK(kthread_new(&b, 100));
    CHECK_OK(kthread_start(&a, send_via, ba));
    kt_settle();
    CHECK_OK(kthread_start(&b, send_via, bb));
    kt_settle();
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m)); /* first come, first served */
    CHECK_EQ(m.badge, 0x1111);
    CHECK_EQ(m.words[0], ba);
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.badge, 0x2222);
    CHECK_EQ(m.words[0], bb);
}

static volatile uint64_t cancelled[2];

static void recv_record(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m;
    cancelled[0] = kumiki_recv(ep, &m) + 0x100;
}

static void send_record(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { .label = 1 };
    cancelled[1] = kumiki_call(ep, &m) + 0x100;
}

static void endpoint_deletion_cancels_blocked_threads(void)
{
    struct kthread r, s;
    kumiki_cptr_t ep1, ep2, copy2;
    cancelled[0] = cancelled[1] = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep1));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep2));
    CHECK_OK(copy_with(&copy2, ep2, KUMIKI_RIGHTS_ALL, 0));
    CHECK_OK(kthread_new(&r, 100));
    CHECK_OK(kthread_new(&s, 100));
    CHECK_OK(kthread_start(&r, recv_record, ep1));
    CHECK_OK(kthread_start(&s, send_record, ep2));
    kt_settle();
    CHECK_EQ(cancelled[0] + cancelled[1], 0);
    CHECK_OK(kumiki_cnode_delete(ROOT, ep1, 64));
    kt_settle();
    CHECK_EQ(cancelled[0], KE_CANCELLED + 0x100);
    /* deleting one of two capabilities is not the end of the endpoint */
    CHECK_OK(kumiki_cnode_delete(ROOT, ep2, 64));
    kt_settle();
    CHECK_EQ(cancelled[1], 0);
    CHECK_OK(kumiki_cnode_delete(ROOT, copy2, 64));
    kt_settle();
    CHECK_EQ(cancelled[1], KE_CANCELLED + 0x100);
}

static void call_once(uint64_t ep, kumiki_cptr_t self)
{
    struct kumiki_msg m = { .label = 0x51, .length = 1, .words = { 6 } };
    save(kumiki_call(ep, &m), &m);
}

static void saved_reply_capability(void)
{
    struct kthread t;
    kumiki_cptr_t ep, reply = kt_slot(), other = kt_slot();
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_ERR(kumiki_cnode_save_caller(ROOT, reply, 64), KE_NO_REPLY);
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, call_once, ep));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_ERR(kumiki_cnode_save_caller(ROOT, ep, 64), KE_DELETE_FIRST);
    CHECK_OK(kumiki_cnode_save_caller(ROOT, reply, 64));
    CHECK_EQ(kumiki_cap_type(reply), KUMIKI_OBJ_REPLY);
    /* the right moved into the capability */
    struct kumiki_msg r = { .label = 0x61 };
    CHECK_ERR(kumiki_reply(&r), KE_NO_REPLY);
    CHECK_ERR(kumiki_cnode_copy(ROOT, other, 64, ROOT, reply, 64, KUMIKI_RIGHTS_ALL), KE_ILLEGAL_OPERATION);
    CHECK_ERR(kumiki_cnode_move(ROOT, other, 64, ROOT, reply, 64), KE_ILLEGAL_OPERATION);
    /* a receive in between does not drop it */
    CHECK_ERR(kumiki_nb_recv(ep, &m), KE_WOULD_BLOCK);
    struct kumiki_msg answer = { .label = 0x62, .length = 2, .words = { 7, 8 } };
    CHECK_OK(kumiki_send(reply, &answer));
    CHECK_EQ(kumiki_cap_type(reply), KUMIKI_OBJ_NULL); /* one-shot */
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.label, 0x62);
    CHECK_EQ(seen.words[1], 8);
}

static void deleting_reply_capability_cancels_caller(void)
{
    struct kthread t;
    kumiki_cptr_t ep, reply = kt_slot();
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, call_once, ep));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_OK(kumiki_cnode_save_caller(ROOT, reply, 64));
    kt_settle();
    CHECK_EQ(seen.done, 0);
    CHECK_OK(kumiki_cnode_delete(ROOT, reply, 64));
    kt_settle();
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.error, KE_CANCELLED);
}

static void rights_needed_by_each_operation(void)
{
    kumiki_cptr_t ep, write_only, read_only, write_grant_reply, write_grant;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(copy_with(&write_only, ep, KUMIKI_RIGHT_WRITE, 0));
    CHECK_OK(copy_with(&read_only, ep, KUMIKI_RIGHT_READ, 0));
    CHECK_OK(copy_with(&write_grant_reply, ep, KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY, 0));
    CHECK_OK(copy_with(&write_grant, ep, KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT, 0));
    struct kumiki_msg m = { .label = 1 };
    CHECK_ERR(kumiki_call(write_only, &m), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_call(read_only, &m), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_send(read_only, &m), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_nb_send(read_only, &m), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_recv(write_only, &m), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_nb_recv(write_grant_reply, &m), KE_MISSING_RIGHT);
    CHECK_ERR(kumiki_nb_recv(read_only, &m), KE_WOULD_BLOCK);
    CHECK_OK(kumiki_nb_send(write_only, &m));
    /* calls that have the rights: a receiver answers them */
    struct kthread t;
    reset_seen();
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, call_once, write_grant_reply));
    struct kumiki_msg r;
    CHECK_OK(kumiki_recv(ep, &r));
    CHECK_EQ(r.label, 0x51);
    CHECK_OK(kumiki_reply(&(struct kumiki_msg){ .label = 2 }));
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.label, 2);
    CHECK_OK(kthread_start(&t, call_once, write_grant));
    CHECK_OK(kumiki_recv(ep, &r));
    CHECK_OK(kumiki_reply(&(struct kumiki_msg){ .label = 3 }));
    kt_settle();
    CHECK_EQ(seen.label, 3);
    /* the wrong object types */
    kumiki_cptr_t tcb;
    CHECK_OK(kt_new(KUMIKI_OBJ_TCB, 0, &tcb));
    CHECK_ERR(kumiki_recv(tcb, &m), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_recv(kt.empty_slot, &m), KE_INVALID_CAPABILITY);
}

static void call_for_cap(uint64_t ep, kumiki_cptr_t slot)
{
    kumiki_set_receive_slots(0, slot, 0, 1);
    struct kumiki_msg m = { .label = 0x70 };
    save(kumiki_call(ep, &m), &m);
}

static void call_for_cap_thread(uint64_t ep, kumiki_cptr_t self)
{
    call_for_cap(ep, seen.words[0]);
}

/* GRANT_REPLY: "let the receiver reply to a Call (and grant through the
 * reply)" (lib/abi/kumiki_abi.py). */
static void reply_grants_with_grant_reply(void)
{
    struct kthread t;
    kumiki_cptr_t ep, caller_cap, n, slot = kt_slot();
    reset_seen();
    seen.words[0] = slot;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(copy_with(&caller_cap, ep, KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY, 0));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, call_for_cap_thread, caller_cap));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, 0x70);
    struct kumiki_msg r = { .label = 0x71, .extra_caps = 1, .caps = { n } };
    CHECK_OK(kumiki_reply(&r));
    kt_settle();
    CHECK_EQ(seen.error, KE_OK);
    CHECK_EQ(seen.label, 0x71);
    CHECK_EQ(seen.extra_caps, 1);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NOTIFICATION);
}

static void cancel_badged_sends(void)
{
    struct kthread a, b;
    kumiki_cptr_t ep, b1, b2;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(copy_with(&b1, ep, KUMIKI_RIGHTS_ALL, 1));
    CHECK_OK(copy_with(&b2, ep, KUMIKI_RIGHTS_ALL, 2));
    cancelled[1] = 0;
    CHECK_OK(kthread_new(&a, 100));
    CHECK_OK(kthread_new(&b, 100));
    CHECK_OK(kthread_start(&a, send_record, b1));
    CHECK_OK(kthread_start(&b, send_via, b2));
    kt_settle();
    CHECK_ERR(kumiki_cnode_cancel_badged_sends(ROOT, kt.empty_slot, 64), KE_WRONG_TYPE);
    CHECK_OK(kumiki_cnode_cancel_badged_sends(ROOT, ep, 64)); /* unbadged: nothing */
    CHECK_OK(kumiki_cnode_cancel_badged_sends(ROOT, b1, 64));
    kt_settle();
    CHECK_EQ(cancelled[1], KE_CANCELLED + 0x100);
    struct kumiki_msg m;
    CHECK_OK(kumiki_nb_recv(ep, &m));
    CHECK_EQ(m.badge, 2);
    CHECK_ERR(kumiki_nb_recv(ep, &m), KE_WOULD_BLOCK);
}

static void server_deleted_before_reply(void)
{
    struct kthread server, client;
    kumiki_cptr_t ep;
    reset_seen();
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kthread_new(&server, 100));
    CHECK_OK(kthread_new(&client, 90));
    CHECK_OK(kthread_start(&server, receive_one, ep));
    CHECK_OK(kthread_start(&client, call_once, ep));
    kt_settle(); /* the server got the call and returned (suspended) holding the reply right */
    CHECK_EQ(seen.done, 1);
    CHECK_EQ(seen.label, 0x51);
    CHECK_OK(kumiki_cnode_delete(ROOT, server.tcb, 64));
    kt_settle();
    CHECK_EQ(seen.done, 2);
    CHECK_EQ(seen.error, KE_CANCELLED);
}

const struct ktest ipc_tests[] = {
    { "ipc: send to a waiting receiver (the root)", send_and_receive },
    { "ipc: receiver waits first", receiver_waits_first },
    { "ipc: call, reply and reply_recv", call_reply_and_reply_recv },
    { "ipc: 200 register-only call/reply_recv round trips", register_only_call_round_trips },
    { "ipc: 120-word messages both ways", long_messages_both_ways },
    { "ipc: a receiver without IPC buffer gets 4 words", receiver_without_buffer_gets_four_words },
    { "ipc: NBSend and NBRecv", non_blocking_variants },
    { "ipc: capability transfer with GRANT", capability_transfer_with_grant },
    { "ipc: capability transfer refused or cut short", capability_transfer_refused },
    { "ipc: badges reach the receiver in order", badges_are_delivered },
    { "ipc: endpoint deletion cancels blocked threads", endpoint_deletion_cancels_blocked_threads },
    { "ipc: SAVE_CALLER and replying through a REPLY capability", saved_reply_capability },
    { "ipc: deleting an unused REPLY capability cancels the caller",
      deleting_reply_capability_cancels_caller },
    { "ipc: rights each operation needs", rights_needed_by_each_operation },
    { "ipc: a reply grants through a GRANT_REPLY capability", reply_grants_with_grant_reply },
    { "ipc: CANCEL_BADGED_SENDS", cancel_badged_sends },
    { "ipc: server deleted before it replies", server_deleted_before_reply },
    { NULL, NULL },
};
