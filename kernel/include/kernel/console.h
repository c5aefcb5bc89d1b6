/* kernel/include/kernel/console.h — where the kernel's text goes.
 *
 * Until a serial driver takes COM1 (IOPORT_CONTROL ISSUE of any port in
 * 0x3f8..0x3ff), the kernel writes its log and every SYS_DEBUG_WRITE to the
 * UART itself, polling.  From then on it never touches the UART again: the
 * text goes into a 16 KiB ring, which the driver drains with
 * SYS_DEBUG_CONSOLE_READ and writes out itself; a notification it names is
 * signalled when new text arrives.  At halt and panic the kernel writes the
 * rest of the ring to the UART one last time. */
#pragma once

#include <kernel/types.h>

struct notification;

void console_write(const char *s, size_t len);
/* COM1 now belongs to a driver. */
void console_hand_over(void);
/* Copies up to len bytes of waiting text; *dropped: bytes lost because the
 * ring was full since the last read. */
size_t console_read(char *dst, size_t len, uint64_t *dropped);
/* The notification to signal when text arrives (NULL: none). */
void console_set_reader(struct notification *n, uint64_t badge);
/* A notification is being destroyed. */
void console_notification_gone(const struct notification *n);
/* Signals the reader if text arrived since the last signal.  Called where
 * waking a thread is safe: on the way out of the kernel. */
void console_signal_reader(void);
/* Halt or panic: the kernel writes the rest of the ring to the UART and keeps
 * the UART from here on. */
void console_take_back(void);
