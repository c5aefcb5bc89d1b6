/* personalities/linux/uio.h — a list of memory segments a read fills or a
 * write drains: a program's (readv/writev, read/write) or the personality's
 * own (execve reading a file, sendfile, the boot archive loader).
 *
 * Every copy goes page by page through mm_user_page, so a bad address in
 * the middle stops the copy exactly there: the caller returns the bytes
 * moved so far, or -LX_EFAULT when there were none (Linux's rule). */
#pragma once

#include "linux_abi.h"
#include <stddef.h>
#include <stdint.h>

struct lx_mm;

struct lx_uio {
    struct lx_mm *mm;           /* NULL: segments are personality addresses */
    const struct lx_iovec *iov; /* segments; base is an address in mm */
    unsigned count;
    unsigned index;  /* current segment */
    uint64_t offset; /* into iov[index] */
    size_t resid;    /* bytes left over all segments */
};

/* One personality buffer (seg is the caller's storage for the segment). */
void uio_init_kernel(struct lx_uio *u, struct lx_iovec *seg, void *buf, size_t len);
/* count segments of mm whose lengths sum to resid. */
void uio_init_user(struct lx_uio *u, struct lx_mm *mm, const struct lx_iovec *iov, unsigned count,
                   size_t resid);

/* Copies len bytes of src into the destination segments: the bytes copied
 * (fewer only on a bad address, or when resid was smaller), or -LX_EFAULT
 * when a bad address stopped it before the first byte. */
int64_t uio_copy_out(struct lx_uio *u, const void *src, size_t len);
/* The same from the segments into dst. */
int64_t uio_copy_in(struct lx_uio *u, void *dst, size_t len);
/* Skips len bytes of the segments (a device that swallows writes). */
void uio_skip(struct lx_uio *u, size_t len);
/* Writes len zero bytes (reads of /dev/zero). */
int64_t uio_zero_out(struct lx_uio *u, size_t len);
