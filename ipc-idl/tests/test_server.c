/* The t_test echo server; see test_server.h. */
#include "test_server.h"

#include <string.h>

static struct test_server_state *called(void *ctx, kidl_badge_t badge)
{
    struct test_server_state *state = ctx;

    state->calls++;
    state->last_badge = badge;
    return state;
}

static int scalars(void *ctx, kidl_badge_t badge, uint8_t a, uint16_t b, uint32_t c, uint64_t d, int8_t e,
                   int16_t f, int32_t g, int64_t h, bool flag, uint8_t *oa, uint16_t *ob, uint32_t *oc,
                   uint64_t *od, int8_t *oe, int16_t *of, int32_t *og, int64_t *oh, bool *oflag)
{
    if (called(ctx, badge)->misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    *oa = a;
    *ob = b;
    *oc = c;
    *od = d;
    *oe = e;
    *of = f;
    *og = g;
    *oh = h;
    *oflag = flag;
    return 0;
}

static int enums(void *ctx, kidl_badge_t badge, enum t_color color, enum t_sparse sparse,
                 enum t_color *ocolor, enum t_sparse *osparse)
{
    enum test_misbehaviour misbehaviour = called(ctx, badge)->misbehaviour;

    if (misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    *ocolor = color;
    *osparse = misbehaviour == ENUM_OUT_OF_RANGE ? (enum t_sparse)3 : sparse;
    return 0;
}

static int string_echo(void *ctx, kidl_badge_t badge, const char *s, char o[T_NAME_MAX + 1])
{
    enum test_misbehaviour misbehaviour = called(ctx, badge)->misbehaviour;

    if (misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    if (misbehaviour == STRING_UNTERMINATED) {
        memset(o, 'x', T_NAME_MAX + 1);
        return 0;
    }
    strcpy(o, s);
    return 0;
}

static int bytes_echo(void *ctx, kidl_badge_t badge, const uint8_t *b, size_t b_len, uint8_t o[T_BLOB_MAX],
                      size_t *o_len)
{
    enum test_misbehaviour misbehaviour = called(ctx, badge)->misbehaviour;

    if (misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    memcpy(o, b, b_len);
    *o_len = misbehaviour == BYTES_TOO_LONG ? T_BLOB_MAX + 1 : b_len;
    return 0;
}

static int outer_echo(void *ctx, kidl_badge_t badge, const struct t_outer *v, struct t_outer *o)
{
    enum test_misbehaviour misbehaviour = called(ctx, badge)->misbehaviour;

    if (misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    *o = *v;
    if (misbehaviour == ENUM_OUT_OF_RANGE)
        o->inners[1].color = (enum t_color)3;
    return 0;
}

static int arrays(void *ctx, kidl_badge_t badge, const uint32_t values[T_ITEMS],
                  const struct t_point points[2], uint32_t ovalues[T_ITEMS], struct t_point opoints[2])
{
    if (called(ctx, badge)->misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    memcpy(ovalues, values, sizeof(uint32_t) * T_ITEMS);
    memcpy(opoints, points, sizeof(struct t_point) * 2);
    return 0;
}

/* Reversed, so the test sees that order is kept on both legs. */
static int caps(void *ctx, kidl_badge_t badge, kidl_cptr_t a, kidl_cptr_t b, kidl_cptr_t c, kidl_cptr_t *oa,
                kidl_cptr_t *ob, kidl_cptr_t *oc)
{
    if (called(ctx, badge)->misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    *oa = c;
    *ob = b;
    *oc = a;
    return 0;
}

static int fail(void *ctx, kidl_badge_t badge, int32_t code)
{
    called(ctx, badge);
    return code;
}

static int full(void *ctx, kidl_badge_t badge, const uint8_t *b, size_t b_len, uint8_t o[T_FULL],
                size_t *o_len)
{
    if (called(ctx, badge)->misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    memcpy(o, b, b_len);
    *o_len = b_len;
    return 0;
}

static int nothing(void *ctx, kidl_badge_t badge)
{
    called(ctx, badge);
    return 0;
}

static int mixed(void *ctx, kidl_badge_t badge, uint8_t tag, kidl_cptr_t c, const char *s, uint64_t after,
                 uint64_t *sum)
{
    if (called(ctx, badge)->misbehaviour == LEAVE_OUTPUTS_UNSET)
        return 0;
    *sum = tag + c + strlen(s) + after;
    return 0;
}

static const struct t_test_handlers echo_handlers = {
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
    .unimplemented = NULL,
    .mixed = mixed,
};

void test_server_init(struct t_test_server *server, struct test_server_state *state)
{
    memset(state, 0, sizeof(*state));
    server->handlers = &echo_handlers;
    server->ctx = state;
}

bool test_string_is_sane(const char *s, size_t max)
{
    return memchr(s, '\0', max + 1) != NULL;
}

/* Looks at the byte itself: a bool holding 2 would compare true but is not. */
bool test_bool_is_sane(const bool *b)
{
    unsigned char byte;

    memcpy(&byte, b, 1);
    return byte <= 1;
}

bool test_inner_is_sane(const struct t_inner *v)
{
    return test_string_is_sane(v->name, T_NAME_MAX) && v->blob_len <= T_BLOB_MAX &&
           t_color_is_valid((int32_t)v->color);
}

bool test_outer_is_sane(const struct t_outer *v)
{
    for (int i = 0; i < 2; i++) {
        if (!test_inner_is_sane(&v->inners[i]) || !t_sparse_is_valid((int32_t)v->sparse[i]))
            return false;
    }
    for (int i = 0; i < 4; i++) {
        if (!test_bool_is_sane(&v->flags[i]))
            return false;
    }
    for (int i = 0; i < 3; i++) {
        if (!test_string_is_sane(v->words[i], 4))
            return false;
    }
    return test_bool_is_sane(&v->s.flag);
}
