/*
 * Writes the fuzz_dispatch seed corpus: one valid request per procedure of
 * t_test and one valid reply per fuzzed client stub, made by the generated
 * stubs themselves (so seeds follow the IDL) through a recording transport
 * that hands each request to the echo server.
 *
 * usage: idl_make_corpus DIR   (meson compile -C BUILD idl_fuzz_corpus)
 */
#include "fuzz_input.h"
#include "test_server.h"
#include "types_client.h"

#include <stdio.h>
#include <stdlib.h>

static const char *corpus_dir;
static const char *current_name;
static int current_stub; /* enum fuzz_client_stub, or -1: no reply seed */
static struct t_test_server server;
static struct test_server_state state;
static struct kidl_msg client_buffer;

static void write_seed(const char *kind, uint8_t selector, const struct kidl_msg *msg)
{
    uint8_t input[FUZZ_INPUT_MAX];
    size_t size = fuzz_input_encode(selector, msg, input);
    char path[4096];
    FILE *file;

    snprintf(path, sizeof(path), "%s/%s-%s", corpus_dir, kind, current_name);
    file = fopen(path, "wb");
    if (file == NULL || fwrite(input, 1, size, file) != size || fclose(file) != 0) {
        perror(path);
        exit(1);
    }
}

struct kidl_msg *kidl_msg_buffer(void)
{
    return &client_buffer;
}

int kidl_call(kidl_cptr_t endpoint, struct kidl_msg *msg)
{
    (void)endpoint;
    write_seed("request", 0, msg);
    t_test_dispatch(&server, 1, msg);
    if (current_stub >= 0)
        write_seed("reply", (uint8_t)(current_stub << 1 | 1), msg);
    return 0;
}

static void seed(const char *name, int stub)
{
    current_name = name;
    current_stub = stub;
}

int main(int argc, char **argv)
{
    static const uint8_t blob[5] = { 1, 2, 3, 4, 5 };
    static uint8_t full_data[T_FULL], full_out[T_FULL];
    static struct t_outer outer, outer_out;
    char s[T_NAME_MAX + 1];
    uint8_t b[T_BLOB_MAX];
    size_t len;
    enum t_color color;
    enum t_sparse sparse;
    kidl_cptr_t c1, c2, c3;
    uint8_t oa;
    uint16_t ob;
    uint32_t oc, values[T_ITEMS] = { 1, 2, 3 };
    uint64_t od, sum;
    int8_t oe;
    int16_t of;
    int32_t og;
    int64_t oh;
    bool flag;
    struct t_point points[2] = { { 1, 2 }, { 3, 4 } }, opoints[2];

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    corpus_dir = argv[1];
    test_server_init(&server, &state);

    seed("enums", FUZZ_STUB_ENUMS);
    t_test_enums(0, T_COLOR_BLUE, T_SPARSE_HUNDRED, &color, &sparse);
    seed("string_echo", FUZZ_STUB_STRING_ECHO);
    t_test_string_echo(0, "hello", s);
    seed("bytes_echo", FUZZ_STUB_BYTES_ECHO);
    t_test_bytes_echo(0, blob, sizeof(blob), b, &len);
    seed("outer_echo", FUZZ_STUB_OUTER_ECHO);
    snprintf(outer.inners[0].name, sizeof(outer.inners[0].name), "name");
    outer.inners[1].blob_len = 3;
    outer.sparse[0] = T_SPARSE_ONE;
    outer.sparse[1] = T_SPARSE_MINUS;
    outer.flags[2] = true;
    snprintf(outer.words[1], sizeof(outer.words[1]), "word");
    t_test_outer_echo(0, &outer, &outer_out);
    seed("scalars", FUZZ_STUB_SCALARS);
    t_test_scalars(0, 1, 2, 3, 4, -5, -6, -7, -8, true, &oa, &ob, &oc, &od, &oe, &of, &og, &oh, &flag);
    seed("caps", FUZZ_STUB_CAPS);
    t_test_caps(0, 10, 20, 30, &c1, &c2, &c3);
    seed("full", FUZZ_STUB_FULL);
    t_test_full(0, full_data, T_FULL, full_out, &len);
    seed("mixed", FUZZ_STUB_MIXED);
    t_test_mixed(0, 7, 8, "abc", 9, &sum);
    seed("arrays", -1);
    t_test_arrays(0, values, points, values, opoints);
    seed("fail", -1);
    t_test_fail(0, T_ERROR_WORSE);
    seed("nothing", -1);
    t_test_nothing(0);
    return 0;
}
