/* The conformance programs' shared checks (personalities/linux/tests/conformance).
 *
 * Each program runs once on the host and once under Kumiki, and the two runs' stdout, stderr
 * and exit status must be equal byte for byte (compare.py).  So every line printed here is
 * deterministic: no pids, addresses, times or sizes that vary between machines, only
 * relations ("increasing: yes") and values Linux fixes (errno names, page size).  A program
 * also judges itself: "ok - ..." or "not ok - ...", and exits 1 if any check failed, so its
 * host run proves the check right before the Kumiki run is compared with it.
 *
 * Output is unbuffered: lines reach the pipe in program order, and a fork never duplicates
 * buffered text.  A forked child may print while its parent waits for it; the parent prints
 * again only after the child has ended, so the order of lines is fixed. */
#pragma once
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int conformance_failures;

__attribute__((constructor)) static void conformance_unbuffered(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

static inline const char *errno_name(int e)
{
    static const struct {
        int number;
        const char *name;
    } names[] = {
        { 0, "success" },
        { EPERM, "EPERM" },
        { ENOENT, "ENOENT" },
        { ESRCH, "ESRCH" },
        { EINTR, "EINTR" },
        { EIO, "EIO" },
        { ENXIO, "ENXIO" },
        { E2BIG, "E2BIG" },
        { ENOEXEC, "ENOEXEC" },
        { EBADF, "EBADF" },
        { ECHILD, "ECHILD" },
        { EAGAIN, "EAGAIN" },
        { ENOMEM, "ENOMEM" },
        { EACCES, "EACCES" },
        { EFAULT, "EFAULT" },
        { EBUSY, "EBUSY" },
        { EEXIST, "EEXIST" },
        { EXDEV, "EXDEV" },
        { ENODEV, "ENODEV" },
        { ENOTDIR, "ENOTDIR" },
        { EISDIR, "EISDIR" },
        { EINVAL, "EINVAL" },
        { ENFILE, "ENFILE" },
        { EMFILE, "EMFILE" },
        { ENOTTY, "ENOTTY" },
        { EFBIG, "EFBIG" },
        { ENOSPC, "ENOSPC" },
        { ESPIPE, "ESPIPE" },
        { EROFS, "EROFS" },
        { EPIPE, "EPIPE" },
        { ERANGE, "ERANGE" },
        { ENAMETOOLONG, "ENAMETOOLONG" },
        { ENOSYS, "ENOSYS" },
        { ENOTEMPTY, "ENOTEMPTY" },
        { ELOOP, "ELOOP" },
        { ETIMEDOUT, "ETIMEDOUT" },
        { EOPNOTSUPP, "EOPNOTSUPP" },
    };
    static char other[32];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].number == e)
            return names[i].name;
    snprintf(other, sizeof(other), "errno %d", e);
    return other;
}

static inline void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
}

/* Prints "ok - WHAT" or "not ok - WHAT", counting failures. */
static inline int check(int ok, const char *format, ...) __attribute__((format(printf, 2, 3)));
static inline int check(int ok, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs(ok ? "ok - " : "not ok - ", stdout);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    if (!ok)
        conformance_failures++;
    return ok;
}

/* A call that must fail with `expected` (ret -1, errno set: libc's convention, which the raw
 * syscall() wrapper follows too).  Prints "ok - WHAT: ENAME" or what happened instead. */
static inline int check_errno(long ret, int expected, const char *what)
{
    int e = errno;
    if (ret == -1 && e == expected)
        return check(1, "%s: %s", what, errno_name(expected));
    if (ret == -1)
        return check(0, "%s: %s, expected %s", what, errno_name(e), errno_name(expected));
    return check(0, "%s: returned %ld, expected %s", what, ret, errno_name(expected));
}

/* A call that must succeed (not -1); prints the errno name when it does not. */
static inline int check_ok(long ret, const char *what)
{
    if (ret == -1)
        return check(0, "%s: %s", what, errno_name(errno));
    return check(1, "%s", what);
}

static inline const char *yes(int b)
{
    return b ? "yes" : "no";
}

/* "exited N", "killed by signal N", "stopped by signal N", "continued": a wait status. */
static inline const char *describe_status(int status)
{
    static char text[48];
    if (WIFEXITED(status))
        snprintf(text, sizeof(text), "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof(text), "killed by signal %d", WTERMSIG(status));
    else if (WIFSTOPPED(status))
        snprintf(text, sizeof(text), "stopped by signal %d", WSTOPSIG(status));
    else if (WIFCONTINUED(status))
        snprintf(text, sizeof(text), "continued");
    else
        snprintf(text, sizeof(text), "status 0x%x", status);
    return text;
}

/* Runs `body` in a forked child, which exits 0 if its own checks passed (its lines are printed
 * while the parent waits).  Returns the child's wait status; -1 if fork or wait failed. */
static inline int run_child(void (*body)(void))
{
    pid_t pid = fork();
    if (pid < 0) {
        check(0, "fork: %s", errno_name(errno));
        return -1;
    }
    if (pid == 0) {
        conformance_failures = 0; /* the child's verdict is its own checks' */
        body();
        _exit(conformance_failures ? 1 : 0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        check(0, "waitpid: %s", errno_name(errno));
        return -1;
    }
    return status;
}

/* Runs `body` in a child and counts it as one check: "NAME: the child's checks passed". */
static inline void in_child(const char *name, void (*body)(void))
{
    int status = run_child(body);
    check(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child %s", name,
          status == -1 ? "not run" : describe_status(status));
}

/* The end of main: "N checks failed" (to stdout) and the exit status. */
static inline int conformance_done(void)
{
    say("# %d failed", conformance_failures);
    return conformance_failures ? 1 : 0;
}
