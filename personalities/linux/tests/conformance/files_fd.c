/* Files, part 1 (issue 8 item 5): descriptors and I/O — open/openat flags, close, read,
 * write, readv, writev, pread64, pwrite64, lseek, dup/dup2/dup3, fcntl, pipe/pipe2, ioctl,
 * sendfile, poll/ppoll, standard input and standard error, with EFAULT, EBADF and the other
 * error cases.  compare.py gives it a known standard input (stdin.txt). */
#include "conformance.h"
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>

#define BAD_POINTER    ((void *)1)
#define KERNEL_POINTER ((void *)0xffff800000000000ul)

static void test_stdio(void)
{
    char buffer[4096];
    size_t total = 0;
    unsigned sum = 0;
    ssize_t n;
    while ((n = read(0, buffer, sizeof(buffer))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)buffer[i];
        total += (size_t)n;
    }
    say("standard input: %zu bytes, checksum %08x, ends with %s", total, sum,
        n == 0 ? "EOF" : errno_name(errno));
    static const char line[] = "this line goes to standard error\n";
    check(write(2, line, sizeof(line) - 1) == sizeof(line) - 1, "write to standard error");
}

static void test_read_write_seek(void)
{
    unlink("fd_test.txt");
    int fd = open("fd_test.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
    say("open returns the lowest free descriptor: %d", fd);
    check_errno(open("fd_test.txt", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST,
                "O_CREAT|O_EXCL of an existing file");
    check(write(fd, "0123456789", 10) == 10, "write 10 bytes");
    check(lseek(fd, 0, SEEK_CUR) == 10, "the offset moved to 10");
    char buffer[32] = { 0 };
    check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buffer, 4) == 4 && memcmp(buffer, "0123", 4) == 0,
          "lseek to 0 and read 4 bytes");
    check(lseek(fd, -2, SEEK_END) == 8 && read(fd, buffer, sizeof(buffer)) == 2 &&
              memcmp(buffer, "89", 2) == 0,
          "lseek to 2 before the end reads the last 2 bytes");
    check(read(fd, buffer, sizeof(buffer)) == 0, "read at the end returns 0");
    check_errno(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset");
    check_errno(lseek(fd, 0, 7), EINVAL, "lseek with whence 7");
    check(lseek(fd, 20, SEEK_SET) == 20 && write(fd, "x", 1) == 1, "write 10 bytes past the end");
    memset(buffer, 'z', sizeof(buffer));
    check(pread(fd, buffer, sizeof(buffer), 8) == 13 && buffer[0] == '8' && buffer[2] == 0 &&
              buffer[11] == 0 && buffer[12] == 'x',
          "the gap reads as zero bytes");
    check(lseek(fd, 0, SEEK_CUR) == 21, "pread does not move the offset");
    check(pwrite(fd, "AB", 2, 1) == 2 && lseek(fd, 0, SEEK_CUR) == 21, "pwrite does not move the offset");
    check(pread(fd, buffer, 4, 0) == 4 && memcmp(buffer, "0AB3", 4) == 0, "pwrite wrote at its offset");
    check_errno(pread(fd, buffer, 4, -1), EINVAL, "pread at a negative offset");

    struct iovec parts[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
    check(lseek(fd, 0, SEEK_SET) == 0 && writev(fd, parts, 3) == 5, "writev of 3 parts (one empty)");
    char a[2], b[3];
    struct iovec into[2] = { { a, 2 }, { b, 3 } };
    check(lseek(fd, 0, SEEK_SET) == 0 && readv(fd, into, 2) == 5 && memcmp(a, "ab", 2) == 0 &&
              memcmp(b, "cde", 3) == 0,
          "readv fills the parts in order");
    check_errno(writev(fd, parts, -1), EINVAL, "writev with a negative count");
    struct iovec bad = { BAD_POINTER, 4 };
    check_errno(writev(fd, &bad, 1), EFAULT, "writev from a bad pointer");

    check_errno(read(fd, BAD_POINTER, 4), EFAULT, "read into a bad pointer");
    check_errno(write(fd, BAD_POINTER, 4), EFAULT, "write from a bad pointer");
    check_errno(write(fd, KERNEL_POINTER, 4), EFAULT, "write from a kernel address");
    check_errno(write(1, BAD_POINTER, 4), EFAULT, "write to standard output from a bad pointer");
    check(read(fd, buffer, 0) == 0, "a read of 0 bytes");
    check(close(fd) == 0, "close");
    check_errno(close(fd), EBADF, "close of a closed descriptor");
    check_errno(read(fd, buffer, 1), EBADF, "read of a closed descriptor");
    check_errno(write(-1, "x", 1), EBADF, "write to descriptor -1");

    fd = open("fd_test.txt", O_RDONLY);
    check_errno(write(fd, "x", 1), EBADF, "write to an O_RDONLY descriptor");
    close(fd);
    fd = open("fd_test.txt", O_WRONLY | O_APPEND);
    check_errno(read(fd, buffer, 1), EBADF, "read from an O_WRONLY descriptor");
    check(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "END", 3) == 3 && lseek(fd, 0, SEEK_CUR) == 24,
          "O_APPEND writes at the end whatever the offset");
    close(fd);
    fd = open("fd_test.txt", O_RDWR | O_TRUNC);
    struct stat st;
    check(fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties the file");
    close(fd);
    check_errno(syscall(SYS_open, BAD_POINTER, O_RDONLY), EFAULT, "open of a bad path pointer");
    check_errno(syscall(SYS_openat, AT_FDCWD, BAD_POINTER, O_RDONLY), EFAULT, "openat of a bad path pointer");
}

static void test_dup_fcntl(void)
{
    int fd = open("fd_test.txt", O_RDWR);
    int copy = dup(fd);
    say("dup returns the lowest free descriptor: %d", copy);
    check(write(fd, "hello", 5) == 5 && lseek(copy, 0, SEEK_CUR) == 5, "a dup shares the file offset");
    check(dup2(fd, fd) == fd, "dup2 onto itself returns it");
    /* Raw dup3: musl's wrapper answers some cases itself and uses dup2 without O_CLOEXEC. */
    check_errno(syscall(SYS_dup3, fd, fd, 0), EINVAL, "dup3 onto itself");
    int high = dup2(fd, 40);
    check(high == 40 && fcntl(40, F_GETFD) == 0, "dup2 to 40, without FD_CLOEXEC");
    check(dup3(fd, 40, O_CLOEXEC) == 40 && fcntl(40, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC replaces 40");
    check_errno(syscall(SYS_dup3, fd, 41, 0x4), EINVAL, "dup3 with an unknown flag");
    check_errno(dup(99), EBADF, "dup of a closed descriptor");
    check_errno(dup2(99, 50), EBADF, "dup2 of a closed descriptor");
    check_errno(dup2(fd, -1), EBADF, "dup2 to -1");
    check_errno(dup2(fd, INT_MAX), EBADF, "dup2 beyond the descriptor limit");

    check(fcntl(fd, F_GETFD) == 0, "F_GETFD: no FD_CLOEXEC");
    check(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_SETFD FD_CLOEXEC");
    check(fcntl(copy, F_GETFD) == 0, "FD_CLOEXEC belongs to one descriptor, not its dup");
    int flags = fcntl(fd, F_GETFL);
    say("F_GETFL of O_RDWR: access mode %s", (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "other");
    check(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) == 0, "F_SETFL O_APPEND|O_NONBLOCK");
    flags = fcntl(copy, F_GETFL);
    check((flags & O_APPEND) && (flags & O_NONBLOCK) && (flags & O_ACCMODE) == O_RDWR,
          "status flags are shared by the dup; the access mode stays");
    check(fcntl(fd, F_SETFL, O_RDONLY) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
          "F_SETFL cannot change the access mode");
    say("F_DUPFD from 30: %d", fcntl(fd, F_DUPFD, 30));
    int cloexec = fcntl(fd, F_DUPFD_CLOEXEC, 30);
    say("F_DUPFD_CLOEXEC from 30: %d, FD_CLOEXEC %s", cloexec, yes(fcntl(cloexec, F_GETFD) == FD_CLOEXEC));
    check_errno(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD from -1");
    check_errno(fcntl(fd, 9999), EINVAL, "fcntl with an unknown command");
    check_errno(fcntl(99, F_GETFD), EBADF, "fcntl of a closed descriptor");
    for (int i = 3; i < 64; i++)
        close(i);
}

static void test_pipes(void)
{
    int fds[2];
    check(pipe(fds) == 0, "pipe");
    say("pipe descriptors: %d %d", fds[0], fds[1]);
    struct stat st;
    check(fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode), "a pipe is a FIFO");
    check(write(fds[1], "12345", 5) == 5, "write 5 bytes into the pipe");
    char buffer[16];
    check(read(fds[0], buffer, 3) == 3 && read(fds[0], buffer, sizeof(buffer)) == 2, "read them as 3 and 2");
    check_errno(lseek(fds[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe");
    check_errno(write(fds[0], "x", 1), EBADF, "write to the read end");
    check_errno(read(fds[1], buffer, 1), EBADF, "read from the write end");
    check((fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
              (fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
          "the ends are O_RDONLY and O_WRONLY");
    close(fds[1]);
    check(read(fds[0], buffer, sizeof(buffer)) == 0, "read after the writer closed returns 0");
    close(fds[0]);

    check(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2(O_CLOEXEC|O_NONBLOCK)");
    check(fcntl(fds[0], F_GETFD) == FD_CLOEXEC && fcntl(fds[1], F_GETFD) == FD_CLOEXEC,
          "both ends FD_CLOEXEC");
    check_errno(read(fds[0], buffer, 1), EAGAIN, "read of an empty non-blocking pipe");
    signal(SIGPIPE, SIG_IGN);
    close(fds[0]);
    check_errno(write(fds[1], "x", 1), EPIPE, "write without readers (SIGPIPE ignored)");
    close(fds[1]);
    signal(SIGPIPE, SIG_DFL);
    check_errno(syscall(SYS_pipe, BAD_POINTER), EFAULT, "pipe into a bad pointer");
    check_errno(pipe2(fds, 0x1), EINVAL, "pipe2 with an unknown flag");
}

static void test_ioctl(void)
{
    int fd = open("fd_test.txt", O_RDONLY);
    struct termios tio;
    struct winsize size;
    check_errno(ioctl(fd, TCGETS, &tio), ENOTTY, "TCGETS on a regular file");
    check_errno(ioctl(fd, TIOCGWINSZ, &size), ENOTTY, "TIOCGWINSZ on a regular file");
    int fds[2];
    pipe(fds);
    check_errno(ioctl(fds[0], TCGETS, &tio), ENOTTY, "TCGETS on a pipe");
    pid_t group;
    check_errno(ioctl(fds[1], TIOCGPGRP, &group), ENOTTY, "TIOCGPGRP on a pipe");
    check_errno(ioctl(99, TCGETS, &tio), EBADF, "ioctl of a closed descriptor");
    close(fds[0]);
    close(fds[1]);
    close(fd);
}

static void test_sendfile(void)
{
    int fd = open("fd_test.txt", O_RDWR | O_TRUNC);
    write(fd, "sendfile source text", 20);
    lseek(fd, 0, SEEK_SET);
    int fds[2];
    pipe(fds);
    check(sendfile(fds[1], fd, NULL, 8) == 8 && lseek(fd, 0, SEEK_CUR) == 8,
          "sendfile to a pipe moves the offset");
    off_t offset = 9;
    check(sendfile(fds[1], fd, &offset, 6) == 6 && offset == 15 && lseek(fd, 0, SEEK_CUR) == 8,
          "sendfile with an offset updates it and not the file's");
    char buffer[32] = { 0 };
    check(read(fds[0], buffer, sizeof(buffer)) == 14 && memcmp(buffer, "sendfilesource", 14) == 0,
          "the pipe holds what was sent");
    int out = open("fd_copy.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    offset = 0;
    check(sendfile(out, fd, &offset, 100) == 20, "sendfile of a whole file to a file (count past the end)");
    check(sendfile(out, fd, &offset, 100) == 0, "sendfile at the end returns 0");
    check_errno(sendfile(out, 99, NULL, 1), EBADF, "sendfile from a closed descriptor");
    check_errno(sendfile(fd, out, NULL, 1), EBADF, "sendfile from a write-only descriptor");
    check_errno(syscall(SYS_sendfile, out, fd, BAD_POINTER, 1), EFAULT, "sendfile with a bad offset pointer");
    close(out);
    close(fd);
    close(fds[0]);
    close(fds[1]);
}

static void test_poll(void)
{
    int fds[2];
    pipe(fds);
    int file = open("fd_test.txt", O_RDONLY);
    struct pollfd set[4] = {
        { fds[0], POLLIN, 0 }, { fds[1], POLLOUT, 0 }, { file, POLLIN | POLLOUT, 0 }, { -1, POLLIN, 7 }
    };
    int ready = poll(set, 4, 0); /* before reading revents: argument order is unspecified */
    say("poll, empty pipe: %d ready; revents %x %x %x %x", ready, set[0].revents, set[1].revents,
        set[2].revents, set[3].revents);
    write(fds[1], "x", 1);
    ready = poll(set, 1, 0);
    say("poll, one byte in the pipe: %d ready; read end revents %x", ready, set[0].revents);
    close(fds[1]);
    ready = poll(set, 1, -1);
    say("poll, writer closed: %d ready; read end revents %x", ready, set[0].revents);
    struct pollfd closed = { 99, POLLIN, 0 };
    ready = poll(&closed, 1, 0);
    say("poll, closed descriptor: %d ready; revents %x", ready, closed.revents);
    struct timespec zero = { 0, 0 };
    int other[2];
    pipe(other);
    struct pollfd empty = { other[0], POLLIN, 0 };
    say("ppoll, zero timeout: %d ready", ppoll(&empty, 1, &zero, NULL));
    struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
    say("ppoll, 10 ms timeout: %d ready", ppoll(&empty, 1, &ten_ms, NULL));
    check_errno(poll(BAD_POINTER, 1, 0), EFAULT, "poll of a bad pointer");
    check_errno(poll(set, (nfds_t)1 << 30, 0), EINVAL, "poll of more descriptors than allowed");
    struct timespec bad = { 0, 1000 * 1000 * 1000 };
    check_errno(ppoll(&empty, 1, &bad, NULL), EINVAL, "ppoll with tv_nsec of 1e9");
    close(fds[0]);
    close(other[0]);
    close(other[1]);
    close(file);
}

int main(void)
{
    test_stdio();
    test_read_write_seek();
    test_dup_fcntl();
    test_pipes();
    test_ioctl();
    test_sendfile();
    test_poll();
    return conformance_done();
}
