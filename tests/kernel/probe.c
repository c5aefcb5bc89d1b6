/* tests/kernel/probe.c — see probe.h.  One probe thread per test, restarted
 * for each access; its fault endpoint and its "done" messages use the same
 * endpoint, so one Recv tells which happened. */
#include "probe.h"
#include "kthread.h"

enum { DONE_LABEL = 0x99 };

static struct {
    unsigned test; /* the test the thread below belongs to */
    struct kthread thread;
    kumiki_cptr_t ep;
} p;

static volatile uint64_t probe_address, probe_access;

static void probe_thread(uint64_t ep, kumiki_cptr_t self)
{
    uint64_t value = 0;
    volatile uint64_t *word = (volatile uint64_t *)(uintptr_t)probe_address;
    if (probe_access == PROBE_READ) {
        value = *word;
    } else if (probe_access == PROBE_WRITE) {
        *word = 0x77;
    } else {
        uint64_t (*code)(void);
        uint64_t address = probe_address;
        memcpy(&code, &address, sizeof(code));
        value = code();
    }
    struct kumiki_msg m = { .label = DONE_LABEL, .length = 1, .words = { value } };
    kumiki_send(ep, &m);
}

static uint64_t setup(void)
{
    if (p.test == kt.test_number)
        return KE_OK;
    kumiki_cptr_t fault = kt_slot();
    uint64_t e = kt_new(KUMIKI_OBJ_ENDPOINT, 0, &p.ep);
    if (!e)
        e = kumiki_cnode_mint(KUMIKI_CAP_INIT_CNODE, fault, 64, KUMIKI_CAP_INIT_CNODE, p.ep, 64,
                              KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY, 1);
    if (!e)
        e = kthread_new(&p.thread, 100);
    if (!e)
        e = kthread_set_fault_endpoint(&p.thread, fault);
    if (!e)
        p.test = kt.test_number;
    return e;
}

uint64_t probe(uint64_t vaddr, enum probe_access access, struct probe_result *r)
{
    *r = (struct probe_result){ 0 };
    uint64_t e = setup();
    if (!e)
        e = kumiki_tcb_suspend(p.thread.tcb); /* from its last fault or message */
    probe_address = vaddr;
    probe_access = access;
    if (!e)
        e = kthread_start(&p.thread, probe_thread, p.ep);
    struct kumiki_msg m;
    if (!e)
        e = kumiki_recv(p.ep, &m);
    if (e)
        return e;
    if (m.label == DONE_LABEL) {
        r->value = m.words[0];
        return KE_OK;
    }
    if (m.label != KUMIKI_FAULT_VM)
        return KE_INVALID_ARGUMENT;
    r->faulted = true;
    r->address = m.words[KUMIKI_FAULT_VM_ADDRESS];
    r->error_code = m.words[KUMIKI_FAULT_VM_ERROR_CODE];
    r->is_fetch = m.words[KUMIKI_FAULT_VM_IS_FETCH];
    return KE_OK;
}
