/* personalities/linux/hostlink_file.c — the program's standard output and
 * error under kumiki-run: write-only stream files whose bytes go to the
 * host through hostlink_write (hostlink.c).  To the program they look like
 * the pipes a shell would give it: fstat says FIFO, isatty says no
 * (TCGETS: ENOTTY), lseek says ESPIPE, poll says writable. */
#include "fd.h"
#include "hostlink.h"
#include "uio.h"

enum { HOSTLINK_CHUNK = 4096 };

static int64_t hostlink_file_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    int stream = (int)(uintptr_t)f->priv;
    static uint8_t chunk[HOSTLINK_CHUNK]; /* the personality is single-threaded */
    int64_t total = 0;
    while (u->resid) {
        size_t want = u->resid < HOSTLINK_CHUNK ? u->resid : HOSTLINK_CHUNK;
        int64_t got = uio_copy_in(u, chunk, want);
        if (got < 0)
            return total ? total : got;
        int err = hostlink_write(stream, chunk, (size_t)got);
        if (err < 0)
            return total ? total : err;
        total += got;
        if ((size_t)got < want)
            break;
    }
    return total;
}

static int64_t hostlink_file_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return -LX_EBADF; /* opened write-only: the system call refuses first */
}

static unsigned hostlink_file_poll(struct lx_file *f, struct lx_thread *t)
{
    return LX_POLLOUT | LX_POLLWRNORM;
}

static const struct lx_file_ops hostlink_file_ops = {
    .read = hostlink_file_read,
    .write = hostlink_file_write,
    .poll = hostlink_file_poll,
};

/* /proc/<pid>/fd/N of a host stream (/dev/stdout): the stream again,
 * for writing only. */
static int hostlink_reopen(struct lx_inode *ino, void *priv, unsigned flags, struct lx_file **out)
{
    if ((flags & LX_O_ACCMODE) != LX_O_WRONLY)
        return -LX_ENXIO;
    struct lx_path path;
    anon_path(ino, &path);
    *out = file_new(&path, &hostlink_file_ops, LX_FMODE_WRITE, LX_O_WRONLY, priv);
    return *out ? 0 : -LX_ENOMEM;
}

struct lx_file *hostlink_file_open(int stream)
{
    if (stream != HOSTLINK_STDOUT && stream != HOSTLINK_STDERR)
        return NULL;
    static const struct lx_cred owner = { 0, 0 };
    struct lx_inode *ino = anon_inode_new(LX_S_IFIFO | 0600, &owner);
    if (!ino)
        return NULL;
    struct lx_path path;
    anon_path(ino, &path);
    struct lx_file *f =
        file_new(&path, &hostlink_file_ops, LX_FMODE_WRITE, LX_O_WRONLY, (void *)(uintptr_t)stream);
    anon_inode_set_reopen(ino, hostlink_reopen, (void *)(uintptr_t)stream);
    inode_put(ino);
    return f;
}
