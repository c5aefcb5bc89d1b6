/*
 * The byte layout of fuzz_dispatch inputs, shared with make_corpus so the
 * committed seeds always match what the fuzzer reads:
 *   byte 0       selector: bit 0 clear = a request for the dispatcher,
 *                set = a reply for client stub (selector >> 1), see below
 *   bytes 1..8   message-info word, little-endian
 *   bytes 9..32  the three capability slots
 *   bytes 33..   message words; missing bytes read as zero
 */
#ifndef KIDL_FUZZ_INPUT_H
#define KIDL_FUZZ_INPUT_H

#include "kidl_transport.h"

#include <stdint.h>
#include <string.h>

enum fuzz_client_stub {
    FUZZ_STUB_ENUMS,
    FUZZ_STUB_STRING_ECHO,
    FUZZ_STUB_BYTES_ECHO,
    FUZZ_STUB_OUTER_ECHO,
    FUZZ_STUB_SCALARS,
    FUZZ_STUB_CAPS,
    FUZZ_STUB_FULL,
    FUZZ_STUB_MIXED,
    FUZZ_STUB_COUNT,
};

enum {
    FUZZ_INFO_AT = 1,
    FUZZ_CAPS_AT = FUZZ_INFO_AT + 8,
    FUZZ_WORDS_AT = FUZZ_CAPS_AT + 8 * KIDL_MSG_MAX_CAPS,
    FUZZ_INPUT_MAX = FUZZ_WORDS_AT + 8 * KIDL_MSG_MAX_WORDS,
};

static inline uint64_t fuzz_load_le64(const uint8_t *p)
{
    uint64_t value = 0;

    for (int i = 0; i < 8; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

static inline void fuzz_store_le64(uint8_t *p, uint64_t value)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

/* Reads an input of any size; returns the selector. */
static inline uint8_t fuzz_input_decode(const uint8_t *data, size_t size, struct kidl_msg *msg)
{
    uint8_t raw[FUZZ_INPUT_MAX];

    memset(raw, 0, sizeof(raw));
    memcpy(raw, data, size < sizeof(raw) ? size : sizeof(raw));
    msg->info = fuzz_load_le64(raw + FUZZ_INFO_AT);
    for (size_t c = 0; c < KIDL_MSG_MAX_CAPS; c++)
        msg->caps[c] = fuzz_load_le64(raw + FUZZ_CAPS_AT + 8 * c);
    for (size_t w = 0; w < KIDL_MSG_MAX_WORDS; w++)
        msg->words[w] = fuzz_load_le64(raw + FUZZ_WORDS_AT + 8 * w);
    return raw[0];
}

/* Writes msg (only its used words) as an input; returns the input's size. */
static inline size_t fuzz_input_encode(uint8_t selector, const struct kidl_msg *msg,
                                       uint8_t out[FUZZ_INPUT_MAX])
{
    uint32_t words = kidl_msginfo_length(msg->info);

    out[0] = selector;
    fuzz_store_le64(out + FUZZ_INFO_AT, msg->info);
    for (size_t c = 0; c < KIDL_MSG_MAX_CAPS; c++)
        fuzz_store_le64(out + FUZZ_CAPS_AT + 8 * c, msg->caps[c]);
    for (size_t w = 0; w < words && w < KIDL_MSG_MAX_WORDS; w++)
        fuzz_store_le64(out + FUZZ_WORDS_AT + 8 * w, msg->words[w]);
    return FUZZ_WORDS_AT + 8 * (size_t)(words < KIDL_MSG_MAX_WORDS ? words : KIDL_MSG_MAX_WORDS);
}

#endif /* KIDL_FUZZ_INPUT_H */
