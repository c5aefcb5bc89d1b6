/* tests/kernel/sched.c — scheduling: priorities, round robin inside a
 * level, timer preemption, yield, and wake-ups of higher priorities. */
#include "arch.h"
#include "groups.h"
#include "kthread.h"

static volatile uint64_t order[4];
static volatile unsigned order_count;

static void note_priority(uint64_t priority, kumiki_cptr_t self)
{
    if (order_count < 4)
        order[order_count++] = priority;
}

static void higher_priority_runs_first(void)
{
    struct kthread low, mid, high;
    order_count = 0;
    CHECK_OK(kthread_new(&low, 20));
    CHECK_OK(kthread_new(&mid, 60));
    CHECK_OK(kthread_new(&high, 200));
    /* started lowest first */
    CHECK_OK(kthread_start(&low, note_priority, 20));
    CHECK_OK(kthread_start(&mid, note_priority, 60));
    CHECK_OK(kthread_start(&high, note_priority, 200));
    CHECK_EQ(order_count, 0); /* the root (255) keeps running */
    kt_settle();
    CHECK_EQ(order_count, 3);
    CHECK_EQ(order[0], 200);
    CHECK_EQ(order[1], 60);
    CHECK_EQ(order[2], 20);
}

static volatile uint64_t counters[3];

static void spin_counter(uint64_t index, kumiki_cptr_t self)
{
    kt_spin_forever(&counters[index]);
}

/* Two threads that never enter the kernel, at the root's own priority:
 * only the timer can take the CPU from them. */
static void round_robin_and_preemption(void)
{
    struct kthread a, b;
    counters[0] = counters[1] = 0;
    CHECK_OK(kthread_new(&a, 100));
    CHECK_OK(kthread_new(&b, 100));
    CHECK_OK(kthread_start(&a, spin_counter, 0));
    CHECK_OK(kthread_start(&b, spin_counter, 1));
    CHECK_OK(kt_root_priority(100));
    /* the root got the CPU back, so the timer preempted the spinners */
    uint64_t start = kumiki_ticks();
    uint64_t a0 = counters[0], b0 = counters[1];
    unsigned turns = 0;
    uint64_t last = start;
    while (kumiki_ticks() - start < 60) {
        uint64_t now = kumiki_ticks();
        if (now - last > 1) /* somebody else ran for more than a tick */
            turns++;
        last = now;
    }
    uint64_t a1 = counters[0], b1 = counters[1];
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY));
    CHECK(a1 > a0);
    CHECK(b1 > b0);
    CHECK(turns >= 2);
    CHECK_OK(kumiki_tcb_suspend(a.tcb));
    CHECK_OK(kumiki_tcb_suspend(b.tcb));
}

static void lower_priority_starves(void)
{
    struct kthread high, low;
    counters[0] = counters[1] = 0;
    CHECK_OK(kthread_new(&high, 100));
    CHECK_OK(kthread_new(&low, 99));
    CHECK_OK(kthread_start(&low, spin_counter, 1));
    CHECK_OK(kthread_start(&high, spin_counter, 0));
    CHECK_OK(kt_root_priority(100));
    uint64_t start = kumiki_ticks();
    while (kumiki_ticks() - start < 20)
        ;
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY));
    CHECK(counters[0] > 0);
    CHECK_EQ(counters[1], 0);
}

static volatile uint64_t yield_flag;

static void set_flag(uint64_t arg, kumiki_cptr_t self)
{
    yield_flag = arg;
}

static void yield_runs_the_next_thread(void)
{
    struct kthread t;
    yield_flag = 0;
    CHECK_OK(kt_root_priority(100));
    CHECK_OK(kthread_new(&t, 100));
    CHECK_OK(kthread_start(&t, set_flag, 42));
    /* queued behind the root at its level; a yield hands it the CPU */
    uint64_t before = yield_flag;
    uint64_t ticks = kumiki_ticks();
    CHECK_OK(kumiki_yield());
    bool same_slice = kumiki_ticks() - ticks == 0;
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY));
    CHECK(before == 0 || !same_slice);
    CHECK_EQ(yield_flag, 42);
    /* yield with nobody else at the level returns at once */
    CHECK_OK(kumiki_yield());
}

static volatile uint64_t woken_before_return;

static void wait_then_flag(uint64_t notification, kumiki_cptr_t self)
{
    uint64_t w;
    kumiki_wait(notification, &w);
    woken_before_return = w;
}

static void signal_preempts_for_higher_priority(void)
{
    struct kthread t;
    kumiki_cptr_t n;
    woken_before_return = 0;
    CHECK_OK(kt_new(KUMIKI_OBJ_NOTIFICATION, 0, &n));
    CHECK_OK(kthread_new(&t, 200));
    CHECK_OK(kthread_start(&t, wait_then_flag, n));
    kt_settle();
    CHECK_OK(kt_root_priority(100));
    kumiki_cptr_t badged = kt_slot();
    CHECK_OK(kumiki_cnode_mint(KUMIKI_CAP_INIT_CNODE, badged, 64, KUMIKI_CAP_INIT_CNODE, n, 64,
                               KUMIKI_RIGHT_WRITE, 3));
    CHECK_OK(kumiki_signal(badged));
    uint64_t seen = woken_before_return; /* the waiter ran before signal returned */
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY));
    CHECK_EQ(seen, 3);
}

static void priority_change_of_runnable_thread(void)
{
    struct kthread t;
    order_count = 0;
    CHECK_OK(kthread_new(&t, 50));
    CHECK_OK(kthread_start(&t, note_priority, 1));
    CHECK_OK(kt_root_priority(100));
    CHECK_EQ(order_count, 0);
    /* raising it above the root lets it run at once */
    CHECK_OK(kumiki_tcb_set_priority(t.tcb, KUMIKI_CAP_INIT_TCB, 150));
    unsigned seen = order_count;
    CHECK_OK(kt_root_priority(KT_ROOT_PRIORITY));
    CHECK_EQ(seen, 1);
}

const struct ktest sched_tests[] = {
    { "sched: the highest priority runs first", higher_priority_runs_first },
    { "sched: round robin and timer preemption at one level", round_robin_and_preemption },
    { "sched: a lower priority does not run beside a spinning higher one", lower_priority_starves },
    { "sched: yield runs the next thread of the level", yield_runs_the_next_thread },
    { "sched: a signal wakes a higher priority thread at once", signal_preempts_for_higher_priority },
    { "sched: raising a runnable thread's priority preempts", priority_change_of_runnable_thread },
    { NULL, NULL },
};
