/* tests/kernel/harness/ktest.h — the in-QEMU kernel test harness.
 *
 * A test boot is a root task that runs a table of tests and prints TAP.
 * Every test starts from the same environment: objects come from a pool
 * untyped (kt_new), slots from the root CNode above the harness's own
 * (kt_slot), free user addresses of the root VSpace from kt_vaddr.  After
 * each test the harness revokes the pool (every object the test made is
 * destroyed, its threads included) and deletes every slot the test used, so
 * a failing test cannot leak into the next one.
 *
 * The CHECK macros end the test at the first failed check (they `return`
 * from the test function) and record why. */
#pragma once

#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

struct ktest {
    const char *name;
    void (*run)(void);
};

/* The root task's environment, shared by the tests. */
struct ktest_env {
    const struct kumiki_bootinfo *bi;
    struct kumiki_allocator alloc; /* slots of the root CNode, objects from the pool */
    kumiki_cptr_t pool;            /* revoked after every test */
    unsigned pool_bits;
    kumiki_cptr_t empty_slot; /* always empty: "no capability" for arguments */
    kumiki_cptr_t first_test_slot;
    uint64_t next_vaddr;  /* free addresses of the root VSpace, reset per test */
    unsigned test_number; /* of the running test, from 1 */
};
extern struct ktest_env kt;

/* Runs every test of the NULL-terminated groups (each ends with a NULL
 * name) and prints the TAP stream.  Returns the number of failed tests. */
int ktest_main(const struct ktest *const *groups);

/* Records the first failure of the running test. */
__attribute__((format(printf, 3, 4))) void ktest_fail(const char *file, int line, const char *fmt, ...);
bool ktest_failed(void);
/* Marks the running test as showing a known kernel bug (described by
 * `bug`): if it fails, its TAP line is "not ok ... # TODO bug" and it does
 * not count as a failure of the boot; meson.build lists its number with
 * --expect-not-ok, so the boot goes red once the bug is fixed. */
void ktest_known_bug(const char *bug);

#define CHECK(cond)                                      \
    do {                                                 \
        if (!(cond)) {                                   \
            ktest_fail(__FILE__, __LINE__, "%s", #cond); \
            return;                                      \
        }                                                \
    } while (0)

#define CHECK_ERR(expr, expected)                                                                 \
    do {                                                                                          \
        uint64_t got_ = (expr), want_ = (uint64_t)(expected);                                     \
        if (got_ != want_) {                                                                      \
            ktest_fail(__FILE__, __LINE__, "%s: %s, expected %s", #expr, kumiki_error_name(got_), \
                       kumiki_error_name(want_));                                                 \
            return;                                                                               \
        }                                                                                         \
    } while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, KE_OK)

#define CHECK_EQ(actual, expected)                                                               \
    do {                                                                                         \
        uint64_t got_ = (uint64_t)(actual), want_ = (uint64_t)(expected);                        \
        if (got_ != want_) {                                                                     \
            ktest_fail(__FILE__, __LINE__, "%s is 0x%lx, expected 0x%lx", #actual, got_, want_); \
            return;                                                                              \
        }                                                                                        \
    } while (0)

/* A free slot of the root CNode (0 when none is left: CHECK it). */
kumiki_cptr_t kt_slot(void);
/* `count` consecutive free slots; returns the first. */
kumiki_cptr_t kt_slots(unsigned count);
/* A new object from the pool in a new slot. */
uint64_t kt_new(uint64_t type, uint64_t size_bits, kumiki_cptr_t *out);
/* A free, page-aligned range of the root VSpace (`align` a power of two). */
uint64_t kt_vaddr(uint64_t bytes, uint64_t align);
/* A new frame mapped read-write at a fresh address; returns the address. */
uint64_t kt_new_mapped_frame(kumiki_cptr_t *frame, uint64_t *vaddr);
/* Maps `frame` at vaddr in the root VSpace, making missing tables. */
uint64_t kt_map(kumiki_cptr_t frame, uint64_t vaddr, uint64_t rights);

/* Lets every runnable thread of priority above 1 run until it blocks: the
 * root task drops to priority 1, yields, and comes back to its own. */
void kt_settle(void);
/* Sets the root task's priority. */
uint64_t kt_root_priority(uint64_t priority);
enum { KT_ROOT_PRIORITY = 255 };

/* The address of a function as a number (no function pointer casts). */
uint64_t kt_code_address(void (*fn)(void));
/* Waits (spinning, timer interrupts keep coming) for `ticks` timer ticks. */
void kt_spin_ticks(uint64_t ticks);
