/* personalities/linux/pipe.c — see pipe.h. */
#include "pipe.h"

#include "heap.h"
#include "mm.h"
#include "uio.h"
#include <kumiki/user.h>

enum { RING_PAGES = LX_PIPE_SIZE / LX_PAGE };

size_t pipe_ring_space(const struct pipe_ring *r)
{
    return LX_PIPE_SIZE - r->len;
}

/* The contiguous bytes at ring offset off (up to the page's end). */
static uint8_t *ring_at(struct pipe_ring *r, uint32_t off, size_t *contiguous, bool allocate)
{
    uint32_t page = (off / LX_PAGE) % RING_PAGES;
    if (!r->pages[page]) {
        if (!allocate || !(r->pages[page] = frame_alloc()))
            return NULL;
    }
    *contiguous = LX_PAGE - off % LX_PAGE;
    return (uint8_t *)frame_ptr(r->pages[page]) + off % LX_PAGE;
}

int64_t pipe_ring_write(struct pipe_ring *r, struct lx_uio *u, size_t n)
{
    size_t done = 0;
    int64_t err = 0;
    while (done < n) {
        size_t contiguous;
        uint8_t *p = ring_at(r, (r->head + r->len) % LX_PIPE_SIZE, &contiguous, true);
        if (!p) {
            err = -LX_ENOMEM;
            break;
        }
        size_t chunk = contiguous < n - done ? contiguous : n - done;
        int64_t moved = uio_copy_in(u, p, chunk);
        if (moved < 0) {
            err = moved;
            break;
        }
        r->len += (uint32_t)moved;
        done += (size_t)moved;
        if ((size_t)moved < chunk)
            break;
    }
    return done ? (int64_t)done : err;
}

int64_t pipe_ring_read(struct pipe_ring *r, struct lx_uio *u, size_t n)
{
    size_t done = 0;
    int64_t err = 0;
    while (done < n) {
        size_t contiguous;
        uint8_t *p = ring_at(r, r->head, &contiguous, false);
        size_t chunk = contiguous < n - done ? contiguous : n - done;
        int64_t moved = p ? uio_copy_out(u, p, chunk) : -LX_EFAULT;
        if (moved < 0) {
            err = moved;
            break;
        }
        r->head = (uint32_t)((r->head + (uint32_t)moved) % LX_PIPE_SIZE);
        r->len -= (uint32_t)moved;
        done += (size_t)moved;
        if ((size_t)moved < chunk)
            break;
    }
    /* Empty: start over at page 0, so that a pipe carrying small messages
     * keeps using one frame. */
    if (r->len == 0)
        r->head = 0;
    return done ? (int64_t)done : err;
}

void pipe_ring_free(struct pipe_ring *r)
{
    for (unsigned i = 0; i < RING_PAGES; i++)
        if (r->pages[i]) {
            frame_unref(r->pages[i]);
            r->pages[i] = 0;
        }
    r->head = r->len = 0;
}

static int64_t pipe_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    struct lx_pipe *p = f->priv;
    if (u->resid == 0)
        return 0;
    if (p->ring.len == 0) {
        if (p->writers == 0)
            return 0;
        if ((f->flags & LX_O_NONBLOCK) || !t)
            return -LX_EAGAIN;
        lx_wait_on(t, &p->readq);
        return LX_BLOCK;
    }
    size_t n = u->resid < p->ring.len ? u->resid : p->ring.len;
    int64_t moved = pipe_ring_read(&p->ring, u, n);
    if (moved > 0)
        lx_wake(&p->writeq);
    return moved;
}

static int64_t pipe_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    struct lx_pipe *p = f->priv;
    size_t n = u->resid;
    if (n == 0)
        return 0;
    if (p->readers == 0) {
        if (t)
            lx_signal_thread(t, LX_SIGPIPE);
        return -LX_EPIPE;
    }
    size_t space = pipe_ring_space(&p->ring);
    /* Up to PIPE_BUF bytes go in at once or not at all. */
    if (n <= LX_PIPE_BUF ? space < n : space == 0) {
        if ((f->flags & LX_O_NONBLOCK) || !t)
            return -LX_EAGAIN;
        lx_wait_on(t, &p->writeq);
        return LX_BLOCK;
    }
    int64_t moved = pipe_ring_write(&p->ring, u, n < space ? n : space);
    if (moved > 0)
        lx_wake(&p->readq);
    return moved;
}

static unsigned pipe_poll_read(struct lx_file *f, struct lx_thread *t)
{
    struct lx_pipe *p = f->priv;
    unsigned mask = 0;
    if (p->ring.len)
        mask |= LX_POLLIN | LX_POLLRDNORM;
    if (p->writers == 0)
        mask |= LX_POLLHUP;
    if (t)
        lx_wait_on(t, &p->readq);
    return mask;
}

static unsigned pipe_poll_write(struct lx_file *f, struct lx_thread *t)
{
    struct lx_pipe *p = f->priv;
    unsigned mask = 0;
    /* Linux reports room when a whole page is free: a PIPE_BUF write then
     * cannot block. */
    if (pipe_ring_space(&p->ring) >= LX_PIPE_BUF)
        mask |= LX_POLLOUT | LX_POLLWRNORM;
    if (p->readers == 0)
        mask |= LX_POLLERR;
    if (t)
        lx_wait_on(t, &p->writeq);
    return mask;
}

static int64_t pipe_ioctl(struct lx_file *f, struct lx_thread *t, unsigned cmd, uint64_t arg)
{
    struct lx_pipe *p = f->priv;
    if (cmd != LX_FIONREAD)
        return -LX_ENOTTY;
    int32_t count = (int32_t)p->ring.len;
    return mm_copy_out(t->proc->mm, arg, &count, sizeof(count));
}

static void pipe_release(struct lx_file *f)
{
    struct lx_pipe *p = f->priv;
    if (f->fmode & LX_FMODE_READ)
        p->readers--;
    if (f->fmode & LX_FMODE_WRITE)
        p->writers--;
    /* Readers see EOF, writers EPIPE.  Waking also empties the queues, so
     * that nothing points into a pipe about to be freed. */
    lx_wake(&p->readq);
    lx_wake(&p->writeq);
    if (p->readers == 0 && p->writers == 0) {
        /* The inode may outlive the pipe (an O_PATH descriptor of
         * /proc/<pid>/fd/N): it can no longer be opened. */
        anon_inode_set_reopen(file_inode(f), NULL, NULL);
        pipe_ring_free(&p->ring);
        lx_free(p);
    }
}

/* A FIFO opened for reading and writing sees both ends' events. */
static unsigned pipe_poll_both(struct lx_file *f, struct lx_thread *t)
{
    return pipe_poll_read(f, t) | pipe_poll_write(f, t);
}

static const struct lx_file_ops pipe_read_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll_read,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};
static const struct lx_file_ops pipe_write_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll_write,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};

static const struct lx_file_ops pipe_both_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll_both,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};

bool file_is_pipe(const struct lx_file *f)
{
    return f->ops == &pipe_read_ops || f->ops == &pipe_write_ops || f->ops == &pipe_both_ops;
}

/* Opening /proc/<pid>/fd/N of a pipe: a new end of the same pipe, as
 * Linux opens the pipe's inode as a FIFO.  Unlike a FIFO's open, it never
 * waits for the other end. */
static int pipe_reopen(struct lx_inode *ino, void *priv, unsigned flags, struct lx_file **out)
{
    struct lx_pipe *p = priv;
    unsigned acc = flags & LX_O_ACCMODE;
    const struct lx_file_ops *ops;
    unsigned fmode;
    switch (acc) {
    case LX_O_RDONLY: ops = &pipe_read_ops, fmode = LX_FMODE_READ; break;
    case LX_O_WRONLY: ops = &pipe_write_ops, fmode = LX_FMODE_WRITE; break;
    case LX_O_RDWR: ops = &pipe_both_ops, fmode = LX_FMODE_READ | LX_FMODE_WRITE; break;
    default: return -LX_EINVAL;
    }
    struct lx_path path;
    anon_path(ino, &path);
    struct lx_file *f = file_new(&path, ops, fmode, acc | (flags & (LX_O_NONBLOCK | LX_O_DIRECT)), p);
    if (!f)
        return -LX_ENOMEM;
    if (fmode & LX_FMODE_READ)
        p->readers++;
    if (fmode & LX_FMODE_WRITE)
        p->writers++;
    *out = f;
    return 0;
}

int pipe_create(const struct lx_cred *owner, unsigned flags, struct lx_file **read_end,
                struct lx_file **write_end)
{
    struct lx_pipe *p = lx_calloc(1, sizeof(*p));
    struct lx_inode *ino = anon_inode_new(LX_S_IFIFO | 0600, owner);
    if (!p || !ino) {
        lx_free(p);
        inode_put(ino);
        return -LX_ENOMEM;
    }
    ino->blocks = 0;
    struct lx_path path;
    anon_path(ino, &path);
    unsigned kept = flags & (LX_O_NONBLOCK | LX_O_DIRECT);
    *read_end = file_new(&path, &pipe_read_ops, LX_FMODE_READ, LX_O_RDONLY | kept, p);
    *write_end = file_new(&path, &pipe_write_ops, LX_FMODE_WRITE, LX_O_WRONLY | kept, p);
    anon_inode_set_reopen(ino, pipe_reopen, p);
    inode_put(ino); /* the files hold it now */
    if (*read_end)
        p->readers = 1;
    if (*write_end)
        p->writers = 1;
    if (!*read_end || !*write_end) {
        file_put(*read_end); /* the last release frees p */
        file_put(*write_end);
        if (!*read_end && !*write_end)
            lx_free(p);
        return -LX_ENOMEM;
    }
    return 0;
}
