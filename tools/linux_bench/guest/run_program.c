/* tools/linux_bench/guest/run_program.c — /init for a benchmark program
 * that knows nothing of linux_bench (linux_bench.py --program): the same
 * static binary can then run under Kumiki's Linux personality and under
 * Linux.  Sets the guest up, runs /program with the words after "--" on
 * the kernel command line (linux_bench.py --arg), and powers off; the
 * program's exit status other than 0 is a failure.
 *
 * The words are read from /proc/cmdline, not from this init's argv: the
 * kernel also hands init every boot option it does not know that has no
 * '=' (6.1 passes on "nokaslr", which only the decompressor reads), in
 * front of the words after "--". */
#include "linux_bench_guest.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM "/program"

enum { CMDLINE_MAX = 4096, ARGS_MAX = 64 };

static char cmdline[CMDLINE_MAX];
static char *program_argv[ARGS_MAX + 2];

/* program_argv = PROGRAM, then the blank-separated words after the first
 * "--" word of /proc/cmdline (linux_bench.py allows no quotes or blanks in
 * them, so splitting at blanks gives them back as they were given). */
static void read_program_arguments(void)
{
    FILE *f = fopen("/proc/cmdline", "r");
    if (!f)
        linux_bench_fail("open /proc/cmdline");
    size_t got = fread(cmdline, 1, sizeof(cmdline) - 1, f);
    if (ferror(f))
        linux_bench_fail("read /proc/cmdline");
    if (!feof(f) && fgetc(f) != EOF) {
        printf("linux_bench: /proc/cmdline is longer than %d bytes\n", CMDLINE_MAX - 1);
        linux_bench_finish(1);
    }
    fclose(f);
    cmdline[got] = '\0';
    int argc = 0;
    program_argv[argc++] = PROGRAM;
    int after_dashes = 0;
    for (char *save = NULL, *word = strtok_r(cmdline, " \t\n", &save); word;
         word = strtok_r(NULL, " \t\n", &save)) {
        if (!after_dashes) {
            after_dashes = strcmp(word, "--") == 0;
            continue;
        }
        if (argc > ARGS_MAX) {
            printf("linux_bench: more than %d arguments for " PROGRAM "\n", ARGS_MAX);
            linux_bench_finish(1);
        }
        program_argv[argc++] = word;
    }
    program_argv[argc] = NULL;
}

int main(void)
{
    linux_bench_setup();
    read_program_arguments();
    pid_t child = fork();
    if (child < 0)
        linux_bench_fail("fork");
    if (child == 0) {
        execv(PROGRAM, program_argv);
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
