/* personalities/linux/tests/host_env.h — host stand-ins for what the VFS
 * takes from the rest of the personality (heap.h, frames.h, mm.h, proc.h,
 * hostlink.h, lx_log), with knobs for the tests: a frame pool limit and
 * an allocation failure countdown (out-of-memory paths), a fake user
 * address space with a read-only part (EFAULT paths), a clock, and a
 * record of wait-queue registrations and signals. */
#pragma once

#include "../proc.h"
#include <stddef.h>
#include <stdint.h>

/* ---- heap ---- */
/* The n-th allocation from now fails (0: none fails); allocations live. */
void host_heap_fail_after(long n);
long host_heap_live(void);

/* ---- frames ---- */
/* At most n frames may be in use (<= HOST_FRAMES_MAX). */
enum { HOST_FRAMES_MAX = 8192 };
void host_frames_limit(uint32_t n);

/* ---- user memory ----
 * [HOST_USER_BASE, HOST_USER_BASE + HOST_USER_SIZE) is mapped; its last
 * HOST_USER_RO_SIZE bytes are read-only. */
#define HOST_USER_BASE    0x10000000ull
#define HOST_USER_SIZE    (1u << 20)
#define HOST_USER_RO_SIZE 4096u
void *host_user_ptr(uint64_t uaddr);
/* A fresh bump allocation in user memory (reset by host_user_reset). */
uint64_t host_user_alloc(size_t size);
uint64_t host_user_string(const char *s);
void host_user_reset(void);

/* ---- threads, waiting, time ---- */
extern uint64_t host_now_ns;
/* How many threads were woken off a queue; and whether t is on q. */
extern unsigned host_wake_count;
int host_waiting_on(const struct lx_thread *t, const struct lx_waitq *q);
/* A process with one thread, uid/gid ids, fresh files and fs (vfs root). */
struct lx_thread *host_thread_new(uint32_t uid, uint32_t gid);
void host_thread_free(struct lx_thread *t);

/* ---- hostlink ---- */
extern char host_stdout[65536];
extern size_t host_stdout_len;

/* The last lx_log line. */
extern char host_last_log[512];
