/* tests/kernel/isolation.c — a spawned component (programs/kt_probe.c)
 * finds every capability slot it was not given empty, can use only the
 * ports it was given, and faults on `in` and `cli`. */
#include "groups.h"
#include "kprocess.h"

#define ROOT KUMIKI_CAP_INIT_CNODE
enum { PROBE_BADGE = 0x600 };

static void component_gets_nothing_it_was_not_given(void)
{
    kumiki_cptr_t ep, ports = kt_slot();
    struct kumiki_process p;
    const char *why = "";
    CHECK_OK(kt_new(KUMIKI_OBJ_ENDPOINT, 0, &ep));
    uint64_t e = kt_spawn("kt_probe", "kt_probe", ep, PROBE_BADGE, &p, &why);
    if (e) {
        ktest_fail(__FILE__, __LINE__, "spawn: %s: %s", why, kumiki_error_name(e));
        return;
    }
    CHECK_OK(kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, 0x70, 0x71, ROOT, ports, 64));
    CHECK_OK(kumiki_cnode_move(p.cnode, KUMIKI_PROGRAM_CAP_FIRST_FREE, KUMIKI_PROGRAM_CNODE_RADIX, ROOT,
                               ports, 64));
    struct kumiki_msg m;
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.badge, PROBE_BADGE);
    CHECK_EQ(m.label, 0x200);
    if (m.words[0]) {
        ktest_fail(__FILE__, __LINE__, "%lu of %lu checks failed, first at slot/port 0x%lx", m.words[0],
                   m.words[2], m.words[1]);
        return;
    }
    CHECK(m.words[2] > 9 * 1000); /* every slot was tried */
    CHECK_OK(kumiki_reply(&(struct kumiki_msg){ .label = 0 }));
    /* `inb $0x40, %al` (2 bytes): #GP, no I/O privilege */
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_USER_EXCEPTION);
    CHECK_EQ(m.words[KUMIKI_FAULT_USER_EXCEPTION_VECTOR], 13);
    CHECK_EQ(m.words[KUMIKI_FAULT_USER_EXCEPTION_ERROR_CODE], 0);
    uint64_t rip = m.words[KUMIKI_FAULT_USER_EXCEPTION_RIP];
    CHECK_OK(kumiki_reply(&(struct kumiki_msg){ .label = 0, .length = 1, .words = { rip + 2 } }));
    /* `cli` (1 byte) right after the return: #GP too */
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_FAULT_USER_EXCEPTION);
    CHECK_EQ(m.words[KUMIKI_FAULT_USER_EXCEPTION_VECTOR], 13);
    rip = m.words[KUMIKI_FAULT_USER_EXCEPTION_RIP];
    CHECK_OK(kumiki_reply(&(struct kumiki_msg){ .label = 0, .length = 1, .words = { rip + 1 } }));
    CHECK_OK(kumiki_recv(ep, &m));
    CHECK_EQ(m.label, KUMIKI_PROGRAM_EXIT);
    CHECK_EQ(m.words[0], 0);
    /* the CMOS ports went with the component: issuable again once it is gone */
    kt.alloc.untyped = kt.pool;
    CHECK_OK(kumiki_process_destroy(&kt.alloc, &p));
    kumiki_cptr_t again = kt_slot();
    CHECK_OK(kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, 0x70, 0x71, ROOT, again, 64));
}

const struct ktest isolation_tests[] = {
    { "isolation: a component finds no capability, port or IRQ it was not given",
      component_gets_nothing_it_was_not_given },
    { NULL, NULL },
};
