/* personalities/linux/procfs.h — /proc: files about the processes and the
 * personality, generated when read, as Linux's procfs does.
 *
 *   /proc/self             -> the reader's pid (the caller's, vfs.h lx_lookup_ctx.proc)
 *   /proc/mounts           -> self/mounts
 *   /proc/meminfo uptime loadavg filesystems cpuinfo
 *   /proc/<pid>/           one per process (zombies too), owned by its euid
 *       cmdline environ comm stat statm status mounts
 *       exe                -> the program (the name execve kept)
 *       cwd, root          -> its directories (magic links: followed, they
 *                             lead to the directory itself)
 *       fd/<n>             -> what descriptor n is: a path, pipe:[ino],
 *                             /dev/console... (magic links: opening one
 *                             opens that file again, a pipe's new end)
 *
 * A file's text is made at its first read (and again at each read from
 * offset 0) and kept with the open file, so that reading it in pieces
 * sees one consistent text.  Another user's exe, cwd, root, fd and
 * environ are refused (EACCES), as Linux refuses them without ptrace
 * access.  A pid names the process that had it when it was looked up: a
 * file held open past the process's end reads ESRCH, even if the pid is
 * reused.
 *
 * What is not there: per-thread directories (task/), /proc/sys, and the
 * numbers the personality does not keep: CPU times, page faults, load
 * averages and idle time read 0. */
#pragma once

#include "vfs.h"
#include <stdbool.h>
#include <stddef.h>

extern const struct lx_fs_type lx_proc_fs_type;

/* A text being made for a /proc file: grows on the heap; failed when out
 * of memory (the read then fails with ENOMEM). */
struct proc_text {
    char *buf;
    size_t len, cap;
    bool failed;
};
__attribute__((format(printf, 2, 3))) void proc_text_printf(struct proc_text *t, const char *fmt, ...);
void proc_text_put(struct proc_text *t, const void *data, size_t len);
void proc_text_free(struct proc_text *t);

/* The generators (procfs_show.c): the text of one file, for process p
 * (NULL for the files of /proc itself).  0 or -errno. */
typedef int (*proc_show_fn)(struct proc_text *t, struct lx_proc *p);
int proc_show_meminfo(struct proc_text *t, struct lx_proc *p);
int proc_show_uptime(struct proc_text *t, struct lx_proc *p);
int proc_show_loadavg(struct proc_text *t, struct lx_proc *p);
int proc_show_kernel_stat(struct proc_text *t, struct lx_proc *p); /* /proc/stat */
int proc_show_filesystems(struct proc_text *t, struct lx_proc *p);
int proc_show_cpuinfo(struct proc_text *t, struct lx_proc *p);
int proc_show_cmdline(struct proc_text *t, struct lx_proc *p);
int proc_show_environ(struct proc_text *t, struct lx_proc *p);
int proc_show_comm(struct proc_text *t, struct lx_proc *p);
int proc_show_stat(struct proc_text *t, struct lx_proc *p);
int proc_show_statm(struct proc_text *t, struct lx_proc *p);
int proc_show_status(struct proc_text *t, struct lx_proc *p);
int proc_show_mounts(struct proc_text *t, struct lx_proc *p);

/* What /proc/<pid>/fd/<n> says file f is, seen from root: its length
 * (the text is not NUL-terminated; at most size bytes are copied). */
int proc_describe_file(const struct lx_file *f, const struct lx_path *root, char *buf, size_t size);
