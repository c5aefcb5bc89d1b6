/* Job control and queued signals between processes (issue 8 items 3 and 4): SIGSTOP stops a
 * child that computes without system calls, one blocked in read() (which must not take data
 * written while it is stopped) and one with two threads; SIGCONT continues each; the parent sees
 * it all through waitpid (WUNTRACED, WCONTINUED), waitid (WSTOPPED, WCONTINUED, WNOWAIT) and
 * SIGCHLD (CLD_STOPPED, CLD_CONTINUED, none with SA_NOCLDSTOP); SIGTSTP stops a job of its own
 * process group and is discarded in an orphaned one; sigqueue() values reach another process in
 * order; rt_sigtimedwait times out; a stopped job whose group becomes orphaned gets SIGHUP and
 * SIGCONT.
 *
 * Every "it did not run" check is made after waitpid reported the stop, when Linux guarantees
 * the child is stopped; a child's own lines are printed while the parent waits for it. */
#include "conformance.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

static volatile uint64_t *counters; /* shared with the children */

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

static int wait_for(pid_t pid, int options)
{
    int status = 0;
    pid_t got = waitpid(pid, &status, options);
    if (got != pid) {
        check(0, "waitpid(%d): %s", options, got < 0 ? errno_name(errno) : "another child");
        return -1;
    }
    return status;
}

/* Whether counter i moves within about two seconds. */
static int counter_moves(int i)
{
    uint64_t before = counters[i];
    for (int tries = 0; tries < 200; tries++) {
        sleep_ms(10);
        if (counters[i] != before)
            return 1;
    }
    return 0;
}

static void spin(int i)
{
    for (;;)
        counters[i]++;
}

/* A child that computes without system calls: stopped, it does not run; continued, it does. */
static void test_busy_child(void)
{
    counters[0] = 0;
    pid_t pid = fork();
    if (pid == 0)
        spin(0);
    check(counter_moves(0), "the busy child runs");
    kill(pid, SIGSTOP);
    say("SIGSTOP to a busy child: %s", describe_status(wait_for(pid, WUNTRACED)));
    uint64_t frozen = counters[0];
    sleep_ms(100);
    check(counters[0] == frozen, "stopped, it does not run");
    int status;
    check(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0, "the stop is reported once");
    kill(pid, SIGCONT);
    say("SIGCONT: %s", describe_status(wait_for(pid, WCONTINUED)));
    check(waitpid(pid, &status, WCONTINUED | WNOHANG) == 0, "the continuation is reported once");
    check(counter_moves(0), "continued, it runs again");
    kill(pid, SIGSTOP);
    say("stopped again: %s", describe_status(wait_for(pid, WUNTRACED)));
    kill(pid, SIGKILL);
    say("SIGKILL to the stopped child: %s", describe_status(wait_for(pid, 0)));
}

/* A child blocked in read(): data written while it is stopped stays in the pipe until SIGCONT. */
static void test_blocked_reader(void)
{
    int fds[2];
    if (pipe(fds) != 0) {
        check(0, "pipe: %s", errno_name(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[1]);
        char buf[16] = { 0 };
        ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
        say("the child read %zd bytes: %s", n, n > 0 ? buf : errno_name(errno));
        _exit(0);
    }
    sleep_ms(50); /* let it block in read() (the test holds either way) */
    kill(pid, SIGSTOP);
    say("SIGSTOP to a reader: %s", describe_status(wait_for(pid, WUNTRACED)));
    check(write(fds[1], "hello", 5) == 5, "write to its pipe");
    sleep_ms(100);
    struct pollfd p = { .fd = fds[0], .events = POLLIN };
    check(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "the stopped reader did not take the data");
    kill(pid, SIGCONT);
    say("after SIGCONT: %s", describe_status(wait_for(pid, 0)));
    close(fds[0]);
    close(fds[1]);
}

static void *spinner(void *arg)
{
    (void)arg;
    spin(1);
    return NULL;
}

/* Two threads: one computes, the main one waits in pause(); the stop holds both. */
static void test_threads(void)
{
    counters[1] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, spinner, NULL) != 0)
            _exit(3);
        for (;;)
            pause();
    }
    check(counter_moves(1), "the child's second thread runs");
    kill(pid, SIGSTOP);
    say("SIGSTOP to two threads: %s", describe_status(wait_for(pid, WUNTRACED)));
    uint64_t frozen = counters[1];
    sleep_ms(100);
    check(counters[1] == frozen, "stopped, neither thread runs");
    kill(pid, SIGCONT);
    say("SIGCONT: %s", describe_status(wait_for(pid, WCONTINUED)));
    check(counter_moves(1), "continued, the second thread runs again");
    kill(pid, SIGTERM);
    say("SIGTERM: %s", describe_status(wait_for(pid, 0)));
}

static const char *cld_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "other";
    }
}

static void print_waitid(const char *what, pid_t pid, const siginfo_t *info)
{
    say("%s: %s, status %d, %s", what, cld_name(info->si_code), info->si_status,
        info->si_pid == pid ? "its pid"
        : info->si_pid == 0 ? "pid 0"
                            : "another pid");
}

/* waitid: WSTOPPED and WCONTINUED, WNOWAIT leaves a report, WEXITED alone skips a stop. */
static void test_waitid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        for (;;)
            pause();
    kill(pid, SIGSTOP);
    siginfo_t info;
    memset(&info, 0xa5, sizeof(info));
    check(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG) == 0 && info.si_pid == 0,
          "waitid(WEXITED | WNOHANG) does not report a stop");
    check_ok(waitid(P_PID, (id_t)pid, &info, WSTOPPED | WNOWAIT), "waitid(WSTOPPED | WNOWAIT)");
    print_waitid("waitid WSTOPPED | WNOWAIT", pid, &info);
    check_ok(waitid(P_PID, (id_t)pid, &info, WSTOPPED), "waitid(WSTOPPED)");
    print_waitid("waitid WSTOPPED", pid, &info);
    memset(&info, 0xa5, sizeof(info));
    check(waitid(P_PID, (id_t)pid, &info, WSTOPPED | WNOHANG) == 0 && info.si_pid == 0,
          "then nothing more to report");
    kill(pid, SIGCONT);
    check_ok(waitid(P_PID, (id_t)pid, &info, WCONTINUED), "waitid(WCONTINUED)");
    print_waitid("waitid WCONTINUED", pid, &info);
    kill(pid, SIGKILL);
    check_ok(waitid(P_PID, (id_t)pid, &info, WEXITED), "waitid(WEXITED)");
    print_waitid("waitid WEXITED", pid, &info);
    check_errno(waitid(P_PID, (id_t)pid, &info, 0), EINVAL, "waitid without WEXITED, WSTOPPED or WCONTINUED");
    check_errno(waitid(P_PID, 0, &info, WEXITED), EINVAL, "waitid(P_PID, 0)");
    check_errno(syscall(SYS_wait4, -1, NULL, 0x1000000 /* WNOWAIT */, NULL), EINVAL, "wait4 with WNOWAIT");
}

/* The SIGCHLD of a stop and a continuation, read with sigtimedwait; none with SA_NOCLDSTOP. */
static int take_sigchld(siginfo_t *info, long ms)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct timespec timeout = { ms / 1000, (ms % 1000) * 1000000 };
    return sigtimedwait(&chld, info, &timeout);
}

static void test_sigchld(void)
{
    struct sigaction action = { .sa_handler = SIG_DFL };
    sigemptyset(&action.sa_mask);
    sigaction(SIGCHLD, &action, NULL);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    for (int nocldstop = 0; nocldstop <= 1; nocldstop++) {
        action.sa_flags = nocldstop ? SA_NOCLDSTOP : 0;
        sigaction(SIGCHLD, &action, NULL);
        pid_t pid = fork();
        if (pid == 0)
            for (;;)
                pause();
        siginfo_t info;
        kill(pid, SIGSTOP);
        wait_for(pid, WUNTRACED);
        int sig = take_sigchld(&info, nocldstop ? 200 : 5000);
        if (sig == SIGCHLD)
            print_waitid(nocldstop ? "SA_NOCLDSTOP, SIGCHLD of a stop" : "SIGCHLD of a stop", pid, &info);
        else
            say("%s: no SIGCHLD (%s)", nocldstop ? "SA_NOCLDSTOP, a stop" : "a stop", errno_name(errno));
        kill(pid, SIGCONT);
        wait_for(pid, WCONTINUED);
        sig = take_sigchld(&info, nocldstop ? 200 : 5000);
        if (sig == SIGCHLD)
            print_waitid(nocldstop ? "SA_NOCLDSTOP, SIGCHLD of a continuation" : "SIGCHLD of a continuation",
                         pid, &info);
        else
            say("%s: no SIGCHLD (%s)", nocldstop ? "SA_NOCLDSTOP, a continuation" : "a continuation",
                errno_name(errno));
        kill(pid, SIGKILL);
        wait_for(pid, 0);
        sig = take_sigchld(&info, 5000);
        if (sig == SIGCHLD)
            print_waitid("SIGCHLD of the kill", pid, &info);
    }
    action.sa_flags = 0;
    sigaction(SIGCHLD, &action, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* SIGTSTP stops a job in a process group of its own (its parent, in another group of the
 * session, could continue it); in an orphaned group (a new session) it is discarded. */
static void test_tstp(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        raise(SIGTSTP);
        _exit(4);
    }
    setpgid(pid, pid); /* whichever of the two runs first */
    say("raise(SIGTSTP) in its own group: %s", describe_status(wait_for(pid, WUNTRACED)));
    kill(pid, SIGCONT);
    say("then: %s", describe_status(wait_for(pid, 0)));

    pid = fork();
    if (pid == 0) {
        setsid();
        raise(SIGTSTP);
        raise(SIGTTIN);
        raise(SIGTTOU);
        _exit(5);
    }
    say("SIGTSTP, SIGTTIN, SIGTTOU in an orphaned group: %s", describe_status(wait_for(pid, WUNTRACED)));
}

/* A stopped job's group becomes orphaned when the middle process that led its session ends: the
 * job gets SIGHUP then SIGCONT (POSIX), so it runs its handlers, which tell the test through a
 * pipe (it is not our child any more).  Without handlers, the SIGHUP would end it. */
static int hup_pipe = -1;

static void say_signal(int sig)
{
    const char *line = sig == SIGHUP ? "SIGHUP\n" : "SIGCONT\n";
    if (write(hup_pipe, line, strlen(line)) < 0)
        _exit(9);
}

static void test_orphaned_hangup(void)
{
    int fds[2];
    if (pipe(fds) != 0) {
        check(0, "pipe: %s", errno_name(errno));
        return;
    }
    pid_t middle = fork();
    if (middle == 0) {
        close(fds[0]);
        setsid(); /* a session of its own: the job's group is orphaned once it is gone */
        pid_t job = fork();
        if (job == 0) {
            hup_pipe = fds[1];
            struct sigaction sa = { .sa_handler = say_signal };
            sigaction(SIGHUP, &sa, NULL);
            sigaction(SIGCONT, &sa, NULL);
            setpgid(0, 0);
            raise(SIGSTOP);
            if (write(fds[1], "ran on\n", 7) < 0)
                _exit(9);
            _exit(0);
        }
        setpgid(job, job);
        int status = 0;
        if (waitpid(job, &status, WUNTRACED) != job || !WIFSTOPPED(status))
            _exit(3);
        _exit(0); /* the stopped job's group is orphaned now */
    }
    close(fds[1]);
    say("the middle process: %s", describe_status(wait_for(middle, 0)));
    char buf[64];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(buf) - 1 && (n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    close(fds[0]);
    say("the orphaned stopped job said: %s", got ? buf : "nothing\n");
}

/* sigqueue() values reach another process in order; a queued signal waits out a stop. */
static void test_sigqueue_child(void)
{
    int rt = SIGRTMIN + 3;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigprocmask(SIG_BLOCK, &set, NULL); /* the child inherits it: nothing is lost before it waits */
    int ready[2];
    if (pipe(ready) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        char c = 'r';
        if (write(ready[1], &c, 1) != 1)
            _exit(2);
        for (int i = 0; i < 4; i++) {
            siginfo_t info;
            int sig = sigwaitinfo(&set, &info);
            say("the child took %s, code %s, value %d", sig == rt ? "the real-time signal" : "another",
                info.si_code == SI_QUEUE ? "SI_QUEUE" : "other", info.si_value.sival_int);
        }
        _exit(0);
    }
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1)
        check(0, "the child is ready");
    close(ready[0]);
    kill(pid, SIGSTOP);
    wait_for(pid, WUNTRACED);
    for (int v = 1; v <= 4; v++)
        check(sigqueue(pid, rt, (union sigval){ .sival_int = v * 10 }) == 0, "sigqueue %d", v * 10);
    kill(pid, SIGCONT);
    say("the child: %s", describe_status(wait_for(pid, 0)));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_sigtimedwait(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct timespec timeout = { 0, 20 * 1000000 };
    siginfo_t info;
    check_errno(sigtimedwait(&set, &info, &timeout), EAGAIN, "sigtimedwait with nothing pending");
    struct timespec bad = { 0, 1000000000 };
    check_errno(sigtimedwait(&set, &info, &bad), EINVAL, "sigtimedwait with tv_nsec 1e9");
    raise(SIGUSR2);
    int sig = sigtimedwait(&set, &info, &timeout);
    check(sig == SIGUSR2 && info.si_code == SI_TKILL && info.si_pid == getpid(),
          "sigtimedwait takes a pending signal with its siginfo");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
    counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counters == MAP_FAILED) {
        check(0, "mmap: %s", errno_name(errno));
        return conformance_done();
    }
    test_busy_child();
    test_blocked_reader();
    test_threads();
    test_waitid();
    test_sigchld();
    test_tstp();
    test_orphaned_hangup();
    test_sigqueue_child();
    test_sigtimedwait();
    return conformance_done();
}
