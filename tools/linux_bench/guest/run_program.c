/* tools/linux_bench/guest/run_program.c — /init for a benchmark program
 * that knows nothing of linux_bench (linux_bench.py --program): the same
 * static binary can then run under Kumiki's Linux personality and under
 * Linux.  Sets the guest up, runs /program with this init's arguments (the
 * kernel passes the words after "--" on its command line), and powers off;
 * the program's exit status other than 0 is a failure. */
#include "linux_bench_guest.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM "/program"

int main(int argc, char **argv)
{
    (void)argc;
    linux_bench_setup();
    pid_t child = fork();
    if (child < 0)
        linux_bench_fail("fork");
    if (child == 0) {
        argv[0] = PROGRAM;
        execv(PROGRAM, argv);
        perror("linux_bench: execv " PROGRAM);
        _exit(127);
    }
    int status;
    if (waitpid(child, &status, 0) != child)
        linux_bench_fail("waitpid");
    if (WIFSIGNALED(status)) {
        printf("linux_bench: " PROGRAM " killed by signal %d\n", WTERMSIG(status));
        linux_bench_finish(1);
    }
    if (WEXITSTATUS(status) != 0) {
        printf("linux_bench: " PROGRAM " exited with status %d\n", WEXITSTATUS(status));
        linux_bench_finish(1);
    }
    linux_bench_finish(0);
}
