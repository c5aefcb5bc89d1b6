/* kernel/include/kernel/irq.h — interrupt lines and I/O ports as objects
 * (arch/x86_64/irq.c, arch/x86_64/ioport.c). */
#pragma once

#include <kernel/cap.h>

/* A device interrupt arrived on an ISA line (from the trap handler). */
void irq_deliver(unsigned line);
void irq_handler_finalise(unsigned line);
struct notification;
/* A notification is being destroyed: lines that signal it are masked and
 * forget it. */
void irq_notification_gone(const struct notification *n);
/* Marks ports the kernel itself drives as never issuable. */
void ioport_reserve(uint16_t first, uint16_t last);
void ioport_release(const struct cap *cap);
