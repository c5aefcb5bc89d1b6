/* personalities/linux/syscall.h — the system-call table.
 *
 * Each sys_*.c file lists its handlers in one table with LX_SYSCALL lines;
 * tools/linux_syscall_table.py reads those lines to generate the supported
 * system-call table of docs/linux-personality.md, so the documentation is
 * the code.  A number no table names returns -ENOSYS and is logged once by
 * name and number (syscall_names.c knows every x86_64 name). */
#pragma once

#include "proc.h"

typedef int64_t (*lx_syscall_fn)(struct lx_thread *t, const struct lx_syscall_regs *r);

struct lx_syscall_def {
    unsigned nr;
    const char *name;
    lx_syscall_fn fn;
};

#define LX_SYSCALL(number, name, handler) \
    {                                     \
        (number), #name, (handler)        \
    }

/* The tables of the sys_*.c files (each ends with a { 0, NULL, NULL } entry). */
extern const struct lx_syscall_def lx_syscalls_proc[];   /* sys_proc.c: processes, ids, exit, wait */
extern const struct lx_syscall_def lx_syscalls_mem[];    /* sys_mem.c: brk, mmap, ... */
extern const struct lx_syscall_def lx_syscalls_file[];   /* sys_file.c: files, fds, pipes, poll */
extern const struct lx_syscall_def lx_syscalls_signal[]; /* signal.c */
extern const struct lx_syscall_def lx_syscalls_time[];   /* time.c */
extern const struct lx_syscall_def lx_syscalls_misc[];   /* sys_misc.c: uname, getrandom, ... */
extern const struct lx_syscall_def lx_syscalls_futex[];  /* futex.c */
extern const struct lx_syscall_def lx_syscalls_power[];  /* power.c: reboot */
extern const struct lx_syscall_def lx_syscalls_klog[];   /* klog.c: syslog */
extern const struct lx_syscall_def lx_syscalls_nice[];   /* nice.c: getpriority, setpriority */

enum { LX_SYSCALL_MAX = 512 };

void syscall_init(void);
/* Runs the system call in t->regs; returns its result, LX_BLOCK or
 * LX_NO_REPLY. */
int64_t syscall_run(struct lx_thread *t);
/* The name of an x86_64 system call number ("?" if unknown). */
const char *syscall_name(unsigned nr);
/* How many calls of an unsupported number were made (for the tests). */
uint64_t syscall_enosys_count(void);

/* Argument helpers: Linux passes int arguments in 64-bit registers whose
 * upper halves are undefined. */
static inline int arg_int(uint64_t v)
{
    return (int)(uint32_t)v;
}
static inline unsigned arg_uint(uint64_t v)
{
    return (uint32_t)v;
}
