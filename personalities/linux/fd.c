/* personalities/linux/fd.c — see fd.h. */
#include "fd.h"

#include "heap.h"
#include <kumiki/user.h>

enum { FILES_INITIAL = 64 };

static struct lx_files *files_alloc(unsigned size)
{
    struct lx_files *f = lx_calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->fds = lx_calloc(size, sizeof(*f->fds));
    f->cloexec = lx_calloc(size, sizeof(*f->cloexec));
    if (!f->fds || !f->cloexec) {
        lx_free(f->fds);
        lx_free(f->cloexec);
        lx_free(f);
        return NULL;
    }
    f->refs = 1;
    f->size = size;
    f->max_fds = LX_NOFILE_MAX;
    return f;
}

struct lx_files *files_new(void)
{
    return files_alloc(FILES_INITIAL);
}

struct lx_files *files_clone(struct lx_files *from)
{
    struct lx_files *f = files_alloc(from->size);
    if (!f)
        return NULL;
    f->max_fds = from->max_fds;
    for (unsigned i = 0; i < from->size; i++) {
        f->fds[i] = from->fds[i];
        f->cloexec[i] = from->cloexec[i];
        if (f->fds[i])
            file_get(f->fds[i]);
    }
    return f;
}

void files_get(struct lx_files *f)
{
    f->refs++;
}

void files_put(struct lx_files *f)
{
    if (!f || --f->refs > 0)
        return;
    for (unsigned i = 0; i < f->size; i++)
        file_put(f->fds[i]);
    lx_free(f->fds);
    lx_free(f->cloexec);
    lx_free(f);
}

void files_close_on_exec(struct lx_files *f)
{
    for (unsigned i = 0; i < f->size; i++)
        if (f->fds[i] && f->cloexec[i]) {
            struct lx_file *file = f->fds[i];
            f->fds[i] = NULL;
            f->cloexec[i] = false;
            file_put(file);
        }
}

void files_set_limit(struct lx_files *f, uint64_t limit)
{
    f->max_fds = limit < 1 ? 1 : limit > LX_NOFILE_CEILING ? LX_NOFILE_CEILING : (unsigned)limit;
}

unsigned files_limit(const struct lx_files *f)
{
    return f->max_fds;
}

/* Makes slot fd exist (fd < LX_NOFILE_CEILING). */
static int files_grow(struct lx_files *f, unsigned fd)
{
    if (fd < f->size)
        return 0;
    unsigned size = f->size;
    while (size <= fd)
        size *= 2;
    struct lx_file **fds = lx_calloc(size, sizeof(*fds));
    bool *cloexec = lx_calloc(size, sizeof(*cloexec));
    if (!fds || !cloexec) {
        lx_free(fds);
        lx_free(cloexec);
        return -LX_ENOMEM;
    }
    memcpy(fds, f->fds, f->size * sizeof(*fds));
    memcpy(cloexec, f->cloexec, f->size * sizeof(*cloexec));
    lx_free(f->fds);
    lx_free(f->cloexec);
    f->fds = fds;
    f->cloexec = cloexec;
    f->size = size;
    return 0;
}

/* Sets slot fd (existing) to file, closing what was there after the
 * switch (a release may wake threads; the table is consistent first). */
static void fd_set(struct lx_files *f, int fd, struct lx_file *file, bool cloexec)
{
    struct lx_file *old = f->fds[fd];
    f->fds[fd] = file;
    f->cloexec[fd] = cloexec;
    file_put(old);
}

int files_install(struct lx_files *f, int fd, struct lx_file *file)
{
    int err = -LX_EBADF;
    if (!file)
        return -LX_EINVAL;
    if (fd >= 0 && (unsigned)fd < f->max_fds)
        err = files_grow(f, (unsigned)fd);
    if (err < 0) {
        file_put(file);
        return err;
    }
    fd_set(f, fd, file, false);
    return 0;
}

int fd_alloc(struct lx_files *f, int min, struct lx_file *file, bool cloexec)
{
    if (min < 0)
        return -LX_EINVAL;
    for (int fd = min; (unsigned)fd < f->max_fds; fd++) {
        if ((unsigned)fd < f->size && f->fds[fd])
            continue;
        int err = files_grow(f, (unsigned)fd);
        if (err < 0)
            return err;
        file_get(file);
        fd_set(f, fd, file, cloexec);
        return fd;
    }
    return -LX_EMFILE;
}

bool fd_available(const struct lx_files *f)
{
    for (unsigned i = 0; i < f->max_fds; i++)
        if (i >= f->size || !f->fds[i])
            return true;
    return false;
}

struct lx_file *fd_get(struct lx_files *f, int fd)
{
    if (fd < 0 || (unsigned)fd >= f->size || !f->fds[fd])
        return NULL;
    file_get(f->fds[fd]);
    return f->fds[fd];
}

int fd_close(struct lx_files *f, int fd)
{
    if (fd < 0 || (unsigned)fd >= f->size || !f->fds[fd])
        return -LX_EBADF;
    fd_set(f, fd, NULL, false);
    return 0;
}

int fd_dup_to(struct lx_files *f, int oldfd, int newfd, bool cloexec)
{
    struct lx_file *file = fd_get(f, oldfd);
    if (!file)
        return -LX_EBADF;
    if (newfd < 0 || (unsigned)newfd >= f->max_fds) {
        file_put(file);
        return -LX_EBADF;
    }
    int err = files_grow(f, (unsigned)newfd);
    if (err < 0) {
        file_put(file);
        return err;
    }
    fd_set(f, newfd, file, cloexec); /* the reference from fd_get moves in */
    return newfd;
}

bool fd_get_cloexec(const struct lx_files *f, int fd)
{
    return fd >= 0 && (unsigned)fd < f->size && f->cloexec[fd];
}

void fd_set_cloexec(struct lx_files *f, int fd, bool on)
{
    if (fd >= 0 && (unsigned)fd < f->size && f->fds[fd])
        f->cloexec[fd] = on;
}

int fd_high_water(const struct lx_files *f)
{
    int high = 0;
    for (unsigned i = 0; i < f->size; i++)
        if (f->fds[i])
            high = (int)i + 1;
    return high;
}
