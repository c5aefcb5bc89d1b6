/* Threads (issue 8 item 3): clone(CLONE_VM|CLONE_THREAD|...) directly and through pthreads,
 * CLONE_PARENT_SETTID and CLONE_CHILD_CLEARTID, set_tid_address, futex wait/wake and its error
 * cases, a signal sent to one thread, exit ending one thread and exit_group the process. */
#include "conformance.h"
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* From the kernel's linux/futex.h, which musl-gcc's include path does not have. */
#define FUTEX_WAIT         0
#define FUTEX_WAKE         1
#define FUTEX_PRIVATE_FLAG 128

static long futex(volatile int *word, int op, int value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

/* --- a thread made with clone() itself ----------------------------------------------------- */

static volatile int raw_ready;      /* set to 1 by the thread, futex-woken */
static volatile int raw_tid_seen;   /* the thread's gettid */
static volatile int raw_parent_tid; /* CLONE_PARENT_SETTID writes the tid here */
static volatile int raw_child_tid;  /* CLONE_CHILD_CLEARTID: zeroed and woken at thread exit */

/* Runs on its own stack, sharing TLS with the main thread (no CLONE_SETTLS), so it makes
 * only system calls that cannot fail (errno lives in the TLS). */
static int raw_thread(void *arg)
{
    (void)arg;
    raw_tid_seen = (int)syscall(SYS_gettid);
    raw_ready = 1;
    futex(&raw_ready, FUTEX_WAKE, 1, NULL);
    return 5; /* musl's clone() then makes exit(5): this thread only, not the process */
}

static void test_raw_clone(void)
{
    enum { STACK = 64 * 1024 };
    char *stack = malloc(STACK);
    if (!check(stack != NULL, "a stack for the thread"))
        return;
    raw_child_tid = -1;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    int tid = clone(raw_thread, stack + STACK, flags, NULL, &raw_parent_tid, NULL, &raw_child_tid);
    if (!check(tid > 0, "clone(CLONE_VM|CLONE_THREAD|...) returns the new thread's id"))
        return;
    while (!raw_ready)
        futex(&raw_ready, FUTEX_WAIT, 0, NULL);
    check(raw_tid_seen == tid, "the thread's gettid is what clone returned");
    check(raw_parent_tid == tid, "CLONE_PARENT_SETTID stored the id");
    check(tid != getpid(), "the thread's id is not the process id");
    /* CLONE_CHILD_CLEARTID: the word is zeroed and woken when the thread is gone. */
    int word;
    while ((word = raw_child_tid) != 0)
        futex(&raw_child_tid, FUTEX_WAIT, word, NULL);
    say("CLONE_CHILD_CLEARTID cleared and woke the thread id word at its exit");
    say("the process goes on after its thread's exit(5)");
    free(stack);
}

/* --- pthreads ---------------------------------------------------------------------------- */

enum { THREADS = 4, ROUNDS = 2000 };
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static atomic_int tids[THREADS];
static atomic_int same_pid;

static void *count(void *arg)
{
    int index = (int)(intptr_t)arg;
    tids[index] = (int)syscall(SYS_gettid);
    if (getpid() == (pid_t)syscall(SYS_getpid))
        same_pid++;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
        if (i % 256 == 0)
            sched_yield();
    }
    return (void *)(intptr_t)(index + 100);
}

static void test_pthreads(void)
{
    pthread_t threads[THREADS];
    int created = 1;
    for (int i = 0; i < THREADS; i++)
        created &= pthread_create(&threads[i], NULL, count, (void *)(intptr_t)i) == 0;
    if (!check(created, "pthread_create of %d threads", THREADS))
        return;
    int results = 1;
    for (int i = 0; i < THREADS; i++) {
        void *result;
        results &= pthread_join(threads[i], &result) == 0 && result == (void *)(intptr_t)(i + 100);
    }
    check(results, "pthread_join returns each thread's result");
    say("counter after %d threads x %d locked increments: %ld", THREADS, ROUNDS, counter);
    int distinct = 1;
    for (int i = 0; i < THREADS; i++) {
        distinct &= tids[i] > 0 && tids[i] != getpid();
        for (int j = 0; j < i; j++)
            distinct &= tids[i] != tids[j];
    }
    check(distinct, "every thread has its own id, none the process id");
    check(same_pid == THREADS, "every thread sees the same getpid");
}

/* --- futex ------------------------------------------------------------------------------- */

static void test_futex(void)
{
    volatile int word = 5;
    check_errno(futex(&word, FUTEX_WAIT, 4, NULL), EAGAIN, "FUTEX_WAIT with a stale value");
    struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
    check_errno(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &ten_ms), ETIMEDOUT,
                "FUTEX_WAIT with a timeout");
    check(futex(&word, FUTEX_WAKE, 1, NULL) == 0, "FUTEX_WAKE without waiters wakes 0");
    check_errno(futex((volatile int *)1, FUTEX_WAIT, 0, NULL), EINVAL, "FUTEX_WAIT on a misaligned address");
    check_errno(futex((volatile int *)8, FUTEX_WAIT, 0, NULL), EFAULT, "FUTEX_WAIT on an unmapped address");
    struct timespec bad = { 0, 1000 * 1000 * 1000 };
    check_errno(futex(&word, FUTEX_WAIT, 5, &bad), EINVAL, "FUTEX_WAIT with tv_nsec of 1e9");
    check_errno(futex(&word, 99, 0, NULL), ENOSYS, "an unknown futex operation");
    int tid = (int)syscall(SYS_set_tid_address, &word);
    check(tid == getpid(), "set_tid_address returns the caller's thread id");
}

/* --- a signal for one thread ----------------------------------------------------------- */

static atomic_int handled_by;
static volatile int target_tid;

static void on_usr1(int signal)
{
    (void)signal;
    handled_by = (int)syscall(SYS_gettid);
}

static void *wait_for_signal(void *arg)
{
    (void)arg;
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* blocked until sigsuspend: no lost wakeup */
    target_tid = (int)syscall(SYS_gettid);
    futex(&target_tid, FUTEX_WAKE, 1, NULL);
    sigsuspend(&none);
    return NULL;
}

static void test_tgkill(void)
{
    signal(SIGUSR1, on_usr1);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* only the target thread can take it */
    pthread_t thread;
    if (!check(pthread_create(&thread, NULL, wait_for_signal, NULL) == 0, "a thread waiting in sigsuspend"))
        return;
    while (target_tid == 0)
        futex(&target_tid, FUTEX_WAIT, 0, NULL);
    check(syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1) == 0, "tgkill(pid, tid, SIGUSR1)");
    pthread_join(thread, NULL);
    check(handled_by == target_tid, "the handler ran in the target thread");
    check_errno(syscall(SYS_tgkill, getpid(), INT_MAX, SIGUSR1), ESRCH, "tgkill of a missing thread");
    check_errno(syscall(SYS_tgkill, INT_MAX, target_tid, 0), ESRCH, "tgkill with the wrong thread group");
    check_errno(syscall(SYS_tgkill, getpid(), getpid(), 65), EINVAL, "tgkill with signal 65");
    pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
}

/* --- exit_group from a thread ---------------------------------------------------------- */

static void *exit_whole_process(void *arg)
{
    (void)arg;
    _exit(7); /* exit_group: every thread ends */
}

static void body_exit_group(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, exit_whole_process, NULL);
    for (;;)
        pause();
}

static void test_exit_group(void)
{
    int status = run_child(body_exit_group);
    say("process whose thread calls exit_group(7): %s", describe_status(status));
}

int main(void)
{
    test_raw_clone();
    test_pthreads();
    test_futex();
    test_tgkill();
    test_exit_group();
    return conformance_done();
}
