/* kernel/core/sched.c — fixed-priority round-robin scheduling (thread.h). */
#include <arch/arch.h>
#include <arch/cpu.h>
#include <arch/paging.h>
#include <kernel/log.h>
#include <kernel/program_runner.h>
#include <kernel/string.h>
#include <kernel/thread.h>

enum { TICK_HZ = 100 };

struct thread *current_thread;
static struct thread *ready[256];
static uint64_t ready_bitmap[4];
static uint64_t ticks;
static bool rotate_pending;
static unsigned next_thread_id = 1;

void thread_init(struct thread *t, const char *name, paddr_t vspace_root, vaddr_t entry, vaddr_t stack,
                 uint8_t priority)
{
    memset(t, 0, sizeof(*t));
    context_init_user(&t->ctx, entry, stack);
    fpu_state_init(&t->fpu);
    t->vspace_root = vspace_root;
    t->priority = priority;
    t->state = THREAD_INACTIVE;
    t->id = next_thread_id++;
    strlcpy_k(t->name, name, sizeof(t->name));
}

void sched_make_runnable(struct thread *t)
{
    if (t->state == THREAD_RUNNABLE)
        return;
    struct thread **head = &ready[t->priority];
    if (*head) {
        t->next = *head;
        t->prev = (*head)->prev;
        (*head)->prev->next = t;
        (*head)->prev = t;
    } else {
        t->next = t->prev = t;
        *head = t;
    }
    ready_bitmap[t->priority / 64] |= 1ull << (t->priority % 64);
    t->state = THREAD_RUNNABLE;
    t->slice_left = THREAD_TIME_SLICE;
}

void sched_remove(struct thread *t)
{
    if (t->state != THREAD_RUNNABLE)
        return;
    struct thread **head = &ready[t->priority];
    if (t->next == t) {
        *head = NULL;
        ready_bitmap[t->priority / 64] &= ~(1ull << (t->priority % 64));
    } else {
        t->prev->next = t->next;
        t->next->prev = t->prev;
        if (*head == t)
            *head = t->next;
    }
    t->next = t->prev = NULL;
    t->state = THREAD_INACTIVE;
}

static struct thread *highest_ready(void)
{
    for (int word = 3; word >= 0; word--)
        if (ready_bitmap[word])
            return ready[word * 64 + 63 - __builtin_clzll(ready_bitmap[word])];
    return NULL;
}

void sched_tick(void)
{
    ticks++;
    struct thread *t = current_thread;
    if (t && t->state == THREAD_RUNNABLE && --t->slice_left == 0) {
        t->slice_left = THREAD_TIME_SLICE;
        rotate_pending = true;
    }
}

uint64_t sched_ticks(void)
{
    return ticks;
}

unsigned sched_tick_hz(void)
{
    return TICK_HZ;
}

static NORETURN void switch_to(struct thread *t)
{
    if (t != current_thread) {
        struct thread *prev = current_thread;
        if (prev && prev->state != THREAD_EXITED)
            fpu_save(&prev->fpu);
        fpu_restore(&t->fpu);
        paging_activate(t->vspace_root);
        wrmsr(MSR_FS_BASE, t->fs_base);
        context_set_save_area(&t->ctx);
        current_thread = t;
    }
    context_return_to_user(&t->ctx);
}

NORETURN void sched_exit_to_user(void)
{
    for (;;) {
        struct thread *cur = current_thread;
        if (rotate_pending && cur && cur->state == THREAD_RUNNABLE && ready[cur->priority] == cur)
            ready[cur->priority] = cur->next; /* round robin: the next one at this level */
        rotate_pending = false;
        struct thread *next = highest_ready();
        if (next)
            switch_to(next);
        arch_idle_wait(); /* interrupts only here and in user mode */
    }
}

void thread_stop(struct thread *t, const struct thread_outcome *outcome)
{
    sched_remove(t);
    t->state = THREAD_EXITED;
    program_runner_thread_ended(t, outcome);
}
