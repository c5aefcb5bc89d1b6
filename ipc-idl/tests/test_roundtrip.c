/*
 * Round trips through the loopback transport: client stub -> request ->
 * dispatcher -> echo handler -> reply -> client stub, for every type of
 * tests/idl/types.idl at its edges (empty and full strings and buffers,
 * extreme scalars, every enum value, nested structs, capability slots), and
 * the errors a client can see without anything being malformed.
 */
#include "kidl_loopback.h"
#include "test_server.h"
#include "types_client.h"

#include "check.h"

#include <stdint.h>
#include <string.h>

enum { ENDPOINT = 7, UNBOUND_ENDPOINT = 8, NESTED_ENDPOINT = 9 };
static const kidl_badge_t BADGE = 0xb0d6e5;

static struct t_test_server server;
static struct test_server_state state;

static void test_scalars_at_edges(void)
{
    struct {
        uint8_t a;
        uint16_t b;
        uint32_t c;
        uint64_t d;
        int8_t e;
        int16_t f;
        int32_t g;
        int64_t h;
        bool flag;
    } cases[] = {
        { 0, 0, 0, 0, 0, 0, 0, 0, false },
        { UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX, INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX, true },
        { 1, 2, 3, 4, INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN, true },
        { 0x81, 0x8001, 0x80000001u, 0x8000000000000001u, -1, -1, -1, -1, false },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t oa = 0;
        uint16_t ob = 0;
        uint32_t oc = 0;
        uint64_t od = 0;
        int8_t oe = 0;
        int16_t of = 0;
        int32_t og = 0;
        int64_t oh = 0;
        bool oflag = !cases[i].flag;
        unsigned calls = state.calls;

        CHECK_EQ(t_test_scalars(ENDPOINT, cases[i].a, cases[i].b, cases[i].c, cases[i].d, cases[i].e,
                                cases[i].f, cases[i].g, cases[i].h, cases[i].flag, &oa, &ob, &oc, &od, &oe,
                                &of, &og, &oh, &oflag),
                 0);
        CHECK_EQ(state.calls, calls + 1);
        CHECK_EQ(state.last_badge, BADGE);
        CHECK_EQ(oa, cases[i].a);
        CHECK_EQ(ob, cases[i].b);
        CHECK_EQ(oc, cases[i].c);
        CHECK(od == cases[i].d);
        CHECK_EQ(oe, cases[i].e);
        CHECK_EQ(of, cases[i].f);
        CHECK_EQ(og, cases[i].g);
        CHECK_EQ(oh, cases[i].h);
        CHECK_EQ(oflag, cases[i].flag);
    }
}

static void test_every_enum_value(void)
{
    static const enum t_color colors[] = { T_COLOR_RED, T_COLOR_GREEN, T_COLOR_BLUE };
    static const enum t_sparse sparse[] = { T_SPARSE_MINUS, T_SPARSE_ONE, T_SPARSE_HUNDRED, T_SPARSE_TOP };

    for (size_t c = 0; c < 3; c++) {
        for (size_t s = 0; s < 4; s++) {
            enum t_color ocolor = T_COLOR_RED;
            enum t_sparse osparse = T_SPARSE_ONE;

            CHECK_EQ(t_test_enums(ENDPOINT, colors[c], sparse[s], &ocolor, &osparse), 0);
            CHECK_EQ(ocolor, colors[c]);
            CHECK_EQ(osparse, sparse[s]);
        }
    }
    CHECK(t_color_is_valid(0) && t_color_is_valid(2) && !t_color_is_valid(3) && !t_color_is_valid(-1));
    CHECK(t_sparse_is_valid(-5) && t_sparse_is_valid(INT32_MAX) && !t_sparse_is_valid(0) &&
          !t_sparse_is_valid(2) && !t_sparse_is_valid(INT32_MIN));
}

static void test_strings(void)
{
    static const char *const strings[] = { "", "a", "hello", "exactly12chr" };

    CHECK_EQ(strlen(strings[3]), T_NAME_MAX);
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        char o[T_NAME_MAX + 1];

        memset(o, '?', sizeof(o));
        CHECK_EQ(t_test_string_echo(ENDPOINT, strings[i], o), 0);
        CHECK(strcmp(o, strings[i]) == 0);
    }
}

/* Every length from empty to full: the copy loops have head, body and tail
 * parts whose boundaries move with the length. */
static void test_bytes_every_length(void)
{
    uint8_t data[T_BLOB_MAX];

    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0xa0 + i);
    for (size_t len = 0; len <= T_BLOB_MAX; len++) {
        uint8_t o[T_BLOB_MAX];
        size_t o_len = 12345;

        memset(o, 0, sizeof(o));
        CHECK_EQ(t_test_bytes_echo(ENDPOINT, data, len, o, &o_len), 0);
        CHECK_EQ(o_len, len);
        CHECK(memcmp(o, data, len) == 0);
    }
    /* An empty buffer may come from a NULL pointer. */
    {
        uint8_t o[T_BLOB_MAX];
        size_t o_len = 1;

        CHECK_EQ(t_test_bytes_echo(ENDPOINT, NULL, 0, o, &o_len), 0);
        CHECK_EQ(o_len, 0);
    }
}

static void fill_outer(struct t_outer *v)
{
    memset(v, 0, sizeof(*v));
    for (int i = 0; i < 2; i++) {
        struct t_inner *inner = &v->inners[i];

        inner->p.x = -100 * (i + 1);
        inner->p.y = INT32_MAX - i;
        strcpy(inner->name, i == 0 ? "" : "twelve chars");
        inner->blob_len = i == 0 ? T_BLOB_MAX : 1;
        for (size_t k = 0; k < inner->blob_len; k++)
            inner->blob[k] = (uint8_t)(k * 7 + (size_t)i);
        inner->color = i == 0 ? T_COLOR_BLUE : T_COLOR_GREEN;
    }
    memcpy(v->raw, "\x01\x02\x03\xfe\xff", 5);
    v->signed_raw[0] = INT8_MIN;
    v->signed_raw[1] = -1;
    v->signed_raw[2] = INT8_MAX;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            v->grid[r][c] = (uint16_t)(0x1000 * r + c + 0xf000);
    v->flags[0] = true;
    v->flags[3] = true;
    v->sparse[0] = T_SPARSE_MINUS;
    v->sparse[1] = T_SPARSE_TOP;
    strcpy(v->words[0], "abcd");
    strcpy(v->words[2], "z");
    v->s.a = 0xaa;
    v->s.b = 0xbbbb;
    v->s.c = 0xcccccccc;
    v->s.d = 0xdddddddddddddddd;
    v->s.e = -2;
    v->s.f = -3;
    v->s.g = -4;
    v->s.h = -5;
    v->s.flag = true;
}

static bool outers_equal(const struct t_outer *a, const struct t_outer *b)
{
    for (int i = 0; i < 2; i++) {
        const struct t_inner *x = &a->inners[i], *y = &b->inners[i];

        if (x->p.x != y->p.x || x->p.y != y->p.y || strcmp(x->name, y->name) != 0 ||
            x->blob_len != y->blob_len || memcmp(x->blob, y->blob, x->blob_len) != 0 || x->color != y->color)
            return false;
    }
    for (int i = 0; i < 3; i++) {
        if (strcmp(a->words[i], b->words[i]) != 0)
            return false;
    }
    return memcmp(a->raw, b->raw, sizeof(a->raw)) == 0 &&
           memcmp(a->signed_raw, b->signed_raw, sizeof(a->signed_raw)) == 0 &&
           memcmp(a->grid, b->grid, sizeof(a->grid)) == 0 &&
           memcmp(a->flags, b->flags, sizeof(a->flags)) == 0 &&
           memcmp(a->sparse, b->sparse, sizeof(a->sparse)) == 0 && a->s.a == b->s.a && a->s.b == b->s.b &&
           a->s.c == b->s.c && a->s.d == b->s.d && a->s.e == b->s.e && a->s.f == b->s.f && a->s.g == b->s.g &&
           a->s.h == b->s.h && a->s.flag == b->s.flag;
}

static void test_nested_structs(void)
{
    struct t_outer v, o;

    fill_outer(&v);
    memset(&o, 0x5a, sizeof(o));
    CHECK_EQ(t_test_outer_echo(ENDPOINT, &v, &o), 0);
    CHECK(outers_equal(&v, &o));
    CHECK(test_outer_is_sane(&o));
}

static void test_arrays(void)
{
    const uint32_t values[T_ITEMS] = { 0, UINT32_MAX, 0x12345678 };
    const struct t_point points[2] = { { -1, 1 }, { INT32_MIN, INT32_MAX } };
    uint32_t ovalues[T_ITEMS] = { 0 };
    struct t_point opoints[2] = { { 0, 0 }, { 0, 0 } };

    CHECK_EQ(t_test_arrays(ENDPOINT, values, points, ovalues, opoints), 0);
    CHECK(memcmp(values, ovalues, sizeof(values)) == 0);
    CHECK(memcmp(points, opoints, sizeof(points)) == 0);
}

static void test_capabilities(void)
{
    kidl_cptr_t oa = 0, ob = 0, oc = 0;

    CHECK_EQ(t_test_caps(ENDPOINT, 0x100, 0x200, UINT64_MAX, &oa, &ob, &oc), 0);
    CHECK(oa == UINT64_MAX);
    CHECK_EQ(ob, 0x200);
    CHECK_EQ(oc, 0x100);
}

static void test_full_message(void)
{
    static uint8_t data[T_FULL], o[T_FULL];
    size_t o_len = 0;

    for (size_t i = 0; i < T_FULL; i++)
        data[i] = (uint8_t)(i * 31 + 5);
    CHECK_EQ(t_test_full(ENDPOINT, data, T_FULL, o, &o_len), 0);
    CHECK_EQ(o_len, T_FULL);
    CHECK(memcmp(data, o, T_FULL) == 0);
    /* Both legs used every word the kernel can carry. */
    CHECK_EQ(kidl_msginfo_length(kidl_msg_buffer()->info), KIDL_MSG_MAX_WORDS);
    CHECK_EQ(t_test_full(ENDPOINT, data, 0, o, &o_len), 0);
    CHECK_EQ(o_len, 0);
}

/* The wire format documented in kidl_runtime.h, word by word. */
static void test_wire_layout(void)
{
    const struct kidl_msg *msg = kidl_msg_buffer();
    uint64_t sum = 0;

    CHECK_EQ(t_test_mixed(ENDPOINT, 0xab, 0x77, "hi", 0x1122334455667788, &sum), 0);
    CHECK(sum == 0xab + 0x77 + 2 + 0x1122334455667788);
    /* The reply: one u64 word, no capabilities, label 0. */
    CHECK(msg->info == kidl_msginfo(0, 1, 0));
    CHECK(msg->words[0] == sum);

    /* The request, seen by a recording dispatcher. */
    {
        struct kidl_writer w;

        kidl_writer_init(&w, kidl_msg_buffer());
        kidl_put_u8(&w, 0xab);
        kidl_put_string(&w, "hi", 8);
        kidl_put_u64(&w, 0x1122334455667788);
        CHECK_EQ(kidl_writer_finish(&w, T_TEST_LABEL_MIXED), 0);
        /* u8 at byte 0, the u32 length at 4, the characters at 8, the u64 at 16. */
        CHECK(msg->words[0] == (0xabu | (uint64_t)2 << 32));
        CHECK(msg->words[1] == ('h' | 'i' << 8));
        CHECK(msg->words[2] == 0x1122334455667788);
        CHECK_EQ(kidl_msginfo_length(msg->info), 3);
        CHECK_EQ(kidl_msginfo_label(msg->info), 100);
    }
}

static void test_errors_reach_the_client(void)
{
    unsigned calls = state.calls;

    CHECK_EQ(t_test_fail(ENDPOINT, 0), 0);
    CHECK_EQ(t_test_fail(ENDPOINT, T_ERROR_NOPE), T_ERROR_NOPE);
    CHECK_EQ(t_test_fail(ENDPOINT, T_ERROR_WORSE), T_ERROR_WORSE);
    /* Extremes of the 32-bit code carried in the label. */
    CHECK_EQ(t_test_fail(ENDPOINT, INT32_MAX), INT32_MAX);
    CHECK_EQ(t_test_fail(ENDPOINT, INT32_MIN), INT32_MIN);
    CHECK_EQ(t_test_fail(ENDPOINT, KIDL_ERR_TRANSPORT), KIDL_ERR_TRANSPORT);
    CHECK_EQ(state.calls, calls + 6);

    CHECK_EQ(t_test_nothing(ENDPOINT), 0);
    CHECK_EQ(t_test_unimplemented(ENDPOINT), KIDL_ERR_NOT_IMPLEMENTED);
    CHECK_EQ(state.calls, calls + 7);
    CHECK_EQ(t_test_nothing(UNBOUND_ENDPOINT), KIDL_ERR_TRANSPORT);
}

/* What the client stub refuses to send: the server is never called. */
static void test_client_refuses_bad_input(void)
{
    unsigned calls = state.calls;
    char o[T_NAME_MAX + 1];
    uint8_t blob[T_BLOB_MAX + 1] = { 0 };
    uint8_t ob[T_BLOB_MAX];
    size_t ob_len;
    enum t_color ocolor;
    enum t_sparse osparse;
    struct t_outer v, ov;

    CHECK_EQ(t_test_string_echo(ENDPOINT, "thirteen char", o), KIDL_ERR_TOO_LONG);
    CHECK_EQ(t_test_bytes_echo(ENDPOINT, blob, T_BLOB_MAX + 1, ob, &ob_len), KIDL_ERR_TOO_LONG);
    CHECK_EQ(t_test_enums(ENDPOINT, (enum t_color)3, T_SPARSE_ONE, &ocolor, &osparse), KIDL_ERR_BAD_ENUM);
    CHECK_EQ(t_test_enums(ENDPOINT, T_COLOR_RED, (enum t_sparse)0, &ocolor, &osparse), KIDL_ERR_BAD_ENUM);
    fill_outer(&v);
    v.inners[1].color = (enum t_color) - 1;
    CHECK_EQ(t_test_outer_echo(ENDPOINT, &v, &ov), KIDL_ERR_BAD_ENUM);
    fill_outer(&v);
    memset(v.words[1], 'w', sizeof(v.words[1]));
    CHECK_EQ(t_test_outer_echo(ENDPOINT, &v, &ov), KIDL_ERR_TOO_LONG);
    fill_outer(&v);
    v.inners[0].blob_len = T_BLOB_MAX + 1;
    CHECK_EQ(t_test_outer_echo(ENDPOINT, &v, &ov), KIDL_ERR_TOO_LONG);
    CHECK_EQ(state.calls, calls);
}

/* What the dispatcher refuses to send back when a handler misbehaves. */
static void test_dispatcher_checks_replies(void)
{
    char o[T_NAME_MAX + 1];
    uint8_t blob[4] = { 1, 2, 3, 4 }, ob[T_BLOB_MAX];
    size_t ob_len;
    enum t_color ocolor;
    enum t_sparse osparse;
    struct t_outer v, ov;

    state.misbehaviour = BYTES_TOO_LONG;
    CHECK_EQ(t_test_bytes_echo(ENDPOINT, blob, 4, ob, &ob_len), KIDL_ERR_TOO_LONG);
    state.misbehaviour = STRING_UNTERMINATED;
    CHECK_EQ(t_test_string_echo(ENDPOINT, "x", o), KIDL_ERR_TOO_LONG);
    state.misbehaviour = ENUM_OUT_OF_RANGE;
    CHECK_EQ(t_test_enums(ENDPOINT, T_COLOR_RED, T_SPARSE_ONE, &ocolor, &osparse), KIDL_ERR_BAD_ENUM);
    fill_outer(&v);
    CHECK_EQ(t_test_outer_echo(ENDPOINT, &v, &ov), KIDL_ERR_BAD_ENUM);

    /* Out-parameters a handler leaves alone arrive cleared, never as stale
     * server memory. */
    state.misbehaviour = LEAVE_OUTPUTS_UNSET;
    {
        uint8_t oa = 1;
        uint16_t obb = 1;
        uint32_t oc = 1;
        uint64_t od = 1;
        int8_t oe = 1;
        int16_t of = 1;
        int32_t og = 1;
        int64_t oh = 1;
        bool oflag = true;
        kidl_cptr_t c1 = 1, c2 = 1, c3 = 1;
        size_t zeros = 0;

        CHECK_EQ(t_test_scalars(ENDPOINT, 1, 2, 3, 4, 5, 6, 7, 8, true, &oa, &obb, &oc, &od, &oe, &of, &og,
                                &oh, &oflag),
                 0);
        CHECK(oa == 0 && obb == 0 && oc == 0 && od == 0 && oe == 0 && of == 0 && og == 0 && oh == 0 &&
              !oflag);
        CHECK_EQ(t_test_string_echo(ENDPOINT, "abc", o), 0);
        CHECK_EQ(o[0], '\0');
        CHECK_EQ(t_test_bytes_echo(ENDPOINT, blob, 4, ob, &ob_len), 0);
        CHECK_EQ(ob_len, 0);
        memset(&ov, 0x77, sizeof(ov));
        /* The cleared struct has enum fields of 0: RED is valid, but t_sparse
         * has no 0, so the dispatcher refuses it. */
        CHECK_EQ(t_test_outer_echo(ENDPOINT, &v, &ov), KIDL_ERR_BAD_ENUM);
        CHECK_EQ(t_test_enums(ENDPOINT, T_COLOR_BLUE, T_SPARSE_TOP, &ocolor, &osparse), 0);
        CHECK_EQ(ocolor, T_COLOR_RED);
        CHECK_EQ(osparse, T_SPARSE_MINUS); /* the first member */
        CHECK_EQ(t_test_caps(ENDPOINT, 5, 6, 7, &c1, &c2, &c3), 0);
        CHECK(c1 == 0 && c2 == 0 && c3 == 0);
        {
            uint8_t big[T_FULL];
            size_t big_len = 99;

            CHECK_EQ(t_test_full(ENDPOINT, blob, 4, big, &big_len), 0);
            CHECK_EQ(big_len, zeros);
        }
    }
    state.misbehaviour = BEHAVE;
}

/* A handler may call another server: the loopback keeps each server's
 * message separate, as the kernel would. */
static struct t_test_server inner_server;
static struct test_server_state inner_state;

static int nesting_nothing(void *ctx, kidl_badge_t badge)
{
    char o[T_NAME_MAX + 1];

    (void)ctx;
    (void)badge;
    if (t_test_string_echo(NESTED_ENDPOINT, "nested", o) != 0 || strcmp(o, "nested") != 0)
        return T_ERROR_WORSE;
    return 0;
}

static void test_nested_call(void)
{
    static struct t_test_handlers handlers;
    struct t_test_server outer = { &handlers, NULL };

    handlers.nothing = nesting_nothing;
    test_server_init(&inner_server, &inner_state);
    CHECK_EQ(kidl_loopback_bind(NESTED_ENDPOINT, t_test_dispatch_any, &inner_server, 2), 0);
    CHECK_EQ(kidl_loopback_bind(ENDPOINT, t_test_dispatch_any, &outer, BADGE), 0);
    CHECK_EQ(t_test_nothing(ENDPOINT), 0);
    CHECK_EQ(inner_state.calls, 1);
    CHECK_EQ(inner_state.last_badge, 2);
    CHECK_EQ(kidl_loopback_bind(ENDPOINT, t_test_dispatch_any, &server, BADGE), 0);
}

int main(void)
{
    test_server_init(&server, &state);
    CHECK_EQ(kidl_loopback_bind(ENDPOINT, t_test_dispatch_any, &server, BADGE), 0);

    test_scalars_at_edges();
    test_every_enum_value();
    test_strings();
    test_bytes_every_length();
    test_nested_structs();
    test_arrays();
    test_capabilities();
    test_full_message();
    test_wire_layout();
    test_errors_reach_the_client();
    test_client_refuses_bad_input();
    test_dispatcher_checks_replies();
    test_nested_call();
    return check_exit_status("idl_roundtrip");
}
