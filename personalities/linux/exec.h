/* personalities/linux/exec.h — execve: a new program image in a new
 * address space for the calling thread's process. */
#pragma once

#include "proc.h"

/* Arguments and environment copied out of the old image (execve) or made
 * by the personality (the first process). */
struct lx_exec_args {
    char **argv, **envp;
    unsigned argc, envc;
};

/* Loads path for process p, replacing its image; on success the calling
 * thread t runs the new program (and every other thread of p is gone).
 * On failure nothing about p changed and -errno is returned. */
int lx_exec(struct lx_thread *t, const char *path, const struct lx_exec_args *args);
void lx_exec_args_free(struct lx_exec_args *a);
