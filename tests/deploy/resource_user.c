/* tests/deploy/resource_user.c — the component of deployment 'resources'
 * (resources.kdep).  It checks, through its generated resource_user_caps.h
 * only, what its declarations gave it:
 *   untyped pool 1M     the slot holds an untyped of 2^20 bytes with every
 *                       right; a retype beyond it fails; a thread, its stack,
 *                       page tables, an endpoint and a CNode made from it work
 *                       (the thread runs and signals `wake`); revoking it
 *                       frees it all, and then exactly 2^20 bytes of frames fit
 *   module pattern/small/large  the header page (magic, exact size, pages,
 *                       max, address, names) and every byte of the module, read only
 *   notification wake   a notification with read and write
 * Each run is counted in the shared region `runs` (it outlives restarts).
 * With the argument "fault_once", the first run ends by writing to its
 * module, which is mapped read only: the root task restarts it, and the
 * second run must find a fresh untyped (the first one left it full) and
 * the modules mapped again.  Exits 0 when every check passed.
 *
 * PATTERN_SIZE, SMALL_SIZE and LARGE_SIZE come from tests/deploy/meson.build,
 * which makes the three modules with make_pattern.py. */
#include "resource_user_caps.h"
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/module_header.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum {
    PAGE = 4096,
    FIRST_SPARE_SLOT = 64, /* above the declared slots: objects made from the untyped go here */
};
/* Where the helper thread's stack and a test frame are mapped: a part of
 * the address space nothing else uses, so every table level is new. */
#define SCRATCH_VADDR 0x0000600000000000ull

static unsigned failed;
static uint64_t run;

static void check(bool ok, const char *what, uint64_t value)
{
    if (!ok) {
        failed++;
        uprintf("# resource_user: run %lu: FAILED: %s (0x%lx)\n", run, what, value);
    }
}

/* make_pattern.py's byte i. */
static uint8_t pattern_byte(uint64_t i)
{
    return (uint8_t)(i * 131 + (i >> 12) * 17 + 5);
}

struct slot_view {
    uint64_t type, rights, size_bits;
};

static struct slot_view own_slot(kumiki_cptr_t slot)
{
    uint64_t info = 0, data, object;
    kumiki_slot_info(KUMIKI_PROGRAM_CAP_CNODE, slot, &info, &data, &object);
    return (struct slot_view){ info & 0xff, (info >> 8) & 0xff, (info >> 16) & 0xff };
}

static void check_module(kumiki_cptr_t slot, uint64_t vaddr, uint64_t data, uint64_t max, const char *name,
                         const char *file, uint64_t size)
{
    const struct kumiki_module_header *h = (const struct kumiki_module_header *)vaddr;
    check(h->magic == KUMIKI_MODULE_MAGIC, "module header magic", h->magic);
    check(h->size == size, "module size is the file's exact length", h->size);
    check(h->pages == (size + PAGE - 1) / PAGE, "module pages", h->pages);
    check(h->max_size == max, "module max is the declared one", h->max_size);
    check(h->data == data && kumiki_module_data(h) == (const uint8_t *)data, "module data address", h->data);
    check(strcmp(h->name, name) == 0, "module header names the declaration", 0);
    check(strcmp(h->file, file) == 0, "module header names the file", 0);
    const uint8_t *bytes = kumiki_module_data(h);
    uint64_t wrong = 0, length = h->size < size ? h->size : size;
    for (uint64_t i = 0; i < length; i++)
        wrong += bytes[i] != pattern_byte(i);
    check(wrong == 0, "module bytes are the file's", wrong);
    struct slot_view v = own_slot(slot);
    check(v.type == KUMIKI_OBJ_FRAME && v.rights == KUMIKI_RIGHT_READ,
          "module slot: the header page, read only", v.type << 8 | v.rights);
}

/* The helper thread: made from the untyped, it shares this address space
 * and CSpace.  It sums the pattern module, says so on `wake`, and waits on
 * a notification nobody signals until the untyped is revoked. */
static volatile uint64_t helper_sum;

static void helper_main(kumiki_cptr_t parking)
{
    const struct kumiki_module_header *h = (const struct kumiki_module_header *)RESOURCE_USER_VADDR_PATTERN;
    uint64_t sum = 1;
    for (uint64_t i = 0; i < h->size; i++)
        sum += kumiki_module_data(h)[i];
    helper_sum = sum;
    kumiki_signal(RESOURCE_USER_CAP_WAKE);
    for (;;) {
        uint64_t word;
        kumiki_wait(parking, &word);
    }
}

static struct kumiki_allocator pool_allocator(void)
{
    return (struct kumiki_allocator){ .cspace = KUMIKI_PROGRAM_CAP_CNODE,
                                      .next_slot = FIRST_SPARE_SLOT,
                                      .end_slot = 1u << KUMIKI_PROGRAM_CNODE_RADIX,
                                      .untyped = RESOURCE_USER_CAP_POOL,
                                      .untyped_bits = RESOURCE_USER_UNTYPED_BITS_POOL };
}

/* A thread from the untyped runs helper_main and signals `wake`. */
static void check_thread(struct kumiki_allocator *a, kumiki_cptr_t *tcb)
{
    kumiki_cptr_t stack, parking;
    uint64_t e = kumiki_alloc_object(a, KUMIKI_OBJ_TCB, 0, tcb);
    if (!e)
        e = kumiki_alloc_object(a, KUMIKI_OBJ_FRAME, 0, &stack);
    if (!e)
        e = kumiki_alloc_object(a, KUMIKI_OBJ_NOTIFICATION, 0, &parking);
    check(e == KE_OK, "a TCB, a frame and a notification from the untyped", e);
    /* Every page-table level of SCRATCH_VADDR comes from the untyped too. */
    if (!e)
        e = kumiki_map_page(a, KUMIKI_PROGRAM_CAP_VSPACE, stack, SCRATCH_VADDR,
                            KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE);
    check(e == KE_OK, "the helper's stack mapped with tables from the untyped", e);
    /* No fault endpoint (an empty slot): a fault would only stop the helper. */
    if (!e)
        e = kumiki_tcb_set_space(*tcb, kumiki_alloc_slot(a), KUMIKI_PROGRAM_CAP_CNODE, 0,
                                 KUMIKI_PROGRAM_CAP_VSPACE);
    /* Entered like a call: the stack pointer is 8 bytes below 16-byte alignment. */
    if (!e)
        e = kumiki_tcb_write_registers(*tcb, 1, (uint64_t)helper_main, SCRATCH_VADDR + PAGE - 8, 0x202, 0, 0,
                                       0, 0, 0, parking, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    check(e == KE_OK, "the helper thread configured and resumed", e);
    if (e)
        return;
    uint64_t word = 0, expected = 1;
    e = kumiki_wait(RESOURCE_USER_CAP_WAKE, &word); /* the helper runs while this one waits */
    for (uint64_t i = 0; i < PATTERN_SIZE; i++)
        expected += pattern_byte(i);
    check(e == KE_OK && helper_sum == expected, "the helper thread summed the module and signalled",
          helper_sum);
}

static void check_untyped(void)
{
    struct slot_view v = own_slot(RESOURCE_USER_CAP_POOL);
    check(v.type == KUMIKI_OBJ_UNTYPED, "untyped slot holds an untyped", v.type);
    check(v.size_bits == RESOURCE_USER_UNTYPED_BITS_POOL && (1ull << v.size_bits) == RESOURCE_USER_SIZE_POOL,
          "untyped of the declared size", v.size_bits);
    check(v.rights == KUMIKI_RIGHTS_ALL, "untyped with every right", v.rights);
    const uint64_t frames = RESOURCE_USER_SIZE_POOL / PAGE;
    uint64_t e = kumiki_untyped_retype(RESOURCE_USER_CAP_POOL, KUMIKI_OBJ_FRAME, 0, KUMIKI_PROGRAM_CAP_CNODE,
                                       0, 0, FIRST_SPARE_SLOT, frames + 1);
    check(e == KE_NOT_ENOUGH_MEMORY, "one frame more than the untyped holds is refused", e);
    e = kumiki_untyped_retype(RESOURCE_USER_CAP_POOL, KUMIKI_OBJ_UNTYPED, RESOURCE_USER_UNTYPED_BITS_POOL + 1,
                              KUMIKI_PROGRAM_CAP_CNODE, 0, 0, FIRST_SPARE_SLOT, 1);
    check(e == KE_BAD_SIZE, "an untyped twice its size is refused", e);

    struct kumiki_allocator a = pool_allocator();
    kumiki_cptr_t tcb = 0, endpoint, cnode, frame;
    check_thread(&a, &tcb);
    e = kumiki_alloc_object(&a, KUMIKI_OBJ_ENDPOINT, 0, &endpoint);
    if (!e)
        e = kumiki_alloc_object(&a, KUMIKI_OBJ_CNODE, 4, &cnode);
    if (!e)
        e = kumiki_alloc_object(&a, KUMIKI_OBJ_FRAME, 0, &frame);
    if (!e)
        e = kumiki_map_page(&a, KUMIKI_PROGRAM_CAP_VSPACE, frame, SCRATCH_VADDR + PAGE,
                            KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE);
    check(e == KE_OK, "an endpoint, a CNode and a mapped frame from the untyped", e);
    if (!e) {
        volatile uint64_t *p = (volatile uint64_t *)(SCRATCH_VADDR + PAGE);
        p[0] = 0x5eed0000cafe0002ull;
        check(p[0] == 0x5eed0000cafe0002ull, "a frame from the untyped keeps what is written", p[0]);
    }

    /* Revoking the untyped deletes everything made from it, the running
     * thread too; then exactly its size fits again, and no more. */
    e = kumiki_cnode_revoke(KUMIKI_PROGRAM_CAP_CNODE, RESOURCE_USER_CAP_POOL, 64);
    check(e == KE_OK && kumiki_cap_type(tcb) == KUMIKI_OBJ_NULL, "revoking the untyped deletes its objects",
          e);
    e = kumiki_untyped_retype(RESOURCE_USER_CAP_POOL, KUMIKI_OBJ_FRAME, 0, KUMIKI_PROGRAM_CAP_CNODE, 0, 0,
                              FIRST_SPARE_SLOT, frames);
    check(e == KE_OK, "after the revoke, frames of all its size", e);
    e = kumiki_untyped_retype(RESOURCE_USER_CAP_POOL, KUMIKI_OBJ_FRAME, 0, KUMIKI_PROGRAM_CAP_CNODE, 0, 0,
                              FIRST_SPARE_SLOT + frames, 1);
    check(e == KE_NOT_ENOUGH_MEMORY, "a retype beyond its size fails", e);
    /* Left full: a restart must bring a fresh one. */
}

int main(const char *cmdline)
{
    volatile uint64_t *runs = (volatile uint64_t *)RESOURCE_USER_VADDR_RUNS;
    run = ++runs[0];
    check_module(RESOURCE_USER_CAP_PATTERN, RESOURCE_USER_VADDR_PATTERN, RESOURCE_USER_DATA_PATTERN,
                 RESOURCE_USER_MAX_PATTERN, "pattern", RESOURCE_USER_FILE_PATTERN, PATTERN_SIZE);
    check_module(RESOURCE_USER_CAP_SMALL, RESOURCE_USER_VADDR_SMALL, RESOURCE_USER_DATA_SMALL,
                 RESOURCE_USER_MAX_SMALL, "small", RESOURCE_USER_FILE_SMALL, SMALL_SIZE);
    check_module(RESOURCE_USER_CAP_LARGE, RESOURCE_USER_VADDR_LARGE, RESOURCE_USER_DATA_LARGE,
                 RESOURCE_USER_MAX_LARGE, "large", RESOURCE_USER_FILE_LARGE, LARGE_SIZE);
    struct slot_view v = own_slot(RESOURCE_USER_CAP_WAKE);
    check(v.type == KUMIKI_OBJ_NOTIFICATION && v.rights == (KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE),
          "notification slot holds a notification, RW", v.type << 8 | v.rights);
    check_untyped();
    uprintf("resource_user: run %lu: %s\n", run, failed ? "some checks failed" : "every check passed");
    if (!failed && run == 1 && has_argument(cmdline, "fault_once")) {
        uprintf("resource_user: run 1: writing to a module, which is read only\n");
        *(volatile uint8_t *)RESOURCE_USER_DATA_PATTERN = 0;
        uprintf("# resource_user: FAILED: the module took a write\n");
        return 2;
    }
    return failed ? 1 : 0;
}
