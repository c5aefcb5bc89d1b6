/*
 * Marshalling helpers for IDL-generated code.  Header only (static inline),
 * so any program that includes a generated header has them, on the host and
 * on Kumiki alike, and nothing needs linking.
 *
 * Wire format: the message words are a byte stream; byte i is bits
 * 8*(i%8)..8*(i%8)+7 of words[i/8] (little-endian within the word, whatever
 * the CPU).  Scalars are aligned to their size; strings and byte buffers are
 * a u32 length followed by the bytes (no terminating NUL); structs and arrays
 * are their elements in order; capabilities go to msg->caps in order.
 * Padding is zero: the first byte written to a word is always its byte 0
 * (alignment never skips a word boundary), and that write clears the word.
 *
 * Errors are sticky: after the first failure every further put or get is a
 * cheap no-op (gets return 0), and the *_finish() call reports the first
 * error.  So generated code checks once per message, not once per field, and
 * a decoded value is never used before that check.
 *
 * No libc: the loops below are written so that compilers cannot turn them
 * into calls to memcpy or memset (see KIDL_NO_LIBCALL).
 */
#ifndef KIDL_RUNTIME_H
#define KIDL_RUNTIME_H

#include "kidl_transport.h"

/*
 * An empty asm that claims to change the pointer p: placed in a copy or fill
 * loop, it hides the loop's access pattern, so GCC's loop distribution
 * (which even with -ffreestanding -fno-builtin rewrites such loops into
 * memset/memcpy calls) cannot recognise it.  It costs no instruction.
 */
#define KIDL_NO_LIBCALL(p) __asm__ volatile("" : "+r"(p))

/*
 * For the two bulk copies.  Inlined into a caller whose buffer is small
 * (a bytes<1> field, say), GCC loses track of the length bound and reports
 * -Warray-bounds / -Wstringop-overflow for loop iterations that cannot run;
 * out of line, there is nothing to misjudge, and a copy is worth a call.
 */
#define KIDL_OUT_OF_LINE __attribute__((noinline, unused))

static inline size_t kidl_align(size_t offset, size_t size)
{
    return (offset + size - 1u) & ~(size - 1u);
}

static inline uint64_t kidl_load_le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void kidl_store_le64(unsigned char *p, uint64_t value)
{
    p[0] = (unsigned char)value;
    p[1] = (unsigned char)(value >> 8);
    p[2] = (unsigned char)(value >> 16);
    p[3] = (unsigned char)(value >> 24);
    p[4] = (unsigned char)(value >> 32);
    p[5] = (unsigned char)(value >> 40);
    p[6] = (unsigned char)(value >> 48);
    p[7] = (unsigned char)(value >> 56);
}

/* Clears n bytes at dst (used for out-parameters, so no stale server memory
 * can leak into a reply). */
static inline void kidl_zero(void *dst, size_t n)
{
    unsigned char *p = dst;
    size_t i = 0;

    for (; n - i >= 8u; i += 8u) {
        kidl_store_le64(p + i, 0);
        KIDL_NO_LIBCALL(p);
    }
    for (; i < n; i++) {
        p[i] = 0;
        KIDL_NO_LIBCALL(p);
    }
}

/* Error codes travel in the reply label as 32-bit two's complement. */
static inline uint64_t kidl_label_from_error(int error)
{
    return (uint64_t)(uint32_t)error;
}

static inline int kidl_error_from_label(uint64_t label)
{
    if (label > UINT32_MAX)
        return KIDL_ERR_MALFORMED;
    if (label >= UINT64_C(0x80000000))
        return (int)((int64_t)label - INT64_C(0x100000000));
    return (int)label;
}

/* Turns *msg into an error reply (no words, no capabilities). */
static inline int kidl_reply_error(struct kidl_msg *msg, int error)
{
    msg->info = kidl_msginfo(kidl_label_from_error(error), 0, 0);
    return error;
}

/* Turns *msg into a success reply without out-parameters. */
static inline int kidl_reply_ok(struct kidl_msg *msg)
{
    msg->info = kidl_msginfo(0, 0, 0);
    return 0;
}

/* Writing a message. */

struct kidl_writer {
    struct kidl_msg *msg;
    size_t offset; /* bytes written so far */
    uint32_t caps; /* capabilities written so far */
    int error;     /* first error, 0 if none */
};

static inline void kidl_writer_init(struct kidl_writer *w, struct kidl_msg *msg)
{
    w->msg = msg;
    w->offset = 0;
    w->caps = 0;
    w->error = 0;
}

static inline void kidl_writer_fail(struct kidl_writer *w, int error)
{
    if (w->error == 0)
        w->error = error;
}

static inline void kidl_put_byte_at(struct kidl_msg *msg, size_t offset, unsigned char byte)
{
    kidl_word_t *word = &msg->words[offset / 8u];
    unsigned shift = (unsigned)(offset % 8u) * 8u;

    if (shift == 0)
        *word = byte;
    else
        *word |= (kidl_word_t)byte << shift;
}

/* value must already be truncated to size bytes (1, 2, 4 or 8). */
static inline void kidl_put_scalar(struct kidl_writer *w, size_t size, uint64_t value)
{
    size_t offset = kidl_align(w->offset, size);
    kidl_word_t *word;
    unsigned shift;

    if (w->error != 0)
        return;
    if (offset + size > KIDL_MSG_MAX_BYTES) {
        kidl_writer_fail(w, KIDL_ERR_TOO_LONG);
        return;
    }
    word = &w->msg->words[offset / 8u];
    shift = (unsigned)(offset % 8u) * 8u;
    if (shift == 0)
        *word = value;
    else
        *word |= value << shift;
    w->offset = offset + size;
}

static inline void kidl_put_u8(struct kidl_writer *w, uint8_t v)
{
    kidl_put_scalar(w, 1, v);
}

static inline void kidl_put_u16(struct kidl_writer *w, uint16_t v)
{
    kidl_put_scalar(w, 2, v);
}

static inline void kidl_put_u32(struct kidl_writer *w, uint32_t v)
{
    kidl_put_scalar(w, 4, v);
}

static inline void kidl_put_u64(struct kidl_writer *w, uint64_t v)
{
    kidl_put_scalar(w, 8, v);
}

static inline void kidl_put_i8(struct kidl_writer *w, int8_t v)
{
    kidl_put_scalar(w, 1, (uint8_t)v);
}

static inline void kidl_put_i16(struct kidl_writer *w, int16_t v)
{
    kidl_put_scalar(w, 2, (uint16_t)v);
}

static inline void kidl_put_i32(struct kidl_writer *w, int32_t v)
{
    kidl_put_scalar(w, 4, (uint32_t)v);
}

static inline void kidl_put_i64(struct kidl_writer *w, int64_t v)
{
    kidl_put_scalar(w, 8, (uint64_t)v);
}

static inline void kidl_put_bool(struct kidl_writer *w, bool v)
{
    kidl_put_scalar(w, 1, v ? 1u : 0u);
}

static inline void kidl_put_cap(struct kidl_writer *w, kidl_cptr_t cap)
{
    if (w->caps >= KIDL_MSG_MAX_CAPS) {
        kidl_writer_fail(w, KIDL_ERR_TOO_LONG);
        return;
    }
    w->msg->caps[w->caps++] = cap;
}

/* n bytes, unaligned, no length: fixed arrays of u8 and i8, and the body of
 * strings and byte buffers.  Whole words are copied a word at a time; the
 * partial words at either end are assembled in a register. */
static KIDL_OUT_OF_LINE void kidl_put_raw(struct kidl_writer *w, const void *src, size_t n)
{
    const unsigned char *from = src;
    kidl_word_t *word;
    size_t offset = w->offset;
    unsigned shift = (unsigned)(offset % 8u) * 8u;
    kidl_word_t partial;

    if (w->error != 0 || n == 0)
        return;
    if (n > KIDL_MSG_MAX_BYTES - offset) {
        kidl_writer_fail(w, KIDL_ERR_TOO_LONG);
        return;
    }
    w->offset = offset + n;
    word = &w->msg->words[offset / 8u];
    if (shift != 0) {
        /* The rest of a word already started (so already cleared). */
        partial = *word;
        for (; n != 0 && shift < 64u; n--, shift += 8u)
            partial |= (kidl_word_t)*from++ << shift;
        *word++ = partial;
    }
    for (; n >= 8u; n -= 8u) {
        *word++ = kidl_load_le64(from);
        from += 8;
        KIDL_NO_LIBCALL(from);
    }
    if (n != 0) {
        partial = 0;
        for (shift = 0; n != 0; n--, shift += 8u)
            partial |= (kidl_word_t)*from++ << shift;
        *word = partial;
    }
}

/* A byte buffer of len bytes, at most max. */
static inline void kidl_put_bytes(struct kidl_writer *w, const void *src, size_t len, size_t max)
{
    if (len > max) {
        kidl_writer_fail(w, KIDL_ERR_TOO_LONG);
        return;
    }
    kidl_put_u32(w, (uint32_t)len);
    kidl_put_raw(w, src, len);
}

/* A NUL-terminated string of at most max characters (reads at most max + 1). */
static inline void kidl_put_string(struct kidl_writer *w, const char *s, size_t max)
{
    size_t len = 0;

    while (len <= max && s[len] != '\0')
        len++;
    kidl_put_bytes(w, s, len, max);
}

/* Sets the message-info word; returns the first error (the message must
 * then not be sent) or 0. */
static inline int kidl_writer_finish(struct kidl_writer *w, uint64_t label)
{
    if (w->error != 0)
        return w->error;
    w->msg->info = kidl_msginfo(label, (uint32_t)((w->offset + 7u) / 8u), w->caps);
    return 0;
}

/* Server side: sends the written out-parameters as a success reply, or an
 * error reply if writing them failed. */
static inline int kidl_reply_finish(struct kidl_writer *w)
{
    int error = kidl_writer_finish(w, 0);

    if (error != 0)
        return kidl_reply_error(w->msg, error);
    return 0;
}

/* Reading a message. */

struct kidl_reader {
    const struct kidl_msg *msg;
    size_t offset; /* bytes read so far */
    size_t limit;  /* bytes in the message; 0 after an error */
    uint32_t caps; /* capabilities in the message */
    uint32_t caps_read;
    int error; /* first error, 0 if none */
};

static inline void kidl_reader_fail(struct kidl_reader *r, int error)
{
    if (r->error == 0)
        r->error = error;
    r->limit = 0;
}

/* Starts reading a message that must carry exactly expected_caps
 * capabilities.  The length is checked even though the kernel bounds it:
 * the dispatcher is also fed messages by fuzzers and tests. */
static inline void kidl_reader_init(struct kidl_reader *r, const struct kidl_msg *msg, uint32_t expected_caps)
{
    uint32_t length = kidl_msginfo_length(msg->info);

    r->msg = msg;
    r->offset = 0;
    r->limit = (size_t)length * 8u;
    r->caps = kidl_msginfo_caps(msg->info);
    r->caps_read = 0;
    r->error = 0;
    if (length > KIDL_MSG_MAX_WORDS || r->caps != expected_caps)
        kidl_reader_fail(r, KIDL_ERR_MALFORMED);
}

/* Client side: the error code a reply carries, or, for a success reply,
 * starts reading its out-parameters and returns 0. */
static inline int kidl_reader_init_reply(struct kidl_reader *r, const struct kidl_msg *msg,
                                         uint32_t expected_caps)
{
    uint64_t label = kidl_msginfo_label(msg->info);

    if (label != 0)
        return kidl_error_from_label(label);
    kidl_reader_init(r, msg, expected_caps);
    return r->error;
}

static inline uint64_t kidl_get_scalar(struct kidl_reader *r, size_t size)
{
    size_t offset = kidl_align(r->offset, size);
    uint64_t value;

    if (offset + size > r->limit) {
        kidl_reader_fail(r, KIDL_ERR_MALFORMED);
        return 0;
    }
    value = r->msg->words[offset / 8u] >> ((offset % 8u) * 8u);
    r->offset = offset + size;
    if (size < 8u)
        value &= (UINT64_C(1) << (size * 8u)) - 1u;
    return value;
}

static inline uint8_t kidl_get_u8(struct kidl_reader *r)
{
    return (uint8_t)kidl_get_scalar(r, 1);
}

static inline uint16_t kidl_get_u16(struct kidl_reader *r)
{
    return (uint16_t)kidl_get_scalar(r, 2);
}

static inline uint32_t kidl_get_u32(struct kidl_reader *r)
{
    return (uint32_t)kidl_get_scalar(r, 4);
}

static inline uint64_t kidl_get_u64(struct kidl_reader *r)
{
    return kidl_get_scalar(r, 8);
}

static inline int8_t kidl_get_i8(struct kidl_reader *r)
{
    return (int8_t)kidl_get_u8(r);
}

static inline int16_t kidl_get_i16(struct kidl_reader *r)
{
    return (int16_t)kidl_get_u16(r);
}

static inline int32_t kidl_get_i32(struct kidl_reader *r)
{
    return (int32_t)kidl_get_u32(r);
}

static inline int64_t kidl_get_i64(struct kidl_reader *r)
{
    return (int64_t)kidl_get_u64(r);
}

static inline bool kidl_get_bool(struct kidl_reader *r)
{
    uint64_t value = kidl_get_scalar(r, 1);

    if (value > 1u)
        kidl_reader_fail(r, KIDL_ERR_BAD_BOOL);
    return value == 1u;
}

static inline kidl_cptr_t kidl_get_cap(struct kidl_reader *r)
{
    if (r->caps_read >= r->caps) {
        kidl_reader_fail(r, KIDL_ERR_MALFORMED);
        return 0;
    }
    return r->msg->caps[r->caps_read++];
}

/* n bytes into dst; dst is left untouched if the message is too short. */
static KIDL_OUT_OF_LINE void kidl_get_raw(struct kidl_reader *r, void *dst, size_t n)
{
    unsigned char *to = dst;
    const kidl_word_t *word;
    size_t offset = r->offset;
    unsigned shift = (unsigned)(offset % 8u) * 8u;
    kidl_word_t partial;

    if (offset > r->limit || n > r->limit - offset) {
        kidl_reader_fail(r, KIDL_ERR_MALFORMED);
        return;
    }
    r->offset = offset + n;
    word = &r->msg->words[offset / 8u];
    if (shift != 0 && n != 0) {
        partial = *word++ >> shift;
        for (; n != 0 && shift < 64u; n--, shift += 8u, partial >>= 8)
            *to++ = (unsigned char)partial;
    }
    for (; n >= 8u; n -= 8u) {
        kidl_store_le64(to, *word++);
        to += 8;
        KIDL_NO_LIBCALL(to);
    }
    if (n != 0) {
        partial = *word;
        for (; n != 0; n--, partial >>= 8)
            *to++ = (unsigned char)partial;
    }
}

/* A byte buffer of at most max bytes into dst; returns its length (0 on
 * error). */
static inline size_t kidl_get_bytes(struct kidl_reader *r, void *dst, size_t max)
{
    uint32_t len = kidl_get_u32(r);

    if (len > max) {
        kidl_reader_fail(r, KIDL_ERR_TOO_LONG);
        return 0;
    }
    kidl_get_raw(r, dst, len);
    return r->error == 0 ? len : 0;
}

/* A string of at most max characters into dst[max + 1], NUL-terminated.  A
 * NUL inside the string is malformed: the receiver would see a different,
 * shorter string than the one checked. */
static inline void kidl_get_string(struct kidl_reader *r, char *dst, size_t max)
{
    size_t len = kidl_get_bytes(r, dst, max);
    size_t i;

    for (i = 0; i < len; i++) {
        if (dst[i] == '\0') {
            kidl_reader_fail(r, KIDL_ERR_MALFORMED);
            len = 0;
            break;
        }
    }
    dst[len] = '\0';
}

/* The first error, or 0 if the whole message was read: every word used,
 * every capability taken. */
static inline int kidl_reader_finish(struct kidl_reader *r)
{
    if (r->error == 0 && ((r->offset + 7u) / 8u != r->limit / 8u || r->caps_read != r->caps))
        kidl_reader_fail(r, KIDL_ERR_MALFORMED);
    return r->error;
}

#endif /* KIDL_RUNTIME_H */
