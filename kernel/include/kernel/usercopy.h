/* kernel/include/kernel/usercopy.h — reading user memory safely.
 *
 * The kernel never dereferences a user pointer.  It walks the thread's page
 * tables, checks every page is present and user-accessible, and copies
 * through the physical-memory map.  No page fault can happen in the kernel
 * on a user's behalf, and a bad pointer is a clean KE_BAD_ADDRESS. */
#pragma once

#include <kernel/tcb.h>

/* True when every byte of [addr, addr + len) is mapped for user access
 * (with write access when `write`).  len 0 is always accessible. */
bool user_range_accessible(const struct tcb *t, vaddr_t addr, size_t len, bool write);
/* Copies len bytes; false (and nothing copied) if any byte is inaccessible. */
bool user_read(const struct tcb *t, vaddr_t addr, void *dst, size_t len);
/* Copies len bytes into user memory; false (and nothing written) if any
 * byte is not mapped writable. */
bool user_write(const struct tcb *t, vaddr_t addr, const void *src, size_t len);
