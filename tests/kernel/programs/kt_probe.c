/* tests/kernel/programs/kt_probe.c — a component that tries what it was
 * not given (isolation.c spawns it).  Its CSpace holds slots 1-4 (see
 * kumiki/program.h) and, from the supervisor, an I/O port capability for
 * ports 0x70-0x71 in slot 8.  It checks that every other slot is empty and
 * that nothing can be done through it, that its ports are limited to its
 * range, reports (a Call with label 0x200: failures, the first bad slot,
 * checks made), then executes `in` and `cli`, which must fault. */
#include "arch.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum { GIVEN_PORTS = KUMIKI_PROGRAM_CAP_FIRST_FREE, LAST_SLOT = (1 << KUMIKI_PROGRAM_CNODE_RADIX) - 1 };
#define OWN_CNODE KUMIKI_PROGRAM_CAP_CNODE

static unsigned failures, checks;
static uint64_t first_bad;

static void expect(bool ok, uint64_t slot)
{
    checks++;
    if (!ok && failures++ == 0)
        first_bad = slot;
}

/* Everything through an empty or invalid address fails. */
static void try_slot(uint64_t slot)
{
    uint64_t v;
    struct kumiki_msg m = { .label = 1 };
    expect(kumiki_cap_type(slot) == KUMIKI_OBJ_NULL, slot);
    expect(kumiki_nb_send(slot, &m) == KE_INVALID_CAPABILITY, slot);
    expect(kumiki_nb_recv(slot, &m) == KE_INVALID_CAPABILITY, slot);
    expect(kumiki_signal(slot) == KE_INVALID_CAPABILITY, slot);
    expect(kumiki_ioport_in8(slot, 0x40, &v) == KE_INVALID_CAPABILITY, slot);
    expect(kumiki_ioport_control_issue(slot, 0x40, 0x43, OWN_CNODE, 9, 64) == KE_INVALID_CAPABILITY, slot);
    expect(kumiki_irq_control_get(slot, 0, OWN_CNODE, 9, 64) == KE_INVALID_CAPABILITY, slot);
    expect(kumiki_untyped_retype(slot, KUMIKI_OBJ_FRAME, 0, OWN_CNODE, 0, 0, 9, 1) == KE_INVALID_CAPABILITY,
           slot);
    uint64_t e = kumiki_cnode_copy(OWN_CNODE, 9, 64, OWN_CNODE, slot, 64, KUMIKI_RIGHTS_ALL);
    expect(e == KE_INVALID_CAPABILITY || e == KE_FAILED_LOOKUP, slot);
}

int main(const char *args)
{
    (void)args;
    expect(kumiki_cap_type(KUMIKI_PROGRAM_CAP_SUPERVISOR) == KUMIKI_OBJ_ENDPOINT, 1);
    expect(kumiki_cap_type(KUMIKI_PROGRAM_CAP_TCB) == KUMIKI_OBJ_TCB, 2);
    expect(kumiki_cap_type(OWN_CNODE) == KUMIKI_OBJ_CNODE, 3);
    expect(kumiki_cap_type(KUMIKI_PROGRAM_CAP_VSPACE) == KUMIKI_OBJ_PML4, 4);
    expect(kumiki_cap_type(GIVEN_PORTS) == KUMIKI_OBJ_IOPORT, GIVEN_PORTS);
    for (uint64_t slot = 5; slot <= LAST_SLOT; slot++)
        if (slot != GIVEN_PORTS)
            try_slot(slot);
    static const uint64_t beyond[] = { LAST_SLOT + 1, 1ull << 20, 1ull << 40, 1ull << 63, ~0ull };
    for (unsigned i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++)
        try_slot(beyond[i]);
    /* its own ports work, and only those */
    uint64_t v;
    expect(kumiki_ioport_in8(GIVEN_PORTS, 0x71, &v) == KE_OK, 0x71);
    expect(kumiki_ioport_in8(GIVEN_PORTS, 0x40, &v) == KE_RANGE, 0x40);
    expect(kumiki_ioport_out8(GIVEN_PORTS, 0x3f8, 'X') == KE_RANGE, 0x3f8);
    expect(kumiki_ioport_in16(GIVEN_PORTS, 0x71, &v) == KE_RANGE, 0x71);
    /* its supervisor endpoint can send but not receive, and is not a CNode */
    struct kumiki_msg m = { 0 };
    expect(kumiki_nb_recv(KUMIKI_PROGRAM_CAP_SUPERVISOR, &m) == KE_MISSING_RIGHT, 1);
    struct kumiki_msg report = { .label = 0x200, .length = 3, .words = { failures, first_bad, checks } };
    if (kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &report) != KE_OK)
        return 1;
    kt_inb_0x40();
    kt_cli();
    return 0;
}
