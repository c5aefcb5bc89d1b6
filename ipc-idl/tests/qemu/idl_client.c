/* ipc-idl/tests/qemu/idl_client.c — root task of the in-QEMU IDL test: it
 * spawns idl_server.elf (the second boot module) and calls it through the
 * generated probe client over kernel IPC, including a capability transfer
 * with and without the GRANT right.  It also prints instructions per call
 * (BENCH lines: meaningful only under -icount, see tools/bench.py). */
#include "probe_client.h"

#include <kidl_kumiki.h>
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/process.h>
#include <kumiki/user.h>

#define SCRATCH_PAGE  0x10000000ull
#define MODULE_WINDOW 0x20000000ull
enum { ROUNDS = 1000 };

static struct kumiki_allocator alloc;
static unsigned test_number;
static bool failed;

static void report(bool ok, const char *what, int detail)
{
    test_number++;
    if (!ok)
        failed = true;
    uprintf("%s %u - %s", ok ? "ok" : "not ok", test_number, what);
    if (!ok)
        uprintf(": got %d", detail);
    uprintf("\n");
}

static uint64_t spawn_server(const struct kumiki_bootinfo *bi, kumiki_cptr_t endpoint)
{
    const struct kumiki_module_desc *m = &bi->modules[0];
    for (uint64_t slot = m->frames.start; slot < m->frames.end; slot++) {
        uint64_t e = kumiki_map_page(&alloc, KUMIKI_CAP_INIT_VSPACE, slot,
                                     MODULE_WINDOW + (slot - m->frames.start) * 4096, KUMIKI_RIGHT_READ);
        if (e)
            return e;
    }
    kumiki_cptr_t give[1] = { endpoint };
    struct kumiki_spawn s = { .elf = (const void *)MODULE_WINDOW,
                              .elf_size = m->size,
                              .args = "idl_server",
                              .supervisor = endpoint,
                              .badge = 7,
                              .priority = 200,
                              .memory_bits = 22,
                              .give = give,
                              .give_count = 1,
                              .scratch_vspace = KUMIKI_CAP_INIT_VSPACE,
                              .scratch_vaddr = SCRATCH_PAGE };
    struct kumiki_process p;
    const char *why = "";
    uint64_t e = kumiki_process_spawn(&alloc, &s, &p, &why);
    if (e)
        uprintf("# spawning the server: %s\n", why);
    return e;
}

static void bench(kumiki_cptr_t endpoint)
{
    uint64_t sum;
    uint8_t data[256] = { 0 };
    uint32_t checksum;
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        probe_six_scalars(endpoint, 1, 2, 3, 4, 5, 6, &sum);
    uint64_t middle = kumiki_read_tsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        probe_buffer_256(endpoint, data, sizeof(data), &checksum);
    uint64_t end = kumiki_read_tsc();
    uprintf("BENCH idl_call_6_scalars_kumiki %lu instructions\n", (unsigned long)((middle - start) / ROUNDS));
    uprintf("BENCH idl_call_256_bytes_kumiki %lu instructions\n", (unsigned long)((end - middle) / ROUNDS));
}

int main(const char *argument)
{
    const struct kumiki_bootinfo *bi = kumiki_bootinfo();
    (void)argument;
    uprintf("1..5\n");
    kumiki_cptr_t endpoint, notification, badged, no_grant;
    if (!bi || bi->module_count < 1 || kumiki_alloc_init_root(&alloc, bi) ||
        kumiki_alloc_object(&alloc, KUMIKI_OBJ_ENDPOINT, 0, &endpoint) ||
        kumiki_alloc_object(&alloc, KUMIKI_OBJ_NOTIFICATION, 0, &notification) ||
        !(badged = kumiki_alloc_slot(&alloc)) || /* signals with an empty badge would leave the word 0 */
        kumiki_cnode_mint(KUMIKI_CAP_INIT_CNODE, badged, 64, KUMIKI_CAP_INIT_CNODE, notification, 64,
                          KUMIKI_RIGHTS_ALL, 0x5a) ||
        !(no_grant = kumiki_alloc_slot(&alloc)) ||
        kumiki_cnode_copy(KUMIKI_CAP_INIT_CNODE, no_grant, 64, KUMIKI_CAP_INIT_CNODE, endpoint, 64,
                          KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY) ||
        spawn_server(bi, endpoint)) {
        uprintf("Bail out! idl_client: setup failed (is idl_server.elf the second module?)\n");
        return 0;
    }

    uint64_t sum = 0;
    int e = probe_six_scalars(endpoint, 1, 2, 3, 4, 5, 1000000000000ull, &sum);
    report(e == 0 && sum == 1000000000015ull, "six scalars across address spaces", e);

    uint8_t data[256];
    uint32_t expected = 0, checksum = 0;
    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7);
        expected += data[i];
    }
    e = probe_buffer_256(endpoint, data, sizeof(data), &checksum);
    report(e == 0 && checksum == expected, "a 256-byte buffer across address spaces", e);

    e = probe_hand_over(endpoint, badged);
    uint64_t word = 0;
    kumiki_poll(notification, &word);
    report(e == 0 && word == 0x5a, "a capability transferred with grant: the server signalled it", e);

    e = probe_hand_over(no_grant, badged);
    report(e == KIDL_ERR_MALFORMED, "without GRANT the capability does not travel (malformed request)", e);

    e = probe_six_scalars(no_grant, 1, 1, 1, 1, 1, 1, &sum);
    report(e == 0 && sum == 6, "a call without capabilities needs no GRANT", e);

    bench(endpoint);
    return failed ? 1 : 0;
}
