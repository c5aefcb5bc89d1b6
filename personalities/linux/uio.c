/* personalities/linux/uio.c — see uio.h. */
#include "uio.h"

#include "mm.h"
#include <kumiki/user.h>

enum uio_dir { UIO_TO_SEGMENTS, UIO_FROM_SEGMENTS, UIO_ZERO_SEGMENTS, UIO_SKIP };

void uio_init_kernel(struct lx_uio *u, struct lx_iovec *seg, void *buf, size_t len)
{
    seg->base = (uint64_t)(uintptr_t)buf;
    seg->len = len;
    *u = (struct lx_uio){ .mm = NULL, .iov = seg, .count = 1, .resid = len };
}

void uio_init_user(struct lx_uio *u, struct lx_mm *mm, const struct lx_iovec *iov, unsigned count,
                   size_t resid)
{
    *u = (struct lx_uio){ .mm = mm, .iov = iov, .count = count, .resid = resid };
}

/* The personality address of the segment bytes at the cursor and how many
 * are contiguous there; 0 on a bad address. */
static size_t uio_window(struct lx_uio *u, bool write, uint8_t **ptr)
{
    while (u->index < u->count && u->offset == u->iov[u->index].len) {
        u->index++;
        u->offset = 0;
    }
    if (u->index == u->count)
        return 0;
    uint64_t addr = u->iov[u->index].base + u->offset;
    size_t left = u->iov[u->index].len - u->offset;
    if (!u->mm) {
        *ptr = (uint8_t *)(uintptr_t)addr;
        return left;
    }
    void *page;
    size_t avail;
    if (mm_user_page(u->mm, addr, write, &page, &avail) < 0)
        return 0;
    *ptr = page;
    return avail < left ? avail : left;
}

static int64_t uio_move(struct lx_uio *u, uint8_t *buf, size_t len, enum uio_dir dir)
{
    if (len > u->resid)
        len = u->resid;
    size_t done = 0;
    while (done < len) {
        uint8_t *seg;
        size_t n = dir == UIO_SKIP ? len - done : uio_window(u, dir != UIO_FROM_SEGMENTS, &seg);
        if (n == 0)
            break;
        if (n > len - done)
            n = len - done;
        if (dir == UIO_TO_SEGMENTS)
            memcpy(seg, buf + done, n);
        else if (dir == UIO_FROM_SEGMENTS)
            memcpy(buf + done, seg, n);
        else if (dir == UIO_ZERO_SEGMENTS)
            memset(seg, 0, n);
        if (dir == UIO_SKIP) {
            /* Advance across segments without touching memory. */
            size_t left = n;
            while (left && u->index < u->count) {
                size_t in_seg = u->iov[u->index].len - u->offset;
                size_t step = in_seg < left ? in_seg : left;
                u->offset += step;
                left -= step;
                if (u->offset == u->iov[u->index].len) {
                    u->index++;
                    u->offset = 0;
                }
            }
        } else {
            u->offset += n;
        }
        u->resid -= n;
        done += n;
    }
    if (done == 0 && len > 0)
        return -LX_EFAULT;
    return (int64_t)done;
}

int64_t uio_copy_out(struct lx_uio *u, const void *src, size_t len)
{
    return uio_move(u, (uint8_t *)(uintptr_t)src, len, UIO_TO_SEGMENTS);
}

int64_t uio_copy_in(struct lx_uio *u, void *dst, size_t len)
{
    return uio_move(u, dst, len, UIO_FROM_SEGMENTS);
}

void uio_skip(struct lx_uio *u, size_t len)
{
    uio_move(u, NULL, len, UIO_SKIP);
}

int64_t uio_zero_out(struct lx_uio *u, size_t len)
{
    return uio_move(u, NULL, len, UIO_ZERO_SEGMENTS);
}
