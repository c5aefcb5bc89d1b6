/* kernel/core/string.c — string routines only the kernel needs (the
 * portable ones are lib/str/strings.c; memset and memcpy are per
 * architecture, see arch/x86_64/string.c). */
#include <kernel/string.h>

void strlcpy_k(char *dst, const char *src, size_t size)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}
