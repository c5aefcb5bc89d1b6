/* A program that ends badly, for the tests of how a crash is reported (issue 8: "a program
 * that segfaults gets SIGSEGV, its parent's wait4 reports it, and the shell keeps going").
 *
 *   crash           prints a line, then writes to address 0: killed by SIGSEGV
 *   crash abort     prints a line, then abort(): killed by SIGABRT
 *   crash exit N    prints a line, then exits with status N */
#include "conformance.h"
#include <signal.h>

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "exit") == 0) {
        say("crash: exiting with %s", argv[2]);
        return atoi(argv[2]);
    }
    if (argc > 1 && strcmp(argv[1], "abort") == 0) {
        say("crash: aborting");
        abort();
    }
    say("crash: writing to address 0");
    *(volatile int *)0 = 1;
    say("crash: still running (wrong)");
    return 0;
}
