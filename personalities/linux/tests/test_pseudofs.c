/* personalities/linux/tests/test_pseudofs.c — the file systems the
 * personality makes itself (devtmpfs on /dev, tmpfs on /tmp, proc on
 * /proc), mount(2) and umount2(2), statfs per file system, and the magic
 * links of /proc (reopening a pipe, /dev/stdout), through the system
 * calls as a Linux thread makes them.  The expected texts and errors are
 * Linux 6.x's (fs/proc, fs/namespace.c, mm/shmem.c). */
#include "../devfs.h"
#include "../devices.h"
#include "../fd.h"
#include "../file_abi.h"
#include "../pipe.h"
#include "../procfs.h"
#include "../rootfs.h"
#include "../syscall.h"
#include "../tmpfs.h"
#include "../uio.h"
#include "../vfs.h"
#include "check.h"
#include "host_env.h"
#include "sys_helper.h"
#include "tar_builder.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T    sys_thread
#define U(s) host_user_string(s)

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

/* The whole of a file, NUL-terminated, in a static buffer ("" on error). */
static const char *contents(const char *path)
{
    static char text[16384];
    text[0] = '\0';
    int fd = (int)SYS(NR_open, U(path), LX_O_RDONLY);
    if (fd < 0)
        return text;
    uint64_t b = host_user_alloc(sizeof(text));
    size_t len = 0;
    for (;;) {
        /* Small reads: the text must hold together across them. */
        int64_t n = SYS(NR_read, fd, b, 100);
        if (n <= 0 || len + (size_t)n >= sizeof(text))
            break;
        memcpy(text + len, host_user_ptr(b), (size_t)n);
        len += (size_t)n;
    }
    text[len] = '\0';
    SYS(NR_close, fd);
    return text;
}

static const char *link_of(const char *path)
{
    static char text[4096];
    uint64_t b = host_user_alloc(sizeof(text));
    int64_t n = SYS(NR_readlink, U(path), b, sizeof(text) - 1);
    if (n < 0)
        n = 0;
    memcpy(text, host_user_ptr(b), (size_t)n);
    text[n] = '\0';
    return text;
}

/* The names in directory path, space-separated in readdir's order, "."
 * and ".." left out. */
static const char *names_in(const char *path)
{
    static char list[4096];
    list[0] = '\0';
    int d = (int)SYS(NR_open, U(path), LX_O_RDONLY | LX_O_DIRECTORY);
    if (d < 0)
        return list;
    uint64_t b = host_user_alloc(4096);
    int64_t n;
    while ((n = SYS(NR_getdents64, d, b, 4096)) > 0) {
        const uint8_t *p = host_user_ptr(b);
        for (int64_t off = 0; off < n;) {
            uint16_t reclen;
            memcpy(&reclen, p + off + 16, 2);
            const char *name = (const char *)p + off + 19;
            if (strcmp(name, ".") && strcmp(name, "..")) {
                if (list[0])
                    strcat(list, " ");
                strcat(list, name);
            }
            off += reclen;
        }
    }
    SYS(NR_close, d);
    return list;
}

static struct lx_stat stat_of(const char *path, bool follow)
{
    struct lx_stat st;
    memset(&st, 0xff, sizeof(st));
    uint64_t b = host_user_alloc(sizeof(st));
    if (SYS(follow ? NR_stat : NR_lstat, U(path), b) == 0)
        memcpy(&st, host_user_ptr(b), sizeof(st));
    return st;
}

static struct lx_statfs statfs_of(const char *path)
{
    struct lx_statfs st;
    memset(&st, 0, sizeof(st));
    uint64_t b = host_user_alloc(sizeof(st));
    CHECK(SYS(NR_statfs, U(path), b) == 0);
    memcpy(&st, host_user_ptr(b), sizeof(st));
    return st;
}

static void make_file(const char *path, const char *data)
{
    int fd = (int)SYS(NR_open, U(path), LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(SYS(NR_write, fd, U(data), strlen(data)) == (int64_t)strlen(data));
    CHECK(SYS(NR_close, fd) == 0);
}

static int64_t mount_call(const char *source, const char *target, const char *type, uint64_t flags,
                          const char *data)
{
    return SYS(NR_mount, source ? U(source) : 0, U(target), type ? U(type) : 0, flags, data ? U(data) : 0);
}

/* ---- /dev ------------------------------------------------------------------ */

static int64_t fake_console_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return (int64_t)u->resid;
}

static const struct lx_file_ops fake_console_ops = { .write = fake_console_write };

static void test_devtmpfs(void)
{
    setup(0);
    static const struct {
        const char *path;
        uint32_t major, minor, mode;
    } nodes[] = {
        { "/dev/null", 1, 3, 0666 },    { "/dev/zero", 1, 5, 0666 },    { "/dev/full", 1, 7, 0666 },
        { "/dev/random", 1, 8, 0666 },  { "/dev/urandom", 1, 9, 0666 }, { "/dev/tty", 5, 0, 0666 },
        { "/dev/console", 5, 1, 0600 },
    };
    for (unsigned i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        struct lx_stat st = stat_of(nodes[i].path, true);
        CHECK(st.st_mode == (LX_S_IFCHR | nodes[i].mode));
        CHECK(st.st_rdev == lx_makedev(nodes[i].major, nodes[i].minor));
        CHECK(st.st_uid == 0 && st.st_gid == 0);
    }
    CHECK(strcmp(link_of("/dev/fd"), "/proc/self/fd") == 0);
    CHECK(strcmp(link_of("/dev/stdin"), "/proc/self/fd/0") == 0);
    CHECK(strcmp(link_of("/dev/stdout"), "/proc/self/fd/1") == 0);
    CHECK(strcmp(link_of("/dev/stderr"), "/proc/self/fd/2") == 0);
    CHECK(stat_of("/dev/shm", true).st_mode == (LX_S_IFDIR | 01777));
    /* Its own file system: a tmpfs by statfs, its own st_dev. */
    CHECK(statfs_of("/dev").f_type == LX_TMPFS_MAGIC);
    CHECK(stat_of("/dev", true).st_dev != stat_of("/", true).st_dev);
    CHECK(stat_of("/dev/null", true).st_dev == stat_of("/dev", true).st_dev);

    /* urandom: bytes that change, writes mixed in; random the same. */
    int r = (int)SYS(NR_open, U("/dev/urandom"), LX_O_RDWR);
    uint64_t b1 = host_user_alloc(64), b2 = host_user_alloc(64);
    CHECK(SYS(NR_read, r, b1, 61) == 61 && SYS(NR_read, r, b2, 61) == 61);
    CHECK(memcmp(host_user_ptr(b1), host_user_ptr(b2), 61) != 0);
    static const uint8_t zeros[61];
    CHECK(memcmp(host_user_ptr(b1), zeros, 61) != 0);
    CHECK(SYS(NR_write, r, b1, 64) == 64);
    CHECK(SYS(NR_lseek, r, 123, LX_SEEK_SET) == 0);
    CHECK(SYS(NR_read, r, 0x1000, 8) == -LX_EFAULT);
    int rr = (int)SYS(NR_open, U("/dev/random"), LX_O_RDONLY);
    CHECK(SYS(NR_read, rr, b1, 7) == 7);

    /* The console: a device the tty registers (not here: ENXIO until it
     * does), then it opens, and /proc names it. */
    CHECK(SYS(NR_open, U("/dev/console"), LX_O_RDWR) == -LX_ENXIO);
    CHECK(chrdev_register(5, 1, &fake_console_ops) == 0);
    CHECK(chrdev_register(5, 1, &fake_console_ops) == -LX_EBUSY);
    int con = (int)SYS(NR_open, U("/dev/console"), LX_O_WRONLY);
    CHECK(con >= 0 && SYS(NR_write, con, b1, 5) == 5);
    char fdpath[32];
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", con);
    CHECK(strcmp(link_of(fdpath), "/dev/console") == 0);
    /* A device node outside /dev works too (mknod on tmpfs). */
    CHECK(SYS(NR_mknod, U("/tmp/mynull"), LX_S_IFCHR | 0600, lx_makedev(1, 3)) == 0);
    int mynull = (int)SYS(NR_open, U("/tmp/mynull"), LX_O_WRONLY);
    CHECK(mynull >= 0 && SYS(NR_write, mynull, b1, 9) == 9);
    teardown();
}

/* ---- /tmp -------------------------------------------------------------------- */

static void test_tmpfs(void)
{
    setup(0);
    CHECK(statfs_of("/tmp").f_type == LX_TMPFS_MAGIC);
    struct lx_stat tmp = stat_of("/tmp", true), root = stat_of("/", true);
    CHECK(tmp.st_mode == (LX_S_IFDIR | 01777) && tmp.st_dev != root.st_dev);
    make_file("/tmp/f", "data");
    CHECK(stat_of("/tmp/f", true).st_dev == tmp.st_dev);
    /* Another file system: no renames or links across. */
    CHECK(SYS(NR_rename, U("/tmp/f"), U("/f")) == -LX_EXDEV);
    CHECK(SYS(NR_link, U("/tmp/f"), U("/f")) == -LX_EXDEV);
    CHECK(SYS(NR_rmdir, U("/tmp")) == -LX_EBUSY);
    /* The root file system is not a tmpfs mount by name but shows as one. */
    CHECK(statfs_of("/").f_type == LX_TMPFS_MAGIC);
    teardown();

    /* The boot archive's tmp/ entries go into the tmpfs; its tmp/ entry
     * gives the mode. */
    static struct tb b;
    tb_reset(&b);
    tb_dir(&b, "tmp/", 0770);
    tb_file(&b, "tmp/greeting", "hello", 0600);
    tb_dir(&b, "tmp/sub/", 0755);
    tb_file(&b, "etc/motd", "hi", 0644);
    tb_end(&b);
    CHECK(vfs_init_from_tar(b.buf, b.len) == 0);
    T = host_thread_new(0, 0);
    host_user_reset();
    CHECK(strcmp(contents("/tmp/greeting"), "hello") == 0);
    CHECK(stat_of("/tmp", true).st_mode == (LX_S_IFDIR | 0770));
    CHECK(stat_of("/tmp/greeting", true).st_dev == stat_of("/tmp", true).st_dev);
    CHECK(stat_of("/tmp/greeting", true).st_dev != stat_of("/etc/motd", true).st_dev);
    CHECK(strcmp(names_in("/tmp"), "greeting sub") == 0);
    teardown();

    /* An archive that gives tmp twice, or tmp as a file, is refused. */
    tb_reset(&b);
    tb_dir(&b, "tmp/", 0770);
    tb_dir(&b, "tmp/", 0770);
    tb_end(&b);
    CHECK(vfs_init_from_tar(b.buf, b.len) < 0);
    CHECK(strstr(host_last_log, "an entry given twice") != NULL);
    tb_reset(&b);
    tb_file(&b, "tmp", "x", 0644);
    tb_end(&b);
    CHECK(vfs_init_from_tar(b.buf, b.len) < 0);
    struct lx_path none;
    CHECK(!vfs_root(&none));
    CHECK(frames_in_use() == 0 && host_heap_live() == 0);
}

/* ---- /proc --------------------------------------------------------------------- */

static void test_proc_tree(void)
{
    setup(0);
    char pid[16], path[64];
    snprintf(pid, sizeof(pid), "%d", T->proc->pid);
    CHECK(statfs_of("/proc").f_type == LX_PROC_SUPER_MAGIC);
    CHECK(strcmp(names_in("/proc"), "cpuinfo filesystems loadavg meminfo mounts self stat uptime 1") == 0);
    CHECK(strcmp(link_of("/proc/self"), pid) == 0);
    CHECK(strcmp(link_of("/proc/mounts"), "self/mounts") == 0);
    struct lx_stat self = stat_of("/proc/self", true), byname = stat_of("/proc/1", true);
    CHECK(self.st_ino == byname.st_ino && self.st_mode == (LX_S_IFDIR | 0555) && self.st_nlink == 3);
    CHECK(stat_of("/proc/self", false).st_mode == (LX_S_IFLNK | 0777));
    CHECK(strcmp(names_in("/proc/self"), "cmdline comm cwd environ exe fd mounts root stat statm status") ==
          0);
    /* A second process: listed, with its own directory. */
    struct lx_thread *other = host_thread_new(1000, 1000);
    CHECK(strcmp(names_in("/proc"), "cpuinfo filesystems loadavg meminfo mounts self stat uptime 1 2") == 0);
    struct lx_stat two = stat_of("/proc/2", true);
    CHECK(two.st_uid == 1000 && two.st_gid == 1000 && two.st_ino != self.st_ino);
    CHECK(stat_of("/proc/3", true).st_mode == (uint32_t)-1);
    CHECK(SYS(NR_stat, U("/proc/01"), host_user_alloc(256)) == -LX_ENOENT);
    CHECK(SYS(NR_stat, U("/proc/self/nothing"), host_user_alloc(256)) == -LX_ENOENT);
    CHECK(SYS(NR_open, U("/proc/self/stat/x"), LX_O_RDONLY) == -LX_ENOTDIR);
    /* Its files are its owner's: environ and fd are closed to others. */
    T->proc->euid = T->proc->uid = 1;
    CHECK(SYS(NR_open, U("/proc/2/environ"), LX_O_RDONLY) == -LX_EACCES);
    CHECK(SYS(NR_open, U("/proc/2/fd"), LX_O_RDONLY | LX_O_DIRECTORY) == -LX_EACCES);
    uint64_t b = host_user_alloc(256);
    CHECK(SYS(NR_readlink, U("/proc/2/exe"), b, 256) == -LX_EACCES);
    CHECK(SYS(NR_readlink, U("/proc/2/cwd"), b, 256) == -LX_EACCES);
    CHECK(SYS(NR_open, U("/proc/2/status"), LX_O_RDONLY) >= 0);
    CHECK(SYS(NR_open, U("/proc/meminfo"), LX_O_WRONLY) == -LX_EACCES);
    T->proc->euid = T->proc->uid = 0;
    /* Nothing is written or made in /proc. */
    int mi = (int)SYS(NR_open, U("/proc/meminfo"), LX_O_RDWR);
    CHECK(SYS(NR_write, mi, b, 1) == -LX_EINVAL);
    CHECK(SYS(NR_mkdir, U("/proc/x"), 0755) < 0);
    CHECK(SYS(NR_unlink, U("/proc/meminfo")) < 0);
    /* A file held past its process's end reads ESRCH, even when the pid
     * comes back for another process. */
    int st = (int)SYS(NR_open, U("/proc/2/stat"), LX_O_RDONLY);
    int dir = (int)SYS(NR_open, U("/proc/2"), LX_O_RDONLY | LX_O_DIRECTORY);
    CHECK(st >= 0 && dir >= 0);
    host_thread_free(other);
    host_now_ns += 1000;
    other = host_thread_new(0, 0); /* pid 2 again, started later */
    CHECK(other->proc->pid == 2);
    CHECK(SYS(NR_read, st, b, 64) == -LX_ESRCH);
    CHECK(SYS(NR_openat, dir, U("status"), LX_O_RDONLY) == -LX_ENOENT);
    CHECK(SYS(NR_getdents64, dir, b, 256) == -LX_ENOENT);
    CHECK(SYS(NR_open, U("/proc/2/status"), LX_O_RDONLY) >= 0); /* the new one */
    snprintf(path, sizeof(path), "/proc/%d/..", T->proc->pid);
    CHECK(stat_of(path, true).st_ino == stat_of("/proc", true).st_ino);
    CHECK(stat_of("/proc/..", true).st_ino == stat_of("/", true).st_ino);
    host_thread_free(other);
    teardown();
}

static void test_proc_files(void)
{
    setup(0);
    char line[256];
    /* meminfo: the frame pool; labels padded to 16 columns, kB in 8. */
    snprintf(line, sizeof(line), "MemTotal:       %8u kB\n", frames_total() * 4);
    const char *mem = contents("/proc/meminfo");
    CHECK(strncmp(mem, line, strlen(line)) == 0);
    CHECK(strstr(mem, "\nMemFree:        ") && strstr(mem, "\nSwapTotal:             0 kB\n"));
    /* uptime and loadavg. */
    host_now_ns = 12345670000000ull;
    CHECK(strcmp(contents("/proc/uptime"), "12345.67 0.00\n") == 0);
    CHECK(strcmp(contents("/proc/loadavg"), "0.00 0.00 0.00 1/1 1\n") == 0);
    /* stat: no CPU times; the boot time (the host env's wall clock minus
     * its monotonic time), processes made, runnable threads. */
    CHECK(strcmp(contents("/proc/stat"),
                 "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\n"
                 "btime 1700000000\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n") == 0);
    CHECK(strcmp(contents("/proc/filesystems"), "nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n") == 0);
    const char *cpu = contents("/proc/cpuinfo");
    CHECK(strncmp(cpu, "processor\t: 0\nvendor_id\t: ", 26) == 0 && strstr(cpu, "\nflags\t\t: fpu"));
    CHECK(strcmp(contents("/proc/mounts"),
                 "rootfs / rootfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n"
                 "proc /proc proc rw 0 0\n") == 0);

    /* The process's own. */
    struct lx_proc *p = T->proc;
    p->fs->umask = 027;
    strcpy(p->comm, "sh");
    CHECK(strcmp(contents("/proc/self/comm"), "sh\n") == 0);
    const char *status = contents("/proc/self/status");
    CHECK(strncmp(status,
                  "Name:\tsh\nUmask:\t0027\nState:\tR (running)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n",
                  70) == 0);
    CHECK(strstr(status, "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n") && strstr(status, "\nThreads:\t1\n"));
    p->actions[LX_SIGCHLD - 1].handler = LX_SIG_IGN;
    p->actions[LX_SIGINT - 1].handler = 0x401000;
    status = contents("/proc/self/status");
    CHECK(strstr(status, "\nSigIgn:\t0000000000010000\nSigCgt:\t0000000000000002\n"));
    /* stat: 52 fields after "pid (comm)", the state, ppid, pgrp, sid. */
    const char *stat = contents("/proc/self/stat");
    CHECK(strncmp(stat, "1 (sh) R 0 1 1 0 -1 ", 20) == 0);
    unsigned fields = 0;
    for (const char *c = stat; *c; c++)
        fields += *c == ' ';
    CHECK(fields == 51 && stat[strlen(stat) - 1] == '\n');
    CHECK(strcmp(contents("/proc/self/statm"), "0 0 0 0 0 0 0\n") == 0);
    /* A zombie: Z, and no memory. */
    p->state = LX_PROC_ZOMBIE;
    CHECK(strncmp(contents("/proc/1/stat"), "1 (sh) Z ", 9) == 0);
    CHECK(strstr(contents("/proc/1/status"), "State:\tZ (zombie)\n") != NULL);
    uint64_t b = host_user_alloc(64);
    CHECK(SYS(NR_readlink, U("/proc/1/exe"), b, 64) == -LX_ENOENT);
    p->state = LX_PROC_ALIVE;

    /* cmdline and environ read the strings where exec put them. */
    CHECK(strcmp(contents("/proc/self/cmdline"), "") == 0); /* not recorded */
    static const char args[] = "sh\0-c\0echo hi\0HOME=/\0";
    uint64_t a = host_user_alloc(sizeof(args));
    memcpy(host_user_ptr(a), args, sizeof(args));
    p->mm->arg_start = a;
    p->mm->arg_end = p->mm->env_start = a + 14;
    p->mm->env_end = a + 21;
    int fd = (int)SYS(NR_open, U("/proc/self/cmdline"), LX_O_RDONLY);
    CHECK(SYS(NR_read, fd, b, 64) == 14 && memcmp(host_user_ptr(b), args, 14) == 0);
    CHECK(SYS(NR_read, fd, b, 64) == 0);
    CHECK(SYS(NR_pread64, fd, b, 64, 3) == 11 && memcmp(host_user_ptr(b), "-c", 3) == 0);
    fd = (int)SYS(NR_open, U("/proc/self/environ"), LX_O_RDONLY);
    CHECK(SYS(NR_read, fd, b, 64) == 7 && memcmp(host_user_ptr(b), "HOME=/", 7) == 0);
    p->mm->env_end = HOST_USER_BASE + 2 * HOST_USER_SIZE; /* past what is mapped: stops there */
    CHECK(SYS(NR_lseek, fd, 0, LX_SEEK_SET) == 0 && SYS(NR_read, fd, b, 64) > 7);

    /* A text holds together across reads; reading from 0 again renews it. */
    fd = (int)SYS(NR_open, U("/proc/self/status"), LX_O_RDONLY);
    CHECK(SYS(NR_read, fd, b, 9) == 9); /* "Name:\tsh\n" */
    strcpy(p->comm, "renamed");
    CHECK(SYS(NR_read, fd, b, 6) == 6 && memcmp(host_user_ptr(b), "Umask:", 6) == 0);
    CHECK(SYS(NR_lseek, fd, 0, LX_SEEK_SET) == 0);
    CHECK(SYS(NR_read, fd, b, 13) == 13 && memcmp(host_user_ptr(b), "Name:\trenamed", 13) == 0);
    CHECK(SYS(NR_read, 0x7fffffff, b, 1) == -LX_EBADF);
    teardown();
}

static void test_proc_links(void)
{
    setup(0);
    uint64_t b = host_user_alloc(4096);
    /* exe: the name exec kept; followed, it is the program. */
    CHECK(strcmp(link_of("/proc/self/exe"), "/bin/test-program") == 0);
    CHECK(SYS(NR_mkdir, U("/bin"), 0755) == 0);
    make_file("/bin/test-program", "#!/bin/sh\n");
    CHECK(stat_of("/proc/self/exe", true).st_ino == stat_of("/bin/test-program", true).st_ino);
    /* cwd and root: magic links to the directories themselves. */
    CHECK(SYS(NR_mkdir, U("/tmp/work dir"), 0755) == 0);
    CHECK(SYS(NR_chdir, U("/tmp/work dir")) == 0);
    CHECK(strcmp(link_of("/proc/self/cwd"), "/tmp/work dir") == 0);
    CHECK(strcmp(link_of("/proc/self/root"), "/") == 0);
    make_file("here", "x");
    CHECK(strcmp(contents("/proc/self/cwd/here"), "x") == 0);
    CHECK(SYS(NR_chdir, U("/")) == 0);
    CHECK(SYS(NR_chdir, U("/proc/self/cwd")) == 0); /* "/" itself now */
    CHECK(SYS(NR_chdir, U("/tmp/work dir")) == 0);
    CHECK(SYS(NR_rename, U("/tmp/work dir"), U("/tmp/moved")) == 0);
    CHECK(SYS(NR_chdir, U("/proc/self/cwd")) == 0); /* the directory, not its old name */
    CHECK(SYS(NR_getcwd, b, 256) == 11 && strcmp(host_user_ptr(b), "/tmp/moved") == 0);
    CHECK(SYS(NR_chdir, U("/")) == 0);

    /* fd/: one link per descriptor, named for what it is. */
    make_file("/tmp/named", "abc");
    int file = (int)SYS(NR_open, U("/tmp/named"), LX_O_RDWR);
    int dir = (int)SYS(NR_open, U("/tmp/moved"), LX_O_RDONLY | LX_O_DIRECTORY);
    int null = (int)SYS(NR_open, U("/dev/null"), LX_O_WRONLY);
    uint64_t fds = host_user_alloc(8);
    CHECK(SYS(NR_pipe2, fds, 0) == 0);
    int *pfd = host_user_ptr(fds);
    int rd = pfd[0], wr = pfd[1];
    CHECK(file == 0 && dir == 1 && null == 2 && rd == 3 && wr == 4);
    CHECK(strcmp(names_in("/proc/self/fd"), "0 1 2 3 4 5") == 0); /* 5: the listing itself */
    CHECK(strcmp(names_in("/dev/fd/"), "0 1 2 3 4 5") == 0);
    CHECK(strcmp(link_of("/proc/self/fd/0"), "/tmp/named") == 0);
    CHECK(strcmp(link_of("/proc/self/fd/1"), "/tmp/moved") == 0);
    CHECK(strcmp(link_of("/dev/fd/2"), "/dev/null") == 0);
    struct lx_stat pst;
    CHECK(SYS(NR_fstat, rd, b) == 0);
    memcpy(&pst, host_user_ptr(b), sizeof(pst));
    char want[64];
    snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)pst.st_ino);
    CHECK(strcmp(link_of("/proc/self/fd/3"), want) == 0 && strcmp(link_of("/proc/self/fd/4"), want) == 0);
    CHECK(stat_of("/proc/self/fd/0", false).st_mode == (LX_S_IFLNK | 0700));
    CHECK(stat_of("/proc/self/fd/2", false).st_mode == (LX_S_IFLNK | 0300));
    CHECK(stat_of("/proc/self/fd/3", false).st_mode == (LX_S_IFLNK | 0500));
    CHECK(stat_of("/proc/self/fd/0", false).st_size == 64);
    CHECK(SYS(NR_readlink, U("/proc/self/fd/9"), b, 64) == -LX_ENOENT);
    /* Followed, a link is the file itself. */
    CHECK(stat_of("/proc/self/fd/0", true).st_ino == stat_of("/tmp/named", true).st_ino);
    CHECK(stat_of("/dev/stdin", true).st_ino == stat_of("/tmp/named", true).st_ino);
    CHECK(strcmp(contents("/dev/stdin"), "abc") == 0);
    /* O_CREAT|O_TRUNC through it (a shell's "> /dev/stdout") opens it. */
    int again = (int)SYS(NR_open, U("/proc/self/fd/0"), LX_O_CREAT | LX_O_TRUNC | LX_O_WRONLY, 0644);
    CHECK(again >= 0 && stat_of("/tmp/named", true).st_size == 0);
    CHECK(SYS(NR_open, U("/proc/self/fd/0"), LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY, 0644) == -LX_EEXIST);
    CHECK(SYS(NR_open, U("/proc/self/fd/1"), LX_O_CREAT | LX_O_WRONLY, 0644) == -LX_EISDIR);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", again);
    CHECK(strcmp(link_of(path), "/tmp/named") == 0); /* the name travels with it */
    /* A removed file says so. */
    CHECK(SYS(NR_unlink, U("/tmp/named")) == 0);
    CHECK(strcmp(link_of("/proc/self/fd/0"), "/tmp/named (deleted)") == 0);
    CHECK(SYS(NR_write, SYS(NR_open, U("/dev/fd/0"), LX_O_WRONLY), U("still"), 5) == 5);
    /* A directory descriptor leads on: /proc/self/fd/1/x. */
    make_file("/tmp/moved/x", "in x");
    CHECK(strcmp(contents("/proc/self/fd/1/x"), "in x") == 0);
    CHECK(SYS(NR_open, U("/proc/self/fd/2/x"), LX_O_RDONLY) == -LX_ENOTDIR);
    /* A pipe: opening its link gives a new end of the same pipe. */
    int wr2 = (int)SYS(NR_open, U("/dev/fd/4"), LX_O_WRONLY);
    CHECK(wr2 >= 0 && SYS(NR_write, wr2, U("through"), 7) == 7);
    CHECK(SYS(NR_close, wr) == 0);
    int rd2 = (int)SYS(NR_open, U("/proc/self/fd/3"), LX_O_RDONLY | LX_O_NONBLOCK);
    CHECK(SYS(NR_read, rd2, b, 64) == 7 && memcmp(host_user_ptr(b), "through", 7) == 0);
    CHECK(SYS(NR_close, wr2) == 0);
    CHECK(SYS(NR_read, rd, b, 64) == 0); /* no writer left: EOF */
    int both = (int)SYS(NR_open, U("/proc/self/fd/3"), LX_O_RDWR);
    CHECK(SYS(NR_write, both, U("rw"), 2) == 2 && SYS(NR_read, rd, b, 64) == 2);
    CHECK(SYS(NR_open, U("/proc/self/fd/3"), 3) == -LX_EINVAL);
    /* Kept only by an O_PATH descriptor, the pipe is gone: ENXIO. */
    int opath = (int)SYS(NR_open, U("/proc/self/fd/3"), LX_O_PATH);
    CHECK(SYS(NR_close, rd) == 0 && SYS(NR_close, rd2) == 0 && SYS(NR_close, both) == 0);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", opath);
    CHECK(SYS(NR_open, U(path), LX_O_RDONLY) == -LX_ENXIO);
    /* The host streams: /dev/stdout writes to fd 1's stream. */
    CHECK(files_install(T->proc->files, 1, hostlink_file_open(1)) == 0);
    host_stdout_len = 0;
    int out = (int)SYS(NR_open, U("/dev/stdout"), LX_O_CREAT | LX_O_TRUNC | LX_O_WRONLY, 0666);
    CHECK(SYS(NR_write, out, U("to stdout"), 9) == 9 && host_stdout_len == 9);
    CHECK(SYS(NR_open, U("/dev/stdout"), LX_O_RDONLY) == -LX_ENXIO);
    CHECK(strncmp(link_of("/dev/stdout"), "/proc/self/fd/1", 15) == 0);
    CHECK(strncmp(link_of("/proc/self/fd/1"), "pipe:[", 6) == 0);
    /* The personality itself has no /proc/self. */
    struct lx_lookup_ctx kc = { .cred = { 0, 0 } };
    CHECK(vfs_root(&kc.root));
    kc.start = kc.root;
    struct lx_path found;
    CHECK(vfs_lookup(&kc, "/proc/self/stat", LX_LOOKUP_FOLLOW, &found) == -LX_ENOENT);
    CHECK(vfs_lookup(&kc, "/proc/1/stat", LX_LOOKUP_FOLLOW, &found) == 0);
    path_put(&found);
    path_put(&kc.root);
    teardown();
}

/* The name execve keeps for /proc/<pid>/exe: absolute, links resolved. */
static void test_exec_names(void)
{
    setup(0);
    CHECK(SYS(NR_mkdir, U("/bin"), 0755) == 0);
    make_file("/bin/prog", "#!");
    CHECK(SYS(NR_chmod, U("/bin/prog"), 0755) == 0);
    CHECK(SYS(NR_symlink, U("../bin/prog"), U("/tmp/ln")) == 0);
    CHECK(SYS(NR_chdir, U("/tmp")) == 0);
    char name[256];
    struct lx_inode *ino;
    CHECK(vfs_open_exec_named(T->proc, "ln", &ino, name, sizeof(name)) == 0);
    CHECK(strcmp(name, "/bin/prog") == 0);
    inode_put(ino);
    CHECK(vfs_open_exec_named(T->proc, "./../bin/prog", &ino, name, sizeof(name)) == 0);
    CHECK(strcmp(name, "/bin/prog") == 0);
    inode_put(ino);
    strcpy(T->proc->exe, "/bin/prog");
    CHECK(vfs_open_exec_named(T->proc, "/proc/self/exe", &ino, name, sizeof(name)) == 0);
    CHECK(strcmp(name, "/bin/prog") == 0);
    inode_put(ino);
    CHECK(vfs_open_exec_named(T->proc, "/bin/prog", &ino, name, 5) == 0 && name[0] == '\0'); /* too long */
    inode_put(ino);
    make_file("/prog2", "#!");
    CHECK(SYS(NR_chmod, U("/prog2"), 0755) == 0);
    CHECK(vfs_open_exec_named(T->proc, "/prog2", &ino, name, sizeof(name)) == 0 &&
          strcmp(name, "/prog2") == 0);
    inode_put(ino);
    /* An open file's link: the name it was opened by. */
    int fd = (int)SYS(NR_open, U("/bin/prog"), LX_O_RDONLY);
    char path[32];
    snprintf(path, sizeof(path), "/dev/fd/%d", fd);
    CHECK(vfs_open_exec_named(T->proc, path, &ino, name, sizeof(name)) == 0 &&
          strcmp(name, "/bin/prog") == 0);
    inode_put(ino);
    CHECK(vfs_open_exec_named(T->proc, "/proc/self", &ino, name, sizeof(name)) == -LX_EACCES);
    teardown();
}

/* ---- mount(2), umount2(2) --------------------------------------------------------- */

static void test_mount(void)
{
    setup(0);
    uint64_t b = host_user_alloc(4096);
    CHECK(SYS(NR_mkdir, U("/mnt"), 0755) == 0);
    make_file("/file", "f");
    /* Errors, in Linux's order. */
    CHECK(mount_call("none", "/missing", "tmpfs", 0, NULL) == -LX_ENOENT);
    CHECK(mount_call("none", "/mnt", "nosuchfs", 0, NULL) == -LX_ENODEV);
    CHECK(mount_call("none", "/mnt", NULL, 0, NULL) == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "", 0, NULL) == -LX_EINVAL);
    CHECK(mount_call("none", "/file", "tmpfs", 0, NULL) == -LX_ENOTDIR);
    CHECK(mount_call("none", "/mnt", "tmpfs", 0, "size=1x") == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "tmpfs", 0, "mode=0800") == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "tmpfs", 0, "uid=") == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "tmpfs", 0, "bogus") == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "proc", 0, "hidepid=2") == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "tmpfs", LX_MS_BIND, NULL) == -LX_EINVAL);
    CHECK(mount_call("none", "/mnt", "tmpfs", LX_MS_NOUSER, NULL) == -LX_EINVAL);
    CHECK(SYS(NR_mount, 0, U("/mnt"), U("tmpfs"), 0, 0x1000) == -LX_EFAULT);
    CHECK(SYS(NR_mount, 0x1000, U("/mnt"), U("tmpfs"), 0, 0) == -LX_EFAULT);
    T->proc->euid = 1000;
    CHECK(mount_call("none", "/mnt", "tmpfs", 0, NULL) == -LX_EPERM);
    CHECK(SYS(NR_umount2, U("/tmp"), 0) == -LX_EPERM);
    T->proc->euid = 0;
    /* A tmpfs with options; old programs' magic in the flags is ignored. */
    CHECK(mount_call("scratch", "/mnt", "tmpfs", 0xc0ed0000ul | LX_MS_NOSUID,
                     "size=10m,mode=0700,,uid=5,gid=6,nr_inodes=1k") == 0);
    struct lx_stat st = stat_of("/mnt", true);
    CHECK(st.st_mode == (LX_S_IFDIR | 0700) && st.st_uid == 5 && st.st_gid == 6);
    CHECK(strstr(contents("/proc/mounts"), "\nscratch /mnt tmpfs rw,nosuid 0 0\n") != NULL);
    CHECK(statfs_of("/mnt").f_flags == (LX_ST_VALID | LX_ST_NOSUID));
    make_file("/mnt/inside", "in");
    /* Busy: a cwd inside, an open file, an inode held from outside (a
     * mapping), a mount on it. */
    CHECK(SYS(NR_chdir, U("/mnt")) == 0);
    CHECK(SYS(NR_umount2, U("/mnt"), 0) == -LX_EBUSY);
    CHECK(SYS(NR_chdir, U("/")) == 0);
    int fd = (int)SYS(NR_open, U("/mnt/inside"), LX_O_RDONLY);
    CHECK(SYS(NR_umount2, U("/mnt"), 0) == -LX_EBUSY);
    struct lx_file *f = fd_get(T->proc->files, fd);
    struct lx_inode *held = file_inode(f);
    inode_get(held);
    file_put(f);
    CHECK(SYS(NR_close, fd) == 0);
    CHECK(SYS(NR_umount2, U("/mnt"), 0) == -LX_EBUSY);
    inode_put(held);
    CHECK(SYS(NR_mkdir, U("/mnt/sub"), 0755) == 0);
    CHECK(mount_call("proc", "/mnt/sub", "proc", 0, NULL) == 0);
    CHECK(SYS(NR_umount2, U("/mnt"), 0) == -LX_EBUSY);
    CHECK(strcmp(link_of("/mnt/sub/self"), "1") == 0);
    CHECK(SYS(NR_umount2, U("/mnt/sub"), 0) == 0);
    /* Not a mount's root; bad flags; the root file system. */
    CHECK(SYS(NR_umount2, U("/mnt/sub"), 0) == -LX_EINVAL);
    CHECK(SYS(NR_umount2, U("/mnt"), 0x10) == -LX_EINVAL);
    CHECK(SYS(NR_umount2, U("/mnt"), LX_MNT_EXPIRE) == -LX_EINVAL);
    CHECK(SYS(NR_umount2, U("/"), 0) == -LX_EBUSY);
    CHECK(SYS(NR_umount2, U("/nothere"), 0) == -LX_ENOENT);
    /* Propagation: accepted on a mount's root (every mount is private). */
    CHECK(mount_call(NULL, "/mnt", NULL, LX_MS_PRIVATE | LX_MS_REC, NULL) == 0);
    CHECK(mount_call(NULL, "/mnt/sub", NULL, LX_MS_PRIVATE, NULL) == -LX_EINVAL);
    CHECK(mount_call(NULL, "/mnt", NULL, LX_MS_PRIVATE | LX_MS_SHARED, NULL) == -LX_EINVAL);
    /* Remount read-only: writes refused, statfs says so; and back. */
    CHECK(mount_call(NULL, "/mnt", NULL, LX_MS_REMOUNT | LX_MS_RDONLY, NULL) == 0);
    CHECK(SYS(NR_open, U("/mnt/new"), LX_O_CREAT | LX_O_WRONLY, 0644) == -LX_EROFS);
    CHECK(SYS(NR_open, U("/mnt/inside"), LX_O_WRONLY) == -LX_EROFS);
    CHECK(statfs_of("/mnt").f_flags == (LX_ST_VALID | LX_ST_RDONLY));
    CHECK(strstr(contents("/proc/mounts"), "\nscratch /mnt tmpfs ro 0 0\n") != NULL);
    CHECK(mount_call(NULL, "/mnt/sub", NULL, LX_MS_REMOUNT, NULL) == -LX_EINVAL);
    CHECK(mount_call(NULL, "/mnt", NULL, LX_MS_REMOUNT, NULL) == 0);
    make_file("/mnt/new", "n");
    /* Unmounted: the directory under it shows again, the files are gone. */
    CHECK(SYS(NR_umount2, U("/mnt/"), 0) == 0);
    CHECK(SYS(NR_stat, U("/mnt/inside"), b) == -LX_ENOENT);
    CHECK(stat_of("/mnt", true).st_mode == (LX_S_IFDIR | 0755));
    CHECK(strstr(contents("/proc/mounts"), "/mnt") == NULL);
    /* Stacked mounts: the newest is seen, unmounting shows the older. */
    CHECK(mount_call("lower", "/mnt", "tmpfs", 0, NULL) == 0);
    make_file("/mnt/lower", "l");
    CHECK(mount_call("upper", "/mnt", "tmpfs", 0, NULL) == 0);
    CHECK(SYS(NR_stat, U("/mnt/lower"), b) == -LX_ENOENT);
    CHECK(SYS(NR_umount2, U("/mnt"), 0) == 0);
    CHECK(SYS(NR_stat, U("/mnt/lower"), b) == 0);
    /* A symbolic link is followed unless UMOUNT_NOFOLLOW. */
    CHECK(SYS(NR_symlink, U("/mnt"), U("/to-mnt")) == 0);
    CHECK(SYS(NR_umount2, U("/to-mnt"), LX_UMOUNT_NOFOLLOW) == -LX_EINVAL);
    CHECK(SYS(NR_umount2, U("/to-mnt"), 0) == 0);
    teardown();
}

static void test_mount_flags_and_detach(void)
{
    setup(0);
    uint64_t b = host_user_alloc(4096);
    CHECK(SYS(NR_mkdir, U("/mnt"), 0755) == 0);
    /* noexec: execve refuses; nodev: device nodes do not open. */
    CHECK(mount_call("t", "/mnt", "tmpfs", LX_MS_NOEXEC | LX_MS_NODEV, "ro,rw") == 0);
    make_file("/mnt/prog", "#!");
    CHECK(SYS(NR_chmod, U("/mnt/prog"), 0755) == 0);
    struct lx_inode *ino;
    CHECK(vfs_open_exec(T->proc, "/mnt/prog", &ino) == -LX_EACCES);
    CHECK(SYS(NR_mknod, U("/mnt/null"), LX_S_IFCHR | 0666, lx_makedev(1, 3)) == 0);
    CHECK(SYS(NR_open, U("/mnt/null"), LX_O_RDONLY) == -LX_EACCES);
    CHECK(statfs_of("/mnt").f_flags == (LX_ST_VALID | LX_ST_NODEV | LX_ST_NOEXEC));
    /* "ro" in the options makes the mount read-only. */
    CHECK(SYS(NR_mkdir, U("/mnt/ro"), 0755) == 0);
    CHECK(mount_call("t", "/mnt/ro", "tmpfs", 0, "ro") == 0);
    CHECK(SYS(NR_mkdir, U("/mnt/ro/x"), 0755) == -LX_EROFS);
    /* A second devtmpfs and proc: fresh instances. */
    CHECK(SYS(NR_mkdir, U("/mnt/dev"), 0755) == 0);
    CHECK(mount_call("udev", "/mnt/dev", "devtmpfs", 0, "mode=0711") == 0);
    CHECK(stat_of("/mnt/dev", true).st_mode == (LX_S_IFDIR | 0711));
    CHECK(stat_of("/mnt/dev/zero", true).st_rdev == lx_makedev(1, 5));
    CHECK(stat_of("/mnt/dev/zero", true).st_dev != stat_of("/dev/zero", true).st_dev);
    CHECK(strstr(
        contents("/proc/self/mounts"),
        "\nt /mnt tmpfs rw,nodev,noexec 0 0\nt /mnt/ro tmpfs ro 0 0\nudev /mnt/dev devtmpfs rw 0 0\n"));
    /* MNT_DETACH: gone from the name space at once (and the mounts below
     * it), freed when its last user goes. */
    CHECK(SYS(NR_chdir, U("/mnt/dev")) == 0);
    int fd = (int)SYS(NR_open, U("/mnt/prog"), LX_O_RDONLY);
    CHECK(SYS(NR_umount2, U("/mnt"), LX_MNT_DETACH) == 0);
    CHECK(strstr(contents("/proc/mounts"), "/mnt") == NULL);
    CHECK(SYS(NR_stat, U("/mnt/prog"), b) == -LX_ENOENT);
    CHECK(SYS(NR_read, fd, b, 10) == 2);    /* still readable */
    CHECK(SYS(NR_stat, U("zero"), b) == 0); /* and the cwd still works */
    long live = host_heap_live();
    CHECK(SYS(NR_close, fd) == 0);
    CHECK(SYS(NR_chdir, U("/")) == 0);
    CHECK(host_heap_live() < live - 10); /* the three file systems are freed */
    /* A detached mount kept by an inode alone waits for the next mount
     * call to be freed. */
    CHECK(mount_call("t", "/mnt", "tmpfs", 0, NULL) == 0);
    make_file("/mnt/f", "f");
    CHECK(vfs_open_exec(T->proc, "/mnt/f", &ino) == -LX_EACCES);
    struct lx_file *f;
    struct lx_lookup_ctx c = { .cred = { 0, 0 }, .root = T->proc->fs->root, .start = T->proc->fs->root };
    CHECK(vfs_open(&c, "/mnt/f", LX_O_RDONLY, 0, 0, &f) == 0);
    ino = file_inode(f);
    inode_get(ino);
    file_put(f);
    CHECK(SYS(NR_umount2, U("/mnt"), LX_MNT_DETACH) == 0);
    live = host_heap_live();
    inode_put(ino);
    CHECK(host_heap_live() == live); /* nothing tells the mount */
    CHECK(SYS(NR_umount2, U("/tmp/nothing"), 0) == -LX_ENOENT);
    CHECK(mount_call(NULL, "/", NULL, LX_MS_PRIVATE, NULL) == 0); /* any mount call reaps */
    CHECK(host_heap_live() < live);
    teardown();
}

/* File-system types from outside (ext2 registers this way). */
static int fake_mount_calls;
static int fake_mount(struct lx_mount_args *args, struct lx_inode **root)
{
    fake_mount_calls++;
    if (strcmp(args->source, "/dev/fake") != 0)
        return -LX_ENXIO;
    struct lx_fs_type const *tmpfs = vfs_find_fs("tmpfs");
    struct lx_mount_args plain = { .source = "", .data = "", .c = args->c };
    args->readonly = true; /* a device that cannot be written */
    return tmpfs->mount(&plain, root);
}

static void test_fs_types(void)
{
    static const struct lx_fs_type fake = { .name = "fakefs", .nodev = false, .mount = fake_mount };
    static const struct lx_fs_type nameless = { .name = "", .mount = fake_mount };
    CHECK(vfs_register_fs(&nameless) == -LX_EINVAL);
    CHECK(vfs_register_fs(&lx_tmpfs_type) == -LX_EBUSY);
    CHECK(vfs_register_fs(&fake) == 0);
    CHECK(vfs_find_fs("fakefs") == &fake && vfs_find_fs("ext2") == NULL);
    setup(0);
    CHECK(strcmp(contents("/proc/filesystems"), "nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n\tfakefs\n") ==
          0);
    CHECK(SYS(NR_mkdir, U("/mnt"), 0755) == 0);
    CHECK(mount_call("/dev/other", "/mnt", "fakefs", 0, NULL) == -LX_ENXIO);
    CHECK(mount_call("/dev/fake", "/mnt", "fakefs", 0, NULL) == 0);
    CHECK(fake_mount_calls == 2);
    CHECK(strstr(contents("/proc/mounts"), "\n/dev/fake /mnt fakefs ro 0 0\n") != NULL);
    CHECK(SYS(NR_mkdir, U("/mnt/x"), 0755) == -LX_EROFS);
    teardown();
    /* The table holds eight types. */
    static struct lx_fs_type more[8];
    static char names[8][8];
    int registered = 0, full = 0;
    for (int i = 0; i < 8; i++) {
        snprintf(names[i], sizeof(names[i]), "more%d", i);
        more[i] = (struct lx_fs_type){ .name = names[i], .mount = fake_mount };
        int err = vfs_register_fs(&more[i]);
        registered += err == 0;
        full += err == -LX_ENOSPC;
    }
    CHECK(registered == 4 && full == 4);
}

/* ---- Devices added to devtmpfs ----------------------------------------------- */

/* A block device that counts what reaches it: opens for writing are
 * refused while `busy`, as a mounted disk refuses them. */
static struct {
    bool busy;
    unsigned opens, releases, released_opened, fsyncs, reads;
} fake_blk;

static int fake_blk_open(struct lx_file *f)
{
    fake_blk.opens++;
    if ((f->fmode & LX_FMODE_WRITE) && fake_blk.busy)
        return -LX_EBUSY;
    f->priv = &fake_blk;
    return 0;
}

static void fake_blk_release(struct lx_file *f)
{
    fake_blk.releases++;
    if (f->priv)
        fake_blk.released_opened++;
}

static int64_t fake_blk_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    fake_blk.reads++;
    return uio_zero_out(u, u->resid < 3 ? u->resid : 3);
}

static int fake_blk_fsync(struct lx_file *f)
{
    fake_blk.fsyncs++;
    return 0;
}

static const struct lx_file_ops fake_blk_ops = {
    .read = fake_blk_read, .open = fake_blk_open, .release = fake_blk_release, .fsync = fake_blk_fsync
};

static void check_blk_node(const char *path, uint64_t rdev)
{
    struct lx_stat st = stat_of(path, false);
    CHECK(st.st_mode == (LX_S_IFBLK | 0660));
    CHECK(st.st_rdev == rdev);
    CHECK(st.st_uid == 0 && st.st_gid == LX_DISK_GID);
}

static void test_devtmpfs_added(void)
{
    setup(0);
    const uint64_t sda = lx_makedev(8, 0), sdb = lx_makedev(8, 16);
    /* A second devtmpfs mounted before the devices come, with a file
     * where one of them will want its node. */
    CHECK(SYS(NR_mkdir, U("/tmp/d2"), 0755) == 0);
    CHECK(mount_call("devtmpfs", "/tmp/d2", "devtmpfs", 0, NULL) == 0);
    make_file("/tmp/d2/sdb", "mine");
    CHECK(SYS(NR_open, U("/dev/sda"), LX_O_RDONLY) == -LX_ENOENT);

    /* Registered: the nodes appear in every devtmpfs mounted now. */
    CHECK(blkdev_register(sda, "sda", &fake_blk_ops) == 0);
    CHECK(blkdev_register(sdb, "sdb", &fake_blk_ops) == 0);
    check_blk_node("/dev/sda", sda);
    check_blk_node("/dev/sdb", sdb);
    check_blk_node("/tmp/d2/sda", sda);
    CHECK(stat_of("/tmp/d2/sdb", false).st_mode == (LX_S_IFREG | 0644)); /* what was there stays */
    CHECK(strcmp(contents("/tmp/d2/sdb"), "mine") == 0);
    /* Refused, and nothing changes: a number or a name taken, a bad name. */
    CHECK(blkdev_register(sda, "sdz", &fake_blk_ops) == -LX_EBUSY);
    CHECK(blkdev_register(lx_makedev(8, 32), "sda", &fake_blk_ops) == -LX_EBUSY);
    CHECK(blkdev_register(lx_makedev(8, 32), "null", &fake_blk_ops) == -LX_EBUSY);
    static const char *const bad_names[] = { "", "a/b", ".", "..", "0123456789abcdef0123456789abcdef" };
    for (unsigned i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
        CHECK(blkdev_register(lx_makedev(8, 32), bad_names[i], &fake_blk_ops) == -LX_EINVAL);
    CHECK(devfs_add_node("reg", LX_S_IFREG | 0644, 0, 0) == -LX_EINVAL);
    CHECK(devfs_add_node("odd", LX_S_IFCHR | 0100000 | 0644, 0, 0) == -LX_EINVAL);
    CHECK(SYS(NR_open, U("/dev/sdz"), LX_O_RDONLY) == -LX_ENOENT);
    CHECK(strstr(names_in("/dev"), "reg") == NULL);

    /* Opening a block node: the registered device's operations; its open
     * may refuse (and what it refused is released without its priv). */
    int fd = (int)SYS(NR_open, U("/dev/sda"), LX_O_RDONLY);
    CHECK(fd >= 0 && fake_blk.opens == 1);
    uint64_t b = host_user_alloc(16);
    CHECK(SYS(NR_read, fd, b, 16) == 3 && fake_blk.reads == 1);
    CHECK(SYS(NR_fsync, fd) == 0 && fake_blk.fsyncs == 1);
    int null = (int)SYS(NR_open, U("/dev/null"), LX_O_RDONLY);
    CHECK(SYS(NR_fsync, null) == -LX_EINVAL); /* a device without fsync */
    fake_blk.busy = true;
    CHECK(SYS(NR_open, U("/dev/sda"), LX_O_RDWR) == -LX_EBUSY);
    CHECK(fake_blk.opens == 2 && fake_blk.releases == 1 && fake_blk.released_opened == 0);
    fake_blk.busy = false;
    CHECK(SYS(NR_close, fd) == 0);
    CHECK(fake_blk.releases == 2 && fake_blk.released_opened == 1);
    /* A node of a number nobody registered, and one on a nodev mount. */
    CHECK(SYS(NR_mknod, U("/tmp/sdc"), LX_S_IFBLK | 0600, lx_makedev(8, 32)) == 0);
    CHECK(SYS(NR_open, U("/tmp/sdc"), LX_O_RDONLY) == -LX_ENXIO);
    CHECK(mount_call("none", "/tmp/d2", NULL, LX_MS_REMOUNT | LX_MS_NODEV, NULL) == 0);
    CHECK(SYS(NR_open, U("/tmp/d2/sda"), LX_O_RDONLY) == -LX_EACCES);

    /* A devtmpfs mounted later has them from the start; unmounting one
     * is not held up by the list of instances. */
    CHECK(SYS(NR_mkdir, U("/tmp/d3"), 0755) == 0);
    CHECK(mount_call("devtmpfs", "/tmp/d3", "devtmpfs", 0, NULL) == 0);
    check_blk_node("/tmp/d3/sda", sda);
    check_blk_node("/tmp/d3/sdb", sdb);
    CHECK(SYS(NR_umount2, U("/tmp/d2"), 0) == 0);
    CHECK(SYS(NR_umount2, U("/tmp/d3"), 0) == 0);
    /* Gone instances get nothing (the list forgot them); the one on /dev does. */
    CHECK(devfs_add_node("late", LX_S_IFCHR | 0600, 0, lx_makedev(10, 200)) == 0);
    CHECK(stat_of("/dev/late", false).st_mode == (LX_S_IFCHR | 0600));
    CHECK(SYS(NR_open, U("/tmp/d3/late"), LX_O_RDONLY) == -LX_ENOENT);
    /* The table is bounded. */
    int64_t err = 0;
    for (unsigned i = 0; i < DEVFS_MAX_ADDED && err == 0; i++) {
        char name[16];
        snprintf(name, sizeof(name), "fill%u", i);
        err = devfs_add_node(name, LX_S_IFCHR | 0600, 0, lx_makedev(10, 100 + i));
    }
    CHECK(err == -LX_ENOSPC);
    teardown();
}

int main(void)
{
    test_devtmpfs();
    test_tmpfs();
    test_proc_tree();
    test_proc_files();
    test_proc_links();
    test_exec_names();
    test_mount();
    test_mount_flags_and_detach();
    test_fs_types();
    test_devtmpfs_added(); /* last: the devices it adds stay for the rest of the run */
    return check_exit("linux_pseudofs");
}
