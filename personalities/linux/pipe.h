/* personalities/linux/pipe.h — pipes: 64 KiB like Linux's default, writes
 * of at most PIPE_BUF (4096) bytes atomic, blocking reads and writes in
 * the block-and-retry way of proc.h, O_NONBLOCK, EOF when no writer is
 * left, SIGPIPE and EPIPE when no reader is.
 *
 * Difference from Linux: a blocking write larger than PIPE_BUF returns
 * after writing what fits (a short write) instead of waiting to write the
 * rest, because a retried system call starts over and cannot remember
 * what it already wrote.  Programs loop on short writes (stdio, busybox's
 * full_write), so the bytes they send are the same. */
#pragma once

#include "file.h"
#include "frames.h"
#include "proc.h"
#include <stdbool.h>
#include <stdint.h>

struct lx_uio;

/* The bytes in a pipe: a ring over up to 16 pool frames, allocated when
 * first written to.  head and len are byte offsets in [0, LX_PIPE_SIZE]. */
struct pipe_ring {
    lx_frame_t pages[LX_PIPE_SIZE / LX_PAGE];
    uint32_t head, len;
};

size_t pipe_ring_space(const struct pipe_ring *r);
/* Moves up to n bytes (n <= space) from u into the ring: the bytes moved,
 * -LX_EFAULT or -LX_ENOMEM when none could be. */
int64_t pipe_ring_write(struct pipe_ring *r, struct lx_uio *u, size_t n);
/* Moves up to n bytes (n <= len) from the ring into u. */
int64_t pipe_ring_read(struct pipe_ring *r, struct lx_uio *u, size_t n);
void pipe_ring_free(struct pipe_ring *r);

struct lx_pipe {
    struct pipe_ring ring;
    unsigned readers, writers; /* open descriptions of each end */
    struct lx_waitq readq;     /* readers waiting for data or EOF */
    struct lx_waitq writeq;    /* writers waiting for room */
};

/* pipe2(2): two descriptions of one pipe sharing one anonymous FIFO
 * inode owned by owner; flags: O_NONBLOCK (and O_DIRECT, kept in the
 * flags, without packet mode). */
int pipe_create(const struct lx_cred *owner, unsigned flags, struct lx_file **read_end,
                struct lx_file **write_end);
bool file_is_pipe(const struct lx_file *f);
