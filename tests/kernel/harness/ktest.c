/* tests/kernel/harness/ktest.c — test table runner and shared environment
 * (see ktest.h). */
#include "ktest.h"
#include "kthread.h"
#include <format.h>

struct ktest_env kt;

enum { POOL_BITS = 24 }; /* 16 MiB for each test */
/* Test mappings start at 4 GiB: far from the image, stack and boot info. */
#define TEST_VADDR_BASE 0x100000000ull

static char failure[240];
static bool failed;
static const char *known_bug;

void ktest_known_bug(const char *bug)
{
    known_bug = bug;
}

static void append(void *ctx, const char *text, size_t len)
{
    size_t *used = ctx;
    for (size_t i = 0; i < len && *used + 1 < sizeof(failure); i++)
        failure[(*used)++] = text[i];
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    if (failed)
        return;
    failed = true;
    const char *base = file;
    for (const char *p = file; *p; p++)
        if (*p == '/')
            base = p + 1;
    size_t used = usnprintf(failure, sizeof(failure), "%s:%d: ", base, line);
    if (used >= sizeof(failure))
        used = sizeof(failure) - 1;
    va_list ap;
    va_start(ap, fmt);
    format_v(append, &used, fmt, ap);
    va_end(ap);
    failure[used] = '\0';
}

bool ktest_failed(void)
{
    return failed;
}

kumiki_cptr_t kt_slot(void)
{
    return kumiki_alloc_slot(&kt.alloc);
}

kumiki_cptr_t kt_slots(unsigned count)
{
    if (kt.alloc.end_slot - kt.alloc.next_slot < count)
        return 0;
    kumiki_cptr_t first = kt.alloc.next_slot;
    kt.alloc.next_slot += count;
    return first;
}

uint64_t kt_new(uint64_t type, uint64_t size_bits, kumiki_cptr_t *out)
{
    return kumiki_alloc_object(&kt.alloc, type, size_bits, out);
}

uint64_t kt_vaddr(uint64_t bytes, uint64_t align)
{
    uint64_t v = (kt.next_vaddr + align - 1) & ~(align - 1);
    kt.next_vaddr = v + ((bytes + 4095) & ~4095ull) + 4096; /* a hole after each range */
    return v;
}

uint64_t kt_map(kumiki_cptr_t frame, uint64_t vaddr, uint64_t rights)
{
    return kumiki_map_page(&kt.alloc, KUMIKI_CAP_INIT_VSPACE, frame, vaddr, rights);
}

uint64_t kt_new_mapped_frame(kumiki_cptr_t *frame, uint64_t *vaddr)
{
    uint64_t e = kt_new(KUMIKI_OBJ_FRAME, 0, frame);
    if (e)
        return e;
    *vaddr = kt_vaddr(4096, 4096);
    return kt_map(*frame, *vaddr, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE);
}

uint64_t kt_root_priority(uint64_t priority)
{
    return kumiki_tcb_set_priority(KUMIKI_CAP_INIT_TCB, KUMIKI_CAP_INIT_TCB, priority);
}

void kt_settle(void)
{
    kt_root_priority(1);
    kumiki_yield();
    kt_root_priority(KT_ROOT_PRIORITY);
}

uint64_t kt_code_address(void (*fn)(void))
{
    uint64_t address;
    _Static_assert(sizeof(fn) == sizeof(address), "code addresses are 64 bits");
    memcpy(&address, &fn, sizeof(address));
    return address;
}

void kt_spin_ticks(uint64_t ticks)
{
    uint64_t end = kumiki_ticks() + ticks;
    while (kumiki_ticks() < end)
        ;
}

/* Everything a test made goes: objects with the pool, copies and other
 * capabilities with their slots. */
static void cleanup(void)
{
    kt_root_priority(KT_ROOT_PRIORITY);
    uint64_t e = kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, kt.pool, 64);
    if (e)
        uprintf("# harness: revoking the pool failed: %s\n", kumiki_error_name(e));
    for (kumiki_cptr_t s = kt.first_test_slot; s < kt.alloc.next_slot; s++)
        kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, s, 64);
    kt.alloc.next_slot = kt.first_test_slot;
    kt.next_vaddr = TEST_VADDR_BASE;
    struct kumiki_ipc_buffer *b = kumiki_ipc_buffer();
    b->receive_cnode = b->receive_index = b->receive_depth = b->receive_count = 0;
    kthread_reset();
}

static uint64_t setup(void)
{
    kt.bi = kumiki_bootinfo();
    if (!kt.bi)
        return KE_INVALID_ARGUMENT;
    uint64_t e = kumiki_alloc_init_root(&kt.alloc, kt.bi);
    if (e)
        return e;
    kt.empty_slot = kt_slot();
    kt.pool_bits = POOL_BITS;
    if ((e = kt_new(KUMIKI_OBJ_UNTYPED, POOL_BITS, &kt.pool)))
        return e;
    kt.alloc.untyped = kt.pool;
    kt.alloc.untyped_bits = POOL_BITS;
    kt.first_test_slot = kt.alloc.next_slot;
    kt.next_vaddr = TEST_VADDR_BASE;
    return KE_OK;
}

int ktest_main(const struct ktest *const *groups)
{
    unsigned total = 0, number = 0, failures = 0;
    for (const struct ktest *const *g = groups; *g; g++)
        for (const struct ktest *t = *g; t->name; t++)
            total++;
    uprintf("1..%u\n", total);
    uint64_t e = setup();
    if (e) {
        uprintf("Bail out! kernel tests: cannot set up the environment: %s\n", kumiki_error_name(e));
        return 1;
    }
    for (const struct ktest *const *g = groups; *g; g++) {
        for (const struct ktest *t = *g; t->name; t++) {
            number++;
            kt.test_number = number;
            failed = false;
            known_bug = NULL;
            failure[0] = '\0';
            uint64_t start = kumiki_ticks();
            t->run();
            uint64_t ticks = kumiki_ticks() - start;
            cleanup();
            if (failed && known_bug) {
                uprintf("not ok %u - %s: %s # TODO %s\n", number, t->name, failure, known_bug);
            } else if (failed) {
                failures++;
                uprintf("not ok %u - %s: %s\n", number, t->name, failure);
            } else {
                uprintf("ok %u - %s # %lu ticks\n", number, t->name, (unsigned long)ticks);
            }
        }
    }
    uprintf("# %u tests, %u failed\n", total, failures);
    return failures ? 1 : 0;
}
