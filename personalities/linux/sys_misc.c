/* personalities/linux/sys_misc.c — system calls about the system rather
 * than a process or a file: uname, sethostname, getrandom, sysinfo, prctl, affinity,
 * resource usage. */
#include "frames.h"
#include "syscall.h"
#include <kumiki/user.h>

/* The host and domain names sethostname/setdomainname set (the UTS
 * namespace: one for the whole personality). */
enum { UTS_NAME_MAX = 64 };
static char nodename[UTS_NAME_MAX + 1] = "kumiki", domainname[UTS_NAME_MAX + 1] = "(none)";

static int64_t sys_uname(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_utsname u;
    memset(&u, 0, sizeof(u));
    /* A Linux release number, because libcs compare it: glibc refuses to
     * run on kernels older than the one it was built for. */
    const char *const fields[] = { "Linux",  nodename,  "6.1.0-kumiki", "#1 Kumiki Linux personality",
                                   "x86_64", domainname };
    char *dst[] = { u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname };
    for (unsigned i = 0; i < 6; i++)
        memcpy(dst[i], fields[i], strlen(fields[i]) + 1);
    return mm_copy_out(t->proc->mm, r->rdi, &u, sizeof(u));
}

/* sethostname(name, len) and setdomainname(name, len): root only, at most
 * 64 bytes, not NUL-terminated (Linux's rules). */
static int64_t set_uts_name(struct lx_thread *t, const struct lx_syscall_regs *r, char *name)
{
    if (t->proc->euid != 0)
        return -LX_EPERM;
    int len = arg_int(r->rsi);
    if (len < 0 || len > UTS_NAME_MAX)
        return -LX_EINVAL;
    char copy[UTS_NAME_MAX + 1];
    if (mm_copy_in(t->proc->mm, copy, r->rdi, (size_t)len))
        return -LX_EFAULT;
    copy[len] = 0;
    memcpy(name, copy, (size_t)len + 1);
    return 0;
}

static int64_t sys_sethostname(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return set_uts_name(t, r, nodename);
}

static int64_t sys_setdomainname(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return set_uts_name(t, r, domainname);
}

/* splitmix64 over the TSC: not cryptographic (documented in
 * docs/linux-personality.md), but never the same sequence twice. */
static uint64_t random_state;

static uint64_t next_random(void)
{
    random_state += 0x9e3779b97f4a7c15ull ^ kumiki_read_tsc();
    uint64_t z = random_state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int64_t sys_getrandom(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t len = r->rsi;
    unsigned flags = arg_uint(r->rdx);
    if (flags & ~7u) /* GRND_NONBLOCK 1, GRND_RANDOM 2, GRND_INSECURE 4 */
        return -LX_EINVAL;
    if (len > 33554431)
        len = 33554431; /* Linux caps one call at INT_MAX >> 6 */
    uint8_t buf[256];
    uint64_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = next_random();
            memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
        }
        if (mm_copy_out(t->proc->mm, r->rdi + done, buf, n))
            return done ? (int64_t)done : -LX_EFAULT;
        done += n;
    }
    return (int64_t)done;
}

struct lx_sysinfo {
    int64_t uptime;
    uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};
_Static_assert(sizeof(struct lx_sysinfo) == 112, "struct sysinfo is 112 bytes on x86_64");

static int64_t sys_sysinfo(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_sysinfo s;
    memset(&s, 0, sizeof(s));
    s.uptime = (int64_t)(lx_now_ns() / 1000000000ull);
    s.totalram = (uint64_t)frames_total() * 4096;
    s.freeram = (uint64_t)(frames_total() - frames_in_use()) * 4096;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p))
        s.procs++;
    s.mem_unit = 1;
    return mm_copy_out(t->proc->mm, r->rdi, &s, sizeof(s));
}

enum {
    PR_SET_PDEATHSIG = 1,
    PR_GET_PDEATHSIG = 2,
    PR_GET_DUMPABLE = 3,
    PR_SET_DUMPABLE = 4,
    PR_SET_NAME = 15,
    PR_GET_NAME = 16
};

static int64_t sys_prctl(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_proc *p = t->proc;
    switch (arg_int(r->rdi)) {
    case PR_SET_NAME: {
        char name[16];
        long n = mm_string_in(p->mm, name, r->rsi, sizeof(name));
        if (n == -LX_EFAULT)
            return -LX_EFAULT;
        name[15] = 0; /* longer names are cut, as on Linux */
        memcpy(p->comm, name, sizeof(name));
        return 0;
    }
    case PR_GET_NAME: return mm_copy_out(p->mm, r->rsi, p->comm, sizeof(p->comm));
    case PR_SET_PDEATHSIG:
        if (r->rsi > LX_NSIG)
            return -LX_EINVAL;
        return 0; /* accepted; parent-death signals are not sent (docs) */
    case PR_GET_PDEATHSIG: {
        int32_t zero = 0;
        return mm_copy_out(p->mm, r->rsi, &zero, sizeof(zero));
    }
    case PR_GET_DUMPABLE: return 1;
    case PR_SET_DUMPABLE: return r->rsi <= 1 ? 0 : -LX_EINVAL;
    default: return -LX_EINVAL;
    }
}

static int64_t sys_sched_getaffinity(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi);
    if (pid && !thread_by_tid(pid))
        return -LX_ESRCH;
    uint64_t size = r->rsi;
    if (size < 8 || (size & 7))
        return -LX_EINVAL;
    uint64_t mask = 1; /* one CPU */
    if (mm_copy_out(t->proc->mm, r->rdx, &mask, sizeof(mask)))
        return -LX_EFAULT;
    return 8;
}

static int64_t sys_getcpu(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint32_t zero = 0;
    if ((r->rdi && mm_copy_out(t->proc->mm, r->rdi, &zero, 4)) ||
        (r->rsi && mm_copy_out(t->proc->mm, r->rsi, &zero, 4)))
        return -LX_EFAULT;
    return 0;
}

static int64_t sys_getrusage(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int who = arg_int(r->rdi);
    if (who != 0 && who != -1 && who != 1) /* SELF, CHILDREN, THREAD */
        return -LX_EINVAL;
    uint8_t usage[144] = { 0 }; /* no accounting yet: zero times and counts */
    return mm_copy_out(t->proc->mm, r->rsi, usage, sizeof(usage));
}

static int64_t sys_times(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t ticks = lx_now_ns() / 10000000ull; /* clock ticks of 100 Hz */
    if (r->rdi) {
        uint64_t tms[4] = { 0, 0, 0, 0 };
        if (mm_copy_out(t->proc->mm, r->rdi, tms, sizeof(tms)))
            return -LX_EFAULT;
    }
    return (int64_t)ticks;
}

/* No networking yet: socket and socketpair fail as on a Linux built
 * without the address family (busybox's syslog tries a socket and goes
 * on without it). */
static int64_t sys_socket(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)t;
    (void)r;
    return -LX_EAFNOSUPPORT;
}

/* rseq is optional: Linux programs fall back when it is not there. */
static int64_t sys_rseq(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)t;
    (void)r;
    return -LX_ENOSYS;
}

const struct lx_syscall_def lx_syscalls_misc[] = {
    LX_SYSCALL(63, uname, sys_uname),
    LX_SYSCALL(170, sethostname, sys_sethostname),
    LX_SYSCALL(171, setdomainname, sys_setdomainname),
    LX_SYSCALL(318, getrandom, sys_getrandom),
    LX_SYSCALL(99, sysinfo, sys_sysinfo),
    LX_SYSCALL(157, prctl, sys_prctl),
    LX_SYSCALL(204, sched_getaffinity, sys_sched_getaffinity),
    LX_SYSCALL(309, getcpu, sys_getcpu),
    LX_SYSCALL(98, getrusage, sys_getrusage),
    LX_SYSCALL(100, times, sys_times),
    LX_SYSCALL(334, rseq, sys_rseq),
    LX_SYSCALL(41, socket, sys_socket),
    LX_SYSCALL(53, socketpair, sys_socket),
    { 0, NULL, NULL },
};
