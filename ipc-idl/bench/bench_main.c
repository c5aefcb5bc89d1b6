/*
 * The IDL call benchmark: ITERATIONS calls of one bench procedure through
 * the loopback transport.  bench_host.py runs it under callgrind with two
 * iteration counts; the difference in instructions, divided by the
 * difference in calls, is the exact cost of one call with no start-up noise.
 *
 * usage: idl_bench six_scalars|buffer_256 ITERATIONS
 */
#include "bench_client.h"
#include "bench_server.h"
#include "kidl_loopback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ENDPOINT = 1 };

/* Keeps the handlers' work observable so nothing is optimised away. */
static volatile uint64_t sink;

static int six_scalars(void *ctx, kidl_badge_t badge, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                       uint64_t e, uint64_t f)
{
    (void)ctx;
    (void)badge;
    sink = a + b + c + d + e + f;
    return 0;
}

static int buffer_256(void *ctx, kidl_badge_t badge, const uint8_t *data, size_t data_len)
{
    (void)ctx;
    (void)badge;
    sink = data_len + data[0] + data[data_len - 1];
    return 0;
}

static const struct bench_handlers handlers = {
    .six_scalars = six_scalars,
    .buffer_256 = buffer_256,
};

int main(int argc, char **argv)
{
    static const struct bench_server server = { &handlers, NULL };
    uint8_t buffer[256];
    long iterations;
    bool scalars;

    if (argc != 3 || (strcmp(argv[1], "six_scalars") != 0 && strcmp(argv[1], "buffer_256") != 0) ||
        (iterations = strtol(argv[2], NULL, 10)) < 0) {
        fprintf(stderr, "usage: %s six_scalars|buffer_256 ITERATIONS\n", argv[0]);
        return 2;
    }
    scalars = strcmp(argv[1], "six_scalars") == 0;
    for (size_t i = 0; i < sizeof(buffer); i++)
        buffer[i] = (uint8_t)i;
    if (kidl_loopback_bind(ENDPOINT, bench_dispatch_any, &server, 0) != 0)
        return 1;

    for (long i = 0; i < iterations; i++) {
        int result = scalars ? bench_six_scalars(ENDPOINT, 1, 2, 3, 4, 5, (uint64_t)i)
                             : bench_buffer_256(ENDPOINT, buffer, sizeof(buffer));

        if (result != 0) {
            fprintf(stderr, "%s: call %ld failed with %d\n", argv[0], i, result);
            return 1;
        }
    }
    if (iterations > 0 && sink != (scalars ? 15u + (uint64_t)(iterations - 1) : 256u + 0u + 255u)) {
        fprintf(stderr, "%s: the handler did not see the arguments\n", argv[0]);
        return 1;
    }
    return 0;
}
