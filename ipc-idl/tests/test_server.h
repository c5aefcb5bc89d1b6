/*
 * An echo server for interface t_test (tests/idl/types.idl), shared by the
 * host tests, the fuzzer and the corpus maker: every handler copies its
 * in-parameters to its out-parameters, counts the call and keeps the badge.
 */
#ifndef KIDL_TEST_SERVER_H
#define KIDL_TEST_SERVER_H

#include "types_server.h"

/* Ways a handler can break the rules, to test the dispatcher's reply checks. */
enum test_misbehaviour {
    BEHAVE,
    LEAVE_OUTPUTS_UNSET, /* return 0 without writing any out-parameter */
    BYTES_TOO_LONG,      /* bytes_echo: *o_len beyond its bound */
    STRING_UNTERMINATED, /* string_echo: no NUL in the whole buffer */
    ENUM_OUT_OF_RANGE,   /* enums, outer_echo: an enum value that does not exist */
};

struct test_server_state {
    unsigned calls;          /* handler invocations so far */
    kidl_badge_t last_badge; /* badge the last handler was given */
    enum test_misbehaviour misbehaviour;
};

/* Binds server to state with the echo handlers (unimplemented stays NULL). */
void test_server_init(struct t_test_server *server, struct test_server_state *state);

/* Whether decoded values keep every promise the dispatcher makes to handlers
 * (and client stubs to their callers): strings terminated within their bound,
 * lengths within theirs, enums and bools valid. */
bool test_string_is_sane(const char *s, size_t max);
bool test_bool_is_sane(const bool *b);
bool test_inner_is_sane(const struct t_inner *v);
bool test_outer_is_sane(const struct t_outer *v);

#endif /* KIDL_TEST_SERVER_H */
