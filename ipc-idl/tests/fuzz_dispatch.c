/*
 * libFuzzer target: generated code of tests/idl/types.idl on arbitrary
 * messages, on both sides of a call.
 *
 * The input layout is in fuzz_input.h: a selector byte (a request for the
 * dispatcher, or a reply for one of the client stubs), then the message.
 *
 * Invariants (a violation aborts, which libFuzzer reports with the input):
 *  - a handler only ever sees sane values: strings terminated within their
 *    bound, lengths within theirs, valid enums and bools;
 *  - a request the handler did not see gets an error reply with no words and
 *    no capabilities; one it saw gets the handler's result;
 *  - a client stub that returns 0 has filled its outputs with sane values.
 */
#include "fuzz_input.h"
#include "test_server.h"
#include "types_client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool handler_ran;
static int handler_result;

static void violated(const char *what)
{
    fprintf(stderr, "fuzz_dispatch: invariant violated: %s\n", what);
    abort();
}

static void require(bool ok, const char *what)
{
    if (!ok)
        violated(what);
}

static void ran(int result)
{
    handler_ran = true;
    handler_result = result;
}

static int scalars(void *ctx, kidl_badge_t badge, uint8_t a, uint16_t b, uint32_t c, uint64_t d, int8_t e,
                   int16_t f, int32_t g, int64_t h, bool flag, uint8_t *oa, uint16_t *ob, uint32_t *oc,
                   uint64_t *od, int8_t *oe, int16_t *of, int32_t *og, int64_t *oh, bool *oflag)
{
    (void)ctx;
    (void)badge;
    require(test_bool_is_sane(&flag), "scalars: bool");
    *oa = a;
    *ob = b;
    *oc = c;
    *od = d;
    *oe = e;
    *of = f;
    *og = g;
    *oh = h;
    *oflag = flag;
    ran(0);
    return 0;
}

static int enums(void *ctx, kidl_badge_t badge, enum t_color color, enum t_sparse sparse,
                 enum t_color *ocolor, enum t_sparse *osparse)
{
    (void)ctx;
    (void)badge;
    require(t_color_is_valid((int32_t)color) && t_sparse_is_valid((int32_t)sparse), "enums: values");
    *ocolor = color;
    *osparse = sparse;
    ran(0);
    return 0;
}

static int string_echo(void *ctx, kidl_badge_t badge, const char *s, char o[T_NAME_MAX + 1])
{
    (void)ctx;
    (void)badge;
    require(test_string_is_sane(s, T_NAME_MAX), "string_echo: string");
    strcpy(o, s);
    ran(0);
    return 0;
}

static int bytes_echo(void *ctx, kidl_badge_t badge, const uint8_t *b, size_t b_len, uint8_t o[T_BLOB_MAX],
                      size_t *o_len)
{
    (void)ctx;
    (void)badge;
    require(b_len <= T_BLOB_MAX, "bytes_echo: length");
    memcpy(o, b, b_len);
    *o_len = b_len;
    ran(0);
    return 0;
}

static int outer_echo(void *ctx, kidl_badge_t badge, const struct t_outer *v, struct t_outer *o)
{
    (void)ctx;
    (void)badge;
    require(test_outer_is_sane(v), "outer_echo: struct");
    *o = *v;
    ran(0);
    return 0;
}

static int arrays(void *ctx, kidl_badge_t badge, const uint32_t values[T_ITEMS],
                  const struct t_point points[2], uint32_t ovalues[T_ITEMS], struct t_point opoints[2])
{
    (void)ctx;
    (void)badge;
    memcpy(ovalues, values, sizeof(uint32_t) * T_ITEMS);
    memcpy(opoints, points, sizeof(struct t_point) * 2);
    ran(0);
    return 0;
}

static int caps(void *ctx, kidl_badge_t badge, kidl_cptr_t a, kidl_cptr_t b, kidl_cptr_t c, kidl_cptr_t *oa,
                kidl_cptr_t *ob, kidl_cptr_t *oc)
{
    (void)ctx;
    (void)badge;
    *oa = a;
    *ob = b;
    *oc = c;
    ran(0);
    return 0;
}

static int fail(void *ctx, kidl_badge_t badge, int32_t code)
{
    (void)ctx;
    (void)badge;
    ran(code);
    return code;
}

static int full(void *ctx, kidl_badge_t badge, const uint8_t *b, size_t b_len, uint8_t o[T_FULL],
                size_t *o_len)
{
    (void)ctx;
    (void)badge;
    require(b_len <= T_FULL, "full: length");
    memcpy(o, b, b_len);
    *o_len = b_len;
    ran(0);
    return 0;
}

static int nothing(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    ran(0);
    return 0;
}

static int mixed(void *ctx, kidl_badge_t badge, uint8_t tag, kidl_cptr_t c, const char *s, uint64_t after,
                 uint64_t *sum)
{
    (void)ctx;
    (void)badge;
    require(test_string_is_sane(s, 8), "mixed: string");
    *sum = tag + c + after;
    ran(0);
    return 0;
}

static const struct t_test_handlers checking_handlers = {
    .scalars = scalars,
    .enums = enums,
    .string_echo = string_echo,
    .bytes_echo = bytes_echo,
    .outer_echo = outer_echo,
    .arrays = arrays,
    .caps = caps,
    .fail = fail,
    .full = full,
    .nothing = nothing,
    .mixed = mixed,
};

static struct kidl_msg input_msg;

static void fuzz_dispatcher(void)
{
    const struct t_test_server server = { &checking_handlers, NULL };
    struct kidl_msg msg = input_msg;
    int result;

    handler_ran = false;
    result = t_test_dispatch(&server, 1, &msg);
    require(kidl_msginfo_length(msg.info) <= KIDL_MSG_MAX_WORDS, "reply length");
    if (!handler_ran) {
        require(result < 0, "refused request without a KIDL_ERR code");
        require(msg.info == kidl_msginfo(kidl_label_from_error(result), 0, 0), "refusal reply");
    } else {
        require(result == handler_result, "handler result not replied");
    }
}

/* The fuzz transport for client stubs: every call gets the input as reply. */
static struct kidl_msg client_buffer;

struct kidl_msg *kidl_msg_buffer(void)
{
    return &client_buffer;
}

int kidl_call(kidl_cptr_t endpoint, struct kidl_msg *msg)
{
    (void)endpoint;
    *msg = input_msg;
    return 0;
}

static void fuzz_client(unsigned stub)
{
    static const uint8_t blob[4] = { 1, 2, 3, 4 };
    static struct t_outer outer_in, outer_out;
    static uint8_t full_out[T_FULL];
    char s[T_NAME_MAX + 1];
    uint8_t b[T_BLOB_MAX];
    size_t len;
    int result = 0;

    switch ((enum fuzz_client_stub)(stub % FUZZ_STUB_COUNT)) {
    case FUZZ_STUB_ENUMS: {
        enum t_color color;
        enum t_sparse sparse;

        result = t_test_enums(0, T_COLOR_RED, T_SPARSE_ONE, &color, &sparse);
        require(result != 0 || (t_color_is_valid((int32_t)color) && t_sparse_is_valid((int32_t)sparse)),
                "client enums");
        break;
    }
    case FUZZ_STUB_STRING_ECHO:
        result = t_test_string_echo(0, "x", s);
        require(result != 0 || test_string_is_sane(s, T_NAME_MAX), "client string");
        break;
    case FUZZ_STUB_BYTES_ECHO:
        result = t_test_bytes_echo(0, blob, 4, b, &len);
        require(result != 0 || len <= T_BLOB_MAX, "client bytes");
        break;
    case FUZZ_STUB_OUTER_ECHO:
        memset(&outer_in, 0, sizeof(outer_in));
        outer_in.sparse[0] = outer_in.sparse[1] = T_SPARSE_ONE;
        result = t_test_outer_echo(0, &outer_in, &outer_out);
        require(result != 0 || test_outer_is_sane(&outer_out), "client struct");
        break;
    case FUZZ_STUB_SCALARS: {
        uint8_t oa;
        uint16_t ob;
        uint32_t oc;
        uint64_t od;
        int8_t oe;
        int16_t of;
        int32_t og;
        int64_t oh;
        bool flag;

        result =
            t_test_scalars(0, 1, 2, 3, 4, 5, 6, 7, 8, true, &oa, &ob, &oc, &od, &oe, &of, &og, &oh, &flag);
        require(result != 0 || test_bool_is_sane(&flag), "client bool");
        break;
    }
    case FUZZ_STUB_CAPS: {
        kidl_cptr_t a, c, d;

        result = t_test_caps(0, 1, 2, 3, &a, &c, &d);
        break;
    }
    case FUZZ_STUB_FULL:
        result = t_test_full(0, blob, 4, full_out, &len);
        require(result != 0 || len <= T_FULL, "client full");
        break;
    case FUZZ_STUB_MIXED:
    case FUZZ_STUB_COUNT: {
        uint64_t sum;

        result = t_test_mixed(0, 1, 2, "abc", 4, &sum);
        break;
    }
    }
    (void)result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t selector = fuzz_input_decode(data, size, &input_msg);

    if ((selector & 1) == 0)
        fuzz_dispatcher();
    else
        fuzz_client(selector >> 1);
    return 0;
}
