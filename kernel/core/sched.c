/* kernel/core/sched.c — fixed-priority round-robin scheduling (tcb.h). */
#include <arch/arch.h>
#include <arch/cpu.h>
#include <arch/paging.h>
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/tcb.h>

enum { TICK_HZ = 100 };

struct tcb *current_thread;
static struct tcb *ready[256];

static uint64_t ready_bitmap[4];
static uint64_t ticks;
static bool rotate_pending;

void sched_make_runnable(struct tcb *t)
{
    if (t->on_ready_queue)
        return;
    struct tcb **head = &ready[t->priority];
    if (*head) {
        t->ready_next = *head;
        t->ready_prev = (*head)->ready_prev;
        (*head)->ready_prev->ready_next = t;
        (*head)->ready_prev = t;
    } else {
        t->ready_next = t->ready_prev = t;
        *head = t;
    }
    ready_bitmap[t->priority / 64] |= 1ull << (t->priority % 64);
    t->on_ready_queue = true;
    t->slice_left = THREAD_TIME_SLICE;
}

void sched_remove(struct tcb *t)
{
    if (!t->on_ready_queue)
        return;
    struct tcb **head = &ready[t->priority];
    if (t->ready_next == t) {
        *head = NULL;
        ready_bitmap[t->priority / 64] &= ~(1ull << (t->priority % 64));
    } else {
        t->ready_prev->ready_next = t->ready_next;
        t->ready_next->ready_prev = t->ready_prev;
        if (*head == t)
            *head = t->ready_next;
    }
    t->ready_next = t->ready_prev = NULL;
    t->on_ready_queue = false;
}

void sched_replace(struct tcb *out, struct tcb *in)
{
    struct tcb **head = &ready[out->priority];
    if (out->ready_next == out) {
        in->ready_next = in->ready_prev = in;
    } else {
        in->ready_next = out->ready_next;
        in->ready_prev = out->ready_prev;
        out->ready_prev->ready_next = in;
        out->ready_next->ready_prev = in;
    }
    if (*head == out)
        *head = in;
    out->ready_next = out->ready_prev = NULL;
    out->on_ready_queue = false;
    in->on_ready_queue = true;
    in->slice_left = THREAD_TIME_SLICE;
}

void thread_set_state(struct tcb *t, enum thread_state state)
{
    t->state = state;
    if (state == THREAD_RUNNABLE)
        sched_make_runnable(t);
    else
        sched_remove(t);
}

static struct tcb *highest_ready(void)
{
    for (int word = 3; word >= 0; word--)
        if (ready_bitmap[word])
            return ready[word * 64 + 63 - __builtin_clzll(ready_bitmap[word])];
    return NULL;
}

void sched_tick(void)
{
    ticks++;
    struct tcb *t = current_thread;
    if (t && t->on_ready_queue && --t->slice_left == 0) {
        t->slice_left = THREAD_TIME_SLICE;
        rotate_pending = true;
    }
}

void sched_yield(void)
{
    rotate_pending = true;
}

uint64_t sched_ticks(void)
{
    return ticks;
}

unsigned sched_tick_hz(void)
{
    return TICK_HZ;
}

NORETURN void sched_switch_now(struct tcb *t)
{
    switch_to_thread(t);
}

NORETURN void sched_exit_to_user(void)
{
    console_signal_reader(); /* the operation is complete: waking a thread is safe here */
    for (;;) {
        struct tcb *cur = current_thread;
        if (rotate_pending && cur && cur->on_ready_queue && ready[cur->priority] == cur)
            ready[cur->priority] = cur->ready_next; /* round robin: the next one at this level */
        rotate_pending = false;
        struct tcb *next = highest_ready();
        if (next)
            sched_switch_now(next);
        arch_idle_wait(); /* interrupts only here and in user mode */
    }
}
