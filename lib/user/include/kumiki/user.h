/* lib/user/include/kumiki/user.h — the minimal runtime of native Kumiki
 * programs: system-call wrappers, a console printf and memory helpers.
 * A program defines `int main(const char *cmdline)`; returning from it exits
 * with that status. */
#pragma once

#include <kumiki/abi.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int main(const char *cmdline);

/* rdtsc at the program's first instruction (see start.S). */
extern uint64_t kumiki_start_tsc;
/* rdi at the first instruction: the argument string of a program, the boot
 * information of the root task. */
extern uint64_t kumiki_start_argument;
/* The boot information when this is the root task, else NULL. */
const struct kumiki_bootinfo *kumiki_bootinfo(void);
/* The runtime audit's view of slot `index` of the CNode at `cnode`
 * (SYS_DEBUG_SLOT_INFO): info = type | rights << 8 | size_bits << 16 |
 * guard_bits << 24; data = badge/guard/...; object = the object's address. */
uint64_t kumiki_slot_info(kumiki_cptr_t cnode, uint64_t index, uint64_t *info, uint64_t *data,
                          uint64_t *object);
/* Once this component holds COM1 (a serial driver): copies up to len bytes
 * of the kernel's console text into buf (*count; *lost: bytes dropped from a
 * full ring, may be NULL) and names the notification (0: keep the current)
 * the kernel signals when more text arrives (SYS_DEBUG_CONSOLE_READ). */
uint64_t kumiki_console_read(void *buf, size_t len, kumiki_cptr_t notification, uint64_t *count,
                             uint64_t *lost);
/* The object type of a capability (KUMIKI_OBJ_*), 0 for an empty slot. */
uint64_t kumiki_cap_type(kumiki_cptr_t cap);

uint64_t kumiki_debug_write(const void *buf, size_t len);
/* Ends the program: reported to the supervisor (or, for the root task, the
 * QEMU run ends: status 0 as "done", anything else as "failed"). */
__attribute__((noreturn)) void kumiki_exit(int status);
uint64_t kumiki_null(void);
uint64_t kumiki_ticks(void);
uint64_t kumiki_tick_hz(void);
uint64_t kumiki_boot_tsc(void);
/* Time stamp counts the CPU spent idle since boot (SYS_DEBUG_IDLE_TSC). */
uint64_t kumiki_idle_tsc(void);
uint64_t kumiki_read_tsc(void);
/* Raw system call with two arguments, for tests of argument checking. */
uint64_t kumiki_raw_syscall(uint64_t number, uint64_t a0, uint64_t a1, uint64_t *value);

/* printf subset: %s %c %d %u %x %p %%, l/ll/z, width, zero padding. */
__attribute__((format(printf, 1, 2))) void uprintf(const char *fmt, ...);
__attribute__((format(printf, 3, 4))) size_t usnprintf(char *buf, size_t size, const char *fmt, ...);
size_t uvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void *memset(void *dst, int value, size_t len);
void *memcpy(void *restrict dst, const void *restrict src, size_t len);
int memcmp(const void *a, const void *b, size_t len);
void *memmove(void *dst, const void *src, size_t len);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
/* True when the command line has the word `arg` as one of its arguments. */
bool has_argument(const char *cmdline, const char *arg);
