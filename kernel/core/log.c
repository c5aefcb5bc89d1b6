/* kernel/core/log.c — formatted output to the console (core/console.c). */
#include <arch/arch.h>
#include <format.h>
#include <kernel/console.h>
#include <kernel/exit_codes.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <stdarg.h>

static enum log_level threshold = LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
    threshold = level;
}

bool log_level_from_name(const char *name, size_t len, enum log_level *out)
{
    for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (strlen(level_names[i]) == len && strncmp(level_names[i], name, len) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

static void console_put(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    console_write(text, len);
}

static void vprint(const char *fmt, va_list ap)
{
    format_v(console_put, NULL, fmt, ap);
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_to_buffer(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void log_write(enum log_level level, const char *fmt, ...)
{
    if (level < threshold)
        return;
    kprintf("[kernel] %s: ", level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
    console_write("\n", 1);
}

NORETURN void panic(const char *fmt, ...)
{
    console_take_back(); /* whatever a serial driver had not written yet, then the panic */
    kprintf("\nKERNEL PANIC: ");
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
    console_write("\n", 1);
    arch_debug_exit(EXIT_CODE_PANIC);
}
