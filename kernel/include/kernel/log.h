/* kernel/include/kernel/log.h — the kernel log on the serial console.
 *
 * Every line carries its level: "[kernel] info: ...".  Lines below the
 * threshold (kernel command line: loglevel=debug|info|warn|error) are not
 * printed.  Format: %s %c %d %i %u %x %p %%, with l/ll/z size modifiers,
 * a minimum width and zero padding (%016lx).  No floating point. */
#pragma once

#include <kernel/types.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
bool log_level_from_name(const char *name, size_t len, enum log_level *out);

__attribute__((format(printf, 2, 3))) void log_write(enum log_level level, const char *fmt, ...);
/* Raw output with no prefix, for TAP lines and user debug writes. */
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
void console_write(const char *s, size_t len);
/* Formats into buf (always terminated when size > 0); returns the length
 * the full text would have. */
__attribute__((format(printf, 3, 4))) size_t ksnprintf(char *buf, size_t size, const char *fmt, ...);

#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)

/* Prints the message and exits QEMU with the panic status (see
 * tools/qemu_tap_runner.py).  Only for kernel bugs and unbootable machines,
 * never for anything user space did. */
__attribute__((format(printf, 1, 2))) NORETURN void panic(const char *fmt, ...);
