/* tests/host/test_format.c — the freestanding printf (lib/fmt) against the
 * expected strings, including truncation and the corner cases. */
#include "check.h"

#include <format.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

static char out[64];

static size_t fmt(size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    size_t n = format_to_buffer(out, size, f, ap);
    va_end(ap);
    return n;
}

#define EXPECT(want, ...)                         \
    do {                                          \
        size_t n = fmt(sizeof(out), __VA_ARGS__); \
        CHECK(strcmp(out, want) == 0);            \
        CHECK(n == strlen(want));                 \
    } while (0)

int main(void)
{
    EXPECT("plain text", "plain text");
    EXPECT("42 -7 0", "%d %i %u", 42, -7, 0u);
    EXPECT("-9223372036854775808", "%ld", (long)INT64_MIN);
    EXPECT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    EXPECT("ff 00ff 00000000000000ff", "%x %04x %016lx", 0xffu, 0xffu, (unsigned long)0xff);
    EXPECT("-042", "%04d", -42);
    EXPECT("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeef);
    EXPECT("[  ab] [(null)] c %", "[%4s] [%s] %c %%", "ab", (char *)NULL, 'c');
    EXPECT("%q", "%q");
    EXPECT("end%", "end%");
    EXPECT("12", "%zu", (size_t)12);

    /* truncation: vsnprintf semantics */
    size_t n = fmt(5, "%s", "abcdefgh");
    CHECK(n == 8);
    CHECK(strcmp(out, "abcd") == 0);
    memset(out, 'z', sizeof(out));
    n = fmt(0, "%d", 12345);
    CHECK(n == 5);
    CHECK(out[0] == 'z'); /* size 0 writes nothing */
    n = fmt(1, "x");
    CHECK(n == 1 && out[0] == '\0');
    return check_exit("format");
}
