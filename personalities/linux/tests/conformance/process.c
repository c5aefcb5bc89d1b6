/* Processes (issue 8 item 3): fork, wait4 and exit statuses, execve (of /proc/self/exe as
 * busybox does, with what survives an exec), process ids, process groups and sessions as a
 * shell's job control uses them, nice values (getpriority, setpriority), and the error cases.
 *
 * `process exec-child ...` is the re-executed image (see test_execve). */
#include "conformance.h"
#include <fcntl.h>
#include <fenv.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static pid_t fork_or_fail(void)
{
    pid_t pid = fork();
    if (pid < 0)
        check(0, "fork: %s", errno_name(errno));
    return pid;
}

static int wait_for(pid_t pid)
{
    int status = 0;
    if (wait4(pid, &status, 0, NULL) != pid)
        check(0, "wait4: %s", errno_name(errno));
    return status;
}

static void test_ids(void)
{
    pid_t self = getpid();
    check(syscall(SYS_gettid) == self, "gettid is getpid in the main thread");
    check(getpid() == self, "getpid is stable");
    /* No check of getppid itself: under kumiki-run the program is the first process (its
     * parent is 0), on the host a child of compare.py; the children below check theirs. */
    check(getuid() == geteuid() && getgid() == getegid(), "real and effective ids agree");
    uid_t r, e, s;
    check(getresuid(&r, &e, &s) == 0 && r == getuid() && e == geteuid() && s == geteuid(),
          "getresuid agrees");
    gid_t gr, ge, gs;
    check(getresgid(&gr, &ge, &gs) == 0 && gr == getgid() && ge == getegid() && gs == getegid(),
          "getresgid agrees");
}

static void test_exit_statuses(void)
{
    pid_t parent = getpid();
    pid_t pid = fork_or_fail();
    if (pid == 0)
        _exit(getppid() == parent && getpid() != parent ? 42 : 1);
    int status = wait_for(pid);
    say("child exiting with 42: %s", describe_status(status));
    check(WIFEXITED(status) && WEXITSTATUS(status) == 42,
          "the child's getppid is its parent and wait4 reports exit 42");

    pid = fork_or_fail();
    if (pid == 0)
        exit(300); /* only the low 8 bits reach the parent */
    say("child exiting with 300: %s", describe_status(wait_for(pid)));

    pid = fork_or_fail();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    say("child raising SIGTERM: %s", describe_status(wait_for(pid)));

    pid = fork_or_fail();
    if (pid == 0) {
        *(volatile int *)0 = 1;
        _exit(1);
    }
    say("child writing to address 0: %s", describe_status(wait_for(pid)));

    pid = fork_or_fail();
    if (pid == 0) {
        syscall(SYS_exit_group, 9);
        _exit(1);
    }
    say("child calling exit_group(9): %s", describe_status(wait_for(pid)));
}

static void test_waiting(void)
{
    int hold[2];
    if (!check(pipe(hold) == 0, "pipe"))
        return;
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        char c;
        close(hold[1]);
        _exit(read(hold[0], &c, 1) == 0 ? 0 : 1); /* until the parent closes its end */
    }
    close(hold[0]);
    int status = -1;
    check(wait4(pid, &status, WNOHANG, NULL) == 0, "wait4 WNOHANG on a running child returns 0");
    close(hold[1]);
    struct rusage usage;
    check(wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "wait4 with rusage reaps it");
    check_errno(wait4(pid, &status, 0, NULL), ECHILD, "wait4 of a reaped child");
    check_errno(wait4(-1, &status, 0, NULL), ECHILD, "wait4(-1) without children");
    check_errno(wait4(-1, &status, WNOHANG, NULL), ECHILD, "wait4(-1, WNOHANG) without children");
    check_errno(wait4(INT_MAX, &status, 0, NULL), ECHILD, "wait4 of a pid that is no child");
    check_errno(wait4(-1, &status, 0x100, NULL), EINVAL, "wait4 with an unknown option bit");

    pid_t a = fork_or_fail();
    if (a == 0)
        _exit(3);
    pid_t b = fork_or_fail();
    if (b == 0)
        _exit(4);
    int s1 = 0, s2 = 0;
    pid_t w1 = wait4(-1, &s1, 0, NULL), w2 = wait4(-1, &s2, 0, NULL);
    check((w1 == a && w2 == b && WEXITSTATUS(s1) == 3 && WEXITSTATUS(s2) == 4) ||
              (w1 == b && w2 == a && WEXITSTATUS(s1) == 4 && WEXITSTATUS(s2) == 3),
          "wait4(-1) reaps both children with their own statuses");
}

/* What the parent set up before the exec, checked in the new image. */
static int exec_child(int argc, char **argv)
{
    say("exec child: argc %d, argv[0] '%s', argv[2] '%s'", argc, argv[0], argc > 2 ? argv[2] : "");
    say("exec child: environment '%s'%s", getenv("ONLY") ? getenv("ONLY") : "(none)",
        getenv("PATH") ? " and PATH" : "");
    check(argc == 6 && getpid() == atoi(argv[3]), "exec child: the pid survives execve");
    int kept = atoi(argv[4]), closed = atoi(argv[5]);
    check(fcntl(kept, F_GETFD) == 0, "exec child: a descriptor without FD_CLOEXEC stays open");
    check_errno(fcntl(closed, F_GETFD), EBADF, "exec child: an FD_CLOEXEC descriptor is closed");
    struct sigaction usr1, usr2;
    sigaction(SIGUSR1, NULL, &usr1);
    sigaction(SIGUSR2, NULL, &usr2);
    check(usr1.sa_handler == SIG_DFL, "exec child: a caught signal is reset to SIG_DFL");
    check(usr2.sa_handler == SIG_IGN, "exec child: an ignored signal stays ignored");
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    check(sigismember(&mask, SIGHUP), "exec child: the blocked signal mask survives");
    return conformance_failures ? 1 : 33;
}

static void on_usr1(int signal)
{
    (void)signal;
}

static void test_execve(void)
{
    int kept = open("/proc/self/exe", O_RDONLY);
    int closed = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    check(kept >= 0 && closed >= 0, "open /proc/self/exe twice, once O_CLOEXEC");
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        signal(SIGUSR1, on_usr1);
        signal(SIGUSR2, SIG_IGN);
        sigset_t hup;
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        sigprocmask(SIG_BLOCK, &hup, NULL);
        char pid_text[16], kept_text[16], closed_text[16];
        snprintf(pid_text, sizeof(pid_text), "%d", getpid());
        snprintf(kept_text, sizeof(kept_text), "%d", kept);
        snprintf(closed_text, sizeof(closed_text), "%d", closed);
        char *argv[] = { "renamed", "exec-child", "hello", pid_text, kept_text, closed_text, NULL };
        char *envp[] = { "ONLY=this", NULL };
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    int status = wait_for(pid);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 33, "execve of /proc/self/exe ran the new image (%s)",
          describe_status(status));
    close(kept);
    close(closed);
}

static void test_execve_errors(void)
{
    char *argv[] = { "x", NULL }, *envp[] = { NULL };
    check_errno(execve("no_such_program", argv, envp), ENOENT, "execve of a missing file");
    check_errno(execve(".", argv, envp), EACCES, "execve of a directory");
    unlink("process_plain.txt"); /* left by an earlier run: O_CREAT would keep its mode */
    int fd = open("process_plain.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0 && write(fd, "just text\n", 10) == 10 && close(fd) == 0, "a plain text file");
    check_errno(execve("process_plain.txt", argv, envp), EACCES,
                "execve of a file without execute permission");
    check(chmod("process_plain.txt", 0755) == 0, "chmod 0755");
    check_errno(execve("process_plain.txt", argv, envp), ENOEXEC,
                "execve of an executable that is no ELF or script");
    check_errno(execve("process_plain.txt/x", argv, envp), ENOTDIR, "execve through a file as a directory");
    check_errno(syscall(SYS_execve, (char *)1, argv, envp), EFAULT, "execve of a bad path pointer");
    check_errno(syscall(SYS_execve, "/proc/self/exe", (char **)1, envp), EFAULT,
                "execve with a bad argv pointer");
}

static void body_session(void)
{
    pid_t self = getpid();
    check(setsid() == self, "setsid in a child (not a group leader) gives its pid");
    check(getsid(0) == self && getpgrp() == self, "it leads its new session and process group");
    check_errno(setsid(), EPERM, "setsid again, as a group leader");
    check_errno(setpgid(0, getppid()), EPERM, "joining a group of another session");
}

static void test_groups(void)
{
    in_child("session", body_session);
    int hold[2];
    if (!check(pipe(hold) == 0, "pipe"))
        return;
    pid_t leader = fork_or_fail();
    if (leader == 0) {
        char c;
        close(hold[1]);
        _exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
    }
    pid_t member = fork_or_fail();
    if (member == 0) {
        char c;
        close(hold[1]);
        _exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
    }
    close(hold[0]);
    /* As a shell does: the parent puts both children into the group itself (no race). */
    check(setpgid(leader, leader) == 0, "setpgid(leader, leader)");
    check(setpgid(member, leader) == 0, "setpgid(member, leader)");
    check(getpgid(leader) == leader && getpgid(member) == leader, "both are in the leader's group");
    check(getpgid(0) == getpgrp() && getpgrp() != leader, "the parent is not");
    check(kill(-leader, SIGTERM) == 0, "kill(-group, SIGTERM)");
    int s1 = wait_for(leader), s2 = wait_for(member);
    say("group leader: %s", describe_status(s1));
    say("group member: %s", describe_status(s2));
    close(hold[1]);
    check_errno(setpgid(-1, 0), EINVAL, "setpgid of a negative pid");
    check_errno(setpgid(INT_MAX, 0), ESRCH, "setpgid of a pid that is no child");
    check_errno(getpgid(INT_MAX), ESRCH, "getpgid of a missing process");
    check_errno(kill(-INT_MAX, 0), ESRCH, "kill of a missing process group");
    check_errno(kill(INT_MAX, 0), ESRCH, "kill of a missing process");
    check(kill(getpid(), 0) == 0, "kill(self, 0) checks existence");
}

/* A child of fork starts with its parent's x87/SSE control state (here the rounding mode, in FCW
 * and MXCSR), as Linux copies the FPU registers. */
static void test_fork_fpu(void)
{
    check(fesetround(FE_DOWNWARD) == 0, "fesetround(FE_DOWNWARD)");
    pid_t pid = fork();
    if (pid == 0)
        _exit(fegetround() == FE_DOWNWARD ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child of fork rounds down too");
    fesetround(FE_TONEAREST);
}

/* Nice values, in a child (relative to the nice it starts with, which the host may have raised):
 * set and read back through the raw calls (20 - nice), inherited by fork; without root, raising
 * the nice value is allowed, lowering it is EACCES (RLIMIT_NICE 0), another user's process EPERM. */
static void test_nice(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        long start = 20 - syscall(SYS_getpriority, PRIO_PROCESS, 0);
        if (start > 15)
            _exit(0); /* too nice already to move up and down; nothing to compare */
        check(syscall(SYS_setpriority, PRIO_PROCESS, 0, start + 2) == 0, "setpriority +2");
        check(20 - syscall(SYS_getpriority, PRIO_PROCESS, getpid()) == start + 2,
              "getpriority reads it back");
        check(20 - syscall(SYS_getpriority, PRIO_PGRP, 0) >= start, "getpriority of the group");
        pid_t child = fork();
        if (child == 0)
            _exit(20 - syscall(SYS_getpriority, PRIO_PROCESS, 0) == start + 2 ? 0 : 1);
        int status = 0;
        waitpid(child, &status, 0);
        check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork inherits the nice value");
        check(syscall(SYS_setpriority, PRIO_PROCESS, 0, 100L) == 0 &&
                  20 - syscall(SYS_getpriority, PRIO_PROCESS, 0) == 19,
              "a nice value past 19 is taken as 19");
        check_errno(syscall(SYS_getpriority, 7, 0), EINVAL, "getpriority of an unknown kind");
        check_errno(syscall(SYS_getpriority, PRIO_PROCESS, INT_MAX), ESRCH,
                    "getpriority of a missing process");
        check_errno(syscall(SYS_getpriority, PRIO_PROCESS, -5), ESRCH, "getpriority of a negative pid");
        check_errno(syscall(SYS_setpriority, PRIO_PROCESS, INT_MAX, 0), ESRCH,
                    "setpriority of a missing process");
        struct rlimit none = { 0, 0 };
        if (geteuid() == 0) {
            check(setpriority(PRIO_PROCESS, 0, start) == 0, "root lowers it again");
            check(setrlimit(RLIMIT_NICE, &none) == 0 && setuid(65534) == 0, "give up root");
        } else {
            check(setpriority(PRIO_PROCESS, 0, start) == -1, "not root: no lowering");
            check(setrlimit(RLIMIT_NICE, &none) == 0, "RLIMIT_NICE 0");
        }
        check_errno(setpriority(PRIO_PROCESS, 0, 0 - 5), EACCES, "without root, lowering it is EACCES");
        check_errno(setpriority(PRIO_PROCESS, 1, 19), EPERM, "without root, another user's process is EPERM");
        _exit(conformance_failures ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the nice child passed its checks");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argc, argv);
    test_ids();
    test_exit_statuses();
    test_waiting();
    test_execve();
    test_execve_errors();
    test_groups();
    test_nice();
    test_fork_fpu();
    return conformance_done();
}
