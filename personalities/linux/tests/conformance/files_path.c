/* Files, part 2 (issue 8 item 5): names and directories — open/openat by path and their
 * errors (ENOENT, ENOTDIR, EISDIR, ELOOP, ENAMETOOLONG, EFAULT, EBADF), newfstatat (with
 * AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW), fstat, statx, getdents64, getcwd, chdir, readlink
 * (also of /proc/self/exe), chroot (in a child, as root; EPERM once root is given up) and
 * fallocate's refusals.  It makes its tree with mkdir, symlink and unlink, and sets
 * umask(022) first so that modes do not depend on the caller's umask. */
#include "conformance.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#define BAD_POINTER ((void *)1)

/* statx's structure and mask bits, as the kernel's linux/stat.h defines them (musl 1.2.3, in
 * Debian 12, has no statx); called through syscall(). */
struct statx_time {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct kernel_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, spare0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_time stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
_Static_assert(sizeof(struct kernel_statx) == 256, "struct statx is 256 bytes");
#define STATX_SIZE        0x200u
#define STATX_BASIC_STATS 0x7ffu

static void make_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0)
        check(0, "making %s: %s", path, errno_name(errno));
}

static void make_tree(void)
{
    umask(022);
    check(mkdir("tree", 0777) == 0, "mkdir tree");
    check_errno(mkdir("tree", 0777), EEXIST, "mkdir of an existing directory");
    check(mkdir("tree/sub", 0700) == 0, "mkdir tree/sub");
    make_file("tree/b", "bee");
    make_file("tree/a", "hello");
    make_file("tree/c", "");
    check(symlink("a", "tree/link") == 0, "symlink tree/link -> a");
    check(symlink("loop", "tree/loop") == 0, "symlink tree/loop -> loop");
    check(symlink("missing", "tree/dangling") == 0, "symlink tree/dangling -> missing");
}

static void test_stat(void)
{
    struct stat a, by_fd, via_link, link_itself, dir;
    check(stat("tree/a", &a) == 0, "stat tree/a");
    say("tree/a: regular %s, mode %o, size %lld, links %lu", yes(S_ISREG(a.st_mode)), a.st_mode & 07777,
        (long long)a.st_size, (unsigned long)a.st_nlink);
    check(a.st_mtime > 1577836800, "its mtime is after 2020");
    int fd = open("tree/a", O_RDONLY);
    check(fstat(fd, &by_fd) == 0 && by_fd.st_ino == a.st_ino && by_fd.st_dev == a.st_dev,
          "fstat: same inode");
    struct stat empty_path;
    check(fstatat(fd, "", &empty_path, AT_EMPTY_PATH) == 0 && empty_path.st_ino == a.st_ino,
          "newfstatat(fd, \"\", AT_EMPTY_PATH) is fstat");
    check(stat("tree/link", &via_link) == 0 && via_link.st_ino == a.st_ino, "stat follows a symlink");
    check(lstat("tree/link", &link_itself) == 0, "lstat of the symlink");
    say("tree/link itself: symlink %s, size %lld", yes(S_ISLNK(link_itself.st_mode)),
        (long long)link_itself.st_size);
    check(stat("tree/sub", &dir) == 0, "stat tree/sub");
    say("tree/sub: directory %s, mode %o", yes(S_ISDIR(dir.st_mode)), dir.st_mode & 07777);
    int dirfd = open("tree", O_RDONLY | O_DIRECTORY);
    struct stat relative;
    check(fstatat(dirfd, "a", &relative, 0) == 0 && relative.st_ino == a.st_ino,
          "newfstatat relative to a directory");
    check(fstatat(dirfd, "link", &relative, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(relative.st_mode),
          "newfstatat AT_SYMLINK_NOFOLLOW");
    struct stat cwd_stat;
    check(fstatat(AT_FDCWD, "", &cwd_stat, AT_EMPTY_PATH) == 0 && S_ISDIR(cwd_stat.st_mode),
          "newfstatat(AT_FDCWD, \"\", AT_EMPTY_PATH) is the working directory");

    struct kernel_statx sx;
    check(syscall(SYS_statx, AT_FDCWD, "tree/a", 0, STATX_BASIC_STATS, &sx) == 0, "statx tree/a");
    check((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, "statx fills the basic fields");
    say("statx tree/a: size %llu, mode %o, same inode %s", (unsigned long long)sx.stx_size,
        sx.stx_mode & 07777, yes(sx.stx_ino == a.st_ino));
    check(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx) == 0 && sx.stx_size == 5,
          "statx AT_EMPTY_PATH");

    /* Errors through the raw calls: musl's wrappers convert structures themselves. */
    struct stat st;
    check_errno(stat("tree/missing", &st), ENOENT, "stat of a missing file");
    check_errno(stat("tree/a/x", &st), ENOTDIR, "stat through a file as a directory");
    check_errno(stat("", &st), ENOENT, "stat of \"\"");
    check_errno(stat("tree/loop", &st), ELOOP, "stat of a symlink loop");
    check_errno(stat("tree/dangling", &st), ENOENT, "stat of a dangling symlink");
    check_errno(syscall(SYS_newfstatat, AT_FDCWD, BAD_POINTER, &st, 0), EFAULT,
                "newfstatat of a bad path pointer");
    check_errno(syscall(SYS_newfstatat, AT_FDCWD, "tree/a", BAD_POINTER, 0), EFAULT,
                "newfstatat into a bad pointer");
    check_errno(syscall(SYS_fstat, fd, BAD_POINTER), EFAULT, "fstat into a bad pointer");
    check_errno(syscall(SYS_fstat, 99, &st), EBADF, "fstat of a closed descriptor");
    check_errno(syscall(SYS_newfstatat, 99, "a", &st, 0), EBADF,
                "newfstatat relative to a closed descriptor");
    check_errno(syscall(SYS_newfstatat, fd, "a", &st, 0), ENOTDIR, "newfstatat relative to a file");
    check_errno(syscall(SYS_newfstatat, AT_FDCWD, "tree/a", &st, 0x40000000), EINVAL,
                "newfstatat with unknown flags");
    check_errno(syscall(SYS_statx, AT_FDCWD, "tree/a", 0x40000000, STATX_BASIC_STATS, &sx), EINVAL,
                "statx with unknown flags");
    check_errno(syscall(SYS_statx, AT_FDCWD, "tree/a", 0, STATX_BASIC_STATS, BAD_POINTER), EFAULT,
                "statx into a bad pointer");
    close(fd);
    close(dirfd);
}

static void test_open_paths(void)
{
    check_errno(open("tree/missing", O_RDONLY), ENOENT, "open of a missing file");
    check_errno(open("tree/sub", O_WRONLY), EISDIR, "open of a directory for writing");
    check_errno(open("tree/a/x", O_RDONLY), ENOTDIR, "open through a file as a directory");
    check_errno(open("tree/a", O_RDONLY | O_DIRECTORY), ENOTDIR, "open O_DIRECTORY of a file");
    check_errno(open("tree/nodir/x", O_WRONLY | O_CREAT, 0644), ENOENT, "O_CREAT in a missing directory");
    check_errno(open("", O_RDONLY), ENOENT, "open of \"\"");
    check_errno(open("tree/loop", O_RDONLY), ELOOP, "open of a symlink loop");
    check_errno(open("tree/link", O_RDONLY | O_NOFOLLOW), ELOOP, "open O_NOFOLLOW of a symlink");
    char long_name[NAME_MAX + 2];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    check_errno(open(long_name, O_RDONLY), ENAMETOOLONG, "open of a name longer than NAME_MAX");
    static char long_path[PATH_MAX + 2];
    for (size_t i = 0; i < PATH_MAX + 1; i++)
        long_path[i] = i % 2 ? '/' : 'p';
    check_errno(open(long_path, O_RDONLY), ENAMETOOLONG, "open of a path longer than PATH_MAX");
    check_errno(syscall(SYS_open, BAD_POINTER, O_RDONLY), EFAULT, "open of a bad path pointer");

    int fd = open("tree/link", O_RDONLY);
    char text[8] = { 0 };
    check(fd >= 0 && read(fd, text, sizeof(text)) == 5 && strcmp(text, "hello") == 0,
          "open follows a symlink");
    close(fd);
    int dirfd = open("tree", O_RDONLY | O_DIRECTORY);
    fd = openat(dirfd, "b", O_RDONLY);
    check(fd >= 0 && read(fd, text, sizeof(text)) == 3, "openat relative to a directory");
    close(fd);
    fd = openat(dirfd, "/proc/self/exe", O_RDONLY);
    check(fd >= 0, "openat of an absolute path ignores the directory");
    check_errno(openat(fd, "x", O_RDONLY), ENOTDIR, "openat relative to a file");
    close(fd);
    check_errno(openat(99, "x", O_RDONLY), EBADF, "openat relative to a closed descriptor");
    check_errno(read(dirfd, text, 1), EISDIR, "read of a directory");
    close(dirfd);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char type_letter(unsigned char type)
{
    return type == DT_REG ? 'f' : type == DT_DIR ? 'd' : type == DT_LNK ? 'l' : '?';
}

/* The kernel's linux_dirent64 (musl's struct dirent has a fixed 256-byte name). */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void test_getdents(void)
{
    int fd = open("tree", O_RDONLY | O_DIRECTORY);
    char buffer[128]; /* small: the listing takes more than one call */
    char *names[32];
    int count = 0, calls = 0, aligned = 1;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buffer, sizeof(buffer))) > 0) {
        calls++;
        for (long at = 0; at < n;) {
            struct linux_dirent64 *entry = (struct linux_dirent64 *)(buffer + at);
            if (count < 32) {
                names[count] = malloc(strlen(entry->d_name) + 3);
                sprintf(names[count++], "%s:%c", entry->d_name, type_letter(entry->d_type));
            }
            aligned &= entry->d_reclen % 8 == 0 && entry->d_reclen > 0;
            if (entry->d_reclen == 0)
                break;
            at += entry->d_reclen;
        }
    }
    check(n == 0, "getdents64 ends with 0");
    check(aligned, "every d_reclen is a positive multiple of 8");
    check(calls > 1, "a 128-byte buffer takes more than one call for 9 entries");
    qsort(names, (size_t)count, sizeof(names[0]), by_name);
    printf("tree holds:");
    for (int i = 0; i < count; i++)
        printf(" %s", names[i]);
    printf("\n");
    check(syscall(SYS_getdents64, fd, buffer, sizeof(buffer)) == 0, "getdents64 again at the end returns 0");
    check(lseek(fd, 0, SEEK_SET) == 0 && syscall(SYS_getdents64, fd, buffer, sizeof(buffer)) > 0,
          "lseek to 0 rewinds the directory");
    lseek(fd, 0, SEEK_SET); /* at the end there is nothing to copy, and so no error */
    check_errno(syscall(SYS_getdents64, fd, buffer, 8), EINVAL,
                "getdents64 into a buffer too small for an entry");
    lseek(fd, 0, SEEK_SET);
    check_errno(syscall(SYS_getdents64, fd, BAD_POINTER, sizeof(buffer)), EFAULT,
                "getdents64 into a bad pointer");
    close(fd);
    fd = open("tree/a", O_RDONLY);
    check_errno(syscall(SYS_getdents64, fd, buffer, sizeof(buffer)), ENOTDIR, "getdents64 of a file");
    close(fd);
    check_errno(syscall(SYS_getdents64, 99, buffer, sizeof(buffer)), EBADF,
                "getdents64 of a closed descriptor");
}

static void test_cwd(void)
{
    char start[PATH_MAX], inside[PATH_MAX], back[PATH_MAX];
    check(getcwd(start, sizeof(start)) == start && start[0] == '/', "getcwd gives an absolute path");
    long length = syscall(SYS_getcwd, back, sizeof(back));
    check(length == (long)strlen(start) + 1, "the getcwd system call returns the length with the NUL");
    check(chdir("tree/sub") == 0, "chdir tree/sub");
    check(getcwd(inside, sizeof(inside)) != NULL && strncmp(inside, start, strlen(start)) == 0 &&
              strcmp(inside + strlen(start), "/tree/sub") == 0,
          "getcwd is the old one plus /tree/sub");
    check(chdir("../..") == 0 && getcwd(back, sizeof(back)) != NULL && strcmp(back, start) == 0,
          "chdir ../.. returns to it");
    check_errno(chdir("tree/a"), ENOTDIR, "chdir to a file");
    check_errno(chdir("tree/missing"), ENOENT, "chdir to a missing directory");
    check_errno(syscall(SYS_chdir, BAD_POINTER), EFAULT, "chdir of a bad path pointer");
    check_errno(syscall(SYS_getcwd, back, 1), ERANGE, "getcwd into a 1-byte buffer");
    check_errno(syscall(SYS_getcwd, BAD_POINTER, sizeof(back)), EFAULT, "getcwd into a bad pointer");
    int fd = open("tree/b", O_RDONLY);
    check(fd >= 0, "a relative open after chdir back");
    close(fd);
}

static void test_readlink(void)
{
    char target[PATH_MAX];
    ssize_t n = readlink("tree/link", target, sizeof(target));
    say("readlink tree/link: %zd bytes, '%.*s'", n, (int)(n > 0 ? n : 0), target);
    memset(target, 'z', 4);
    check(readlink("tree/dangling", target, 3) == 3 && memcmp(target, "misz", 4) == 0,
          "readlink truncates to the buffer, without a NUL");
    check_errno(readlink("tree/a", target, sizeof(target)), EINVAL, "readlink of a regular file");
    check_errno(readlink("tree/missing", target, sizeof(target)), ENOENT, "readlink of a missing file");
    check_errno(syscall(SYS_readlink, "tree/link", target, 0), EINVAL, "readlink with size 0");
    check_errno(syscall(SYS_readlink, "tree/link", BAD_POINTER, 10), EFAULT, "readlink into a bad pointer");
    n = readlink("/proc/self/exe", target, sizeof(target) - 1);
    struct stat named, self;
    if (n > 0)
        target[n] = 0;
    check(n > 0 && target[0] == '/' && stat(target, &named) == 0 && stat("/proc/self/exe", &self) == 0 &&
              named.st_ino == self.st_ino && named.st_dev == self.st_dev,
          "readlink /proc/self/exe names this program by an absolute path");
}

/* chroot in a child: the tree becomes "/", ".." stays inside, the working directory is not
 * moved (it is outside the new root, so getcwd says "(unreachable)"), and a process that gave up
 * root may not (EPERM after the search permission). */
static void test_chroot(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() != 0) {
            say("chroot: not root, nothing to compare");
            _exit(0);
        }
        check_errno(chroot("tree/a"), ENOTDIR, "chroot to a file");
        check_errno(chroot("tree/missing"), ENOENT, "chroot to a missing directory");
        char before[PATH_MAX];
        check(getcwd(before, sizeof(before)) != NULL, "getcwd before chroot");
        int proc_self = open("/proc/self", O_RDONLY | O_DIRECTORY);
        check(chroot("tree") == 0, "chroot tree");
        char link[PATH_MAX];
        ssize_t ln = readlinkat(proc_self, "cwd", link, sizeof(link) - 1);
        link[ln > 0 ? ln : 0] = 0;
        check(ln > 0 && strcmp(link, before) == 0,
              "/proc/self/cwd names it from the real root, unmarked (d_path, not getcwd)");
        close(proc_self);
        char cwd[PATH_MAX];
        long n = syscall(SYS_getcwd, cwd, sizeof(cwd));
        say("getcwd after chroot starts with '%.13s'", n > 0 ? cwd : "");
        check(n > 13 && (size_t)n == strlen(cwd) + 1 && strcmp(cwd + 13, before) == 0,
              "the rest is the working directory's path from the real root");
        char text[8] = { 0 };
        int fd = open("/b", O_RDONLY);
        check(fd >= 0 && read(fd, text, sizeof(text) - 1) == 3 && strcmp(text, "bee") == 0,
              "/b is tree/b inside the new root");
        close(fd);
        check(chdir("/") == 0 && chdir("..") == 0 && open("b", O_RDONLY) >= 0,
              "/.. is / inside the new root");
        check(setuid(65534) == 0 && geteuid() == 65534, "give up root");
        check_errno(chroot("sub"), EACCES, "chroot without search permission: EACCES first");
        check_errno(chroot("/"), EPERM, "chroot without root: EPERM");
        _exit(conformance_failures ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the chroot child passed its checks");
}

/* fallocate's refusals, each before the next in Linux's order; on these file systems the call
 * itself is EOPNOTSUPP, as on Linux's ext2, so only refusals are compared. */
static void test_fallocate(void)
{
    check_errno(syscall(SYS_fallocate, 999, 0, -1L, 10L), EBADF,
                "fallocate: the descriptor before the range");
    int dir = open("tree", O_RDONLY | O_DIRECTORY);
    check_errno(syscall(SYS_fallocate, dir, 0, 0L, 10L), EBADF, "fallocate on a directory opened read-only");
    close(dir);
    int fd = open("tree/b", O_RDONLY);
    check_errno(syscall(SYS_fallocate, fd, 0, -1L, 10L), EINVAL, "fallocate at a negative offset");
    check_errno(syscall(SYS_fallocate, fd, 0, 0L, 0L), EINVAL, "fallocate of 0 bytes");
    check_errno(syscall(SYS_fallocate, 999, 0, 0L, 10L), EBADF, "fallocate on a closed descriptor");
    check_errno(syscall(SYS_fallocate, fd, 0, 0L, 10L), EBADF, "fallocate on a read-only descriptor");
    close(fd);
    int p[2];
    check(pipe(p) == 0, "pipe");
    check_errno(syscall(SYS_fallocate, p[1], 0, 0L, 10L), ESPIPE, "fallocate on a pipe");
    int w = open("tree/b", O_WRONLY);
    check_errno(syscall(SYS_fallocate, w, 0, 1L, INT64_MAX), EFBIG, "fallocate past the largest offset");
    close(w);
    close(p[0]);
    close(p[1]);
}

static void test_unlink(void)
{
    int fd = open("tree/c", O_RDWR);
    check(unlink("tree/c") == 0, "unlink tree/c while it is open");
    check_errno(open("tree/c", O_RDONLY), ENOENT, "the name is gone");
    struct stat st;
    check(write(fd, "still", 5) == 5 && fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 5,
          "the open file lives on with no links");
    close(fd);
    check_errno(unlink("tree/sub"), EISDIR, "unlink of a directory");
    check_errno(unlink("tree/missing"), ENOENT, "unlink of a missing file");
    check(unlink("tree/link") == 0 && stat("tree/a", &st) == 0, "unlink of a symlink leaves its target");
}

int main(void)
{
    make_tree();
    test_stat();
    test_open_paths();
    test_getdents();
    test_cwd();
    test_readlink();
    test_chroot();
    test_fallocate();
    test_unlink();
    return conformance_done();
}
