/* kernel/arch/x86_64/irq.c — ISA interrupt lines as capabilities.
 *
 * The 8259 PICs (remapped to VECTOR_PIC_BASE, reached through the LAPIC's
 * virtual-wire LINT0) deliver the 16 ISA lines.  A line is unmasked while a
 * handler has a notification; when it fires, the kernel masks it, sends the
 * EOI and signals the notification; the driver acknowledges (ACK) after
 * handling it, which unmasks the line again. */
#include <arch/cpu.h>
#include <arch/vectors.h>
#include <kernel/abi_decode_generated.h>
#include <kernel/cdt.h>
#include <kernel/cspace.h>
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/object.h>

enum { PIC1_CMD = 0x20, PIC1_DATA = 0x21, PIC2_CMD = 0xa0, PIC2_DATA = 0xa1, PIC_EOI = 0x20, CASCADE = 2 };

struct irq_line {
    bool issued;
    struct notification *notification;
    uint64_t badge;
};
static struct irq_line lines[KUMIKI_IRQ_LINES];

static void set_masked(unsigned line, bool masked)
{
    uint16_t port = line < 8 ? PIC1_DATA : PIC2_DATA;
    uint8_t bit = (uint8_t)(1u << (line % 8));
    uint8_t mask = inb(port);
    outb(port, masked ? (uint8_t)(mask | bit) : (uint8_t)(mask & ~bit));
    if (line >= 8 && !masked)
        set_masked(CASCADE, false);
}

/* The in-service register: a spurious IRQ 7 or 15 has its bit clear. */
static bool in_service(unsigned line)
{
    uint16_t cmd = line < 8 ? PIC1_CMD : PIC2_CMD;
    outb(cmd, 0x0b);
    return inb(cmd) & (1u << (line % 8));
}

void irq_deliver(unsigned line)
{
    if ((line == 7 || line == 15) && !in_service(line)) {
        if (line == 15)
            outb(PIC1_CMD, PIC_EOI); /* the master saw the cascade */
        return;
    }
    set_masked(line, true);
    if (line >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
    if (lines[line].notification)
        notification_signal(lines[line].notification, lines[line].badge);
}

void irq_notification_gone(const struct notification *n)
{
    for (unsigned line = 0; line < KUMIKI_IRQ_LINES; line++) {
        if (lines[line].notification == n) {
            set_masked(line, true);
            lines[line].notification = NULL;
        }
    }
}

void irq_handler_finalise(unsigned line)
{
    set_masked(line, true);
    lines[line].notification = NULL;
    lines[line].issued = false;
}

static uint64_t get_handler(struct invocation *inv)
{
    struct args_irq_control_get a;
    uint64_t e = decode_irq_control_get(inv, &a);
    if (e)
        return e;
    if (a.irq >= KUMIKI_IRQ_LINES || a.irq == CASCADE)
        return KE_RANGE;
    if (lines[a.irq].issued)
        return KE_ILLEGAL_OPERATION;
    struct cte *slot;
    if ((e = cspace_lookup_empty_slot(&a.root->cap, a.index, a.depth, &slot)))
        return e;
    lines[a.irq].issued = true;
    slot_insert(slot,
                (struct cap){ .type = KUMIKI_OBJ_IRQ_HANDLER, .rights = KUMIKI_RIGHTS_ALL, .data = a.irq },
                inv->service);
    return KE_OK;
}

uint64_t irq_invoke(struct invocation *inv)
{
    if (inv->service->cap.type == KUMIKI_OBJ_IRQ_CONTROL)
        return inv->label == KUMIKI_IRQ_CONTROL_GET ? get_handler(inv) : KE_UNKNOWN_INVOCATION;
    unsigned line = (unsigned)inv->service->cap.data;
    switch (inv->label) {
    case KUMIKI_IRQ_HANDLER_SET_NOTIFICATION: {
        struct args_irq_handler_set_notification a;
        uint64_t e = decode_irq_handler_set_notification(inv, &a);
        if (e)
            return e;
        struct cap *n = &a.notification->cap;
        if (cap_is_null(n)) {
            set_masked(line, true);
            lines[line].notification = NULL;
            return KE_OK;
        }
        if (n->type != KUMIKI_OBJ_NOTIFICATION)
            return KE_WRONG_TYPE;
        if (!cap_has_rights(n, KUMIKI_RIGHT_WRITE))
            return KE_MISSING_RIGHT;
        lines[line].notification = (struct notification *)(uintptr_t)n->object;
        lines[line].badge = n->data;
        set_masked(line, false);
        return KE_OK;
    }
    case KUMIKI_IRQ_HANDLER_ACK:
        if (lines[line].notification)
            set_masked(line, false);
        return KE_OK;
    case KUMIKI_IRQ_HANDLER_CLEAR:
        set_masked(line, true);
        lines[line].notification = NULL;
        return KE_OK;
    default: return KE_UNKNOWN_INVOCATION;
    }
}
