/* personalities/linux/sys_file.h — what the file system calls share
 * (sys_file.c: descriptors and I/O; sys_fs.c: calls on paths; sys_poll.c:
 * poll and select).  The one table, lx_syscalls_file, is in sys_file.c. */
#pragma once

#include "fd.h"
#include "syscall.h"
#include "vfs.h"
#include <stdbool.h>
#include <stdint.h>

/* The description at fd for I/O (an O_PATH one refused, as Linux's
 * fdget), ref'd, or NULL: EBADF. */
struct lx_file *sys_file_get(struct lx_thread *t, int fd);
/* The same with O_PATH descriptions allowed (fdget_raw: fstat, fchdir,
 * the dirfd of *at calls). */
struct lx_file *sys_file_get_raw(struct lx_thread *t, int fd);
/* [addr, addr + len) lies in user space (Linux's access_ok). */
bool sys_user_range_ok(uint64_t addr, uint64_t len);
/* The process's file-system identity (fsuid = euid). */
struct lx_cred sys_cred(const struct lx_proc *p);

/* A path argument copied in: a heap string to lx_free, or -LX_EFAULT,
 * -LX_ENAMETOOLONG. */
int sys_path_in(struct lx_thread *t, uint64_t uaddr, char **out);

/* Where a *at call's path starts: the cwd, or dirfd's directory. */
struct sys_at {
    struct lx_lookup_ctx c;
    struct lx_file *dir; /* held while the call runs */
};
enum { SYS_AT_EMPTY_OK = 1, SYS_AT_REAL_IDS = 2 };
int sys_at_begin(struct lx_thread *t, int dirfd, const char *path, unsigned flags, struct sys_at *a);
void sys_at_end(struct sys_at *a);

/* Handlers of sys_fs.c. */
int64_t sys_open(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_openat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_creat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_stat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_lstat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_newfstatat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_statx(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_getcwd(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_chdir(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_chroot(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_readlink(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_readlinkat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_access(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_faccessat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_faccessat2(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_umask(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_mkdir(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_mkdirat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_mknod(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_mknodat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_rmdir(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_unlink(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_unlinkat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_rename(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_renameat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_renameat2(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_link(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_linkat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_symlink(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_symlinkat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_chmod(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_fchmodat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_chown(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_lchown(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_fchownat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_truncate(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_sync(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_utimensat(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_utimes(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_utime(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_statfs(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_mount(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_umount2(struct lx_thread *t, const struct lx_syscall_regs *r);

/* Handlers of sys_poll.c. */
int64_t sys_poll(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_ppoll(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_select(struct lx_thread *t, const struct lx_syscall_regs *r);
int64_t sys_pselect6(struct lx_thread *t, const struct lx_syscall_regs *r);
