/* personalities/linux/sys_proc.c — processes, threads and identities:
 * clone/fork/vfork, execve, exit, wait4, ids, process groups and sessions,
 * resource limits, arch_prctl. */
#include "exec.h"
#include "fd.h"
#include "heap.h"
#include "personality.h"
#include "signal_rules.h"
#include "syscall.h"
#include "vfs.h"
#include <kumiki/user.h>

static int64_t sys_getpid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->pid;
}

static int64_t sys_gettid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->tid;
}

static int64_t sys_getppid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->parent ? t->proc->parent->pid : 0;
}

static int64_t sys_getuid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->uid;
}

static int64_t sys_geteuid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->euid;
}

static int64_t sys_getgid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->gid;
}

static int64_t sys_getegid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->egid;
}

/* setuid/setgid: root may become anyone; others only themselves. */
static int64_t set_id(struct lx_proc *p, uint32_t id, uint32_t *real, uint32_t *effective)
{
    if (p->euid != 0 && id != *real && id != *effective)
        return -LX_EPERM;
    *real = *effective = id;
    return 0;
}

static int64_t sys_setuid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return set_id(t->proc, arg_uint(r->rdi), &t->proc->uid, &t->proc->euid);
}

static int64_t sys_setgid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return set_id(t->proc, arg_uint(r->rdi), &t->proc->gid, &t->proc->egid);
}

static int64_t get_res(struct lx_thread *t, const struct lx_syscall_regs *r, uint32_t real, uint32_t eff)
{
    uint32_t saved = eff;
    int e;
    if ((e = mm_copy_out(t->proc->mm, r->rdi, &real, 4)) || (e = mm_copy_out(t->proc->mm, r->rsi, &eff, 4)) ||
        (e = mm_copy_out(t->proc->mm, r->rdx, &saved, 4)))
        return e;
    return 0;
}

static int64_t sys_getresuid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return get_res(t, r, t->proc->uid, t->proc->euid);
}

static int64_t sys_getresgid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return get_res(t, r, t->proc->gid, t->proc->egid);
}

static int64_t sys_getgroups(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)t;
    (void)r;
    return 0; /* no supplementary groups */
}

static int64_t sys_exit(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    thread_exit(t, (arg_int(r->rdi) & 0xff) << 8);
    return LX_NO_REPLY;
}

static int64_t sys_exit_group(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    proc_exit_group(t->proc, (arg_int(r->rdi) & 0xff) << 8);
    return LX_NO_REPLY;
}

static int64_t sys_wait4(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi), options = arg_int(r->rdx);
    if ((unsigned)options & ~(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WNOTHREAD | LX_WALL | LX_WCLONE))
        return -LX_EINVAL;
    if (pid == INT32_MIN)
        return -LX_ESRCH;
    int status = 0;
    int64_t found = proc_wait(t, pid, options | LX_WEXITED, &status);
    if (found <= 0 || found == LX_BLOCK)
        return found;
    /* The zombie is reaped already: a bad pointer loses the status, as on Linux. */
    if (r->rsi && mm_copy_out(t->proc->mm, r->rsi, &status, sizeof(status)))
        return -LX_EFAULT;
    if (r->r10) {
        uint8_t rusage[144] = { 0 };
        if (mm_copy_out(t->proc->mm, r->r10, rusage, sizeof(rusage)))
            return -LX_EFAULT;
    }
    return found;
}

/* waitid(idtype, id, infop, options): P_ALL 0, P_PID 1, P_PGID 2. */
static int64_t sys_waitid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int idtype = arg_int(r->rdi), id = arg_int(r->rsi), options = arg_int(r->r10);
    const unsigned known = LX_WNOHANG | LX_WNOWAIT | LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED | LX_WNOTHREAD |
                           LX_WALL | LX_WCLONE;
    if (((unsigned)options & ~known) || !(options & (LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED)))
        return -LX_EINVAL;
    if (idtype < 0 || idtype > 2 || (idtype == 1 && id <= 0) || (idtype == 2 && id < 0))
        return -LX_EINVAL;
    int pid = idtype == 0 ? -1 : idtype == 1 ? id : -id;
    int status = 0;
    int64_t found = proc_wait(
        t, pid, options & (LX_WNOHANG | LX_WNOWAIT | LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED), &status);
    if (found < 0 || found == LX_BLOCK)
        return found;
    if (r->rdx) {
        int32_t info[32] = { 0 }; /* siginfo_t, 128 bytes */
        if (found > 0) {
            struct lx_cld cld = lx_wait_status_cld(status);
            info[0] = LX_SIGCHLD;
            info[2] = cld.code;
            info[4] = (int32_t)found;
            info[6] = cld.status;
        }
        if (mm_copy_out(t->proc->mm, r->rdx, info, sizeof(info)))
            return -LX_EFAULT;
    }
    return 0;
}

/* clone(flags, newsp, parent_tid, child_tid, tls). */
static int64_t do_clone(struct lx_thread *t, uint64_t flags, uint64_t newsp, uint64_t parent_tid,
                        uint64_t child_tid, uint64_t tls)
{
    struct lx_proc *p = t->proc;
    if ((flags & LX_CLONE_THREAD) && !(flags & LX_CLONE_SIGHAND))
        return -LX_EINVAL;
    if ((flags & LX_CLONE_SIGHAND) && !(flags & LX_CLONE_VM))
        return -LX_EINVAL;
    if (flags & (LX_CLONE_PIDFD | 0x2000 /* PTRACE */ | 0x20000 /* NEWNS */ | 0x7e000000ull /* namespaces */))
        return -LX_EINVAL;
    struct lx_cpu cpu;
    int e = thread_read_cpu(t, &cpu);
    if (e)
        return e;
    cpu.rip = t->regs.rip;
    cpu.rsp = t->regs.rsp;
    cpu.rax = 0;
    if (newsp)
        cpu.rsp = newsp;
    if (flags & LX_CLONE_SETTLS)
        cpu.fs_base = tls;

    if (flags & LX_CLONE_THREAD) {
        struct lx_thread *c = thread_new(p);
        if (!c)
            return -LX_EAGAIN;
        c->sigmask = t->sigmask;
        c->altstack_flags = LX_SS_DISABLE; /* a new thread has no alternate stack */
        if (flags & LX_CLONE_CHILD_CLEARTID)
            c->clear_child_tid = child_tid;
        int32_t tid = c->tid;
        if (((flags & LX_CLONE_PARENT_SETTID) && mm_copy_out(p->mm, parent_tid, &tid, 4)) ||
            ((flags & LX_CLONE_CHILD_SETTID) && mm_copy_out(p->mm, child_tid, &tid, 4))) {
            thread_exit(c, 0);
            return -LX_EFAULT;
        }
        if ((e = thread_start_like(c, p->mm, &cpu, t))) {
            thread_exit(c, 0);
            return e;
        }
        return tid;
    }

    struct lx_proc *parent = (flags & LX_CLONE_PARENT) ? p->parent : p;
    if (!parent)
        return -LX_EINVAL;
    struct lx_mm *mm;
    if (flags & LX_CLONE_VM) {
        mm = p->mm;
        mm_get(mm);
    } else if (!(mm = mm_fork(p->mm))) {
        return -LX_ENOMEM;
    }
    struct lx_proc *c = proc_new(parent);
    if (!c) {
        mm_put(mm);
        return -LX_EAGAIN;
    }
    c->mm = mm;
    c->exit_signal = (int)(flags & LX_CSIGNAL);
    memcpy(c->actions, p->actions, sizeof(c->actions));
    c->files = (flags & LX_CLONE_FILES) ? (files_get(p->files), p->files) : files_clone(p->files);
    c->fs = (flags & LX_CLONE_FS) ? (fsinfo_get(p->fs), p->fs) : fsinfo_clone(p->fs);
    struct lx_thread *ct = c->files && c->fs ? thread_new(c) : NULL;
    if (!ct) {
        proc_exit_group(c, 0);
        return -LX_ENOMEM;
    }
    ct->sigmask = t->sigmask;
    ct->altstack_sp = t->altstack_sp; /* fork keeps the alternate signal stack */
    ct->altstack_size = t->altstack_size;
    ct->altstack_flags = t->altstack_flags;
    if (flags & LX_CLONE_CHILD_CLEARTID)
        ct->clear_child_tid = child_tid;
    int32_t pid = c->pid;
    /* CHILD_SETTID writes into the child's memory (a copy-on-write copy). */
    if (((flags & LX_CLONE_PARENT_SETTID) && mm_copy_out(p->mm, parent_tid, &pid, 4)) ||
        ((flags & LX_CLONE_CHILD_SETTID) && mm_copy_out(c->mm, child_tid, &pid, 4)) ||
        (e = thread_start_like(ct, c->mm, &cpu, t))) {
        proc_exit_group(c, 0);
        return -LX_EFAULT;
    }
    if (flags & LX_CLONE_VFORK) {
        /* The parent resumes when the child execs or exits. */
        c->vfork_parent = t;
        t->vfork_child = c;
        t->has_result = true;
        t->result = pid;
        return LX_BLOCK;
    }
    return pid;
}

static int64_t sys_clone(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return do_clone(t, r->rdi, r->rsi, r->rdx, r->r10, r->r8);
}

static int64_t sys_fork(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return do_clone(t, LX_SIGCHLD, 0, 0, 0, 0);
}

static int64_t sys_vfork(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return do_clone(t, LX_CLONE_VM | LX_CLONE_VFORK | LX_SIGCHLD, 0, 0, 0, 0);
}

enum { ARG_MAX_COUNT = 4096, ARG_MAX_BYTES = 256 * 1024, PATH_MAX_BYTES = 4096 };

/* Copies a NULL-terminated array of strings out of user memory. */
static int copy_strings(struct lx_mm *mm, uint64_t uarray, char ***out, unsigned *count, size_t *bytes)
{
    *out = NULL;
    *count = 0;
    if (!uarray)
        return 0;
    unsigned cap = 16;
    char **v = lx_calloc(cap, sizeof(char *));
    if (!v)
        return -LX_ENOMEM;
    char *buf = lx_malloc(ARG_MAX_BYTES);
    if (!buf) {
        lx_free(v);
        return -LX_ENOMEM;
    }
    int e = 0;
    for (unsigned i = 0;; i++) {
        uint64_t ptr;
        if ((e = mm_copy_in(mm, &ptr, uarray + 8ull * i, 8)))
            break;
        if (!ptr)
            break;
        if (i >= ARG_MAX_COUNT) {
            e = -LX_E2BIG;
            break;
        }
        long n = mm_string_in(mm, buf, ptr, ARG_MAX_BYTES - *bytes);
        if (n < 0) {
            e = n == -LX_ENAMETOOLONG ? -LX_E2BIG : (int)n;
            break;
        }
        *bytes += (size_t)n + 1;
        if (i + 1 >= cap) {
            char **bigger = lx_calloc(cap * 2, sizeof(char *));
            if (!bigger) {
                e = -LX_ENOMEM;
                break;
            }
            memcpy(bigger, v, cap * sizeof(char *));
            lx_free(v);
            v = bigger;
            cap *= 2;
        }
        if (!(v[i] = lx_strdup(buf))) {
            e = -LX_ENOMEM;
            break;
        }
        *count = i + 1;
    }
    lx_free(buf);
    *out = v;
    return e;
}

static int64_t do_execve(struct lx_thread *t, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    char *path = lx_malloc(PATH_MAX_BYTES);
    if (!path)
        return -LX_ENOMEM;
    long n = mm_string_in(t->proc->mm, path, upath, PATH_MAX_BYTES);
    if (n < 0) {
        lx_free(path);
        return n;
    }
    if (n == 0) {
        lx_free(path);
        return -LX_ENOENT;
    }
    struct lx_exec_args args = { 0 };
    size_t bytes = 0;
    int e = copy_strings(t->proc->mm, uargv, &args.argv, &args.argc, &bytes);
    if (!e)
        e = copy_strings(t->proc->mm, uenvp, &args.envp, &args.envc, &bytes);
    if (!e)
        e = lx_exec(t, path, &args);
    lx_exec_args_free(&args);
    lx_free(path);
    return e ? e : LX_NO_REPLY;
}

static int64_t sys_execve(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return do_execve(t, r->rdi, r->rsi, r->rdx);
}

/* execveat(dirfd, path, argv, envp, flags): only AT_FDCWD or absolute paths. */
static int64_t sys_execveat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (arg_int(r->rdi) != LX_AT_FDCWD || r->r8)
        return -LX_ENOSYS;
    return do_execve(t, r->rsi, r->rdx, r->r10);
}

static int64_t sys_set_tid_address(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    t->clear_child_tid = r->rdi;
    return t->tid;
}

static int64_t sys_set_robust_list(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (r->rsi != 24) /* sizeof(struct robust_list_head) */
        return -LX_EINVAL;
    t->robust_list = r->rdi;
    return 0;
}

static int64_t sys_arch_prctl(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_cpu cpu;
    int e;
    switch (arg_int(r->rdi)) {
    case LX_ARCH_SET_FS:
    case LX_ARCH_SET_GS: /* a foreign-ABI thread's GS base is its own (kernel TCB gs_base) */
        if (r->rsi >= LX_USER_END)
            return -LX_EPERM;
        if ((e = thread_read_cpu(t, &cpu)))
            return e;
        *(arg_int(r->rdi) == LX_ARCH_SET_FS ? &cpu.fs_base : &cpu.gs_base) = r->rsi;
        /* The fault reply rewrites rax..rflags from t->regs afterwards. */
        return thread_write_cpu(t, &cpu);
    case LX_ARCH_GET_FS:
    case LX_ARCH_GET_GS:
        if ((e = thread_read_cpu(t, &cpu)))
            return e;
        return mm_copy_out(t->proc->mm, r->rsi,
                           arg_int(r->rdi) == LX_ARCH_GET_FS ? &cpu.fs_base : &cpu.gs_base, 8);
    default: return -LX_EINVAL;
    }
}

/* ---- process groups and sessions ------------------------------------------ */

static int64_t sys_getpgid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi);
    struct lx_proc *p = pid ? proc_by_pid(pid) : t->proc;
    if (!p || p->state != LX_PROC_ALIVE)
        return -LX_ESRCH;
    return p->pgid;
}

static int64_t sys_getpgrp(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    return t->proc->pgid;
}

static int64_t sys_setpgid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi), pgid = arg_int(r->rsi);
    struct lx_proc *self = t->proc;
    if (!pid)
        pid = self->pid;
    if (!pgid)
        pgid = pid;
    if (pgid < 0) /* Linux checks the group before it looks for the process */
        return -LX_EINVAL;
    struct lx_proc *p = pid ? proc_by_pid(pid) : self;
    if (!p || (p != self && p->parent != self))
        return -LX_ESRCH;
    if (p->sid != self->sid)
        return -LX_EPERM;
    if (p->pid == p->sid)
        return -LX_EPERM; /* a session leader cannot move */
    if (pgid != p->pid) {
        bool exists = false;
        for (struct lx_proc *q = proc_first(); q && !exists; q = proc_next(q))
            exists = q->pgid == pgid && q->sid == self->sid && q->state == LX_PROC_ALIVE;
        if (!exists)
            return -LX_EPERM;
    }
    p->pgid = pgid;
    return 0;
}

static int64_t sys_getsid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi);
    struct lx_proc *p = pid ? proc_by_pid(pid) : t->proc;
    if (!p)
        return -LX_ESRCH;
    return p->sid;
}

static int64_t sys_setsid(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)r;
    struct lx_proc *self = t->proc;
    for (struct lx_proc *q = proc_first(); q; q = proc_next(q))
        if (q->pgid == self->pid && q->state == LX_PROC_ALIVE)
            return -LX_EPERM; /* already a group leader */
    self->sid = self->pgid = self->pid;
    return self->sid;
}

/* ---- limits ------------------------------------------------------------------- */

static int64_t sys_prlimit64(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int pid = arg_int(r->rdi);
    unsigned resource = arg_uint(r->rsi);
    struct lx_proc *p = pid ? proc_by_pid(pid) : t->proc;
    if (!p || p->state != LX_PROC_ALIVE)
        return -LX_ESRCH;
    if (resource >= LX_RLIM_NLIMITS)
        return -LX_EINVAL;
    struct lx_rlimit old = p->rlimits[resource], want;
    if (r->rdx) {
        if (mm_copy_in(t->proc->mm, &want, r->rdx, sizeof(want)))
            return -LX_EFAULT;
        if (want.cur > want.max)
            return -LX_EINVAL;
        if (want.max > old.max && t->proc->euid != 0)
            return -LX_EPERM; /* only root raises a hard limit */
        if (resource == LX_RLIMIT_NOFILE && want.cur > LX_NOFILE_CEILING)
            return -LX_EPERM; /* Linux's nr_open */
    }
    if (r->r10 && mm_copy_out(t->proc->mm, r->r10, &old, sizeof(old)))
        return -LX_EFAULT;
    if (r->rdx) {
        p->rlimits[resource] = want;
        if (resource == LX_RLIMIT_NOFILE && p->files)
            files_set_limit(p->files, want.cur);
    }
    return 0;
}

static int64_t sys_getrlimit(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (arg_uint(r->rdi) >= LX_RLIM_NLIMITS)
        return -LX_EINVAL;
    return mm_copy_out(t->proc->mm, r->rsi, &t->proc->rlimits[arg_uint(r->rdi)], sizeof(struct lx_rlimit));
}

static int64_t sys_setrlimit(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_syscall_regs pr = { .rdi = 0, .rsi = r->rdi, .rdx = r->rsi, .r10 = 0 };
    return sys_prlimit64(t, &pr);
}

static int64_t sys_sched_yield(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)t;
    (void)r;
    return 0; /* the reply itself lets the next runnable thread in */
}

const struct lx_syscall_def lx_syscalls_proc[] = {
    LX_SYSCALL(39, getpid, sys_getpid),
    LX_SYSCALL(186, gettid, sys_gettid),
    LX_SYSCALL(110, getppid, sys_getppid),
    LX_SYSCALL(102, getuid, sys_getuid),
    LX_SYSCALL(107, geteuid, sys_geteuid),
    LX_SYSCALL(104, getgid, sys_getgid),
    LX_SYSCALL(108, getegid, sys_getegid),
    LX_SYSCALL(105, setuid, sys_setuid),
    LX_SYSCALL(106, setgid, sys_setgid),
    LX_SYSCALL(118, getresuid, sys_getresuid),
    LX_SYSCALL(120, getresgid, sys_getresgid),
    LX_SYSCALL(115, getgroups, sys_getgroups),
    LX_SYSCALL(60, exit, sys_exit),
    LX_SYSCALL(231, exit_group, sys_exit_group),
    LX_SYSCALL(61, wait4, sys_wait4),
    LX_SYSCALL(247, waitid, sys_waitid),
    LX_SYSCALL(56, clone, sys_clone),
    LX_SYSCALL(57, fork, sys_fork),
    LX_SYSCALL(58, vfork, sys_vfork),
    LX_SYSCALL(59, execve, sys_execve),
    LX_SYSCALL(322, execveat, sys_execveat),
    LX_SYSCALL(218, set_tid_address, sys_set_tid_address),
    LX_SYSCALL(273, set_robust_list, sys_set_robust_list),
    LX_SYSCALL(158, arch_prctl, sys_arch_prctl),
    LX_SYSCALL(121, getpgid, sys_getpgid),
    LX_SYSCALL(111, getpgrp, sys_getpgrp),
    LX_SYSCALL(109, setpgid, sys_setpgid),
    LX_SYSCALL(124, getsid, sys_getsid),
    LX_SYSCALL(112, setsid, sys_setsid),
    LX_SYSCALL(302, prlimit64, sys_prlimit64),
    LX_SYSCALL(97, getrlimit, sys_getrlimit),
    LX_SYSCALL(160, setrlimit, sys_setrlimit),
    LX_SYSCALL(24, sched_yield, sys_sched_yield),
    { 0, NULL, NULL },
};
