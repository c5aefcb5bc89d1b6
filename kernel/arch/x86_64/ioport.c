/* kernel/arch/x86_64/ioport.c — I/O port ranges as capabilities.
 *
 * IOPORT_CONTROL ISSUE hands out a range once: a bitmap of issued ports
 * makes sure no port is in two ranges, so one driver owns each device.  The
 * ports the kernel drives itself (interrupt controllers, COM1 for the log,
 * the debug-exit port) are marked issued at boot and never handed out.
 * User code reaches ports only through IOPORT IN/OUT invocations (the TSS
 * I/O bitmap grants nothing), and only inside its range. */
#include <arch/cpu.h>
#include <kernel/abi_decode_generated.h>
#include <kernel/console.h>
#include <kernel/cspace.h>
#include <kernel/invocation.h>
#include <kernel/irq.h>
#include <kernel/object.h>

static uint64_t issued[65536 / 64];
enum { COM1_FIRST = 0x3f8, COM1_LAST = 0x3ff };

static bool port_issued(unsigned port)
{
    return issued[port / 64] & (1ull << (port % 64));
}

static void mark(unsigned first, unsigned last, bool on)
{
    for (unsigned p = first; p <= last; p++) {
        if (on)
            issued[p / 64] |= 1ull << (p % 64);
        else
            issued[p / 64] &= ~(1ull << (p % 64));
    }
}

void ioport_reserve(uint16_t first, uint16_t last)
{
    mark(first, last, true);
}

void ioport_release(const struct cap *cap)
{
    mark((unsigned)(cap->data & 0xffff), (unsigned)(cap->data >> 16), false);
}

static uint64_t issue(struct invocation *inv)
{
    struct args_ioport_control_issue a;
    uint64_t e = decode_ioport_control_issue(inv, &a);
    if (e)
        return e;
    if (a.first > a.last || a.last > 0xffff)
        return KE_RANGE;
    for (uint64_t p = a.first; p <= a.last; p++)
        if (port_issued((unsigned)p))
            return KE_ILLEGAL_OPERATION;
    struct cte *slot;
    if ((e = cspace_lookup_empty_slot(&a.root->cap, a.index, a.depth, &slot)))
        return e;
    mark((unsigned)a.first, (unsigned)a.last, true);
    if (a.first <= COM1_LAST && a.last >= COM1_FIRST)
        console_hand_over(); /* COM1 belongs to a serial driver from now on */
    slot_insert(slot,
                (struct cap){
                    .type = KUMIKI_OBJ_IOPORT, .rights = KUMIKI_RIGHTS_ALL, .data = a.first | a.last << 16 },
                inv->service);
    return KE_OK;
}

uint64_t ioport_invoke(struct invocation *inv)
{
    const struct cap *cap = &inv->service->cap;
    if (cap->type == KUMIKI_OBJ_IOPORT_CONTROL)
        return inv->label == KUMIKI_IOPORT_CONTROL_ISSUE ? issue(inv) : KE_UNKNOWN_INVOCATION;
    static const uint8_t widths[] = {
        [KUMIKI_IOPORT_IN8] = 1,  [KUMIKI_IOPORT_IN16] = 2,  [KUMIKI_IOPORT_IN32] = 4,
        [KUMIKI_IOPORT_OUT8] = 1, [KUMIKI_IOPORT_OUT16] = 2, [KUMIKI_IOPORT_OUT32] = 4
    };
    if (inv->label >= sizeof(widths) || !widths[inv->label])
        return KE_UNKNOWN_INVOCATION;
    bool out = inv->label >= KUMIKI_IOPORT_OUT8;
    if (inv->length < (out ? 2u : 1u))
        return KE_TRUNCATED_MESSAGE;
    uint64_t port = invocation_word(inv, 0), width = widths[inv->label];
    uint64_t first = cap->data & 0xffff, last = cap->data >> 16;
    if (port < first || port > last || width - 1 > last - port)
        return KE_RANGE;
    if (out) {
        uint64_t value = invocation_word(inv, 1);
        if (width == 1)
            outb((uint16_t)port, (uint8_t)value);
        else if (width == 2)
            outw((uint16_t)port, (uint16_t)value);
        else
            outl((uint16_t)port, (uint32_t)value);
        return KE_OK;
    }
    uint64_t value = width == 1   ? inb((uint16_t)port)
                     : width == 2 ? inw((uint16_t)port)
                                  : inl((uint16_t)port);
    invocation_set_result(inv, 0, value);
    return KE_OK;
}
