/* personalities/linux/tests/test_vfs_oracle.c — Linux as the oracle: one
 * script of file system calls (mostly ones that fail) runs on the host
 * kernel in a fresh directory and through lx_syscalls_file in a fresh
 * memfs directory; every result (value or errno, bytes read, the
 * interesting stat fields, directory listings) must agree.  Run as the
 * user the test runs as, and, when that is root, a second time as nobody
 * in a child process, so that permission errors are compared too. */
#define _GNU_SOURCE
#include "../file_abi.h"
#include "../vfs.h"
#include "check.h"
#include "host_env.h"
#include "sys_helper.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum kind {
    MKDIR,
    OPEN,
    CLOSE,
    WRITE,
    READ,
    LSEEK,
    UNLINK,
    RMDIR,
    RENAME,
    LINK,
    SYMLINK,
    READLINK,
    STAT,
    LSTAT,
    FSTAT,
    ACCESS,
    CHMOD,
    TRUNCATE,
    FTRUNCATE,
    GETDENTS,
    CHDIR,
    MKNOD,
    END
};

/* Descriptors are named by slot (0-9): the numbers differ between the two. */
struct step {
    enum kind kind;
    const char *a, *b;
    long x, y;
};

static char name256[257], path4096[4097];

/* Steps leave out the fields they do not use. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct step script[] = {
    { MKDIR, "d", 0, 0755 },
    { MKDIR, "d", 0, 0755 },
    { MKDIR, "d/", 0, 0755 },
    { MKDIR, "e/", 0, 0700 },
    { MKDIR, "nope/x", 0, 0755 },
    { MKDIR, ".", 0, 0755 },
    { MKDIR, "..", 0, 0755 },
    { MKDIR, "", 0, 0755 },
    { OPEN, "f", 0, O_CREAT | O_WRONLY, 0644 },
    { WRITE, "hello, world", 0, 0 },
    { CLOSE, 0, 0, 0 },
    { OPEN, "f/", 0, O_RDONLY, 0 },
    { OPEN, "f", 0, O_RDONLY | O_DIRECTORY, 0 },
    { OPEN, "d", 0, O_WRONLY, 0 },
    { OPEN, "d", 0, O_RDWR, 0 },
    { OPEN, "d", 0, O_CREAT | O_RDONLY, 0644 },
    { OPEN, "new/", 0, O_CREAT | O_RDWR, 0644 },
    { OPEN, "f", 0, O_CREAT | O_EXCL | O_RDWR, 0644 },
    { OPEN, "missing", 0, O_RDONLY, 0 },
    { OPEN, "d/../f/..", 0, O_RDONLY, 0 },
    { OPEN, "d/..", 0, O_RDONLY | O_DIRECTORY, 0 },
    { SYMLINK, "f", "lf" },
    { SYMLINK, "nowhere", "dang" },
    { SYMLINK, "loop2", "loop1" },
    { SYMLINK, "loop1", "loop2" },
    { SYMLINK, "d", "ld" },
    { SYMLINK, "x", "lf" },
    { SYMLINK, "x", "nope/y" },
    { OPEN, "dang", 0, O_CREAT | O_EXCL | O_WRONLY, 0600 },
    { OPEN, "dang", 0, O_CREAT | O_WRONLY, 0600 },
    { CLOSE, 0, 0, 0 },
    { STAT, "nowhere" },
    { OPEN, "lf", 0, O_RDONLY | O_NOFOLLOW, 0 },
    { OPEN, "loop1", 0, O_RDONLY, 0 },
    { OPEN, "loop1/x", 0, O_RDONLY, 0 },
    { OPEN, "ld/", 0, O_RDONLY, 0 },
    { CLOSE, 0, 0, 0 },
    { OPEN, "lf/", 0, O_RDONLY, 0 },
    { STAT, "lf/" },
    { LSTAT, "lf" },
    { STAT, "lf" },
    { LSTAT, "ld/" },
    { STAT, "loop1" },
    { LSTAT, "loop1" },
    { READLINK, "lf" },
    { READLINK, "f" },
    { READLINK, "missing" },
    { READLINK, "ld/" },
    { LINK, "f", "d/f2" },
    { LINK, "d", "d2" },
    { LINK, "f", "d/f2" },
    { LINK, "f", "new/" },
    { LINK, "missing", "x" },
    { LINK, "f/", "x" },
    { LINK, "lf", "hardlf" },
    { LSTAT, "hardlf" },
    { STAT, "f" },
    { UNLINK, "d" },
    { UNLINK, "f/" },
    { UNLINK, "d/" },
    { UNLINK, "." },
    { UNLINK, "missing" },
    { UNLINK, "dang/" },
    { UNLINK, "ld/" },
    { UNLINK, "hardlf" },
    { RMDIR, "f" },
    { RMDIR, "d" },
    { RMDIR, "d/." },
    { RMDIR, "d/.." },
    { RMDIR, "ld" },
    { RMDIR, "e" },
    { RMDIR, "e" },
    { MKDIR, "d/sub", 0, 0755 },
    { MKDIR, "empty", 0, 0755 },
    { RENAME, "d", "d/sub/x" },
    { RENAME, "d", "d" },
    { RENAME, "d/sub", "d" },
    { RENAME, "f", "d" },
    { RENAME, "d", "f" },
    { RENAME, "f/", "x" },
    { RENAME, "f", "x/" },
    { RENAME, ".", "x" },
    { RENAME, "f", ".." },
    { RENAME, "missing", "x" },
    { RENAME, "f", "d/f2" },
    { STAT, "f" },
    { RENAME, "d/sub", "empty" },
    { STAT, "empty" },
    { RENAME, "d", "empty" },
    { RENAME, "f", "d/f2", 1 /* NOREPLACE */ },
    { RENAME, "f", "zz", 2 /* EXCHANGE */ },
    { RENAME, "f", "d", 2 },
    { STAT, "f" },
    { STAT, "d" },
    { RENAME, "f", "d", 2 },
    { RENAME, "f", "d", 3 },
    { RENAME, "nowhere", "renamed" },
    { STAT, "renamed" },
    { STAT, "nowhere" },
    { TRUNCATE, "f", 0, 5 },
    { STAT, "f" },
    { TRUNCATE, "d", 0, 0 },
    { TRUNCATE, "f", 0, -1 },
    { TRUNCATE, "missing", 0, 0 },
    { TRUNCATE, "f/", 0, 0 },
    { OPEN, "f", 0, O_RDWR, 0 },
    { LSEEK, 0, 0, 0, SEEK_END },
    { LSEEK, 0, 0, -10, SEEK_SET },
    { LSEEK, 0, 0, 2, SEEK_SET },
    { READ, 0, 0, 100 },
    { WRITE, "XY", 0, 0 },
    { LSEEK, 0, 0, 0, SEEK_SET },
    { READ, 0, 0, 100 },
    { FTRUNCATE, 0, 0, 100 },
    { FSTAT },
    { FTRUNCATE, 0, 0, -1 },
    { CLOSE },
    { OPEN, "f", 0, O_RDONLY | O_TRUNC, 0 },
    { FSTAT },
    { CLOSE },
    { OPEN, "f", 0, O_WRONLY | O_APPEND, 0 },
    { WRITE, "end", 0, 0 },
    { READ, 0, 0, 10 },
    { CLOSE },
    { OPEN, "f", 0, O_RDONLY, 0 },
    { READ, 0, 0, 100 },
    { FTRUNCATE, 0, 0, 0 },
    { CLOSE },
    { OPEN, "d", 0, O_RDONLY | O_DIRECTORY, 0 },
    { GETDENTS },
    { READ, 0, 0, 10 },
    { CLOSE },
    { OPEN, ".", 0, O_RDONLY, 0 },
    { GETDENTS },
    { CLOSE },
    { ACCESS, "f", 0, R_OK | W_OK },
    { ACCESS, "f", 0, X_OK },
    { ACCESS, "d", 0, X_OK },
    { ACCESS, "missing", 0, F_OK },
    { ACCESS, "f/", 0, F_OK },
    { ACCESS, "f", 0, 8 },
    { MKNOD, "fifo", 0, S_IFIFO | 0644 },
    { LSTAT, "fifo" },
    { MKNOD, "fifo", 0, S_IFIFO | 0644 },
    { MKNOD, "reg", 0, 0644 },
    { STAT, "reg" },
    { MKNOD, "dir", 0, S_IFDIR | 0755 },
    { MKNOD, "bad", 0, 0170644 },
    { MKNOD, "chr", 0, S_IFCHR | 0644 },
    { MKNOD, "null", 0, S_IFCHR | 0666, 0x103 },
    { OPEN, "null", 0, O_RDWR, 0 },
    { WRITE, "gone", 0, 0 },
    { READ, 0, 0, 10 },
    { CLOSE },
    { OPEN, "chr", 0, O_RDONLY, 0 },
    { OPEN, "ld", 0, O_CREAT | O_WRONLY, 0644 },
    { OPEN, "ld/newfile", 0, O_CREAT | O_WRONLY, 0644 },
    { CLOSE },
    { STAT, "d/newfile" },
    { STAT, name256 },
    { MKDIR, name256, 0, 0755 },
    { STAT, path4096 },
    { MKDIR, "a", 0, 0755 },
    { MKDIR, "a/b", 0, 0755 },
    { MKDIR, "a/b/c", 0, 0755 },
    { STAT, "a/b/../b/c/../../b" },
    { CHDIR, "a/b/c" },
    { STAT, "../../../f" },
    { CHDIR, "../../.." },
    { STAT, "a//b///c/" },
    /* Permissions (they matter when the script runs as nobody). */
    { CHMOD, "f", 0, 0 },
    { OPEN, "f", 0, O_RDONLY, 0 },
    { OPEN, "f", 0, O_WRONLY, 0 },
    { ACCESS, "f", 0, R_OK },
    { CHMOD, "f", 0, 0200 },
    { OPEN, "f", 0, O_RDONLY, 0 },
    { OPEN, "f", 0, O_WRONLY | O_TRUNC, 0 },
    { CLOSE },
    { CHMOD, "a", 0, 0600 },
    { STAT, "a/b" },
    { OPEN, "a/x", 0, O_CREAT | O_WRONLY, 0644 },
    { CHMOD, "a", 0, 0500 },
    { OPEN, "a/x", 0, O_CREAT | O_WRONLY, 0644 },
    { MKDIR, "a/y", 0, 0755 },
    { UNLINK, "a/b" },
    { RMDIR, "a/b" },
    { RENAME, "a/b", "moved" },
    { CHMOD, "a", 0, 0700 },
    { CHMOD, "missing", 0, 0700 },
    { CHMOD, "f", 0, 0644 },
    { END },
};
#pragma GCC diagnostic pop

/* ---- The host side ------------------------------------------------------ */

struct result {
    long value; /* >= 0, or -errno */
    char data[512];
    size_t data_len;
};

static long host_ret(long r)
{
    return r < 0 ? -errno : r;
}

static void stat_summary(const struct stat *st, struct result *out)
{
    /* Directory sizes and link counts depend on the file system. */
    bool dir = S_ISDIR(st->st_mode);
    out->data_len = (size_t)snprintf(out->data, sizeof(out->data), "mode %o size %lld nlink %lu", st->st_mode,
                                     dir ? 0 : (long long)st->st_size, dir ? 0 : (unsigned long)st->st_nlink);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of a getdents64 buffer. */
static void names_summary(const char *buf, long n, struct result *out)
{
    char *names[64];
    int count = 0;
    for (long off = 0; off < n && count < 64;) {
        unsigned short reclen;
        memcpy(&reclen, buf + off + 16, 2);
        names[count++] = (char *)buf + off + 19;
        off += reclen;
    }
    qsort(names, (size_t)count, sizeof(names[0]), cmp_names);
    out->data_len = 0;
    for (int i = 0; i < count; i++)
        out->data_len +=
            (size_t)snprintf(out->data + out->data_len, sizeof(out->data) - out->data_len, "%s ", names[i]);
}

static void host_step(const struct step *s, int *slots, struct result *out)
{
    struct stat st;
    char buf[4096];
    int fd = slots[0];
    out->data_len = 0;
    switch (s->kind) {
    case MKDIR: out->value = host_ret(mkdir(s->a, (mode_t)s->x)); break;
    case OPEN:
        out->value = host_ret(open(s->a, (int)s->x, (mode_t)s->y));
        if (out->value >= 0)
            slots[0] = (int)out->value, out->value = 0;
        break;
    case CLOSE: out->value = host_ret(close(fd)); break;
    case WRITE: out->value = host_ret(write(fd, s->a, strlen(s->a))); break;
    case READ:
        out->value = host_ret(read(fd, buf, (size_t)s->x));
        if (out->value > 0)
            memcpy(out->data, buf, (size_t)out->value), out->data_len = (size_t)out->value;
        break;
    case LSEEK: out->value = host_ret(lseek(fd, s->x, (int)s->y)); break;
    case UNLINK: out->value = host_ret(unlink(s->a)); break;
    case RMDIR: out->value = host_ret(rmdir(s->a)); break;
    case RENAME:
        out->value = host_ret(syscall(SYS_renameat2, AT_FDCWD, s->a, AT_FDCWD, s->b, (unsigned)s->x));
        break;
    case LINK: out->value = host_ret(link(s->a, s->b)); break;
    case SYMLINK: out->value = host_ret(symlink(s->a, s->b)); break;
    case READLINK:
        out->value = host_ret(readlink(s->a, buf, sizeof(buf)));
        if (out->value > 0)
            memcpy(out->data, buf, (size_t)out->value), out->data_len = (size_t)out->value;
        break;
    case STAT:
    case LSTAT:
    case FSTAT:
        out->value = host_ret(s->kind == STAT    ? stat(s->a, &st)
                              : s->kind == LSTAT ? lstat(s->a, &st)
                                                 : fstat(fd, &st));
        if (out->value == 0)
            stat_summary(&st, out);
        break;
    case ACCESS: out->value = host_ret(syscall(SYS_faccessat, AT_FDCWD, s->a, (int)s->x)); break;
    case CHMOD: out->value = host_ret(chmod(s->a, (mode_t)s->x)); break;
    case TRUNCATE: out->value = host_ret(truncate(s->a, s->x)); break;
    case FTRUNCATE: out->value = host_ret(ftruncate(fd, s->x)); break;
    case GETDENTS:
        out->value = host_ret(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
        if (out->value > 0)
            names_summary(buf, out->value, out), out->value = 1;
        break;
    case CHDIR: out->value = host_ret(chdir(s->a)); break;
    case MKNOD: out->value = host_ret(mknod(s->a, (mode_t)s->x, (dev_t)s->y)); break;
    case END: break;
    }
}

/* ---- Our side ------------------------------------------------------------ */

static void our_step(const struct step *s, int *slots, struct result *out)
{
    int fd = slots[0];
    uint64_t a = s->a ? host_user_string(s->a) : 0, b = s->b ? host_user_string(s->b) : 0;
    uint64_t buf = host_user_alloc(4096), st = host_user_alloc(sizeof(struct stat));
    out->data_len = 0;
    switch (s->kind) {
    case MKDIR: out->value = SYS(NR_mkdir, a, s->x); break;
    case OPEN:
        out->value = SYS(NR_open, a, s->x, s->y);
        if (out->value >= 0)
            slots[0] = (int)out->value, out->value = 0;
        break;
    case CLOSE: out->value = SYS(NR_close, fd); break;
    case WRITE: out->value = SYS(NR_write, fd, a, strlen(s->a)); break;
    case READ:
        out->value = SYS(NR_read, fd, buf, s->x);
        if (out->value > 0)
            memcpy(out->data, host_user_ptr(buf), (size_t)out->value), out->data_len = (size_t)out->value;
        break;
    case LSEEK: out->value = SYS(NR_lseek, fd, s->x, s->y); break;
    case UNLINK: out->value = SYS(NR_unlink, a); break;
    case RMDIR: out->value = SYS(NR_rmdir, a); break;
    case RENAME: out->value = SYS(NR_renameat2, LX_AT_FDCWD, a, LX_AT_FDCWD, b, s->x); break;
    case LINK: out->value = SYS(NR_link, a, b); break;
    case SYMLINK: out->value = SYS(NR_symlink, a, b); break;
    case READLINK:
        out->value = SYS(NR_readlink, a, buf, 4096);
        if (out->value > 0)
            memcpy(out->data, host_user_ptr(buf), (size_t)out->value), out->data_len = (size_t)out->value;
        break;
    case STAT:
    case LSTAT:
    case FSTAT:
        out->value = s->kind == STAT    ? SYS(NR_stat, a, st)
                     : s->kind == LSTAT ? SYS(NR_lstat, a, st)
                                        : SYS(NR_fstat, fd, st);
        if (out->value == 0) {
            struct lx_stat ls;
            memcpy(&ls, host_user_ptr(st), sizeof(ls));
            struct stat hs = { .st_mode = ls.st_mode, .st_size = ls.st_size, .st_nlink = ls.st_nlink };
            stat_summary(&hs, out);
        }
        break;
    case ACCESS: out->value = SYS(NR_faccessat, LX_AT_FDCWD, a, s->x); break;
    case CHMOD: out->value = SYS(NR_chmod, a, s->x); break;
    case TRUNCATE: out->value = SYS(NR_truncate, a, s->x); break;
    case FTRUNCATE: out->value = SYS(NR_ftruncate, fd, s->x); break;
    case GETDENTS:
        out->value = SYS(NR_getdents64, fd, buf, 4096);
        if (out->value > 0)
            names_summary(host_user_ptr(buf), out->value, out), out->value = 1;
        break;
    case CHDIR: out->value = SYS(NR_chdir, a); break;
    case MKNOD: out->value = SYS(NR_mknod, a, s->x, s->y); break;
    case END: break;
    }
}

static const char *kind_name(enum kind k)
{
    static const char *names[] = { "mkdir",     "open",     "close",  "write",  "read",    "lseek",
                                   "unlink",    "rmdir",    "rename", "link",   "symlink", "readlink",
                                   "stat",      "lstat",    "fstat",  "access", "chmod",   "truncate",
                                   "ftruncate", "getdents", "chdir",  "mknod",  "end" };
    return names[k];
}

/* Runs the script both ways: the number of disagreements. */
static int run_script(uint32_t uid, uint32_t gid, const char *host_dir)
{
    int failures = 0;
    if (chdir(host_dir) != 0) {
        perror("chdir");
        return 1;
    }
    umask(022);
    static const uint8_t empty[1024];
    vfs_init_from_tar(empty, sizeof(empty));
    sys_thread = host_thread_new(0, 0);
    host_user_reset();
    SYS(NR_mkdir, host_user_string("/tmp/o"), 0777);
    SYS(NR_chmod, host_user_string("/tmp/o"), 0777);
    sys_thread->proc->uid = sys_thread->proc->euid = uid;
    sys_thread->proc->gid = sys_thread->proc->egid = gid;
    SYS(NR_chdir, host_user_string("/tmp/o"));
    int host_slots[1] = { -1 }, our_slots[1] = { -1 };
    for (const struct step *s = script; s->kind != END; s++) {
        host_user_reset();
        struct result h, o;
        host_step(s, host_slots, &h);
        our_step(s, our_slots, &o);
        bool same = h.value == o.value && h.data_len == o.data_len && memcmp(h.data, o.data, h.data_len) == 0;
        if (!same) {
            failures++;
            fprintf(stderr,
                    "uid %u, step %ld: %s(%.40s%s%.40s, %ld, %ld): host %ld '%.*s', ours %ld '%.*s'\n", uid,
                    (long)(s - script), kind_name(s->kind), s->a ? s->a : "", s->b ? ", " : "",
                    s->b ? s->b : "", s->x, s->y, h.value, (int)h.data_len, h.data, o.value, (int)o.data_len,
                    o.data);
        }
    }
    host_thread_free(sys_thread);
    vfs_unmount_all();
    return failures;
}

int main(void)
{
    memset(name256, 'n', 256);
    for (int i = 0; i < 4096; i++)
        path4096[i] = i % 2 ? '/' : 'p';
    char root_dir[] = "/tmp/kumiki-vfs-oracle-XXXXXX", user_dir[] = "/tmp/kumiki-vfs-oracle-XXXXXX";
    if (!mkdtemp(root_dir) || !mkdtemp(user_dir)) {
        perror("mkdtemp");
        return 1;
    }
    int failures = run_script((uint32_t)geteuid(), (uint32_t)getegid(), root_dir);
    check_count++;
    if (geteuid() == 0) {
        /* Again as nobody, in a child (a process cannot go back to root). */
        chmod(user_dir, 0777);
        pid_t pid = fork();
        if (pid == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0) {
                perror("setuid");
                _exit(1);
            }
            _exit(run_script(65534, 65534, user_dir) ? 1 : 0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        check_count++;
    }
    if (chdir("/") == 0) {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "rm -rf %s %s", root_dir, user_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s and %s\n", root_dir, user_dir);
    }
    check_failures += failures;
    return check_exit("linux_vfs_oracle");
}
