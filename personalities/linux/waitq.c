/* personalities/linux/waitq.c — wait queues (proc.h): which threads wait
 * for what, and their deadlines.  Waking one thread is proc.c's
 * lx_wake_thread (it queues the thread to run its call again); the VFS
 * host tests give their own (tests/host_env.c), and share this file.
 *
 * A thread may wait on several queues at once (poll): each wait is a
 * waiter linked both in its queue and in the thread's list; leaving one
 * queue (lx_unwait) leaves them all. */
#include "heap.h"
#include "proc.h"

struct lx_waiter {
    struct lx_thread *thread;
    struct lx_waitq *queue;
    struct lx_waiter *next_in_queue, *next_of_thread;
};

bool lx_deadlines_dirty; /* a deadline was added: the timeout must be re-armed */

void lx_wait_on(struct lx_thread *t, struct lx_waitq *q)
{
    for (struct lx_waiter *w = t->waits; w; w = w->next_of_thread)
        if (w->queue == q)
            return;
    struct lx_waiter *w = lx_malloc(sizeof(*w));
    if (!w)
        return; /* it will wake on its deadline or a signal only */
    *w = (struct lx_waiter){ .thread = t, .queue = q, .next_in_queue = q->head, .next_of_thread = t->waits };
    q->head = w;
    t->waits = w;
}

bool lx_waiting_on(const struct lx_thread *t, const struct lx_waitq *q)
{
    for (const struct lx_waiter *w = t->waits; w; w = w->next_of_thread)
        if (w->queue == q)
            return true;
    return false;
}

void lx_wait_until(struct lx_thread *t, uint64_t deadline_ns)
{
    if (!t->deadline_ns || deadline_ns < t->deadline_ns)
        t->deadline_ns = deadline_ns;
    lx_deadlines_dirty = true;
}

void lx_unwait(struct lx_thread *t)
{
    while (t->waits) {
        struct lx_waiter *w = t->waits;
        t->waits = w->next_of_thread;
        struct lx_waiter **link = &w->queue->head;
        while (*link && *link != w)
            link = &(*link)->next_in_queue;
        if (*link)
            *link = w->next_in_queue;
        lx_free(w);
    }
    t->deadline_ns = 0;
}

struct lx_thread *lx_waitq_first(const struct lx_waitq *q)
{
    return q->head ? q->head->thread : NULL;
}

void lx_wake(struct lx_waitq *q)
{
    while (q->head)
        lx_wake_thread(q->head->thread); /* unwaits it, which unlinks the head */
}
