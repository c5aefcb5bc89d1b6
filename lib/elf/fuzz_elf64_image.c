/*
 * libFuzzer target for elf64_image_parse.
 *
 * Each input is parsed exactly as given (libFuzzer's buffer has the input's
 * size, so AddressSanitizer catches any read past the end) under a few
 * different limits.  A success must keep every invariant elf64_image.h
 * promises; a failure must leave *out untouched and have a name.  Any
 * violation aborts, which libFuzzer reports as a crash with the input.
 */
#include "elf64_image.h"
#include "elf64_image_invariants.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct elf_limits limits_to_try[] = {
    /* Typical user half, typical static-PIE bias. */
    { .user_lo = 0x10000, .user_hi = 0x800000000000, .load_bias = 0x555555554000 },
    /* Tight window: exercises the range checks at small addresses. */
    { .user_lo = 0x400000, .user_hi = 0x600000, .load_bias = 0x400000 },
    /* Everything but page 0 and the top page: exercises overflow paths. */
    { .user_lo = 0x1000, .user_hi = 0xfffffffffffff000, .load_bias = 0xfffffffffff00000 },
};

static void violated(const char *what, const struct elf_limits *limits)
{
    fprintf(stderr, "elf64 invariant violated: %s (limits %#llx-%#llx bias %#llx)\n", what,
            (unsigned long long)limits->user_lo, (unsigned long long)limits->user_hi,
            (unsigned long long)limits->load_bias);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < sizeof limits_to_try / sizeof limits_to_try[0]; i++) {
        const struct elf_limits *limits = &limits_to_try[i];
        struct elf_image out, before;
        memset(&out, 0xa5, sizeof out);
        before = out;

        enum elf_error err = elf64_image_parse(data, size, limits, &out);
        /* The limits are valid; only a NULL buffer (empty input) is a bad argument. */
        if ((unsigned)err >= ELF_ERR_COUNT || (err == ELF_ERR_INVALID_ARGUMENT && data != NULL))
            violated("unexpected error code", limits);
        const char *name = elf_error_name(err);
        if (name == NULL || name[0] == '\0')
            violated("error without a name", limits);

        if (err != ELF_OK) {
            if (memcmp(&out, &before, sizeof out) != 0)
                violated("failed parse modified *out", limits);
            continue;
        }
        const char *why = elf64_image_invariant_violation(data, size, limits, &out);
        if (why != NULL)
            violated(why, limits);
    }
    return 0;
}
