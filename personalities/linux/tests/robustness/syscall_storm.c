/* personalities/linux/tests/robustness/syscall_storm.c — issue 8 item 8:
 * nothing a Linux program does can crash the personality, and a crash of
 * one Linux process never affects another.
 *
 * Children make thousands of system calls with random numbers and random
 * arguments (bad pointers, huge sizes, negative descriptors, pointers into
 * their own code and stack); many of them crash or block.  The parent,
 * which makes no random calls, collects them (killing the ones still
 * running after a while), then checks that everything still works: files,
 * pipes, fork and exec.  Run only under Kumiki (random calls on the host
 * would be reckless); the test compares its output with fixed lines. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { CHILDREN = 8, CALLS = 3000, GRACE_MS = 4000 };

static uint64_t state;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* Calls that would reach outside the child (signals to others, new
 * processes that would keep storming) or that the harness needs. */
static int excluded(long nr)
{
    static const long no[] = { SYS_kill,  SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo,
                               SYS_clone, SYS_fork,  SYS_vfork,  435 /* clone3 */,    SYS_setpgid,
                               SYS_setsid };
    for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (nr == no[i])
            return 1;
    return 0;
}

static void storm(unsigned seed);
static char scratch[8192];

static long argument(void)
{
    switch (next() % 10) {
    case 0: return 0;
    case 1: return -1;
    case 2: return (long)(next() % 64);
    case 3: return (long)(scratch + next() % sizeof(scratch));
    case 4: return (long)&state;                           /* its own data */
    case 5: return (long)(uintptr_t)&storm;                /* its own code */
    case 6: return (long)(next() | 0xffff800000000000ull); /* kernel half */
    case 7: return (long)(next() % 0x100000000ull);
    case 8: return (long)(uint32_t)next();
    default: return (long)next();
    }
}

static void storm(unsigned seed)
{
    state = 0x9e3779b97f4a7c15ull * (seed + 1);
    for (int i = 0; i < CALLS; i++) {
        long nr = (long)(next() % 460);
        if (excluded(nr))
            continue;
        syscall(nr, argument(), argument(), argument(), argument(), argument(), argument());
    }
    _exit(0);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

static int check_world(void)
{
    int ok = 1;
    int fd = open("/tmp/after-storm", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ok &= fd >= 0 && write(fd, "still here\n", 11) == 11 && lseek(fd, 0, SEEK_SET) == 0;
    char buf[16] = { 0 };
    ok &= fd >= 0 && read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "still here\n", 11) == 0;
    close(fd);
    printf("files: %s\n", ok ? "ok" : "BROKEN");
    int p[2];
    int pipe_ok = pipe(p) == 0 && write(p[1], "x", 1) == 1 && read(p[0], buf, 1) == 1 && buf[0] == 'x';
    printf("pipes: %s\n", pipe_ok ? "ok" : "BROKEN");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/busybox", "echo", "exec: ok", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return ok && pipe_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
    unsigned base = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 0; /* different storms, same checks */
    pid_t pids[CHILDREN];
    for (unsigned i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            storm(base * CHILDREN + i);
    }
    unsigned ended = 0;
    for (long waited = 0; ended < CHILDREN && waited < GRACE_MS; waited += 50) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ended++;
        if (ended < CHILDREN)
            sleep_ms(50);
    }
    for (unsigned i = 0; i < CHILDREN; i++)
        kill(pids[i], SIGKILL); /* the ones blocked for good */
    while (ended < CHILDREN && waitpid(-1, NULL, 0) > 0)
        ended++;
    printf("children: %u of %u ended\n", ended, CHILDREN);
    fflush(stdout);
    int ok = check_world();
    printf("personality: %s\n", ok ? "alive" : "BROKEN");
    return ok ? 0 : 1;
}
