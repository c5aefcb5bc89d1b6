/* tests/kernel/process.c — IPC and faults across address spaces: a helper
 * program (programs/kt_peer.c) in its own VSpace and CSpace. */
#include "groups.h"
#include "kprocess.h"

#define ROOT KUMIKI_CAP_INIT_CNODE
enum { PEER_BADGE = 0x500 };

#define CHECK_SPAWN(args, ep, p)                                                          \
    do {                                                                                  \
        const char *why_ = "";                                                            \
        uint64_t e_ = kt_spawn("kt_peer", args, ep, PEER_BADGE, p, &why_);                \
        if (e_) {                                                                         \
            ktest_fail(__FILE__, __LINE__, "spawn: %s: %s", why_, kumiki_error_name(e_)); \
            return;                                                                       \
        }                                                                                 \
    } while (0)

#define CHECK_EXIT(ep, status)                   \
    do {                                         \
        struct kumiki_msg x_;                    \
        CHECK_OK(kumiki_recv(ep, &x_));          \
        CHECK_EQ(x_.badge, PEER_BADGE);          \
        CHECK_EQ(x_.label, KUMIKI_PROGRAM_EXIT); \
        CHECK_EQ(x_.words[0], status);           \
    } while (0)

static void call_across_address_spaces(void)
{
    kumiki_cptr_t ep;
    struct kumiki_process p;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_SPAWN("call", ep, &p);
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.badge, PEER_BADGE);
    CHECK_EQ(m.label, 0x42);
    CHECK_EQ(m.length, 10);
    for (unsigned i = 0; i < 10; i++)
        CHECK_EQ(m.words[i], 7 * i);
    struct kumiki_msg r = { .label = 0x43, .length = 10 };
    for (unsigned i = 0; i < 10; i++)
        r.words[i] = 7 * i + 1;
    CHECK_OK(kumiki_reply(&r));
    CHECK_EXIT(ep, 0);
}

static void fault_across_address_spaces(void)
{
    kumiki_cptr_t ep;
    struct kumiki_process p;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_SPAWN("fault", ep, &p);
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.badge, PEER_BADGE);
    CHECK_EQ(m.label, KUMIKI_FAULT_VM);
    CHECK_EQ(m.words[KUMIKI_FAULT_VM_ADDRESS], 0x10);
    CHECK_EQ(m.words[KUMIKI_FAULT_VM_ERROR_CODE] & 7, 6);
    /* the program's code is at its own 0x400000, not ours */
    CHECK(m.words[KUMIKI_FAULT_VM_RIP] >= 0x400000 && m.words[KUMIKI_FAULT_VM_RIP] < 0x500000);
}

static void grant_across_address_spaces(void)
{
    kumiki_cptr_t ep, ep2, n, x = kt_slot();
    struct kumiki_process p;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep2));
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kumiki_cnode_mint(ROOT, x, 64, ROOT, n, 64, KUMIKI_RIGHT_WRITE, 0x9));
    CHECK_SPAWN("grant", ep, &p);
    CHECK_OK(kumiki_cnode_copy(p.cnode, KUMIKI_PROGRAM_CAP_FIRST_FREE, KUMIKI_PROGRAM_CNODE_RADIX, ROOT, ep2,
                               64, KUMIKI_RIGHT_READ));
    struct kumiki_msg m = { .label = 1, .extra_caps = 1, .caps = { x } };
    CHECK_OK(kumiki_send(ep2, &m)); /* blocks until the program receives */
    uint64_t w = 0;
    CHECK_OK(kumiki_wait(n, &w));
    CHECK_EQ(w, 0x9);
    CHECK_EXIT(ep, 0);
}

static void destroy_and_spawn_again(void)
{
    kumiki_cptr_t ep;
    struct kumiki_process p;
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    for (unsigned round = 0; round < 3; round++) {
        CHECK_SPAWN("call", ep, &p);
        struct kumiki_msg m;
        CHECK_OK(kumiki_recv(ep, &m));
        CHECK_EQ(m.label, 0x42);
        /* destroy it while it waits for our reply */
        kt.alloc.untyped = kt.pool;
        CHECK_OK(kumiki_process_destroy(&kt.alloc, &p));
        CHECK_EQ(kt.alloc.next_slot, p.first_slot);
        CHECK_EQ(kumiki_cap_type(p.tcb), KUMIKI_OBJ_NULL);
        struct kumiki_msg r = { .label = 0x43 };
        CHECK_ERR(kumiki_reply(&r), KE_NO_REPLY);
    }
}

const struct ktest process_tests[] = {
    { "process: Call across address spaces", call_across_address_spaces },
    { "process: a fault in another address space", fault_across_address_spaces },
    { "process: capability granted into another CSpace", grant_across_address_spaces },
    { "process: destroy while it waits for a reply, three times", destroy_and_spawn_again },
    { NULL, NULL },
};
