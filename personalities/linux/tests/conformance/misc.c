/* System-call odds and ends (issue 8 items 3 and 8): unknown system calls give ENOSYS,
 * uname, getrandom, prlimit64 (and the descriptor limit it sets taking effect),
 * set_robust_list, arch_prctl, sched_yield, and their error cases; reboot's refusals (never with
 * a magic and a caller that could act: the host runs this too, as root in CI). */
#include "conformance.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#define BAD_POINTER ((void *)1)
/* From the kernel's asm/prctl.h and linux/random.h (not on musl-gcc's include path). */
#define ARCH_SET_GS   0x1001
#define ARCH_GET_GS   0x1004
#define ARCH_GET_FS   0x1003
#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2

static void test_unknown(void)
{
    check_errno(syscall(1000), ENOSYS, "system call 1000");
    check_errno(syscall(400), ENOSYS, "system call 400 (unassigned)");
    check_errno(syscall(-1L), ENOSYS, "system call -1");
    check(getpid() > 0, "the process carries on after unknown system calls");
}

static void test_uname(void)
{
    struct utsname u;
    check(uname(&u) == 0, "uname");
    say("uname: sysname '%s', machine '%s'", u.sysname, u.machine);
    check(u.release[0] != 0 && u.nodename[0] != 0 && u.version[0] != 0,
          "release, nodename and version are set");
    check_errno(syscall(SYS_uname, BAD_POINTER), EFAULT, "uname into a bad pointer");
}

static void test_getrandom(void)
{
    unsigned char a[32], b[32];
    check(syscall(SYS_getrandom, a, sizeof(a), 0) == 32, "getrandom 32 bytes");
    check(syscall(SYS_getrandom, b, sizeof(b), GRND_NONBLOCK) == 32, "getrandom GRND_NONBLOCK");
    check(memcmp(a, b, sizeof(a)) != 0, "two draws differ");
    check(syscall(SYS_getrandom, b, 0, 0) == 0, "getrandom of 0 bytes");
    check_errno(syscall(SYS_getrandom, a, sizeof(a), 0x100), EINVAL, "getrandom with an unknown flag");
    check_errno(syscall(SYS_getrandom, BAD_POINTER, 16, 0), EFAULT, "getrandom into a bad pointer");
}

/* In a child: a lowered hard limit cannot be raised again without privilege, and the
 * hosts' hard limits differ (some are infinite), so the test sets its own first. */
static void body_hard_limit(void)
{
    struct rlimit limit = { 32, 64 }, too_high = { 65, 64 };
    check(setrlimit(RLIMIT_NOFILE, &limit) == 0, "set RLIMIT_NOFILE to 32, hard 64");
    check_errno(setrlimit(RLIMIT_NOFILE, &too_high), EINVAL, "a soft limit above the hard limit");
    struct rlimit now;
    check(getrlimit(RLIMIT_NOFILE, &now) == 0 && now.rlim_cur == 32 && now.rlim_max == 64,
          "the limits read back");
}

static void test_limits(void)
{
    struct rlimit files, stack;
    check(getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur > 0 && files.rlim_cur <= files.rlim_max,
          "RLIMIT_NOFILE: 0 < soft <= hard");
    check(getrlimit(RLIMIT_STACK, &stack) == 0 && stack.rlim_cur > 0, "RLIMIT_STACK: soft > 0");
    struct rlimit both;
    check(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &both) == 0 && both.rlim_cur == files.rlim_cur,
          "prlimit64(0, RLIMIT_NOFILE) reads it");
    check(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &both) == 0, "prlimit64 of our own pid");
    struct rlimit low = { 16, files.rlim_max };
    check(setrlimit(RLIMIT_NOFILE, &low) == 0, "lower RLIMIT_NOFILE to 16");
    check_errno(dup2(0, 20), EBADF, "dup2 to 20 is beyond the limit");
    check_errno(fcntl(0, F_DUPFD, 16), EINVAL, "F_DUPFD from 16 is beyond the limit");
    int opened = 0, fd;
    while ((fd = open("/proc/self/exe", O_RDONLY)) >= 0)
        opened++;
    check(errno == EMFILE, "open beyond the limit: %s", errno_name(errno));
    say("opened %d descriptors under a limit of 16 (0, 1, 2 already open)", opened);
    for (int i = 3; i < 16; i++)
        close(i);
    check(setrlimit(RLIMIT_NOFILE, &files) == 0, "restore RLIMIT_NOFILE");
    in_child("hard limit", body_hard_limit);
    check_errno(syscall(SYS_prlimit64, 0, 99, NULL, &both), EINVAL, "prlimit64 of resource 99");
    check_errno(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, BAD_POINTER), EFAULT,
                "prlimit64 into a bad pointer");
}

static void test_thread_calls(void)
{
    uint64_t head[3] = { 0, 0, 0 };
    head[0] = (uint64_t)(uintptr_t)head; /* an empty robust list points at itself */
    check(syscall(SYS_set_robust_list, head, sizeof(head)) == 0, "set_robust_list");
    check_errno(syscall(SYS_set_robust_list, head, sizeof(head) + 1), EINVAL,
                "set_robust_list with a wrong size");
    unsigned long fs = 0, gs = 0;
    check(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0 && fs != 0, "arch_prctl(ARCH_GET_FS)");
    check(syscall(SYS_arch_prctl, ARCH_SET_GS, 0x12345000ul) == 0 &&
              syscall(SYS_arch_prctl, ARCH_GET_GS, &gs) == 0 && gs == 0x12345000ul,
          "arch_prctl ARCH_SET_GS then ARCH_GET_GS");
    check_errno(syscall(SYS_arch_prctl, 0x9999, 0), EINVAL, "arch_prctl with an unknown code");
    check_errno(syscall(SYS_arch_prctl, ARCH_GET_FS, BAD_POINTER), EFAULT,
                "arch_prctl(ARCH_GET_FS) into a bad pointer");
    check(syscall(SYS_sched_yield) == 0, "sched_yield");
}

/* Whether this process may reboot: root, unless /proc/self/status says CAP_SYS_BOOT (bit 22) is
 * not effective (a container may drop it; the Linux personality has no capability sets). */
static int may_reboot(void)
{
    if (geteuid() != 0)
        return 0;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long caps = ~0ull;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "CapEff: %llx", &caps) == 1)
            break;
    if (f)
        fclose(f);
    return (caps >> 22) & 1;
}

/* reboot(2): wrong magic numbers are EINVAL for a caller that may reboot; one that may not gets
 * EPERM before the magic is looked at.  Never with both magics right: the host runs this too. */
static void test_reboot_refusals(void)
{
    const long power_off = 0x4321fedc, magic1 = 0xfee1dead, magic2 = 672274793;
    if (may_reboot()) {
        check_errno(syscall(SYS_reboot, 0x12345678L, magic2, power_off, 0L), EINVAL,
                    "reboot with a wrong magic1");
        check_errno(syscall(SYS_reboot, magic1, 1L, power_off, 0L), EINVAL, "reboot with a wrong magic2");
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0)
            _exit(2);
        if (geteuid() == 0)
            _exit(3); /* still root: never call it */
        /* Only wrong magics, even here (a non-root process may still hold CAP_SYS_BOOT): EPERM
         * instead of EINVAL shows the capability is checked first. */
        errno = 0;
        long r = syscall(SYS_reboot, 0x12345678L, magic2, power_off, 0L);
        if (r != -1 || errno != EPERM)
            _exit(1);
        r = syscall(SYS_reboot, magic1, 1L, power_off, 0L);
        _exit(r == -1 && errno == EPERM ? 0 : 4);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reboot without root: EPERM (child status %d)",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
    test_unknown();
    test_uname();
    test_getrandom();
    test_limits();
    test_thread_calls();
    test_reboot_refusals();
    return conformance_done();
}
