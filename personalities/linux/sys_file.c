/* personalities/linux/sys_file.c — the system calls on file descriptors:
 * I/O, offsets, duplication, flags, pipes, directory listing, and the
 * file system calls' table (the path calls are in sys_fs.c, poll and
 * select in sys_poll.c).
 *
 * Checks come in Linux's order, so that a call with several things wrong
 * fails with the same error: typically the descriptor (EBADF), its access
 * mode (EBADF), the arguments (EINVAL), the user memory (EFAULT). */
#include "sys_file.h"

#include "heap.h"
#include "mm.h"
#include "pipe.h"
#include "uio.h"
#include <kumiki/user.h>

/* ---- Shared helpers ------------------------------------------------------ */

struct lx_file *sys_file_get_raw(struct lx_thread *t, int fd)
{
    return fd_get(t->proc->files, fd);
}

struct lx_file *sys_file_get(struct lx_thread *t, int fd)
{
    struct lx_file *f = fd_get(t->proc->files, fd);
    if (f && (f->fmode & LX_FMODE_PATH)) {
        file_put(f);
        return NULL;
    }
    return f;
}

bool sys_user_range_ok(uint64_t addr, uint64_t len)
{
    return addr <= LX_USER_END && len <= LX_USER_END - addr;
}

struct lx_cred sys_cred(const struct lx_proc *p)
{
    return (struct lx_cred){ p->euid, p->egid };
}

int sys_path_in(struct lx_thread *t, uint64_t uaddr, char **out)
{
    char *buf = lx_malloc(LX_PATH_MAX);
    if (!buf)
        return -LX_ENOMEM;
    long n = mm_string_in(t->proc->mm, buf, uaddr, LX_PATH_MAX);
    if (n < 0) {
        lx_free(buf);
        return (int)n;
    }
    *out = buf;
    return 0;
}

int sys_at_begin(struct lx_thread *t, int dirfd, const char *path, unsigned flags, struct sys_at *a)
{
    struct lx_proc *p = t->proc;
    a->c.cred = (flags & SYS_AT_REAL_IDS) ? (struct lx_cred){ p->uid, p->gid } : sys_cred(p);
    a->c.root = p->fs->root;
    a->c.start = p->fs->cwd;
    a->c.proc = p;
    a->dir = NULL;
    if (!path[0] && !(flags & SYS_AT_EMPTY_OK))
        return -LX_ENOENT;
    if (path[0] == '/' || dirfd == LX_AT_FDCWD)
        return 0;
    a->dir = sys_file_get_raw(t, dirfd);
    if (!a->dir)
        return -LX_EBADF;
    a->c.start = a->dir->path;
    if (!inode_is_dir(file_inode(a->dir)) && path[0])
        return -LX_ENOTDIR;
    return 0;
}

void sys_at_end(struct sys_at *a)
{
    file_put(a->dir);
    a->dir = NULL;
}

/* ---- read and write ------------------------------------------------------- */

static uint64_t *file_pos(struct lx_file *f)
{
    return (f->fmode & LX_FMODE_SEEK) ? &f->pos : NULL;
}

static int64_t file_io(struct lx_thread *t, struct lx_file *f, bool write, const struct lx_iovec *iov,
                       unsigned count, size_t total, uint64_t *pos)
{
    struct lx_uio u;
    uio_init_user(&u, t->proc->mm, iov, count, total);
    return write ? f->ops->write(f, t, &u, pos) : f->ops->read(f, t, &u, pos);
}

/* read, write, pread64, pwrite64.  offset < 0: the description's own. */
static int64_t rw_one(struct lx_thread *t, const struct lx_syscall_regs *r, bool write, bool positioned)
{
    int64_t offset = (int64_t)r->r10;
    if (positioned && offset < 0)
        return -LX_EINVAL;
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    uint64_t buf = r->rsi, count = r->rdx, pos = (uint64_t)offset;
    int64_t ret;
    if (positioned && !(f->fmode & LX_FMODE_SEEK))
        ret = -LX_ESPIPE;
    else if (!(f->fmode & (write ? LX_FMODE_WRITE : LX_FMODE_READ)))
        ret = -LX_EBADF;
    else if (!sys_user_range_ok(buf, count))
        ret = -LX_EFAULT;
    else {
        if (count > LX_MAX_RW_COUNT)
            count = LX_MAX_RW_COUNT;
        struct lx_iovec seg = { buf, count };
        ret = file_io(t, f, write, &seg, 1, count, positioned ? &pos : file_pos(f));
    }
    file_put(f);
    return ret;
}

static int64_t sys_read(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rw_one(t, r, false, false);
}

static int64_t sys_write(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rw_one(t, r, true, false);
}

static int64_t sys_pread64(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rw_one(t, r, false, true);
}

static int64_t sys_pwrite64(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rw_one(t, r, true, true);
}

/* readv and writev: the vector is checked as Linux's import_iovec does
 * (negative lengths, then addresses; the total clipped to MAX_RW_COUNT). */
static int64_t rw_vector(struct lx_thread *t, const struct lx_syscall_regs *r, bool write)
{
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    uint64_t count = r->rdx;
    struct lx_iovec *iov = NULL;
    int64_t ret = 0;
    if (!(f->fmode & (write ? LX_FMODE_WRITE : LX_FMODE_READ)))
        ret = -LX_EBADF;
    else if (count > LX_IOV_MAX)
        ret = -LX_EINVAL;
    else if (count && !(iov = lx_malloc(count * sizeof(*iov))))
        ret = -LX_ENOMEM;
    else if (count && mm_copy_in(t->proc->mm, iov, r->rsi, count * sizeof(*iov)))
        ret = -LX_EFAULT;
    for (uint64_t i = 0; ret == 0 && i < count; i++)
        if ((int64_t)iov[i].len < 0)
            ret = -LX_EINVAL;
    uint64_t total = 0;
    for (uint64_t i = 0; ret == 0 && i < count; i++) {
        if (!sys_user_range_ok(iov[i].base, iov[i].len))
            ret = -LX_EFAULT;
        else if (iov[i].len > LX_MAX_RW_COUNT - total)
            iov[i].len = LX_MAX_RW_COUNT - total;
        total += iov[i].len;
    }
    if (ret == 0 && total)
        ret = file_io(t, f, write, iov, (unsigned)count, total, file_pos(f));
    lx_free(iov);
    file_put(f);
    return ret;
}

static int64_t sys_readv(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rw_vector(t, r, false);
}

static int64_t sys_writev(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rw_vector(t, r, true);
}

static int64_t sys_lseek(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    unsigned whence = arg_uint(r->rdx);
    int64_t ret;
    if (whence > LX_SEEK_HOLE)
        ret = -LX_EINVAL;
    else if (f->ops->lseek)
        ret = f->ops->lseek(f, (int64_t)r->rsi, (int)whence);
    else if (f->fmode & LX_FMODE_SEEK)
        ret = file_lseek_generic(f, (int64_t)r->rsi, (int)whence);
    else
        ret = -LX_ESPIPE;
    file_put(f);
    return ret;
}

/* ---- descriptors ---------------------------------------------------------- */

static int64_t sys_close(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return fd_close(t->proc->files, arg_int(r->rdi));
}

static int64_t sys_dup(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get_raw(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    int fd = fd_alloc(t->proc->files, 0, f, false);
    file_put(f);
    return fd;
}

static int64_t dup_to(struct lx_thread *t, int oldfd, int newfd, unsigned flags)
{
    if (flags & ~(unsigned)LX_O_CLOEXEC)
        return -LX_EINVAL;
    if (oldfd == newfd)
        return -LX_EINVAL;
    if (newfd < 0 || (unsigned)newfd >= files_limit(t->proc->files))
        return -LX_EBADF;
    return fd_dup_to(t->proc->files, oldfd, newfd, flags & LX_O_CLOEXEC);
}

static int64_t sys_dup2(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int oldfd = arg_int(r->rdi), newfd = arg_int(r->rsi);
    if (oldfd == newfd) {
        struct lx_file *f = sys_file_get_raw(t, oldfd);
        file_put(f);
        return f ? newfd : -LX_EBADF;
    }
    return dup_to(t, oldfd, newfd, 0);
}

static int64_t sys_dup3(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return dup_to(t, arg_int(r->rdi), arg_int(r->rsi), arg_uint(r->rdx));
}

enum { SETFL_MASK = LX_O_APPEND | LX_O_NONBLOCK | LX_O_DIRECT | LX_O_NOATIME | 020000 /* O_ASYNC */ };

static int64_t fcntl_file(struct lx_thread *t, int fd, struct lx_file *f, unsigned cmd, uint64_t arg)
{
    struct lx_files *files = t->proc->files;
    bool path_only = f->fmode & LX_FMODE_PATH;
    switch (cmd) {
    case LX_F_DUPFD:
    case LX_F_DUPFD_CLOEXEC:
        if (arg >= files_limit(files))
            return -LX_EINVAL;
        return fd_alloc(files, (int)arg, f, cmd == LX_F_DUPFD_CLOEXEC);
    case LX_F_GETFD: return fd_get_cloexec(files, fd) ? LX_FD_CLOEXEC : 0;
    case LX_F_SETFD: fd_set_cloexec(files, fd, arg & LX_FD_CLOEXEC); return 0;
    case LX_F_GETFL: return f->flags;
    default: break;
    }
    if (path_only)
        return -LX_EBADF;
    switch (cmd) {
    case LX_F_SETFL: {
        struct lx_inode *ino = file_inode(f);
        unsigned flags = (unsigned)arg;
        if ((flags & LX_O_NOATIME) && t->proc->euid != 0 && t->proc->euid != ino->uid)
            return -LX_EPERM;
        f->flags = (f->flags & ~(unsigned)SETFL_MASK) | (flags & SETFL_MASK);
        return 0;
    }
    case LX_F_GETPIPE_SZ: return file_is_pipe(f) ? LX_PIPE_SIZE : -LX_EBADF;
    default:
        /* Record locks (F_GETLK/F_SETLK/...), owners, leases, notify and
         * seals are not supported. */
        return -LX_EINVAL;
    }
}

static int64_t sys_fcntl(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int fd = arg_int(r->rdi);
    struct lx_file *f = sys_file_get_raw(t, fd);
    if (!f)
        return -LX_EBADF;
    int64_t ret = fcntl_file(t, fd, f, arg_uint(r->rsi), r->rdx);
    file_put(f);
    return ret;
}

static int64_t ioctl_file(struct lx_thread *t, int fd, struct lx_file *f, unsigned cmd, uint64_t arg)
{
    struct lx_mm *mm = t->proc->mm;
    int32_t value;
    switch (cmd) {
    case LX_FIOCLEX:
    case LX_FIONCLEX: fd_set_cloexec(t->proc->files, fd, cmd == LX_FIOCLEX); return 0;
    case LX_FIONBIO:
        if (mm_copy_in(mm, &value, arg, sizeof(value)))
            return -LX_EFAULT;
        if (value)
            f->flags |= LX_O_NONBLOCK;
        else
            f->flags &= ~(unsigned)LX_O_NONBLOCK;
        return 0;
    case LX_FIONREAD:
        if (!inode_is_reg(file_inode(f)))
            break;
        value = (int32_t)(file_inode(f)->size - f->pos);
        return mm_copy_out(mm, arg, &value, sizeof(value)) ? -LX_EFAULT : 0;
    default: break;
    }
    return f->ops->ioctl ? f->ops->ioctl(f, t, cmd, arg) : -LX_ENOTTY;
}

static int64_t sys_ioctl(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int fd = arg_int(r->rdi);
    struct lx_file *f = sys_file_get(t, fd);
    if (!f)
        return -LX_EBADF;
    int64_t ret = ioctl_file(t, fd, f, arg_uint(r->rsi), r->rdx);
    file_put(f);
    return ret;
}

/* ---- pipes -------------------------------------------------------------- */

static int64_t make_pipe(struct lx_thread *t, uint64_t ufds, unsigned flags)
{
    if (flags & ~(unsigned)(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
        return -LX_EINVAL;
    struct lx_cred owner = sys_cred(t->proc);
    struct lx_file *rf, *wf;
    int err = pipe_create(&owner, flags, &rf, &wf);
    if (err < 0)
        return err;
    struct lx_files *files = t->proc->files;
    bool cloexec = flags & LX_O_CLOEXEC;
    int fds[2] = { fd_alloc(files, 0, rf, cloexec), -1 };
    if (fds[0] >= 0)
        fds[1] = fd_alloc(files, 0, wf, cloexec);
    file_put(rf);
    file_put(wf);
    int64_t ret = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : 0;
    if (ret == 0 && mm_copy_out(t->proc->mm, ufds, fds, sizeof(fds)))
        ret = -LX_EFAULT;
    if (ret < 0) {
        /* Nobody saw these descriptors: undo them. */
        if (fds[0] >= 0)
            fd_close(files, fds[0]);
        if (fds[1] >= 0)
            fd_close(files, fds[1]);
    }
    return ret;
}

static int64_t sys_pipe(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return make_pipe(t, r->rdi, 0);
}

static int64_t sys_pipe2(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return make_pipe(t, r->rdi, arg_uint(r->rsi));
}

/* ---- sendfile -------------------------------------------------------------- */

enum { SENDFILE_CHUNK = 16384 };

/* Copies from in at *pos to out: bytes copied, or LX_BLOCK when out must
 * be waited for before the first byte. */
static int64_t sendfile_copy(struct lx_thread *t, struct lx_file *in, struct lx_file *out, uint64_t *pos,
                             uint64_t count)
{
    uint8_t *buf = lx_malloc(SENDFILE_CHUNK);
    if (!buf)
        return -LX_ENOMEM;
    uint64_t done = 0;
    int64_t err = 0;
    while (done < count) {
        size_t want = count - done < SENDFILE_CHUNK ? (size_t)(count - done) : SENDFILE_CHUNK;
        struct lx_iovec seg;
        struct lx_uio u;
        uio_init_kernel(&u, &seg, buf, want);
        uint64_t rpos = *pos + done;
        int64_t got = in->ops->read(in, NULL, &u, &rpos);
        if (got <= 0) {
            err = got;
            break;
        }
        uio_init_kernel(&u, &seg, buf, (size_t)got);
        int64_t put = out->ops->write(out, t, &u, file_pos(out));
        if (put == LX_BLOCK) {
            if (done == 0) {
                lx_free(buf);
                return LX_BLOCK;
            }
            lx_unwait(t); /* it made progress: no waiting after all */
            break;
        }
        if (put <= 0) {
            err = put;
            break;
        }
        done += (uint64_t)put;
        if (put < got)
            break;
    }
    lx_free(buf);
    *pos += done;
    return done ? (int64_t)done : err;
}

static int64_t sys_sendfile(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t upos = r->rdx, count = r->r10;
    struct lx_file *in = sys_file_get(t, arg_int(r->rsi)), *out = NULL;
    int64_t ret = 0;
    int64_t pos = 0;
    if (!in || !(in->fmode & LX_FMODE_READ))
        ret = -LX_EBADF;
    else if (upos && !(in->fmode & LX_FMODE_SEEK))
        ret = -LX_ESPIPE;
    else if (upos && mm_copy_in(t->proc->mm, &pos, upos, sizeof(pos)))
        ret = -LX_EFAULT;
    else if (upos && pos < 0)
        ret = -LX_EINVAL;
    if (ret == 0 && (!(out = sys_file_get(t, arg_int(r->rdi))) || !(out->fmode & LX_FMODE_WRITE)))
        ret = -LX_EBADF;
    if (ret == 0 && (out->flags & LX_O_APPEND))
        ret = -LX_EINVAL;
    if (ret == 0 && !(in->fmode & LX_FMODE_SEEK))
        ret = -LX_EINVAL; /* only files are sent from here (not pipes, not devices) */
    if (ret == 0 && count) {
        if (count > LX_MAX_RW_COUNT)
            count = LX_MAX_RW_COUNT;
        uint64_t p = upos ? (uint64_t)pos : in->pos;
        ret = sendfile_copy(t, in, out, &p, count);
        if (ret > 0 && upos) {
            pos = (int64_t)p;
            if (mm_copy_out(t->proc->mm, upos, &pos, sizeof(pos)))
                ret = -LX_EFAULT;
        } else if (ret > 0) {
            in->pos = p;
        }
    }
    file_put(in);
    file_put(out);
    return ret;
}

/* ---- directories ------------------------------------------------------------ */

struct dirent_buf {
    uint8_t *buf;
    size_t size, used;
    bool full;
};

static bool dirent_fill(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
                        uint64_t next_pos)
{
    struct dirent_buf *d = ctx;
    size_t reclen = (LX_DIRENT64_NAME_OFFSET + len + 1 + 7) & ~(size_t)7;
    if (d->used + reclen > d->size) {
        d->full = true;
        return false;
    }
    uint8_t *rec = d->buf + d->used;
    int64_t off = (int64_t)next_pos;
    uint16_t rl = (uint16_t)reclen;
    memset(rec, 0, reclen);
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &off, 8);
    memcpy(rec + 16, &rl, 2);
    rec[18] = (uint8_t)dtype;
    memcpy(rec + LX_DIRENT64_NAME_OFFSET, name, len);
    d->used += reclen;
    return true;
}

static int64_t sys_getdents64(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t udirp = r->rsi;
    unsigned count = arg_uint(r->rdx);
    if (!sys_user_range_ok(udirp, count))
        return -LX_EFAULT;
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_inode *dir = file_inode(f);
    struct dirent_buf d = { .size = count < 65536 ? count : 65536 };
    int64_t ret = 0;
    if (!dir->ops->readdir || !inode_is_dir(dir))
        ret = -LX_ENOTDIR;
    else if (dir->nlink == 0)
        ret = -LX_ENOENT; /* a removed directory lists nothing, not even "." */
    else if (!(d.buf = lx_malloc(d.size ? d.size : 1)))
        ret = -LX_ENOMEM;
    uint64_t pos = f->pos;
    if (ret == 0)
        ret = dir->ops->readdir(dir, &pos, dirent_fill, &d);
    if (ret == 0 && d.used == 0 && d.full)
        ret = -LX_EINVAL; /* not even one entry fits */
    if (ret == 0 && d.used && mm_copy_out(t->proc->mm, udirp, d.buf, d.used))
        ret = -LX_EFAULT;
    if (ret == 0) {
        f->pos = pos;
        ret = (int64_t)d.used;
    }
    lx_free(d.buf);
    file_put(f);
    return ret;
}

/* ---- calls on a descriptor's inode ------------------------------------------ */

static int64_t sys_fstat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get_raw(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_stat st;
    inode_stat(file_inode(f), &st);
    file_put(f);
    return mm_copy_out(t->proc->mm, r->rsi, &st, sizeof(st)) ? -LX_EFAULT : 0;
}

static int64_t sys_fstatfs(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get_raw(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_statfs st;
    vfs_statfs(&f->path, &st);
    file_put(f);
    return mm_copy_out(t->proc->mm, r->rsi, &st, sizeof(st)) ? -LX_EFAULT : 0;
}

static int64_t sys_fsync(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_inode *ino = file_inode(f);
    int64_t ret = -LX_EINVAL; /* pipes, most devices and streams cannot be synced */
    if (inode_is_reg(ino) || inode_is_dir(ino))
        ret = ino->ops->fsync ? ino->ops->fsync(ino) : 0;
    else if (f->ops->fsync)
        ret = f->ops->fsync(f); /* a disk */
    file_put(f);
    return ret;
}

static int64_t sys_ftruncate(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int64_t length = (int64_t)r->rsi;
    if (length < 0)
        return -LX_EINVAL;
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    int64_t ret;
    if (!inode_is_reg(file_inode(f)) || !(f->fmode & LX_FMODE_WRITE))
        ret = -LX_EINVAL;
    else
        ret = vfs_truncate(NULL, &f->path, (uint64_t)length);
    file_put(f);
    return ret;
}

/* fallocate(fd, mode, offset, len): checked in Linux's order, then
 * EOPNOTSUPP: none of these file systems reserves blocks ahead (Linux's
 * ext2 does not either; glibc's posix_fallocate then writes zeros). */
static int64_t sys_fallocate(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int64_t offset = (int64_t)r->rdx, len = (int64_t)r->r10;
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF; /* the descriptor first (Linux's ksys_fallocate), then vfs_fallocate's order */
    struct lx_inode *ino = file_inode(f);
    uint32_t type = ino->mode & LX_S_IFMT;
    int64_t ret = -LX_EOPNOTSUPP;
    if (offset < 0 || len <= 0)
        ret = -LX_EINVAL;
    else if (!(f->fmode & LX_FMODE_WRITE))
        ret = -LX_EBADF;
    else if (type == LX_S_IFIFO)
        ret = -LX_ESPIPE;
    else if (type == LX_S_IFDIR)
        ret = -LX_EISDIR;
    else if (type != LX_S_IFREG && type != LX_S_IFBLK)
        ret = -LX_ENODEV;
    else if (offset > INT64_MAX - len)
        ret = -LX_EFBIG;
    file_put(f);
    return ret;
}

static int64_t sys_fchmod(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_cred c = sys_cred(t->proc);
    int64_t ret = vfs_chmod(&c, &f->path, arg_uint(r->rsi));
    file_put(f);
    return ret;
}

static int64_t sys_fchown(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_cred c = sys_cred(t->proc);
    int64_t ret = vfs_chown(&c, &f->path, arg_uint(r->rsi), arg_uint(r->rdx));
    file_put(f);
    return ret;
}

static int64_t sys_fchdir(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_file *f = sys_file_get_raw(t, arg_int(r->rdi));
    if (!f)
        return -LX_EBADF;
    struct lx_cred c = sys_cred(t->proc);
    int64_t ret = inode_is_dir(file_inode(f)) ? inode_permission(&c, file_inode(f), LX_X_OK) : -LX_ENOTDIR;
    if (ret == 0)
        fsinfo_set_cwd(t->proc->fs, &f->path);
    file_put(f);
    return ret;
}

/* ---- The table -------------------------------------------------------------- */

const struct lx_syscall_def lx_syscalls_file[] = {
    LX_SYSCALL(0, read, sys_read),
    LX_SYSCALL(1, write, sys_write),
    LX_SYSCALL(2, open, sys_open),
    LX_SYSCALL(3, close, sys_close),
    LX_SYSCALL(4, stat, sys_stat),
    LX_SYSCALL(5, fstat, sys_fstat),
    LX_SYSCALL(6, lstat, sys_lstat),
    LX_SYSCALL(7, poll, sys_poll),
    LX_SYSCALL(8, lseek, sys_lseek),
    LX_SYSCALL(16, ioctl, sys_ioctl),
    LX_SYSCALL(17, pread64, sys_pread64),
    LX_SYSCALL(18, pwrite64, sys_pwrite64),
    LX_SYSCALL(19, readv, sys_readv),
    LX_SYSCALL(20, writev, sys_writev),
    LX_SYSCALL(21, access, sys_access),
    LX_SYSCALL(22, pipe, sys_pipe),
    LX_SYSCALL(23, select, sys_select),
    LX_SYSCALL(32, dup, sys_dup),
    LX_SYSCALL(33, dup2, sys_dup2),
    LX_SYSCALL(40, sendfile, sys_sendfile),
    LX_SYSCALL(72, fcntl, sys_fcntl),
    LX_SYSCALL(74, fsync, sys_fsync),
    LX_SYSCALL(75, fdatasync, sys_fsync),
    LX_SYSCALL(76, truncate, sys_truncate),
    LX_SYSCALL(77, ftruncate, sys_ftruncate),
    LX_SYSCALL(79, getcwd, sys_getcwd),
    LX_SYSCALL(80, chdir, sys_chdir),
    LX_SYSCALL(81, fchdir, sys_fchdir),
    LX_SYSCALL(161, chroot, sys_chroot),
    LX_SYSCALL(285, fallocate, sys_fallocate),
    LX_SYSCALL(82, rename, sys_rename),
    LX_SYSCALL(83, mkdir, sys_mkdir),
    LX_SYSCALL(84, rmdir, sys_rmdir),
    LX_SYSCALL(85, creat, sys_creat),
    LX_SYSCALL(86, link, sys_link),
    LX_SYSCALL(87, unlink, sys_unlink),
    LX_SYSCALL(88, symlink, sys_symlink),
    LX_SYSCALL(89, readlink, sys_readlink),
    LX_SYSCALL(90, chmod, sys_chmod),
    LX_SYSCALL(91, fchmod, sys_fchmod),
    LX_SYSCALL(92, chown, sys_chown),
    LX_SYSCALL(93, fchown, sys_fchown),
    LX_SYSCALL(94, lchown, sys_lchown),
    LX_SYSCALL(95, umask, sys_umask),
    LX_SYSCALL(132, utime, sys_utime),
    LX_SYSCALL(133, mknod, sys_mknod),
    LX_SYSCALL(137, statfs, sys_statfs),
    LX_SYSCALL(138, fstatfs, sys_fstatfs),
    LX_SYSCALL(162, sync, sys_sync),
    LX_SYSCALL(165, mount, sys_mount),
    LX_SYSCALL(166, umount2, sys_umount2),
    LX_SYSCALL(217, getdents64, sys_getdents64),
    LX_SYSCALL(235, utimes, sys_utimes),
    LX_SYSCALL(257, openat, sys_openat),
    LX_SYSCALL(258, mkdirat, sys_mkdirat),
    LX_SYSCALL(259, mknodat, sys_mknodat),
    LX_SYSCALL(260, fchownat, sys_fchownat),
    LX_SYSCALL(262, newfstatat, sys_newfstatat),
    LX_SYSCALL(263, unlinkat, sys_unlinkat),
    LX_SYSCALL(264, renameat, sys_renameat),
    LX_SYSCALL(265, linkat, sys_linkat),
    LX_SYSCALL(266, symlinkat, sys_symlinkat),
    LX_SYSCALL(267, readlinkat, sys_readlinkat),
    LX_SYSCALL(268, fchmodat, sys_fchmodat),
    LX_SYSCALL(269, faccessat, sys_faccessat),
    LX_SYSCALL(270, pselect6, sys_pselect6),
    LX_SYSCALL(271, ppoll, sys_ppoll),
    LX_SYSCALL(280, utimensat, sys_utimensat),
    LX_SYSCALL(292, dup3, sys_dup3),
    LX_SYSCALL(293, pipe2, sys_pipe2),
    LX_SYSCALL(316, renameat2, sys_renameat2),
    LX_SYSCALL(332, statx, sys_statx),
    LX_SYSCALL(439, faccessat2, sys_faccessat2),
    { 0, NULL, NULL },
};
