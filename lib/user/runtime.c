/* lib/user/runtime.c — entry, exit, debug calls and string helpers. */
#include "arch/x86_64/syscall.h"
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

__attribute__((noreturn)) void kumiki_start(const char *argument);

uint64_t kumiki_start_argument;

__attribute__((noreturn)) void kumiki_start(const char *argument)
{
    kumiki_start_argument = (uint64_t)argument;
    kumiki_exit(main(argument));
}

const struct kumiki_bootinfo *kumiki_bootinfo(void)
{
    const struct kumiki_bootinfo *bi = (const struct kumiki_bootinfo *)kumiki_start_argument;
    return bi && bi->magic == KUMIKI_BOOTINFO_MAGIC ? bi : NULL;
}

uint64_t kumiki_debug_write(const void *buf, size_t len)
{
    return kumiki_syscall2(SYS_DEBUG_WRITE, (uint64_t)buf, len, NULL);
}

/* A program tells its supervisor; the root task (which has none) ends the
 * machine's run instead: 0x10 = done, 0x11 = failed (see kernel/exit_codes.h). */
__attribute__((noreturn)) void kumiki_exit(int status)
{
    if (kumiki_bootinfo())
        kumiki_syscall2(SYS_DEBUG_HALT, status == 0 ? 0x10 : 0x11, 0, NULL);
    struct kumiki_msg msg = { .label = KUMIKI_PROGRAM_EXIT,
                              .length = 1,
                              .words = { (uint64_t)(int64_t)status } };
    kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &msg);
    for (;;)
        kumiki_yield(); /* the supervisor never replies: it tears us down */
}

uint64_t kumiki_null(void)
{
    return kumiki_syscall2(SYS_DEBUG_NULL, 0, 0, NULL);
}

uint64_t kumiki_ticks(void)
{
    uint64_t v = 0;
    kumiki_syscall2(SYS_DEBUG_TICKS, 0, 0, &v);
    return v;
}

uint64_t kumiki_tick_hz(void)
{
    uint64_t v = 0;
    kumiki_syscall2(SYS_DEBUG_TICK_HZ, 0, 0, &v);
    return v;
}

uint64_t kumiki_idle_tsc(void)
{
    uint64_t v = 0;
    kumiki_syscall2(SYS_DEBUG_IDLE_TSC, 0, 0, &v);
    return v;
}

uint64_t kumiki_boot_tsc(void)
{
    uint64_t v = 0;
    kumiki_syscall2(SYS_DEBUG_BOOT_TSC, 0, 0, &v);
    return v;
}

uint64_t kumiki_cap_type(kumiki_cptr_t cap)
{
    uint64_t v = 0;
    kumiki_syscall2(SYS_DEBUG_CAP_IDENTIFY, cap, 0, &v);
    return v;
}

uint64_t kumiki_slot_info(kumiki_cptr_t cnode, uint64_t index, uint64_t *info, uint64_t *data,
                          uint64_t *object)
{
    struct kumiki_regs r = { .rax = SYS_DEBUG_SLOT_INFO, .rdi = cnode, .rsi = index };
    kumiki_syscall_regs(&r);
    if (r.rax == KE_OK) {
        *info = r.rdi;
        *data = r.rsi;
        *object = r.mr[0];
    }
    return r.rax;
}

uint64_t kumiki_console_read(void *buf, size_t len, kumiki_cptr_t notification, uint64_t *count,
                             uint64_t *lost)
{
    struct kumiki_regs r = {
        .rax = SYS_DEBUG_CONSOLE_READ, .rdi = (uint64_t)buf, .rsi = len, .mr = { notification }
    };
    kumiki_syscall_regs(&r);
    if (r.rax == KE_OK) {
        *count = r.rdi;
        if (lost)
            *lost = r.rsi;
    }
    return r.rax;
}

uint64_t kumiki_read_tsc(void)
{
    return kumiki_rdtsc();
}

uint64_t kumiki_raw_syscall(uint64_t number, uint64_t a0, uint64_t a1, uint64_t *value)
{
    return kumiki_syscall2(number, a0, a1, value);
}

/* memcpy and memset: arch/x86_64/memory.S. */

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
