/* rt_probe: a component that tries to reach what it was not given.
 *
 * Given (args): radix= of its CNode, caps= how many capabilities from slot 8
 * on, ioport= the slot of its I/O port capability, first= last= its ports.
 * It checks that
 *   - every other slot of its CNode is empty (cap type 0, a signal on it is
 *     INVALID_CAPABILITY), and addresses beyond its CNode resolve to nothing;
 *   - its I/O port capability refuses every port outside its range (RANGE);
 *   - it cannot make an IRQ handler or an I/O port capability from any empty
 *     slot or its own TCB / CNode / VSpace (it holds no control capability).
 * Exits 0 when every attempt was refused, 1 otherwise (each escape printed). */
#include "rt_args.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>

static unsigned attempts, escapes;

static void expect(bool refused, const char *what, uint64_t slot, uint64_t arg, uint64_t e)
{
    attempts++;
    if (!refused) {
        escapes++;
        uprintf("# rt_probe: ESCAPE: %s slot %lu (%lu): %s\n", what, slot, arg, kumiki_error_name(e));
    }
}

static bool given(uint64_t slot, uint64_t caps)
{
    return (slot >= 1 && slot <= 4) || (slot >= KUMIKI_PROGRAM_CAP_FIRST_FREE && slot < 8 + caps);
}

static void probe_slots(uint64_t radix, uint64_t caps)
{
    for (uint64_t slot = 1; slot < (1ull << radix); slot++) {
        if (given(slot, caps))
            continue;
        uint64_t type = kumiki_cap_type(slot), e = kumiki_signal(slot);
        expect(type == 0, "a capability in", slot, type, KE_OK);
        expect(e == KE_INVALID_CAPABILITY, "signal on", slot, 0, e);
    }
    static const uint64_t beyond[] = { 64, 65, 127, 128, 1ull << 16, 1ull << 40, ~0ull };
    for (unsigned i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
        if (beyond[i] < (1ull << radix))
            continue;
        uint64_t e = kumiki_signal(beyond[i]);
        expect(e == KE_INVALID_CAPABILITY || e == KE_FAILED_LOOKUP, "address beyond the CNode", beyond[i], 0,
               e);
        expect(kumiki_cap_type(beyond[i]) == 0, "a capability at address", beyond[i], 0, KE_OK);
    }
}

static void probe_ports(kumiki_cptr_t ioport, uint64_t first, uint64_t last)
{
    uint64_t value, e = kumiki_ioport_in8(ioport, first, &value);
    if (e) {
        uprintf("# rt_probe: its own port 0x%lx does not work: %s\n", first, kumiki_error_name(e));
        escapes++;
    }
    for (uint64_t port = 0; port <= 0xffff; port++)
        if (port < first || port > last) {
            e = kumiki_ioport_in8(ioport, port, &value);
            expect(e == KE_RANGE, "port outside the range through", ioport, port, e);
        }
}

/* From slots that are empty or hold its own TCB, CNode or VSpace: no IRQ
 * handler and no I/O port capability can be made (the destination stays
 * empty).  The destination index is odd, so never a depth of 64 for the
 * CNode's own methods that share the labels. */
static void probe_controls(uint64_t radix, uint64_t caps)
{
    uint64_t dest = (1ull << radix) - 1;
    for (uint64_t slot = 2; slot < dest; slot++) {
        if (slot > 4 && given(slot, caps))
            continue;
        for (uint64_t line = 0; line < 16; line++) {
            uint64_t e = kumiki_irq_control_get(slot, line, KUMIKI_PROGRAM_CAP_CNODE, dest, radix);
            expect(e != KE_OK && kumiki_cap_type(dest) == 0, "IRQ_CONTROL GET through", slot, line, e);
        }
        uint64_t e = kumiki_ioport_control_issue(slot, 0, 0xffff, KUMIKI_PROGRAM_CAP_CNODE, dest, radix);
        expect(e != KE_OK && kumiki_cap_type(dest) == 0, "IOPORT_CONTROL ISSUE through", slot, 0, e);
    }
}

int main(const char *cmdline)
{
    uint64_t radix = rt_arg(cmdline, "radix", 6), caps = rt_arg(cmdline, "caps", 0);
    uint64_t ioport = rt_arg(cmdline, "ioport", 0);
    probe_slots(radix, caps);
    if (ioport)
        probe_ports(ioport, rt_arg(cmdline, "first", 0), rt_arg(cmdline, "last", 0));
    probe_controls(radix, caps);
    uprintf("# rt_probe: %u attempts, %u escapes\n", attempts, escapes);
    return escapes ? 1 : 0;
}
