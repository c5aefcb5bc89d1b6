/* personalities/linux/tests/test_sys_file.c — the file system calls
 * through lx_syscalls_file, as a Linux thread makes them: arguments in
 * registers, buffers in (fake) user memory.  Results are the ones Linux
 * gives, including the errors for bad descriptors, bad pointers and bad
 * arguments, blocking (LX_BLOCK with the thread on the right queue), and
 * what waking does. */
#include "../fd.h"
#include "../file_abi.h"
#include "../pipe.h"
#include "../syscall.h"
#include "../vfs.h"
#include "check.h"
#include "host_env.h"
#include "sys_helper.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T sys_thread

/* A call that completed: the dispatcher clears these after a completion. */
static void completed(void)
{
    lx_unwait(T);
    T->call_deadline_ns = 0;
    T->timed_out = false;
}

#define U(s)        host_user_string(s)
#define RO_PAGE     (HOST_USER_BASE + HOST_USER_SIZE - HOST_USER_RO_SIZE)
#define UNMAPPED    0x1000ull
#define KERNEL_ADDR 0xffff800000000000ull /* not user space: refused before any copy */

static void setup(uint32_t uid)
{
    static const uint8_t empty[1024];
    CHECK(vfs_init_from_tar(empty, sizeof(empty)) == 0);
    T = host_thread_new(uid, uid);
    host_user_reset();
}

static void teardown(void)
{
    host_thread_free(T);
    vfs_unmount_all();
    CHECK(frames_in_use() == 0);
    CHECK(host_heap_live() == 0);
}

static uint64_t ubuf(size_t n)
{
    return host_user_alloc(n);
}

static int make_file(const char *path, const char *data)
{
    int fd = (int)SYS(NR_open, U(path), LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, 0644);
    uint64_t b = U(data);
    CHECK(SYS(NR_write, fd, b, strlen(data)) == (int64_t)strlen(data));
    CHECK(SYS(NR_close, fd) == 0);
    return fd;
}

static void test_read_write(void)
{
    setup(0);
    int fd = (int)SYS(NR_open, U("/tmp/f"), LX_O_CREAT | LX_O_RDWR, 0666);
    CHECK(fd == 0); /* the lowest free descriptor */
    uint64_t hello = U("hello, world");
    CHECK(SYS(NR_write, fd, hello, 12) == 12);
    CHECK(SYS(NR_lseek, fd, 0, LX_SEEK_CUR) == 12);
    CHECK(SYS(NR_lseek, fd, -5, LX_SEEK_END) == 7);
    uint64_t b = ubuf(64);
    CHECK(SYS(NR_read, fd, b, 64) == 5 && memcmp(host_user_ptr(b), "world", 5) == 0);
    CHECK(SYS(NR_read, fd, b, 64) == 0);
    CHECK(SYS(NR_lseek, fd, -1, LX_SEEK_SET) == -LX_EINVAL);
    CHECK(SYS(NR_lseek, fd, 0, 5) == -LX_EINVAL);
    CHECK(SYS(NR_lseek, fd, 100, LX_SEEK_DATA) == -LX_ENXIO);
    CHECK(SYS(NR_lseek, fd, 3, LX_SEEK_HOLE) == 12);
    CHECK(SYS(NR_pread64, fd, b, 5, 0) == 5 && memcmp(host_user_ptr(b), "hello", 5) == 0);
    CHECK(SYS(NR_lseek, fd, 0, LX_SEEK_CUR) == 12); /* pread leaves the offset */
    CHECK(SYS(NR_pread64, fd, b, 5, -1) == -LX_EINVAL);
    CHECK(SYS(NR_pwrite64, fd, U("J"), 1, 7) == 1);
    CHECK(SYS(NR_pread64, fd, b, 12, 0) == 12 && memcmp(host_user_ptr(b), "hello, Jorld", 12) == 0);
    /* Bad descriptors, wrong modes, bad memory. */
    CHECK(SYS(NR_read, 99, b, 1) == -LX_EBADF);
    CHECK(SYS(NR_read, -1, b, 1) == -LX_EBADF);
    CHECK(SYS(NR_read, fd, UNMAPPED, 1) == 0); /* at the end: nothing to copy, no fault */
    CHECK(SYS(NR_lseek, fd, 0, LX_SEEK_SET) == 0);
    CHECK(SYS(NR_read, fd, UNMAPPED, 1) == -LX_EFAULT);
    CHECK(SYS(NR_read, fd, RO_PAGE, 1) == -LX_EFAULT);
    CHECK(SYS(NR_read, fd, b, ~0ull >> 1) == -LX_EFAULT); /* past the end of user space */
    CHECK(SYS(NR_write, fd, UNMAPPED, 1) == -LX_EFAULT);
    CHECK(SYS(NR_read, fd, UNMAPPED, 0) == 0);
    CHECK(SYS(NR_write, fd, RO_PAGE, 4) == 4); /* reading read-only memory is fine */
    /* A read into memory that turns read-only half-way stops there. */
    int big = (int)SYS(NR_open, U("/tmp/big"), LX_O_CREAT | LX_O_RDWR, 0666);
    uint64_t pattern = ubuf(8192);
    memset(host_user_ptr(pattern), 'p', 8192);
    CHECK(SYS(NR_write, big, pattern, 8192) == 8192);
    CHECK(SYS(NR_lseek, big, 0, LX_SEEK_SET) == 0);
    CHECK(SYS(NR_read, big, RO_PAGE - 4096, 8192) == 4096);
    CHECK(SYS(NR_lseek, big, 0, LX_SEEK_CUR) == 4096);
    int ro = (int)SYS(NR_open, U("/tmp/f"), LX_O_RDONLY);
    CHECK(SYS(NR_write, ro, hello, 1) == -LX_EBADF);
    int wo = (int)SYS(NR_open, U("/tmp/f"), LX_O_WRONLY | LX_O_APPEND);
    CHECK(SYS(NR_read, wo, b, 1) == -LX_EBADF);
    CHECK(SYS(NR_pwrite64, wo, U("!"), 1, 0) == 1); /* O_APPEND: at the end anyway */
    struct lx_stat st;
    CHECK(SYS(NR_fstat, wo, b, 0) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK(st.st_size == 13 && (st.st_mode & LX_S_IFMT) == LX_S_IFREG && st.st_nlink == 1 &&
          st.st_blksize == 4096);
    CHECK(SYS(NR_fstat, wo, RO_PAGE, 0) == -LX_EFAULT);
    /* Directories. */
    int d = (int)SYS(NR_open, U("/tmp"), LX_O_RDONLY | LX_O_DIRECTORY);
    CHECK(SYS(NR_read, d, b, 10) == -LX_EISDIR);
    CHECK(SYS(NR_read, d, b, 0) == -LX_EISDIR);
    CHECK(SYS(NR_lseek, d, 0, LX_SEEK_END) == -LX_EINVAL);
    CHECK(SYS(NR_close, d) == 0 && SYS(NR_close, d) == -LX_EBADF);
    teardown();
}

static void test_vectors(void)
{
    setup(0);
    int fd = (int)SYS(NR_open, U("/tmp/v"), LX_O_CREAT | LX_O_RDWR, 0666);
    uint64_t iov = ubuf(3 * sizeof(struct lx_iovec));
    struct lx_iovec *v = host_user_ptr(iov);
    v[0] = (struct lx_iovec){ U("abc"), 3 };
    v[1] = (struct lx_iovec){ U(""), 0 };
    v[2] = (struct lx_iovec){ U("defg"), 4 };
    CHECK(SYS(NR_writev, fd, iov, 3) == 7);
    CHECK(SYS(NR_writev, fd, iov, 0) == 0);
    CHECK(SYS(NR_writev, fd, iov, 1025) == -LX_EINVAL);
    CHECK(SYS(NR_writev, fd, UNMAPPED, 1) == -LX_EFAULT);
    v[1].len = (uint64_t)-1;
    v[2].base = KERNEL_ADDR;
    CHECK(SYS(NR_writev, fd, iov, 3) == -LX_EINVAL); /* lengths are checked first */
    v[1].len = 0;
    CHECK(SYS(NR_writev, fd, iov, 3) == -LX_EFAULT);
    v[2].base = UNMAPPED; /* a fault in the middle: what came before counts */
    CHECK(SYS(NR_writev, fd, iov, 3) == 3);
    CHECK(SYS(NR_ftruncate, fd, 7) == 0);
    CHECK(SYS(NR_lseek, fd, 0, LX_SEEK_SET) == 0);
    uint64_t a = ubuf(16), c = ubuf(16);
    v[0] = (struct lx_iovec){ a, 2 };
    v[1] = (struct lx_iovec){ c, 16 };
    CHECK(SYS(NR_readv, fd, iov, 2) == 7);
    CHECK(memcmp(host_user_ptr(a), "ab", 2) == 0 && memcmp(host_user_ptr(c), "cdefg", 5) == 0);
    teardown();
}

static void test_descriptors(void)
{
    setup(0);
    int fd = (int)SYS(NR_open, U("/dev/null"), LX_O_RDWR | LX_O_CLOEXEC);
    CHECK(SYS(NR_fcntl, fd, LX_F_GETFD) == LX_FD_CLOEXEC);
    CHECK(SYS(NR_fcntl, fd, LX_F_GETFL) == (LX_O_RDWR | LX_O_LARGEFILE));
    CHECK(SYS(NR_fcntl, fd, LX_F_SETFL, LX_O_APPEND | LX_O_NONBLOCK | LX_O_RDONLY) == 0);
    CHECK(SYS(NR_fcntl, fd, LX_F_GETFL) == (LX_O_RDWR | LX_O_LARGEFILE | LX_O_APPEND | LX_O_NONBLOCK));
    int d = (int)SYS(NR_dup, fd);
    CHECK(d == fd + 1 && SYS(NR_fcntl, d, LX_F_GETFD) == 0);
    CHECK(SYS(NR_fcntl, fd, LX_F_DUPFD, 10) == 10);
    CHECK(SYS(NR_fcntl, fd, LX_F_DUPFD_CLOEXEC, 10) == 11 && SYS(NR_fcntl, 11, LX_F_GETFD) == LX_FD_CLOEXEC);
    CHECK(SYS(NR_fcntl, fd, LX_F_DUPFD, 1024) == -LX_EINVAL);
    CHECK(SYS(NR_fcntl, fd, 9999) == -LX_EINVAL);
    CHECK(SYS(NR_fcntl, fd, LX_F_GETPIPE_SZ) == -LX_EBADF);
    CHECK(SYS(NR_dup2, fd, fd) == fd);
    CHECK(SYS(NR_dup2, 77, 77) == -LX_EBADF);
    CHECK(SYS(NR_dup2, fd, 5) == 5);
    CHECK(SYS(NR_dup2, fd, 1024) == -LX_EBADF);
    CHECK(SYS(NR_dup3, fd, fd, 0) == -LX_EINVAL);
    CHECK(SYS(NR_dup3, fd, 6, 1) == -LX_EINVAL);
    CHECK(SYS(NR_dup3, fd, 6, LX_O_CLOEXEC) == 6 && SYS(NR_fcntl, 6, LX_F_GETFD) == LX_FD_CLOEXEC);
    CHECK(SYS(NR_ioctl, 6, LX_FIONCLEX, 0) == 0 && SYS(NR_fcntl, 6, LX_F_GETFD) == 0);
    CHECK(SYS(NR_ioctl, 6, LX_FIOCLEX, 0) == 0 && SYS(NR_fcntl, 6, LX_F_GETFD) == LX_FD_CLOEXEC);
    uint64_t zero = ubuf(4);
    CHECK(SYS(NR_ioctl, 6, LX_FIONBIO, zero) == 0 && !(SYS(NR_fcntl, fd, LX_F_GETFL) & LX_O_NONBLOCK));
    CHECK(SYS(NR_ioctl, 6, LX_FIONBIO, UNMAPPED) == -LX_EFAULT);
    CHECK(SYS(NR_ioctl, 6, LX_TCGETS, ubuf(64)) == -LX_ENOTTY);
    CHECK(SYS(NR_ioctl, 99, LX_TCGETS, 0) == -LX_EBADF);
    /* exec closes close-on-exec descriptors; fork shares descriptions. */
    struct lx_files *child = files_clone(T->proc->files);
    files_close_on_exec(T->proc->files);
    CHECK(SYS(NR_fcntl, fd, LX_F_GETFD) == -LX_EBADF && SYS(NR_fcntl, 11, LX_F_GETFD) == -LX_EBADF);
    CHECK(SYS(NR_fcntl, d, LX_F_GETFD) == 0);
    struct lx_file *mine = fd_get(T->proc->files, d), *theirs = fd_get(child, d);
    CHECK(mine && mine == theirs && fd_get_cloexec(child, fd));
    file_put(mine);
    file_put(theirs);
    files_put(child);
    /* Running out: EMFILE at RLIMIT_NOFILE, also for open. */
    int last = 0;
    for (int i = 0; i < LX_NOFILE_MAX; i++) {
        int64_t r = SYS(NR_dup, d);
        if (r < 0) {
            CHECK(r == -LX_EMFILE);
            break;
        }
        last = (int)r;
    }
    CHECK(last == LX_NOFILE_MAX - 1);
    CHECK(SYS(NR_open, U("/nonexistent"), LX_O_RDONLY) == -LX_EMFILE);
    CHECK(SYS(NR_pipe, ubuf(8)) == -LX_EMFILE);
    CHECK(SYS(NR_close, last) == 0);
    CHECK(SYS(NR_pipe, ubuf(8)) == -LX_EMFILE); /* one is not enough for two ends */
    CHECK(SYS(NR_fcntl, d, LX_F_GETFD) == 0);
    /* RLIMIT_NOFILE lowered (prlimit64): existing descriptors stay, new
     * ones stay below it; raised: up to the ceiling. */
    files_set_limit(T->proc->files, 16);
    CHECK(files_limit(T->proc->files) == 16 && SYS(NR_fcntl, 500, LX_F_GETFD) == 0);
    CHECK(SYS(NR_dup2, d, 20) == -LX_EBADF && SYS(NR_fcntl, d, LX_F_DUPFD, 16) == -LX_EINVAL);
    CHECK(SYS(NR_dup, d) == -LX_EMFILE && SYS(NR_open, U("/"), LX_O_RDONLY) == -LX_EMFILE);
    CHECK(SYS(NR_poll, ubuf(17 * 8), 17, 0) == -LX_EINVAL);
    for (int i = 3; i < LX_NOFILE_MAX; i++)
        SYS(NR_close, i);
    CHECK(SYS(NR_dup, d) == 3);
    struct lx_files *forked = files_clone(T->proc->files);
    CHECK(files_limit(forked) == 16);
    files_put(forked);
    files_set_limit(T->proc->files, 1ull << 40);
    CHECK(files_limit(T->proc->files) == LX_NOFILE_CEILING);
    CHECK(SYS(NR_dup2, d, 5000) == 5000 && SYS(NR_fcntl, d, LX_F_DUPFD, 60000) == 60000);
    files_set_limit(T->proc->files, 0);
    CHECK(files_limit(T->proc->files) == 1);
    teardown();
}

static void test_pipes(void)
{
    setup(0);
    uint64_t fds = ubuf(8);
    CHECK(SYS(NR_pipe2, fds, LX_O_CLOEXEC | LX_O_NONBLOCK | 1) == -LX_EINVAL);
    CHECK(SYS(NR_pipe, UNMAPPED) == -LX_EFAULT);
    CHECK(SYS(NR_fcntl, 0, LX_F_GETFD) == -LX_EBADF); /* the failed pipe left nothing */
    CHECK(SYS(NR_pipe, fds) == 0);
    int *pfd = host_user_ptr(fds), r = pfd[0], w = pfd[1];
    CHECK(r == 0 && w == 1);
    CHECK(SYS(NR_fcntl, r, LX_F_GETFL) == LX_O_RDONLY && SYS(NR_fcntl, w, LX_F_GETFL) == LX_O_WRONLY);
    CHECK(SYS(NR_fcntl, w, LX_F_GETPIPE_SZ) == LX_PIPE_SIZE);
    uint64_t st = ubuf(sizeof(struct lx_stat));
    CHECK(SYS(NR_fstat, r, st) == 0);
    struct lx_stat s1, s2;
    memcpy(&s1, host_user_ptr(st), sizeof(s1));
    CHECK(SYS(NR_fstat, w, st) == 0);
    memcpy(&s2, host_user_ptr(st), sizeof(s2));
    CHECK((s1.st_mode & LX_S_IFMT) == LX_S_IFIFO && s1.st_ino == s2.st_ino && s1.st_size == 0);
    CHECK(SYS(NR_lseek, r, 0, LX_SEEK_CUR) == -LX_ESPIPE);
    CHECK(SYS(NR_pread64, r, ubuf(4), 1, 0) == -LX_ESPIPE);
    CHECK(SYS(NR_write, r, U("x"), 1) == -LX_EBADF);

    /* Empty: a blocking read waits on the pipe; a write wakes it. */
    uint64_t b = ubuf(70000);
    CHECK(SYS(NR_read, r, b, 10) == LX_BLOCK);
    struct lx_file *rf = fd_get(T->proc->files, r);
    struct lx_pipe *p = rf->priv;
    CHECK(host_waiting_on(T, &p->readq));
    unsigned wakes = host_wake_count;
    lx_unwait(T);
    CHECK(SYS(NR_write, w, U("ping"), 4) == 4);
    completed();
    uint64_t n = ubuf(4);
    CHECK(SYS(NR_ioctl, r, LX_FIONREAD, n) == 0 && *(int *)host_user_ptr(n) == 4);
    CHECK(SYS(NR_read, r, b, 0) == 0);
    CHECK(SYS(NR_read, r, b, 10) == 4 && memcmp(host_user_ptr(b), "ping", 4) == 0);
    CHECK(SYS(NR_read, r, b, 10) == LX_BLOCK && host_wake_count == wakes);
    completed();
    CHECK(SYS(NR_fcntl, r, LX_F_SETFL, LX_O_NONBLOCK) == 0);
    CHECK(SYS(NR_read, r, b, 10) == -LX_EAGAIN && !T->waits);

    /* Full: 64 KiB fit; writes up to PIPE_BUF go in whole or wait. */
    memset(host_user_ptr(b), 'a', 70000);
    CHECK(SYS(NR_write, w, b, 70000) == LX_PIPE_SIZE); /* more than fits: a short write */
    CHECK(SYS(NR_write, w, b, 1) == LX_BLOCK && host_waiting_on(T, &p->writeq));
    completed();
    CHECK(SYS(NR_read, r, b, 4000) == 4000);
    CHECK(SYS(NR_write, w, b, 4096) == LX_BLOCK); /* 4000 free: not all of 4096 */
    completed();
    CHECK(SYS(NR_write, w, b, 5000) == 4000); /* over PIPE_BUF: what fits */
    CHECK(SYS(NR_fcntl, w, LX_F_SETFL, LX_O_NONBLOCK) == 0);
    CHECK(SYS(NR_write, w, b, 1) == -LX_EAGAIN);
    CHECK(SYS(NR_read, r, b, 100000) == LX_PIPE_SIZE);

    /* Data survives the ring's wrap-around in odd-sized pieces. */
    uint8_t *src = host_user_ptr(b);
    for (int i = 0; i < 70000; i++)
        src[i] = (uint8_t)(i * 7 + i / 251);
    uint64_t out = ubuf(70000);
    size_t sent = 0, got = 0;
    static uint8_t expect[400000];
    for (int round = 0; round < 60; round++) {
        size_t chunk = 1 + (size_t)(round * 977) % 6000;
        int64_t wrote = SYS(NR_write, w, b + (sent % 60000), chunk);
        if (wrote > 0) {
            memcpy(expect + sent, src + (sent % 60000), (size_t)wrote);
            sent += (size_t)wrote;
        }
        int64_t rd = SYS(NR_read, r, out, 1 + (size_t)(round * 1319) % 5000);
        if (rd > 0) {
            CHECK(memcmp(host_user_ptr(out), expect + got, (size_t)rd) == 0);
            got += (size_t)rd;
        }
    }
    CHECK(sent > 100000 && got > 100000);

    /* No writer left: EOF after the data; no reader left: SIGPIPE, EPIPE. */
    CHECK(SYS(NR_close, w) == 0);
    while (SYS(NR_read, r, out, 65536) > 0)
        ;
    CHECK(SYS(NR_read, r, out, 10) == 0);
    CHECK(SYS(NR_pipe2, fds, LX_O_NONBLOCK) == 0);
    CHECK(pfd[0] == 1);
    CHECK(SYS(NR_close, pfd[0]) == 0);
    T->sigpending = 0;
    CHECK(SYS(NR_write, pfd[1], U("x"), 1) == -LX_EPIPE);
    CHECK(T->sigpending == 1ull << (LX_SIGPIPE - 1));
    CHECK(SYS(NR_write, pfd[1], U("x"), 0) == 0); /* nothing to write: no EPIPE */
    file_put(rf);
    teardown();
}

static void test_poll_select(void)
{
    setup(0);
    uint64_t fds = ubuf(8);
    CHECK(SYS(NR_pipe, fds) == 0);
    int r = ((int *)host_user_ptr(fds))[0], w = ((int *)host_user_ptr(fds))[1];
    uint64_t pu = ubuf(4 * sizeof(struct lx_pollfd));
    struct lx_pollfd *pf = host_user_ptr(pu);
    pf[0] = (struct lx_pollfd){ r, LX_POLLIN, 77 };
    pf[1] = (struct lx_pollfd){ w, LX_POLLOUT, 0 };
    pf[2] = (struct lx_pollfd){ 500, LX_POLLIN, 0 };
    pf[3] = (struct lx_pollfd){ -1, LX_POLLIN, 5 };
    CHECK(SYS(NR_poll, pu, 4, 0) == 2);
    CHECK(pf[0].revents == 0 && pf[1].revents == (LX_POLLOUT) && pf[2].revents == LX_POLLNVAL &&
          pf[3].revents == 0);
    completed();
    /* Nothing ready: waits on the read end until the deadline. */
    CHECK(SYS(NR_poll, pu, 1, 1500) == LX_BLOCK);
    struct lx_file *rf = fd_get(T->proc->files, r);
    CHECK(host_waiting_on(T, &((struct lx_pipe *)rf->priv)->readq));
    uint64_t deadline = T->call_deadline_ns;
    CHECK(deadline == host_now_ns + 1500000000ull && T->deadline_ns == deadline);
    lx_unwait(T);
    host_now_ns += 1000000000ull; /* a wake-up that finds nothing: the same deadline */
    CHECK(SYS(NR_poll, pu, 1, 1500) == LX_BLOCK && T->call_deadline_ns == deadline);
    lx_unwait(T);
    host_now_ns += 600000000ull;
    T->timed_out = true;
    CHECK(SYS(NR_poll, pu, 1, 1500) == 0 && pf[0].revents == 0);
    completed();
    CHECK(SYS(NR_write, w, U("x"), 1) == 1);
    CHECK(SYS(NR_poll, pu, 1, -1) == 1 && pf[0].revents == LX_POLLIN);
    completed();
    CHECK(SYS(NR_poll, pu, 1025, 0) == -LX_EINVAL);
    CHECK(SYS(NR_poll, UNMAPPED, 1, 0) == -LX_EFAULT);
    CHECK(SYS(NR_poll, RO_PAGE, 1, 0) == -LX_EFAULT); /* revents cannot be written */
    CHECK(SYS(NR_poll, 0, 0, 0) == 0);
    /* ppoll: the timespec is checked and the time left written back. */
    uint64_t ts = ubuf(16);
    int64_t *tsv = host_user_ptr(ts);
    tsv[0] = 0;
    tsv[1] = 1000000000;
    CHECK(SYS(NR_ppoll, pu, 1, ts, 0, 8) == -LX_EINVAL);
    tsv[0] = 3;
    tsv[1] = 0;
    CHECK(SYS(NR_ppoll, pu, 1, ts, ubuf(8), 4) == -LX_EINVAL);
    CHECK(SYS(NR_ppoll, pu, 1, ts, UNMAPPED, 8) == -LX_EFAULT);
    CHECK(SYS(NR_ppoll, pu, 1, ts, ubuf(8), 8) == 1 && tsv[0] == 3 && tsv[1] == 0);
    completed();
    /* The writer closes: the reader sees POLLHUP after the data. */
    uint64_t b = ubuf(8);
    CHECK(SYS(NR_read, r, b, 8) == 1);
    CHECK(SYS(NR_close, w) == 0);
    CHECK(SYS(NR_poll, pu, 1, 0) == 1 && pf[0].revents == LX_POLLHUP);
    completed();

    /* select. */
    CHECK(SYS(NR_pipe, fds) == 0);
    w = ((int *)host_user_ptr(fds))[1];
    uint64_t rset = ubuf(128), wset = ubuf(128), tv = ubuf(16);
    uint64_t *rs = host_user_ptr(rset), *ws = host_user_ptr(wset);
    int r2 = ((int *)host_user_ptr(fds))[0];
    rs[0] = 1ull << r2;
    ws[0] = 1ull << w;
    int64_t *tvv = host_user_ptr(tv);
    tvv[0] = 0;
    tvv[1] = 2500000; /* whole seconds in tv_usec are folded in */
    CHECK(SYS(NR_select, 64, rset, wset, 0, tv) == 1 && rs[0] == 0 && ws[0] == 1ull << w);
    CHECK(tvv[0] == 2 && tvv[1] == 500000); /* no time passed */
    completed();
    rs[0] = 1ull << r2;
    ws[0] = 0;
    tvv[0] = 1;
    tvv[1] = 0;
    CHECK(SYS(NR_select, r2 + 1, rset, wset, 0, tv) == LX_BLOCK);
    completed();
    rs[0] = 1ull << 40;
    CHECK(SYS(NR_select, 64, rset, 0, 0, 0) == -LX_EBADF);
    tvv[0] = tvv[1] = 0;
    CHECK(SYS(NR_select, 40, rset, 0, 0, tv) == 0); /* fd 40 is past nfds */
    completed();
    CHECK(SYS(NR_select, -1, 0, 0, 0, 0) == -LX_EINVAL);
    tvv[0] = -1;
    CHECK(SYS(NR_select, 1, 0, 0, 0, tv) == -LX_EINVAL);
    CHECK(SYS(NR_select, 64, UNMAPPED, 0, 0, 0) == -LX_EFAULT);
    /* pselect6: its sigmask block is read. */
    uint64_t sig = ubuf(16), mask = ubuf(8);
    uint64_t *sv = host_user_ptr(sig);
    sv[0] = mask;
    sv[1] = 16;
    rs[0] = 0;
    CHECK(SYS(NR_pselect6, 64, rset, 0, 0, 0, sig) == -LX_EINVAL);
    sv[1] = 8;
    ws[0] = 1ull << w;
    CHECK(SYS(NR_pselect6, 64, 0, wset, 0, 0, sig) == 1);
    completed();
    file_put(rf);
    teardown();
}

static void test_paths(void)
{
    setup(0);
    CHECK(SYS(NR_mkdir, U("/tmp/d"), 0777) == 0);
    CHECK(SYS(NR_mkdir, U("/tmp/d"), 0777) == -LX_EEXIST);
    CHECK(SYS(NR_mkdir, UNMAPPED, 0777) == -LX_EFAULT);
    char longpath[LX_PATH_MAX + 1];
    memset(longpath, 'a', LX_PATH_MAX);
    longpath[LX_PATH_MAX] = 0;
    CHECK(SYS(NR_mkdir, U(longpath), 0777) == -LX_ENAMETOOLONG);
    CHECK(SYS(NR_mkdir, U(""), 0777) == -LX_ENOENT);
    CHECK(SYS(NR_chdir, U("/tmp/d")) == 0);
    uint64_t b = ubuf(256);
    CHECK(SYS(NR_getcwd, b, 256) == 7 && strcmp(host_user_ptr(b), "/tmp/d") == 0);
    CHECK(SYS(NR_getcwd, b, 6) == -LX_ERANGE);
    CHECK(SYS(NR_getcwd, RO_PAGE, 100) == -LX_EFAULT);
    make_file("rel", "relative");
    CHECK(SYS(NR_access, U("/tmp/d/rel"), LX_R_OK | LX_W_OK) == 0);
    CHECK(SYS(NR_access, U("rel"), 8) == -LX_EINVAL);
    CHECK(SYS(NR_chdir, U("rel")) == -LX_ENOTDIR);
    CHECK(SYS(NR_chdir, U("/nonexistent")) == -LX_ENOENT);
    /* *at calls: dirfd, AT_FDCWD, bad and non-directory dirfds. */
    int tmp = (int)SYS(NR_open, U("/tmp"), LX_O_RDONLY | LX_O_DIRECTORY);
    int file = (int)SYS(NR_openat, tmp, U("d/rel"), LX_O_RDONLY);
    CHECK(file >= 0);
    CHECK(SYS(NR_openat, file, U("x"), LX_O_RDONLY) == -LX_ENOTDIR);
    CHECK(SYS(NR_openat, 99, U("x"), LX_O_RDONLY) == -LX_EBADF);
    CHECK(SYS(NR_openat, 99, U("/tmp/d/rel"), LX_O_RDONLY) >= 0); /* absolute: dirfd ignored */
    CHECK(SYS(NR_mkdirat, tmp, U("d2"), 0700) == 0);
    CHECK(SYS(NR_unlinkat, tmp, U("d2"), 0) == -LX_EISDIR);
    CHECK(SYS(NR_unlinkat, tmp, U("d2"), 1) == -LX_EINVAL);
    CHECK(SYS(NR_unlinkat, tmp, U("d2"), LX_AT_REMOVEDIR) == 0);
    /* stat family. */
    CHECK(SYS(NR_symlink, U("rel"), U("lnk")) == 0);
    CHECK(SYS(NR_symlink, U(""), U("lnk2")) == -LX_ENOENT);
    struct lx_stat st;
    CHECK(SYS(NR_stat, U("lnk"), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK((st.st_mode & LX_S_IFMT) == LX_S_IFREG && st.st_size == 8);
    CHECK(SYS(NR_lstat, U("lnk"), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK((st.st_mode & LX_S_IFMT) == LX_S_IFLNK && st.st_size == 3 && (st.st_mode & 0777) == 0777);
    CHECK(SYS(NR_newfstatat, file, U(""), b, LX_AT_EMPTY_PATH) == 0);
    CHECK(SYS(NR_newfstatat, file, U(""), b, 0) == -LX_ENOENT);
    CHECK(SYS(NR_newfstatat, file, 0, b, LX_AT_EMPTY_PATH) == 0);
    CHECK(SYS(NR_newfstatat, LX_AT_FDCWD, U("lnk"), b, LX_AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(SYS(NR_newfstatat, LX_AT_FDCWD, U("lnk"), b, 0x8000) == -LX_EINVAL);
    CHECK(SYS(NR_stat, U("rel/"), b) == -LX_ENOTDIR);
    CHECK(SYS(NR_stat, U("rel"), RO_PAGE) == -LX_EFAULT);
    uint64_t sx = ubuf(sizeof(struct lx_statx));
    CHECK(SYS(NR_statx, LX_AT_FDCWD, U("lnk"), 0, LX_STATX_BASIC_STATS, sx) == 0);
    struct lx_statx *x = host_user_ptr(sx);
    CHECK(x->stx_mask == LX_STATX_BASIC_STATS && x->stx_size == 8 && (x->stx_mode & LX_S_IFMT) == LX_S_IFREG);
    CHECK(x->stx_nlink == 1 && x->stx_blksize == 4096 && x->stx_attributes == 0);
    CHECK(SYS(NR_statx, LX_AT_FDCWD, U("/"), 0, 0, sx) == 0 && x->stx_attributes == 0x2000);
    CHECK(SYS(NR_statx, LX_AT_FDCWD, U("/dev/null"), 0, 0, sx) == 0);
    CHECK(x->stx_rdev_major == 1 && x->stx_rdev_minor == 3 && x->stx_dev_major == 0 && x->stx_dev_minor > 32);
    CHECK(SYS(NR_statx, LX_AT_FDCWD, U("lnk"), 0, 0x80000000u, sx) == -LX_EINVAL);
    CHECK(SYS(NR_statx, LX_AT_FDCWD, U("lnk"), LX_AT_STATX_SYNC_TYPE, 0, sx) == -LX_EINVAL);
    CHECK(SYS(NR_statx, file, 0, LX_AT_EMPTY_PATH, 0, sx) == 0 && x->stx_size == 8);
    /* readlink, /proc/self/exe. */
    CHECK(SYS(NR_readlink, U("lnk"), b, 100) == 3 && memcmp(host_user_ptr(b), "rel", 3) == 0);
    CHECK(SYS(NR_readlink, U("lnk"), b, 2) == 2);
    CHECK(SYS(NR_readlink, U("lnk"), b, 0) == -LX_EINVAL);
    CHECK(SYS(NR_readlink, U("rel"), b, 100) == -LX_EINVAL);
    CHECK(SYS(NR_readlink, U("/proc/self/exe"), b, 100) == 17);
    CHECK(memcmp(host_user_ptr(b), "/bin/test-program", 17) == 0);
    CHECK(SYS(NR_readlinkat, file, U(""), b, 100) == -LX_ENOENT);
    /* stat and open of /proc/self/exe reach the program through procfs;
     * lstat sees the link. */
    CHECK(SYS(NR_stat, U("/proc/self/exe"), b) == -LX_ENOENT); /* no /bin/test-program yet */
    CHECK(SYS(NR_mkdir, U("/bin"), 0755) == 0);
    make_file("/bin/test-program", "#!");
    CHECK(SYS(NR_stat, U("/proc/self/exe"), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK(st.st_size == 2 && (st.st_mode & LX_S_IFMT) == LX_S_IFREG);
    CHECK(SYS(NR_lstat, U("/proc/self/exe"), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK((st.st_mode & LX_S_IFMT) == LX_S_IFLNK);
    CHECK(SYS(NR_openat, 99, U("/proc/self/exe"), LX_O_RDONLY) >= 0);
    CHECK(SYS(NR_stat, U("/proc/self/fd"), b) == 0);
    /* The name space through the system calls. */
    CHECK(SYS(NR_link, U("rel"), U("hard")) == 0);
    CHECK(SYS(NR_rename, U("hard"), U("moved")) == 0);
    CHECK(SYS(NR_unlink, U("moved")) == 0);
    CHECK(SYS(NR_rmdir, U("/tmp/d")) == -LX_ENOTEMPTY);
    CHECK(SYS(NR_chmod, U("rel"), 0400) == 0);
    CHECK(SYS(NR_truncate, U("rel"), -1) == -LX_EINVAL);
    CHECK(SYS(NR_truncate, U("rel"), 3) == 0);
    CHECK(SYS(NR_ftruncate, file, 0) == -LX_EINVAL); /* read-only descriptor */
    CHECK(SYS(NR_umask, 077) == 022 && SYS(NR_umask, 022) == 077);
    CHECK(SYS(NR_creat, U("c"), 0666) >= 0);
    CHECK(SYS(NR_stat, U("c"), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK((st.st_mode & 0777) == 0644);
    /* utimensat: both OMIT does nothing, not even look at the path. */
    uint64_t times = ubuf(32);
    int64_t *tv = host_user_ptr(times);
    tv[0] = 10;
    tv[1] = LX_UTIME_OMIT;
    tv[2] = 20;
    tv[3] = LX_UTIME_OMIT;
    CHECK(SYS(NR_utimensat, LX_AT_FDCWD, U("nothing-here"), times, 0) == 0);
    tv[3] = 5;
    CHECK(SYS(NR_utimensat, LX_AT_FDCWD, U("c"), times, 0) == 0);
    CHECK(SYS(NR_stat, U("c"), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK(st.st_mtim.tv_sec == 20 && st.st_mtim.tv_nsec == 5 && st.st_atim.tv_sec != 10);
    CHECK(SYS(NR_utimensat, file, 0, 0, 0) == 0);
    CHECK(SYS(NR_utimensat, LX_AT_FDCWD, 0, 0, 0) == -LX_EFAULT);
    CHECK(SYS(NR_utimensat, file, 0, 0, LX_AT_SYMLINK_NOFOLLOW) == -LX_EINVAL);
    /* statfs. */
    uint64_t sf = ubuf(sizeof(struct lx_statfs));
    CHECK(SYS(NR_statfs, U("/"), sf) == 0 &&
          ((struct lx_statfs *)host_user_ptr(sf))->f_type == LX_TMPFS_MAGIC);
    CHECK(SYS(NR_fstatfs, file, sf) == 0 && ((struct lx_statfs *)host_user_ptr(sf))->f_namelen == 255);
    /* fchdir, O_PATH. */
    int opath = (int)SYS(NR_open, U("/tmp"), LX_O_PATH | LX_O_RDWR);
    CHECK(SYS(NR_fcntl, opath, LX_F_GETFL) == LX_O_PATH);
    CHECK(SYS(NR_read, opath, b, 1) == -LX_EBADF);
    CHECK(SYS(NR_fstat, opath, b) == 0);
    CHECK(SYS(NR_fchdir, opath) == 0);
    CHECK(SYS(NR_getcwd, b, 256) == 5 && strcmp(host_user_ptr(b), "/tmp") == 0);
    CHECK(SYS(NR_fchdir, file) == -LX_ENOTDIR);
    CHECK(SYS(NR_fsync, file) == 0 && SYS(NR_fsync, opath) == -LX_EBADF);
    teardown();
}

static void test_access_ids(void)
{
    setup(0);
    make_file("/tmp/secret", "s");
    CHECK(SYS(NR_chmod, U("/tmp/secret"), 0600) == 0);
    T->proc->uid = 1000; /* real user differs from the effective root */
    CHECK(SYS(NR_access, U("/tmp/secret"), LX_R_OK) == -LX_EACCES);
    CHECK(SYS(NR_faccessat2, LX_AT_FDCWD, U("/tmp/secret"), LX_R_OK, LX_AT_EACCESS) == 0);
    CHECK(SYS(NR_faccessat2, LX_AT_FDCWD, U("/tmp/secret"), LX_R_OK, 0x1) == -LX_EINVAL);
    CHECK(SYS(NR_faccessat, LX_AT_FDCWD, U("/tmp/secret"), LX_F_OK) == 0);
    T->proc->euid = 1000;
    CHECK(SYS(NR_open, U("/tmp/secret"), LX_O_RDONLY) == -LX_EACCES);
    CHECK(SYS(NR_unlink, U("/tmp/secret")) == -LX_EPERM); /* sticky /tmp */
    CHECK(SYS(NR_mkdir, U("/etc"), 0755) == -LX_EACCES);
    T->proc->uid = T->proc->euid = 0;
    teardown();
}

static void test_getdents(void)
{
    setup(0);
    CHECK(SYS(NR_mkdir, U("/tmp/l"), 0755) == 0);
    make_file("/tmp/l/a", "");
    make_file("/tmp/l/bb", "");
    CHECK(SYS(NR_mkdir, U("/tmp/l/sub"), 0755) == 0);
    int d = (int)SYS(NR_open, U("/tmp/l"), LX_O_RDONLY | LX_O_DIRECTORY);
    uint64_t b = ubuf(4096);
    CHECK(SYS(NR_getdents64, d, b, 10) == -LX_EINVAL); /* not even "." fits */
    CHECK(SYS(NR_getdents64, d, UNMAPPED, 4096) == -LX_EFAULT);
    CHECK(SYS(NR_getdents64, 99, b, 4096) == -LX_EBADF);
    CHECK(SYS(NR_getdents64, d, b, 48) == 48); /* "." and ".." */
    int64_t n = SYS(NR_getdents64, d, b, 4096);
    CHECK(n == 24 + 24 + 24);
    uint8_t *p = host_user_ptr(b);
    const char *want[] = { "a", "bb", "sub" };
    const unsigned types[] = { LX_DT_REG, LX_DT_REG, LX_DT_DIR };
    for (int i = 0, off = 0; i < 3 && off < n; i++) {
        uint16_t reclen;
        memcpy(&reclen, p + off + 16, 2);
        CHECK(reclen == 24 && p[off + 18] == types[i] && strcmp((char *)p + off + 19, want[i]) == 0);
        off += reclen;
    }
    CHECK(SYS(NR_getdents64, d, b, 4096) == 0);
    CHECK(SYS(NR_lseek, d, 0, LX_SEEK_SET) == 0);
    CHECK(SYS(NR_getdents64, d, b, 4096) == 5 * 24);
    int f = (int)SYS(NR_open, U("/tmp/l/a"), LX_O_RDONLY);
    CHECK(SYS(NR_getdents64, f, b, 4096) == -LX_ENOTDIR);
    CHECK(SYS(NR_rmdir, U("/tmp/l/sub")) == 0);
    int sub = (int)SYS(NR_open, U("/tmp/l"), LX_O_RDONLY);
    CHECK(SYS(NR_unlink, U("/tmp/l/a")) == 0 && SYS(NR_unlink, U("/tmp/l/bb")) == 0);
    CHECK(SYS(NR_rmdir, U("/tmp/l")) == 0);
    CHECK(SYS(NR_getdents64, sub, b, 4096) == -LX_ENOENT);
    teardown();
}

static void test_devices_and_streams(void)
{
    setup(0);
    int null = (int)SYS(NR_open, U("/dev/null"), LX_O_RDWR);
    uint64_t b = ubuf(64);
    CHECK(SYS(NR_write, null, b, 64) == 64 && SYS(NR_read, null, b, 64) == 0);
    CHECK(SYS(NR_lseek, null, 100, LX_SEEK_SET) == 0);
    int full = (int)SYS(NR_open, U("/dev/full"), LX_O_RDWR);
    CHECK(SYS(NR_write, full, b, 1) == -LX_ENOSPC);
    memset(host_user_ptr(b), 1, 64);
    CHECK(SYS(NR_read, full, b, 64) == 64 && ((char *)host_user_ptr(b))[63] == 0);
    CHECK(SYS(NR_fsync, null) == -LX_EINVAL);
    /* kumiki-run's stdout. */
    struct lx_file *out = hostlink_file_open(1);
    CHECK(hostlink_file_open(3) == NULL);
    CHECK(files_install(T->proc->files, 9, out) == 0);
    host_stdout_len = 0;
    CHECK(SYS(NR_write, 9, U("to the host\n"), 12) == 12);
    CHECK(host_stdout_len == 12 && memcmp(host_stdout, "to the host\n", 12) == 0);
    CHECK(SYS(NR_read, 9, b, 1) == -LX_EBADF);
    CHECK(SYS(NR_ioctl, 9, LX_TCGETS, b) == -LX_ENOTTY);
    CHECK(SYS(NR_lseek, 9, 0, LX_SEEK_CUR) == -LX_ESPIPE);
    struct lx_stat st;
    CHECK(SYS(NR_fstat, 9, b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    CHECK((st.st_mode & LX_S_IFMT) == LX_S_IFIFO);
    uint64_t pu = ubuf(8);
    struct lx_pollfd *pf = host_user_ptr(pu);
    *pf = (struct lx_pollfd){ 9, LX_POLLOUT | LX_POLLIN, 0 };
    CHECK(SYS(NR_poll, pu, 1, 0) == 1 && pf->revents == LX_POLLOUT);
    /* sendfile from a file into the stream and into a pipe. */
    make_file("/tmp/src", "0123456789");
    int src = (int)SYS(NR_open, U("/tmp/src"), LX_O_RDONLY);
    uint64_t off = ubuf(8);
    *(int64_t *)host_user_ptr(off) = 4;
    host_stdout_len = 0;
    CHECK(SYS(NR_sendfile, 9, src, off, 3) == 3 && *(int64_t *)host_user_ptr(off) == 7);
    CHECK(host_stdout_len == 3 && memcmp(host_stdout, "456", 3) == 0);
    CHECK(SYS(NR_sendfile, 9, src, 0, 100) == 10 && SYS(NR_lseek, src, 0, LX_SEEK_CUR) == 10);
    CHECK(SYS(NR_sendfile, 9, src, 0, 100) == 0);
    *(int64_t *)host_user_ptr(off) = -1;
    CHECK(SYS(NR_sendfile, 9, src, off, 1) == -LX_EINVAL);
    CHECK(SYS(NR_sendfile, src, src, 0, 1) == -LX_EBADF);
    uint64_t fds = ubuf(8);
    CHECK(SYS(NR_pipe, fds) == 0);
    int *p = host_user_ptr(fds);
    CHECK(SYS(NR_sendfile, src, p[0], 0, 1) == -LX_EBADF);
    CHECK(SYS(NR_sendfile, p[1], p[0], 0, 1) == -LX_EINVAL); /* from a pipe: not here */
    *(int64_t *)host_user_ptr(off) = 0;
    CHECK(SYS(NR_sendfile, p[1], src, off, 10) == 10);
    CHECK(SYS(NR_read, p[0], b, 64) == 10 && memcmp(host_user_ptr(b), "0123456789", 10) == 0);
    int app = (int)SYS(NR_open, U("/tmp/app"), LX_O_CREAT | LX_O_WRONLY | LX_O_APPEND, 0600);
    CHECK(SYS(NR_sendfile, app, src, off, 1) == -LX_EINVAL);
    teardown();
}

/* What the rest of the personality calls: execve's open, the boot's
 * stdin, fork's copies. */
static void test_entry_points(void)
{
    setup(0);
    CHECK(SYS(NR_mkdir, U("/bin"), 0755) == 0);
    make_file("/bin/prog", "\177ELF");
    make_file("/bin/data", "x");
    CHECK(SYS(NR_chmod, U("/bin/prog"), 0755) == 0);
    CHECK(SYS(NR_symlink, U("prog"), U("/bin/alias")) == 0);
    struct lx_inode *ino = NULL;
    CHECK(vfs_open_exec(T->proc, "/bin/alias", &ino) == 0 && ino && inode_size(ino) == 4);
    char buf[8];
    CHECK(vfs_read_inode(ino, 1, buf, sizeof(buf)) == 3 && memcmp(buf, "ELF", 3) == 0);
    lx_frame_t page;
    CHECK(vfs_get_page(ino, 0, &page) == 0 && memcmp(frame_ptr(page), "\177ELF\0\0", 6) == 0);
    frame_unref(page);
    inode_put(ino);
    CHECK(vfs_open_exec(T->proc, "/bin/data", &ino) == -LX_EACCES); /* no x bit, even for root */
    CHECK(vfs_open_exec(T->proc, "/bin", &ino) == -LX_EACCES);
    CHECK(vfs_open_exec(T->proc, "/bin/missing", &ino) == -LX_ENOENT);
    CHECK(vfs_open_exec(T->proc, "/bin/prog/", &ino) == -LX_ENOTDIR);
    CHECK(vfs_open_exec(T->proc, "", &ino) == -LX_ENOENT);
    CHECK(SYS(NR_chdir, U("/bin")) == 0);
    CHECK(vfs_open_exec(T->proc, "prog", &ino) == 0);
    inode_put(ino);
    T->proc->euid = 1000;
    CHECK(SYS(NR_chmod, U("/bin/prog"), 0744) == -LX_EPERM);
    T->proc->euid = 0;
    CHECK(SYS(NR_chmod, U("/bin/prog"), 0744) == 0);
    T->proc->euid = 1000;
    CHECK(vfs_open_exec(T->proc, "prog", &ino) == -LX_EACCES);
    T->proc->euid = 0;

    struct lx_file *in = vfs_open_kernel("/bin/data", LX_O_RDONLY);
    CHECK(in && vfs_open_kernel("/nope", LX_O_RDONLY) == NULL);
    CHECK(files_install(T->proc->files, 0, in) == 0);
    uint64_t b = ubuf(8);
    CHECK(SYS(NR_read, 0, b, 8) == 1);
    struct lx_file *out = hostlink_file_open(2);
    CHECK(files_install(T->proc->files, LX_NOFILE_MAX, out) == -LX_EBADF); /* dropped */
    CHECK(files_install(T->proc->files, 0, NULL) == -LX_EINVAL);

    /* fork without CLONE_FS: its own cwd from then on. */
    struct lx_fsinfo *copy = fsinfo_clone(T->proc->fs);
    char cwd[32];
    CHECK(vfs_getcwd(copy, cwd, sizeof(cwd)) == 5 && strcmp(cwd, "/bin") == 0);
    CHECK(SYS(NR_chdir, U("/")) == 0);
    CHECK(vfs_getcwd(copy, cwd, sizeof(cwd)) == 5);
    fsinfo_get(copy);
    fsinfo_put(copy);
    fsinfo_put(copy);
    teardown();
}

int main(void)
{
    test_entry_points();
    test_read_write();
    test_vectors();
    test_descriptors();
    test_pipes();
    test_poll_select();
    test_paths();
    test_access_ids();
    test_getdents();
    test_devices_and_streams();
    return check_exit("linux_sys_file");
}
