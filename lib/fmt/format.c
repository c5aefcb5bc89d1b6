/* lib/fmt/format.c — see format.h. */
#include "format.h"

#include <stdint.h>

static void put_unsigned(format_put_fn put, void *ctx, uint64_t v, unsigned base, unsigned width, char pad)
{
    char digits[24];
    unsigned n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width > n) {
        put(ctx, &pad, 1);
        width--;
    }
    while (n)
        put(ctx, &digits[--n], 1);
}

static size_t string_length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

void format_v(format_put_fn put, void *ctx, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            const char *run = p;
            while (p[1] && p[1] != '%')
                p++;
            put(ctx, run, (size_t)(p - run) + 1);
            continue;
        }
        const char *spec = p++;
        char pad = ' ';
        unsigned width = 0, longs = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9' && width < 64)
            width = width * 10 + (unsigned)(*p++ - '0');
        while (*p == 'l' || *p == 'z') {
            longs++;
            p++;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) {
                put(ctx, "-", 1);
                put_unsigned(put, ctx, (uint64_t)0 - (uint64_t)v, 10, width ? width - 1 : 0, pad);
            } else {
                put_unsigned(put, ctx, (uint64_t)v, 10, width, pad);
            }
            break;
        }
        case 'u':
            put_unsigned(put, ctx, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_unsigned(put, ctx, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad);
            break;
        case 'p':
            put(ctx, "0x", 2);
            put_unsigned(put, ctx, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 16, '0');
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put(ctx, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t len = string_length(s);
            for (size_t i = len; i < width; i++)
                put(ctx, " ", 1);
            put(ctx, s, len);
            break;
        }
        case '%': put(ctx, "%", 1); break;
        case '\0': put(ctx, spec, (size_t)(p - spec)); return;
        default: put(ctx, spec, (size_t)(p - spec) + 1); break;
        }
    }
}

struct buffer {
    char *buf;
    size_t size, used;
};

static void buffer_put(void *ctx, const char *text, size_t len)
{
    struct buffer *b = ctx;
    for (size_t i = 0; i < len; i++, b->used++)
        if (b->used + 1 < b->size)
            b->buf[b->used] = text[i];
}

size_t format_to_buffer(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = { buf, size, 0 };
    format_v(buffer_put, &b, fmt, ap);
    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return b.used;
}
