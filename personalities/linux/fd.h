/* personalities/linux/fd.h — file-descriptor tables.
 *
 * A table maps small integers to open file descriptions, each with its own
 * close-on-exec flag.  Threads share their process's table; clone with
 * CLONE_FILES shares it between processes (refs counts the sharers), fork
 * copies it (files_clone: the copies point to the same descriptions).
 * New descriptors are below max_fds, the soft RLIMIT_NOFILE of the
 * processes using the table (LX_NOFILE_MAX until prlimit64 changes it;
 * lowering it closes nothing, as on Linux). */
#pragma once

#include "file.h"
#include <stdbool.h>
#include <stdint.h>

struct lx_files {
    unsigned refs;
    unsigned max_fds; /* RLIMIT_NOFILE: new descriptors stay below it */
    unsigned size;    /* slots in fds and cloexec (grows by doubling) */
    struct lx_file **fds;
    bool *cloexec;
};

struct lx_files *files_new(void); /* NULL when out of memory */
struct lx_files *files_clone(struct lx_files *f);
void files_get(struct lx_files *f);
void files_put(struct lx_files *f);
void files_close_on_exec(struct lx_files *f);
/* prlimit64(RLIMIT_NOFILE): the soft limit, clamped to
 * [1, LX_NOFILE_CEILING]; files_limit reads it back. */
void files_set_limit(struct lx_files *f, uint64_t limit);
unsigned files_limit(const struct lx_files *f);

/* Puts file at exactly fd, closing what was there (boot: stdio).  Takes
 * over the caller's reference in every case; 0 or -errno. */
int files_install(struct lx_files *f, int fd, struct lx_file *file);
/* The lowest free descriptor >= min for file (a reference is taken):
 * the descriptor, or -LX_EMFILE (-LX_ENOMEM). */
int fd_alloc(struct lx_files *f, int min, struct lx_file *file, bool cloexec);
/* Some descriptor is free (open(2) fails with EMFILE before looking at
 * the path otherwise, as Linux does). */
bool fd_available(const struct lx_files *f);
/* The file at fd with a reference for the caller, or NULL (EBADF). */
struct lx_file *fd_get(struct lx_files *f, int fd);
/* close(2): 0 or -LX_EBADF. */
int fd_close(struct lx_files *f, int fd);
/* dup2/dup3's core: newfd now names the file at oldfd. */
int fd_dup_to(struct lx_files *f, int oldfd, int newfd, bool cloexec);
bool fd_get_cloexec(const struct lx_files *f, int fd);
void fd_set_cloexec(struct lx_files *f, int fd, bool on);
/* One past the highest open descriptor (select's bound). */
int fd_high_water(const struct lx_files *f);

/* The write-only stream files kumiki-run relays: stream 1 is the program's
 * standard output, 2 its standard error (hostlink_file.c). */
struct lx_file *hostlink_file_open(int stream);
