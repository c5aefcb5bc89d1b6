/* lib/user/print.c — console output for native programs. */
#include <format.h>
#include <kumiki/user.h>

struct line_buffer {
    char text[256];
    size_t used;
};

static void flush(struct line_buffer *b)
{
    if (b->used)
        kumiki_debug_write(b->text, b->used);
    b->used = 0;
}

static void buffered_put(void *ctx, const char *text, size_t len)
{
    struct line_buffer *b = ctx;
    for (size_t i = 0; i < len; i++) {
        if (b->used == sizeof(b->text))
            flush(b);
        b->text[b->used++] = text[i];
    }
}

void uprintf(const char *fmt, ...)
{
    struct line_buffer b = { .used = 0 };
    va_list ap;
    va_start(ap, fmt);
    format_v(buffered_put, &b, fmt, ap);
    va_end(ap);
    flush(&b);
}

size_t uvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return format_to_buffer(buf, size, fmt, ap);
}

size_t usnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_to_buffer(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
