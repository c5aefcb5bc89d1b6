/* personalities/linux/bench/linux_fs_bench.c — issue 9's file-system
 * figures: one static program run unchanged under the Linux personality
 * (tools/kumiki-run --icount --disk) and under Linux in the same QEMU setup
 * (tools/linux_bench), each on a fresh copy of the same ext2 image
 * (linux_fs_bench_disk.py makes it with mke2fs -d):
 *
 *   DIR/file_1m     1 MiB, byte at offset o = (o / 4096 * 7 + o % 251) mod 256
 *   DIR/dir_1000/   1,000 empty files entry_0000 .. entry_0999, linear
 *                   (the image has no dir_index: both sides read blocks of
 *                   entries in disk order)
 *
 * Figures, in guest instructions per operation (under
 * -icount shift=0,sleep=off rdtsc counts instructions), each the median of
 * ROUNDS rounds of REPEAT operations after one warm-up round, so that every
 * block is in the file system's cache and the figures are the CPU path:
 *
 *   linux_fs_read_4k        pread of 4 KiB, the 256 pages of file_1m in turn
 *   linux_fs_write_4k       pwrite of 4 KiB over them (same bytes back)
 *   linux_fs_create_unlink  open(O_CREAT|O_EXCL) + close + unlink in DIR
 *   linux_fs_ls_1000        what `ls dir_1000` asks of the kernel:
 *                           open(O_DIRECTORY) + getdents64 until it returns
 *                           0 + close, with glibc's 32 KiB opendir buffer
 *                           (Debian's ls and busybox are glibc programs)
 *
 *   linux_fs_bench [--mount DEVICE] DIR
 *
 * --mount DEVICE: mount the ext2 file system on DEVICE at DIR first (type
 * "ext2", else "ext4", which reads it too) and unmount it at the end, so
 * that the disk is left clean.  Under Linux (tools/linux_bench
 * --program) nothing is mounted beyond /dev, /proc and /sys; under Kumiki
 * the personality mounts the disk at /mnt itself.
 *
 * Any failure says what failed and exits 1 before printing a figure that
 * could be wrong. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
    ROUNDS = 5,
    PAGE = 4096,
    FILE_PAGES = 256,        /* file_1m */
    DIR_ENTRIES = 1000,      /* dir_1000, besides "." and ".." */
    GETDENTS_BUFFER = 32768, /* glibc's opendir buffer for a directory */
    PATH_MAX_BENCH = 512,
};

static const char *dir;
static char file_path[PATH_MAX_BENCH], big_dir_path[PATH_MAX_BENCH], created_path[PATH_MAX_BENCH];
static int file_fd = -1;
static unsigned char page_buf[PAGE];
static unsigned char pattern[FILE_PAGES * PAGE]; /* what file_1m holds */
static unsigned char dirents[GETDENTS_BUFFER] __attribute__((aligned(8)));

/* Under -icount shift=0,sleep=off the time stamp counter advances by one
 * per guest instruction, and by the time the CPU is halted.  Nothing
 * measured here waits for the disk (the warm-up round leaves every block
 * it touches in the cache, and nothing is synced), so a window holds no
 * halted time: only the instructions of the operations, the kernel's and
 * the servers' included, and whatever timer ticks fell into it. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *format, ...)
{
    int error = errno;
    va_list ap;
    fputs("linux_fs_bench: ", stderr);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(error));
    exit(1);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail_check(const char *format, ...)
{
    va_list ap;
    fputs("linux_fs_bench: ", stderr);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* The content of file_1m; linux_fs_bench_disk.py writes the same. */
static void make_pattern(void)
{
    for (size_t offset = 0; offset < sizeof(pattern); offset++)
        pattern[offset] = (unsigned char)(offset / PAGE * 7 + offset % 251);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef void (*op_fn)(unsigned n);

/* One warm-up round, then the median of ROUNDS rounds of `repeat`
 * operations, per operation. */
static void report(const char *name, op_fn op, unsigned repeat)
{
    uint64_t rounds[ROUNDS];
    op(repeat);
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t start = rdtsc();
        op(repeat);
        rounds[r] = (rdtsc() - start) / repeat;
    }
    qsort(rounds, ROUNDS, sizeof(rounds[0]), cmp_u64);
    printf("BENCH %s %llu instructions\n", name, (unsigned long long)rounds[ROUNDS / 2]);
    fflush(stdout);
}

static void op_read(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        off_t offset = (off_t)(i % FILE_PAGES) * PAGE;
        ssize_t got = pread(file_fd, page_buf, PAGE, offset);
        if (got != PAGE) {
            if (got < 0)
                fail("pread of %s at %lld", file_path, (long long)offset);
            fail_check("pread of %s at %lld: %zd bytes, not %d", file_path, (long long)offset, got, PAGE);
        }
    }
}

/* Each page gets its own bytes back: the file stays the pattern. */
static void op_write(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        off_t offset = (off_t)(i % FILE_PAGES) * PAGE;
        ssize_t put = pwrite(file_fd, pattern + offset, PAGE, offset);
        if (put != PAGE) {
            if (put < 0)
                fail("pwrite of %s at %lld", file_path, (long long)offset);
            fail_check("pwrite of %s at %lld: %zd bytes, not %d", file_path, (long long)offset, put, PAGE);
        }
    }
}

static void op_create_unlink(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int fd = open(created_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
            fail("create %s", created_path);
        if (close(fd))
            fail("close %s", created_path);
        if (unlink(created_path))
            fail("unlink %s", created_path);
    }
}

/* Entries in one listing of big_dir_path (what `ls` reads before it sorts
 * and prints). */
static unsigned list_big_dir(void)
{
    int fd = open(big_dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail("open %s", big_dir_path);
    unsigned entries = 0;
    for (;;) {
        long got = syscall(SYS_getdents64, fd, dirents, sizeof(dirents));
        if (got < 0)
            fail("getdents64 of %s", big_dir_path);
        if (got == 0)
            break;
        if (got > (long)sizeof(dirents))
            fail_check("getdents64 of %s: %ld bytes into a buffer of %zu", big_dir_path, got,
                       sizeof(dirents));
        /* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2),
         * d_type (1), the name and its NUL. */
        for (long at = 0; at < got;) {
            unsigned short reclen = 0;
            if (got - at >= 19)
                memcpy(&reclen, dirents + at + 16, sizeof(reclen));
            if (reclen < 20 || reclen > got - at)
                fail_check("getdents64 of %s: a record of %u bytes at %ld of %ld", big_dir_path, reclen, at,
                           got);
            entries++;
            at += reclen;
        }
    }
    if (close(fd))
        fail("close %s", big_dir_path);
    return entries;
}

static void op_ls(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned entries = list_big_dir();
        if (entries != DIR_ENTRIES + 2)
            fail_check("%s lists %u entries, not %d", big_dir_path, entries, DIR_ENTRIES + 2);
    }
}

/* file_1m holds the pattern: before measuring (the image is the one the
 * figures are about) and after (the writes put back what they should). */
static void check_file(void)
{
    struct stat st;
    if (fstat(file_fd, &st))
        fail("fstat %s", file_path);
    if (st.st_size != (off_t)sizeof(pattern))
        fail_check("%s has %lld bytes, not %zu (made by linux_fs_bench_disk.py?)", file_path,
                   (long long)st.st_size, sizeof(pattern));
    for (unsigned p = 0; p < FILE_PAGES; p++) {
        if (pread(file_fd, page_buf, PAGE, (off_t)p * PAGE) != PAGE)
            fail("pread of %s at page %u", file_path, p);
        if (memcmp(page_buf, pattern + (size_t)p * PAGE, PAGE) != 0)
            fail_check("%s: page %u does not hold the pattern", file_path, p);
    }
}

/* Linux's ext2 is ext4's driver under the name "ext2" (Debian:
 * CONFIG_EXT4_USE_FOR_EXT2); "ext4" is tried when "ext2" is unknown. */
static void mount_disk(const char *device)
{
    if (mkdir(dir, 0755) && errno != EEXIST)
        fail("mkdir %s", dir);
    if (mount(device, dir, "ext2", 0, NULL) == 0)
        return;
    int ext2_error = errno;
    if (ext2_error == ENODEV) {
        if (mount(device, dir, "ext4", 0, NULL) == 0)
            return;
        fail("mount %s on %s: no type ext2 (%s), and as ext4 (the kernel may say why above)", device, dir,
             strerror(ext2_error));
    }
    errno = ext2_error;
    fail("mount %s on %s as ext2 (the kernel may say why above)", device, dir);
}

int main(int argc, char **argv)
{
    const char *device = NULL;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "--mount") == 0) {
        device = argv[a + 1];
        a += 2;
    }
    if (a + 1 != argc || argv[a][0] == '-') {
        fprintf(stderr, "usage: linux_fs_bench [--mount DEVICE] DIR\nlinux_fs_bench: got");
        for (int i = 1; i < argc; i++)
            fprintf(stderr, " '%s'", argv[i]);
        fprintf(stderr, "\n");
        return 2;
    }
    dir = argv[a];
    if (snprintf(file_path, sizeof(file_path), "%s/file_1m", dir) >= (int)sizeof(file_path) ||
        snprintf(big_dir_path, sizeof(big_dir_path), "%s/dir_1000", dir) >= (int)sizeof(big_dir_path) ||
        snprintf(created_path, sizeof(created_path), "%s/created", dir) >= (int)sizeof(created_path))
        fail_check("directory name too long: %s", dir);
    if (device)
        mount_disk(device);

    file_fd = open(file_path, O_RDWR | O_CLOEXEC);
    if (file_fd < 0)
        fail("open %s", file_path);
    make_pattern();
    check_file();
    if (access(created_path, F_OK) == 0 || errno != ENOENT)
        fail_check("%s exists already (or cannot be looked up)", created_path);

    report("linux_fs_read_4k", op_read, 2 * FILE_PAGES);
    report("linux_fs_write_4k", op_write, 2 * FILE_PAGES);
    report("linux_fs_create_unlink", op_create_unlink, 200);
    report("linux_fs_ls_1000", op_ls, 8);
    check_file();

    if (close(file_fd))
        fail("close %s", file_path);
    if (device && umount(dir))
        fail("umount %s", dir);
    return 0;
}
