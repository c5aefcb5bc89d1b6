/*
 * Malformed messages, built by hand word by word.  Requests go straight to
 * the dispatcher: each must get the expected error reply (no words, no
 * capabilities) and the handler must not run.  Replies come from a lying
 * server bound on the loopback: the client stub must refuse them.
 */
#include "kidl_loopback.h"
#include "test_server.h"
#include "types_client.h"

#include "check.h"

#include <stdint.h>
#include <string.h>

static const kidl_badge_t BADGE = 42;
enum { LIAR_ENDPOINT = 3 };

static struct t_test_server server;
static struct test_server_state state;
static struct kidl_msg msg;

static void start(uint64_t label, uint32_t words, uint32_t caps)
{
    memset(&msg, 0, sizeof(msg));
    msg.info = kidl_msginfo(label, words, caps);
}

/* Stores size bytes of value little-endian at byte offset of the words. */
static void put(size_t offset, uint64_t value, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        size_t at = offset + i;

        msg.words[at / 8] &= ~((uint64_t)0xff << (at % 8 * 8));
        msg.words[at / 8] |= ((value >> (i * 8)) & 0xff) << (at % 8 * 8);
    }
}

static void put_chars(size_t offset, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(offset + i, (uint8_t)s[i], 1);
}

static void set_length(uint32_t words)
{
    msg.info = kidl_msginfo(kidl_msginfo_label(msg.info), words, kidl_msginfo_caps(msg.info));
}

static void set_caps(uint32_t caps)
{
    msg.info = kidl_msginfo(kidl_msginfo_label(msg.info), kidl_msginfo_length(msg.info), caps);
}

/* Dispatches a copy of msg: the request must be accepted. */
static void accepted_at(int line)
{
    struct kidl_msg copy = msg;
    unsigned calls = state.calls;
    int result = t_test_dispatch(&server, BADGE, &copy);

    if (result != 0 || state.calls != calls + 1) {
        fprintf(stderr, "%s:%d: valid request refused with %d\n", __FILE__, line, result);
        check_failures++;
    }
}

/* Dispatches a copy of msg: it must be refused with expected, without the
 * handler running. */
static void rejected_at(int line, int expected)
{
    struct kidl_msg copy = msg;
    unsigned calls = state.calls;
    int result = t_test_dispatch(&server, BADGE, &copy);

    if (result != expected || copy.info != kidl_msginfo(kidl_label_from_error(expected), 0, 0)) {
        fprintf(stderr, "%s:%d: got %d (reply info %#llx), expected %d\n", __FILE__, line, result,
                (unsigned long long)copy.info, expected);
        check_failures++;
    }
    if (state.calls != calls) {
        fprintf(stderr, "%s:%d: the handler ran on a malformed request\n", __FILE__, line);
        check_failures++;
    }
}

#define ACCEPTED()         accepted_at(__LINE__)
#define REJECTED(expected) rejected_at(__LINE__, expected)

static void test_unknown_labels(void)
{
    static const uint64_t labels[] = { 0, 12, 99, 101, 0x10001, KIDL_MSGINFO_LABEL_MAX };

    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        start(labels[i], 0, 0);
        REJECTED(KIDL_ERR_UNKNOWN_METHOD);
    }
    start(T_TEST_LABEL_NOTHING, 0, 0);
    ACCEPTED();
    start(T_TEST_LABEL_UNIMPLEMENTED, 0, 0);
    REJECTED(KIDL_ERR_NOT_IMPLEMENTED);
}

/* scalars: u8@0 u16@2 u32@4 u64@8 i8@16 i16@18 i32@20 i64@24 bool@32: 5 words. */
static void scalars_request(void)
{
    start(T_TEST_LABEL_SCALARS, 5, 0);
    put(0, 0xff, 1);
    put(2, 0xffff, 2);
    put(4, 0xffffffff, 4);
    put(8, UINT64_MAX, 8);
    put(16, 0x80, 1);
    put(18, 0x8000, 2);
    put(20, 0x80000000, 4);
    put(24, 0x8000000000000000, 8);
    put(32, 1, 1);
}

static void test_lengths_and_bools(void)
{
    scalars_request();
    ACCEPTED();
    set_length(4); /* the bool is missing */
    REJECTED(KIDL_ERR_MALFORMED);
    set_length(0);
    REJECTED(KIDL_ERR_MALFORMED);
    set_length(6); /* a word nobody reads */
    REJECTED(KIDL_ERR_MALFORMED);
    set_length(KIDL_MSG_MAX_WORDS + 1);
    REJECTED(KIDL_ERR_MALFORMED);
    set_length(127);
    REJECTED(KIDL_ERR_MALFORMED);
    scalars_request();
    set_caps(1);
    REJECTED(KIDL_ERR_MALFORMED);

    scalars_request();
    put(32, 2, 1);
    REJECTED(KIDL_ERR_BAD_BOOL);
    put(32, 0xff, 1);
    REJECTED(KIDL_ERR_BAD_BOOL);
    put(32, 0, 1);
    ACCEPTED();
}

static void test_enum_values(void)
{
    static const int32_t bad_colors[] = { 3, -1, INT32_MIN, INT32_MAX };
    static const int32_t bad_sparse[] = { 0, 2, 99, 101, -4, -6, INT32_MIN, INT32_MAX - 1 };

    /* enums: color (i32) @0, sparse (i32) @4. */
    start(T_TEST_LABEL_ENUMS, 1, 0);
    put(0, T_COLOR_BLUE, 4);
    put(4, (uint32_t)T_SPARSE_MINUS, 4);
    ACCEPTED();
    for (size_t i = 0; i < sizeof(bad_colors) / sizeof(bad_colors[0]); i++) {
        put(0, (uint32_t)bad_colors[i], 4);
        REJECTED(KIDL_ERR_BAD_ENUM);
    }
    put(0, T_COLOR_RED, 4);
    for (size_t i = 0; i < sizeof(bad_sparse) / sizeof(bad_sparse[0]); i++) {
        put(4, (uint32_t)bad_sparse[i], 4);
        REJECTED(KIDL_ERR_BAD_ENUM);
    }
}

static void string_request(uint32_t length, const char *chars, size_t n, uint32_t words)
{
    start(T_TEST_LABEL_STRING_ECHO, words, 0);
    put(0, length, 4);
    put_chars(4, chars, n);
}

static void test_strings(void)
{
    string_request(5, "hello", 5, 2);
    ACCEPTED();
    string_request(12, "exactly12chr", 12, 2);
    ACCEPTED();
    string_request(0, "", 0, 1);
    ACCEPTED();
    string_request(13, "thirteen char", 13, 3); /* beyond the bound */
    REJECTED(KIDL_ERR_TOO_LONG);
    string_request(UINT32_MAX, "", 0, 1);
    REJECTED(KIDL_ERR_TOO_LONG);
    string_request(12, "twelve", 6, 1); /* within the bound, beyond the message */
    REJECTED(KIDL_ERR_MALFORMED);
    string_request(5, "he\0lo", 5, 2); /* the handler would see "he" */
    REJECTED(KIDL_ERR_MALFORMED);
    string_request(5, "hello", 5, 3);
    REJECTED(KIDL_ERR_MALFORMED);
}

static void test_byte_buffers(void)
{
    start(T_TEST_LABEL_BYTES_ECHO, 5, 0);
    put(0, T_BLOB_MAX, 4);
    ACCEPTED();
    put(0, T_BLOB_MAX + 1, 4);
    set_length(6);
    REJECTED(KIDL_ERR_TOO_LONG);
    put(0, 0x80000000, 4);
    REJECTED(KIDL_ERR_TOO_LONG);

    /* The largest message: a 956-byte buffer fills all 120 words. */
    start(T_TEST_LABEL_FULL, KIDL_MSG_MAX_WORDS, 0);
    put(0, T_FULL, 4);
    ACCEPTED();
    put(0, T_FULL + 1, 4);
    REJECTED(KIDL_ERR_TOO_LONG);
    put(0, T_FULL, 4);
    set_length(KIDL_MSG_MAX_WORDS - 1);
    REJECTED(KIDL_ERR_MALFORMED);
}

static void test_capability_counts(void)
{
    start(T_TEST_LABEL_CAPS, 0, 3);
    ACCEPTED();
    set_caps(2);
    REJECTED(KIDL_ERR_MALFORMED);
    set_caps(0);
    REJECTED(KIDL_ERR_MALFORMED);
    set_caps(3);
    set_length(1);
    REJECTED(KIDL_ERR_MALFORMED);

    /* mixed: tag u8@0, string length @4, chars @8, u64 @16 (+ 1 cap). */
    start(T_TEST_LABEL_MIXED, 3, 1);
    put(0, 9, 1);
    put(4, 8, 4);
    put_chars(8, "abcdefgh", 8);
    put(16, 1, 8);
    ACCEPTED();
    put(4, 9, 4);
    REJECTED(KIDL_ERR_TOO_LONG);
    put(4, 8, 4);
    set_caps(0);
    REJECTED(KIDL_ERR_MALFORMED);
}

/* Finds a 4-byte aligned 32-bit value in the first words of msg. */
static size_t find_u32(uint32_t value, size_t bytes)
{
    for (size_t offset = 0; offset + 4 <= bytes; offset += 4) {
        if ((uint32_t)(msg.words[offset / 8] >> (offset % 8 * 8)) == value)
            return offset;
    }
    fprintf(stderr, "%s: value %#x not in the message\n", __FILE__, value);
    check_failures++;
    return 0;
}

/* Nested fields: a valid t_outer from the generated encoder, then one field
 * broken at a time. */
static void test_nested_fields(void)
{
    struct t_outer v;
    struct kidl_writer w;
    struct kidl_msg valid;
    size_t bytes, name_length, sparse;

    memset(&v, 0, sizeof(v));
    strcpy(v.inners[1].name, "twelve chars");
    v.inners[1].color = T_COLOR_GREEN;
    v.sparse[0] = T_SPARSE_ONE;
    v.sparse[1] = T_SPARSE_TOP;
    v.s.flag = true;
    kidl_writer_init(&w, &msg);
    t_outer_encode(&w, &v);
    CHECK_EQ(kidl_writer_finish(&w, T_TEST_LABEL_OUTER_ECHO), 0);
    bytes = w.offset;
    valid = msg;
    ACCEPTED();

    name_length = find_u32(12, bytes);
    put(name_length, 13, 4);
    REJECTED(KIDL_ERR_TOO_LONG);

    msg = valid;
    sparse = find_u32(INT32_MAX, bytes);
    put(sparse, 2, 4);
    REJECTED(KIDL_ERR_BAD_ENUM);

    msg = valid;
    put(find_u32(T_COLOR_GREEN, bytes), 3, 4);
    REJECTED(KIDL_ERR_BAD_ENUM);

    msg = valid;
    put(bytes - 1, 2, 1); /* s.flag, the last byte */
    REJECTED(KIDL_ERR_BAD_BOOL);

    msg = valid;
    put(sparse - 5, 7, 1); /* flags[3], just before sparse[0] (at sparse - 4) */
    REJECTED(KIDL_ERR_BAD_BOOL);

    msg = valid;
    set_length(kidl_msginfo_length(valid.info) - 1);
    REJECTED(KIDL_ERR_MALFORMED);
}

/* A server that answers every call with the reply prepared in lie. */
static struct kidl_msg lie;

static int liar(const void *unused, kidl_badge_t badge, struct kidl_msg *m)
{
    (void)unused;
    (void)badge;
    *m = lie;
    return 0;
}

static void lie_with(uint64_t label, uint32_t words, uint32_t caps)
{
    memset(&lie, 0, sizeof(lie));
    lie.info = kidl_msginfo(label, words, caps);
}

static void lie_put(size_t offset, uint64_t value, size_t size)
{
    start(0, 0, 0);
    memcpy(msg.words, lie.words, sizeof(msg.words));
    put(offset, value, size);
    memcpy(lie.words, msg.words, sizeof(msg.words));
}

static void test_client_checks_replies(void)
{
    enum t_color color;
    enum t_sparse sparse;
    char s[T_NAME_MAX + 1];
    kidl_cptr_t a, b, c;
    uint8_t oa;
    uint16_t ob;
    uint32_t oc;
    uint64_t od;
    int8_t oe;
    int16_t of;
    int32_t og;
    int64_t oh;
    bool flag;

    CHECK_EQ(kidl_loopback_bind(LIAR_ENDPOINT, liar, NULL, 0), 0);

    lie_with(0, 1, 0);
    lie_put(0, T_COLOR_GREEN, 4);
    lie_put(4, (uint32_t)T_SPARSE_HUNDRED, 4);
    CHECK_EQ(t_test_enums(LIAR_ENDPOINT, T_COLOR_RED, T_SPARSE_ONE, &color, &sparse), 0);
    CHECK(color == T_COLOR_GREEN && sparse == T_SPARSE_HUNDRED);
    lie_put(0, 3, 4);
    CHECK_EQ(t_test_enums(LIAR_ENDPOINT, T_COLOR_RED, T_SPARSE_ONE, &color, &sparse), KIDL_ERR_BAD_ENUM);
    lie_put(0, T_COLOR_GREEN, 4);
    lie.info = kidl_msginfo(0, 2, 0);
    CHECK_EQ(t_test_enums(LIAR_ENDPOINT, T_COLOR_RED, T_SPARSE_ONE, &color, &sparse), KIDL_ERR_MALFORMED);
    lie.info = kidl_msginfo(0, 0, 0);
    CHECK_EQ(t_test_enums(LIAR_ENDPOINT, T_COLOR_RED, T_SPARSE_ONE, &color, &sparse), KIDL_ERR_MALFORMED);
    lie.info = kidl_msginfo(0, 1, 1);
    CHECK_EQ(t_test_enums(LIAR_ENDPOINT, T_COLOR_RED, T_SPARSE_ONE, &color, &sparse), KIDL_ERR_MALFORMED);

    lie_with(0, 2, 0);
    lie_put(0, 13, 4);
    CHECK_EQ(t_test_string_echo(LIAR_ENDPOINT, "", s), KIDL_ERR_TOO_LONG);
    lie_put(0, 3, 4);
    lie_put(4, 'a', 1);
    lie_put(6, 'c', 1);
    CHECK_EQ(t_test_string_echo(LIAR_ENDPOINT, "", s), KIDL_ERR_MALFORMED);
    CHECK_EQ(s[0], '\0'); /* what was decoded is still a terminated string */

    lie_with(0, 5, 0);
    lie_put(32, 2, 1);
    CHECK_EQ(t_test_scalars(LIAR_ENDPOINT, 0, 0, 0, 0, 0, 0, 0, 0, false, &oa, &ob, &oc, &od, &oe, &of, &og,
                            &oh, &flag),
             KIDL_ERR_BAD_BOOL);

    lie_with(0, 0, 2);
    CHECK_EQ(t_test_caps(LIAR_ENDPOINT, 1, 2, 3, &a, &b, &c), KIDL_ERR_MALFORMED);
    lie_with(0, 0, 3);
    lie.caps[0] = 10;
    lie.caps[1] = 11;
    lie.caps[2] = 12;
    CHECK_EQ(t_test_caps(LIAR_ENDPOINT, 1, 2, 3, &a, &b, &c), 0);
    CHECK(a == 10 && b == 11 && c == 12);

    /* An error reply's code is returned whatever else the reply holds. */
    lie_with(T_ERROR_WORSE, 3, 1);
    CHECK_EQ(t_test_fail(LIAR_ENDPOINT, 0), T_ERROR_WORSE);
    lie_with(kidl_label_from_error(KIDL_ERR_BAD_ENUM), 0, 0);
    CHECK_EQ(t_test_fail(LIAR_ENDPOINT, 0), KIDL_ERR_BAD_ENUM);
    /* A code that does not fit 32 bits is not a code. */
    lie_with(UINT64_C(0x100000000), 0, 0);
    CHECK_EQ(t_test_fail(LIAR_ENDPOINT, 0), KIDL_ERR_MALFORMED);
    /* A reply the kernel could not have delivered. */
    lie_with(0, KIDL_MSG_MAX_WORDS + 1, 0);
    CHECK_EQ(t_test_nothing(LIAR_ENDPOINT), KIDL_ERR_TRANSPORT);
}

int main(void)
{
    test_server_init(&server, &state);
    test_unknown_labels();
    test_lengths_and_bools();
    test_enum_values();
    test_strings();
    test_byte_buffers();
    test_capability_counts();
    test_nested_fields();
    test_client_checks_replies();
    return check_exit_status("idl_malformed");
}
