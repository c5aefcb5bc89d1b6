/* lib/user/runtime.c — entry, system-call wrappers and string helpers. */
#include "arch/x86_64/syscall.h"
#include <kumiki/user.h>

__attribute__((noreturn)) void kumiki_start(const char *cmdline);

__attribute__((noreturn)) void kumiki_start(const char *cmdline)
{
    kumiki_exit(main(cmdline));
}

enum kumiki_error kumiki_debug_write(const void *buf, size_t len)
{
    return (enum kumiki_error)kumiki_syscall2(SYS_DEBUG_WRITE, (uint64_t)buf, len).error;
}

__attribute__((noreturn)) void kumiki_exit(int status)
{
    kumiki_syscall2(SYS_DEBUG_EXIT, (uint64_t)(int64_t)status, 0);
    for (;;)
        __builtin_trap(); /* the kernel never resumes an exited thread */
}

enum kumiki_error kumiki_null(void)
{
    return (enum kumiki_error)kumiki_syscall2(SYS_DEBUG_NULL, 0, 0).error;
}

uint64_t kumiki_ticks(void)
{
    return kumiki_syscall2(SYS_DEBUG_TICKS, 0, 0).value;
}

uint64_t kumiki_tick_hz(void)
{
    return kumiki_syscall2(SYS_DEBUG_TICK_HZ, 0, 0).value;
}

uint64_t kumiki_boot_tsc(void)
{
    return kumiki_syscall2(SYS_DEBUG_BOOT_TSC, 0, 0).value;
}

uint64_t kumiki_read_tsc(void)
{
    return kumiki_rdtsc();
}

enum kumiki_error kumiki_raw_syscall(uint64_t number, uint64_t a0, uint64_t a1, uint64_t *value)
{
    struct kumiki_syscall_result r = kumiki_syscall2(number, a0, a1);
    if (value)
        *value = r.value;
    return (enum kumiki_error)r.error;
}

void *memset(void *dst, int value, size_t len)
{
    unsigned char *d = dst;
    while (len--)
        *d++ = (unsigned char)value;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t len)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (len--)
        *d++ = *s++;
    return dst;
}

int memcmp(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < len; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

bool has_argument(const char *cmdline, const char *arg)
{
    size_t n = strlen(arg);
    for (const char *p = cmdline; *p; p++) {
        bool at_word_start = p == cmdline || p[-1] == ' ';
        if (at_word_start && memcmp(p, arg, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
            return true;
    }
    return false;
}
