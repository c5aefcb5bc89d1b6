/* tests/qemu/runner/runner.c — the root task of the in-QEMU test boots.
 *
 * Every boot module after this one is a program to run.  One at a time, the
 * runner spawns it in its own address space (lib/user/process.c) with the
 * runner's endpoint as its supervisor and fault handler, waits for its exit
 * message or its fault, reports a TAP test point, and destroys it with one
 * revoke.  Module command line:
 *
 *     path/name.elf [expect=exit:N | expect=fault:XX | expect=load-error] [args...]
 *
 * XX: PF (page fault), SYSCALL (unknown system call), or an exception
 * mnemonic without '#' (DE, UD, GP, ...).  Default expectation: exit 0. */
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/process.h>
#include <kumiki/program.h>
#include <kumiki/supervisor.h>
#include <kumiki/user.h>

#define SCRATCH_PAGE  0x10000000ull
#define MODULE_WINDOW 0x20000000ull
enum { PROGRAM_MEMORY_BITS = 22, PROGRAM_PRIORITY = 100 };

struct expectation {
    enum { EXPECT_EXIT, EXPECT_FAULT, EXPECT_LOAD_ERROR } kind;
    int64_t status;
    char fault[12];
};

static struct kumiki_allocator alloc;
static kumiki_cptr_t endpoint;
/* Programs are carved from this untyped only, so that once a program is
 * destroyed the pool has no children and its memory is reused whole. */
static kumiki_cptr_t program_pool;
static unsigned failures;

static const char *find(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack; haystack++)
        if (memcmp(haystack, needle, n) == 0)
            return haystack;
    return NULL;
}

static bool parse_expectation(const char *cmdline, struct expectation *e)
{
    *e = (struct expectation){ .kind = EXPECT_EXIT };
    const char *p = find(cmdline, " expect=");
    if (!p)
        return true;
    const char *v = p + 8;
    size_t len = 0;
    while (v[len] && v[len] != ' ')
        len++;
    if (len > 5 && memcmp(v, "exit:", 5) == 0) {
        e->kind = EXPECT_EXIT;
        int64_t value = 0;
        bool negative = v[5] == '-';
        for (size_t i = negative ? 6 : 5; i < len; i++) {
            if (v[i] < '0' || v[i] > '9')
                return false;
            value = value * 10 + (v[i] - '0');
        }
        e->status = negative ? -value : value;
        return true;
    }
    if (len > 6 && len - 6 < sizeof(e->fault) && memcmp(v, "fault:", 6) == 0) {
        e->kind = EXPECT_FAULT;
        memcpy(e->fault, v + 6, len - 6);
        e->fault[len - 6] = '\0';
        return true;
    }
    if (len == 10 && memcmp(v, "load-error", 10) == 0) {
        e->kind = EXPECT_LOAD_ERROR;
        return true;
    }
    return false;
}

static void report(unsigned number, bool ok, const char *name, const char *detail)
{
    if (!ok)
        failures++;
    uprintf("%s %u - %s%s%s\n", ok ? "ok" : "not ok", number, name, ok ? " # " : ": ", detail);
}

/* Maps the module's frames contiguously at MODULE_WINDOW (read-only). */
static uint64_t map_module(const struct kumiki_module_desc *m)
{
    for (uint64_t slot = m->frames.start; slot < m->frames.end; slot++) {
        uint64_t e = kumiki_map_page(&alloc, KUMIKI_CAP_INIT_VSPACE, slot,
                                     MODULE_WINDOW + (slot - m->frames.start) * 4096, KUMIKI_RIGHT_READ);
        if (e)
            return e;
    }
    return KE_OK;
}

static void unmap_module(const struct kumiki_module_desc *m)
{
    for (uint64_t slot = m->frames.start; slot < m->frames.end; slot++)
        kumiki_frame_unmap(slot);
}

static void run_program(unsigned number, const struct kumiki_module_desc *m)
{
    char name[48], detail[160];
    kumiki_module_name(m->cmdline, name, sizeof(name));
    struct expectation expect;
    if (!parse_expectation(m->cmdline, &expect)) {
        report(number, false, name, "malformed expect= argument");
        return;
    }
    uint64_t e = map_module(m);
    if (e) {
        usnprintf(detail, sizeof(detail), "cannot map the module: %s", kumiki_error_name(e));
        report(number, false, name, detail);
        return;
    }
    struct kumiki_spawn spawn = {
        .elf = (const void *)MODULE_WINDOW,
        .elf_size = m->size,
        .args = m->cmdline,
        .supervisor = endpoint,
        .badge = number,
        .priority = PROGRAM_PRIORITY,
        .memory_bits = PROGRAM_MEMORY_BITS,
        .scratch_vspace = KUMIKI_CAP_INIT_VSPACE,
        .scratch_vaddr = SCRATCH_PAGE,
    };
    struct kumiki_process process;
    const char *why = NULL;
    kumiki_cptr_t general = alloc.untyped;
    alloc.untyped = program_pool;
    e = kumiki_process_spawn(&alloc, &spawn, &process, &why);
    alloc.untyped = general;
    if (e) {
        usnprintf(detail, sizeof(detail), "load error: %s (%s)", why, kumiki_error_name(e));
        report(number, expect.kind == EXPECT_LOAD_ERROR, name, detail);
    } else {
        struct kumiki_msg msg;
        do
            e = kumiki_recv(endpoint, &msg);
        while (e == KE_OK && msg.badge != number); /* stale messages of earlier programs */
        if (e) {
            report(number, false, name, "receive failed");
        } else if (msg.label == KUMIKI_PROGRAM_EXIT) {
            int64_t status = (int64_t)msg.words[0];
            usnprintf(detail, sizeof(detail), "exit status %ld", (long)status);
            report(number, expect.kind == EXPECT_EXIT && expect.status == status, name, detail);
        } else {
            const char *kind = kumiki_describe_fault(&msg, detail, sizeof(detail));
            bool ok = expect.kind == EXPECT_FAULT && strcmp(kind, expect.fault) == 0;
            if (ok) {
                char text[200];
                usnprintf(text, sizeof(text), "faulted as expected: %s", detail);
                report(number, true, name, text);
            } else {
                report(number, false, name, detail);
            }
            kumiki_print_registers(process.tcb);
        }
    }
    e = kumiki_process_destroy(&alloc, &process);
    if (e)
        uprintf("# runner: destroying %s failed: %s\n", name, kumiki_error_name(e));
    unmap_module(m);
}

int main(const char *argument)
{
    (void)argument;
    const struct kumiki_bootinfo *bi = kumiki_bootinfo();
    if (!bi || kumiki_alloc_init_root(&alloc, bi) != KE_OK) {
        uprintf("Bail out! runner: no boot information or no memory\n");
        return 1;
    }
    uint64_t e = kumiki_alloc_object(&alloc, KUMIKI_OBJ_ENDPOINT, 0, &endpoint);
    if (!e)
        e = kumiki_alloc_object(&alloc, KUMIKI_OBJ_UNTYPED, PROGRAM_MEMORY_BITS, &program_pool);
    if (e) {
        uprintf("Bail out! runner: cannot create its endpoint and memory pool: %s\n", kumiki_error_name(e));
        return 1;
    }
    uprintf("1..%lu\n", (unsigned long)bi->module_count);
    for (unsigned i = 0; i < bi->module_count; i++)
        run_program(i + 1, &bi->modules[i]);
    uprintf("# kumiki: %lu programs, %u failed\n", (unsigned long)bi->module_count, failures);
    return 0;
}
