/* personalities/linux/bench/linux_syscall_bench.c — one static Linux
 * program that measures the issue-8 figures, run unchanged under the Linux
 * personality and under Linux itself in the same QEMU setup
 * (-icount shift=0,sleep=off: rdtsc counts guest instructions).
 *
 * Each figure is the median of ROUNDS rounds of REPEAT operations, in
 * instructions per operation, printed as
 *   BENCH <name> <value> instructions
 * The caller appends "_linux" or compares (tools/linux_bench). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ROUNDS = 5 };

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef void (*op_fn)(int n);

static void report(const char *name, op_fn op, int repeat)
{
    uint64_t rounds[ROUNDS];
    op(1); /* warm: first-touch page faults are not part of the figure */
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t start = rdtsc();
        op(repeat);
        rounds[r] = (rdtsc() - start) / (uint64_t)repeat;
    }
    qsort(rounds, ROUNDS, sizeof(rounds[0]), cmp);
    printf("BENCH %s %llu instructions\n", name, (unsigned long long)rounds[ROUNDS / 2]);
    fflush(stdout);
}

static void op_getpid(int n)
{
    for (int i = 0; i < n; i++)
        syscall(SYS_getpid);
}

static void op_enosys(int n)
{
    for (int i = 0; i < n; i++)
        syscall(1000);
}

static int ping[2], pong[2];

static void op_pipe(int n)
{
    char c = 'x';
    for (int i = 0; i < n; i++) {
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
            exit(2);
    }
}

static void op_fork_exit_wait(int n)
{
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        int status;
        waitpid(pid, &status, 0);
    }
}

static const char *self;

static void op_fork_exec_wait(int n)
{
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = { (char *)self, "--exit", NULL };
            execv(self, argv);
            _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
    }
}

static void op_mmap_touch(int n)
{
    for (int i = 0; i < n; i++) {
        volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            exit(3);
        p[0] = 1;
        munmap((void *)p, 4096);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    self = argv[0];
    report("linux_getpid", op_getpid, 1000);
    report("linux_enosys", op_enosys, 1000);
    if (pipe(ping) || pipe(pong))
        return 1;
    pid_t echo = fork();
    if (echo == 0) {
        char c;
        close(ping[1]); /* so that the parent's close is the end of input */
        close(pong[0]);
        while (read(ping[0], &c, 1) == 1)
            if (write(pong[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    report("linux_pipe_roundtrip", op_pipe, 200);
    close(ping[1]);
    waitpid(echo, NULL, 0);
    report("linux_fork_exit_wait", op_fork_exit_wait, 20);
    report("linux_fork_exec_wait", op_fork_exec_wait, 10);
    report("linux_mmap_touch", op_mmap_touch, 200);
    return 0;
}
