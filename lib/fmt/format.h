/* lib/fmt/format.h — printf-style formatting for freestanding code (the
 * kernel log and the user runtime), tested on the host.
 *
 * Supported: %s %c %d %i %u %x %p %%, size modifiers l, ll, z, a minimum
 * width and zero padding (%016lx).  No floating point, no %n.  An unknown
 * conversion is printed as written. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Output goes through put(ctx, text, len) in pieces. */
typedef void (*format_put_fn)(void *ctx, const char *text, size_t len);

void format_v(format_put_fn put, void *ctx, const char *fmt, va_list ap);

/* vsnprintf semantics: writes at most size-1 characters plus a NUL (when
 * size > 0) and returns the length the whole text would have. */
size_t format_to_buffer(char *buf, size_t size, const char *fmt, va_list ap);
