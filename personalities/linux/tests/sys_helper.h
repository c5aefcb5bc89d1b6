/* personalities/linux/tests/sys_helper.h — calling the file system calls
 * the way the dispatcher does: from lx_syscalls_file, with the arguments
 * in the thread's registers.  SYS(nr, args...) on the thread in sys_thread. */
#pragma once

#include "../syscall.h"
#include <stdio.h>
#include <stdlib.h>

static struct lx_thread *sys_thread;

static inline int64_t sys6(unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    for (const struct lx_syscall_def *d = lx_syscalls_file; d->fn; d++)
        if (d->nr == nr) {
            sys_thread->regs = (struct lx_syscall_regs){ nr, a0, a1, a2, a3, a4, a5, 0, 0, 0 };
            return d->fn(sys_thread, &sys_thread->regs);
        }
    fprintf(stderr, "no system call %u\n", nr);
    abort();
}
#define SYS(nr, ...) sys_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_n(nr, a, b, c, d, e, f, ...) \
    sys6(nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), (uint64_t)(f))

enum {
    NR_read = 0,
    NR_write = 1,
    NR_open = 2,
    NR_close = 3,
    NR_stat = 4,
    NR_fstat = 5,
    NR_lstat = 6,
    NR_poll = 7,
    NR_lseek = 8,
    NR_ioctl = 16,
    NR_pread64 = 17,
    NR_pwrite64 = 18,
    NR_readv = 19,
    NR_writev = 20,
    NR_access = 21,
    NR_pipe = 22,
    NR_select = 23,
    NR_dup = 32,
    NR_dup2 = 33,
    NR_sendfile = 40,
    NR_fcntl = 72,
    NR_fsync = 74,
    NR_truncate = 76,
    NR_ftruncate = 77,
    NR_getcwd = 79,
    NR_chdir = 80,
    NR_fchdir = 81,
    NR_rename = 82,
    NR_mkdir = 83,
    NR_rmdir = 84,
    NR_creat = 85,
    NR_link = 86,
    NR_unlink = 87,
    NR_symlink = 88,
    NR_readlink = 89,
    NR_chmod = 90,
    NR_umask = 95,
    NR_mknod = 133,
    NR_statfs = 137,
    NR_fstatfs = 138,
    NR_mount = 165,
    NR_umount2 = 166,
    NR_getdents64 = 217,
    NR_openat = 257,
    NR_mkdirat = 258,
    NR_newfstatat = 262,
    NR_unlinkat = 263,
    NR_readlinkat = 267,
    NR_faccessat = 269,
    NR_pselect6 = 270,
    NR_ppoll = 271,
    NR_utimensat = 280,
    NR_dup3 = 292,
    NR_pipe2 = 293,
    NR_renameat2 = 316,
    NR_statx = 332,
    NR_faccessat2 = 439,
};
