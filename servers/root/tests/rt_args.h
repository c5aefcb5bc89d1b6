/* servers/root/tests/rt_args.h — "key=value" arguments of the root task's
 * test components (the manifest's args string). */
#pragma once

#include <kumiki/user.h>

/* The number after " key=" (decimal or 0x hex), or fallback. */
static inline uint64_t rt_arg(const char *cmdline, const char *key, uint64_t fallback)
{
    size_t n = strlen(key);
    for (const char *p = cmdline; *p; p++) {
        if ((p != cmdline && p[-1] != ' ') || memcmp(p, key, n) != 0 || p[n] != '=')
            continue;
        const char *v = p + n + 1;
        unsigned base = 10;
        if (v[0] == '0' && v[1] == 'x') {
            base = 16;
            v += 2;
        }
        uint64_t value = 0;
        for (;; v++) {
            unsigned digit = *v >= '0' && *v <= '9'   ? (unsigned)(*v - '0')
                             : *v >= 'a' && *v <= 'f' ? (unsigned)(*v - 'a' + 10)
                                                      : 99;
            if (digit >= base)
                return value;
            value = value * base + digit;
        }
    }
    return fallback;
}
