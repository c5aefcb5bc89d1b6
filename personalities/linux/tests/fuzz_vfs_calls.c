/* personalities/linux/tests/fuzz_vfs_calls.c — libFuzzer on the file
 * system calls: each input is a program of calls (open, mkdir, rename,
 * link, symlink, unlink, rmdir, read, write, truncate, getdents64, chdir,
 * dup, close, pipe, poll, mount with fuzzed options, umount2, readlink,
 * statfs...) on a small set of names (/proc and /dev among them), run
 * through lx_syscalls_file on a fresh root.  Whatever the calls, nothing crashes
 * (ASan/UBSan), no call returns anything but a result or -errno (never
 * LX_BLOCK unasked: descriptors are non-blocking where it matters), and
 * when the process and the file system are gone no memory and no frame is
 * left: every reference taken was dropped. */
#include "../fd.h"
#include "../vfs.h"
#include "host_env.h"
#include "sys_helper.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
    "a",
    "b",
    "a/b",
    "a/b/c",
    "../a",
    "l",
    "l/",
    "/tmp/x",
    "/tmp",
    ".",
    "..",
    "a/",
    "/",
    "b/../a",
    "l2",
    "/dev/null",
    "/proc/self/fd/3",
    "/dev/stdout",
    "/proc/self",
    "/proc/1/cwd",
    "/proc/mounts",
    "/proc/self/status",
    "/dev/fd/4",
    "/proc",
    "/dev",
    "/dev/shm",
    "/proc/self/exe",
    "/proc/self/root/tmp",
    "/dev/urandom",
    "/proc/self/fd",
    "/proc/1/stat",
    "/dev/fd/0",
};
enum { NAMES = sizeof(names) / sizeof(names[0]) };

struct cursor {
    const uint8_t *p;
    size_t left;
};

static uint8_t next(struct cursor *c)
{
    if (!c->left)
        return 0;
    c->left--;
    return *c->p++;
}

static uint64_t name(struct cursor *c)
{
    return host_user_string(names[next(c) % NAMES]);
}

static unsigned open_flags(struct cursor *c)
{
    static const unsigned bits[] = { LX_O_WRONLY, LX_O_RDWR,     LX_O_CREAT,     LX_O_EXCL,
                                     LX_O_TRUNC,  LX_O_APPEND,   LX_O_DIRECTORY, LX_O_NOFOLLOW,
                                     LX_O_PATH,   LX_O_NONBLOCK, LX_O_CLOEXEC };
    unsigned flags = 0, pick = next(c) | (unsigned)next(c) << 8;
    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        if (pick & (1u << i))
            flags |= bits[i];
    return flags & LX_O_PATH ? flags : flags | LX_O_NONBLOCK; /* never wait on a pipe */
}

/* mount(2)'s option string: fuzzed bytes up to a NUL or 40 of them. */
static uint64_t options(struct cursor *c)
{
    char text[41];
    size_t n = 0;
    while (n < sizeof(text) - 1 && (text[n] = (char)next(c)))
        n++;
    text[n] = '\0';
    return host_user_string(text);
}

static uint64_t fs_type(struct cursor *c)
{
    static const char *const types[] = { "tmpfs", "proc", "devtmpfs", "ext9" };
    uint8_t pick = next(c);
    return pick % 5 == 4 ? 0 : host_user_string(types[pick % 5]);
}

static unsigned long mount_flags(struct cursor *c)
{
    static const unsigned long bits[] = { LX_MS_RDONLY,  LX_MS_NOSUID, LX_MS_NODEV,   LX_MS_NOEXEC,
                                          LX_MS_REMOUNT, LX_MS_BIND,   LX_MS_PRIVATE, LX_MS_REC };
    unsigned long flags = 0;
    uint8_t pick = next(c);
    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        if (pick & (1u << i))
            flags |= bits[i];
    return flags;
}

static void run(struct cursor *c)
{
    uint64_t buf = host_user_alloc(8192), fds = host_user_alloc(8);
    for (int steps = 0; c->left && steps < 200; steps++) {
        uint8_t op = next(c);
        int fd = next(c) % 12;
        int64_t r = 0;
        switch (op % 24) {
        case 0: r = SYS(NR_open, name(c), open_flags(c), 0777); break;
        case 1: r = SYS(NR_mkdir, name(c), next(c) | 0700); break;
        case 2: r = SYS(NR_renameat2, LX_AT_FDCWD, name(c), LX_AT_FDCWD, name(c), next(c) % 4); break;
        case 3: r = SYS(NR_link, name(c), name(c)); break;
        case 4: r = SYS(NR_symlink, name(c), name(c)); break;
        case 5: r = SYS(NR_unlink, name(c)); break;
        case 6: r = SYS(NR_rmdir, name(c)); break;
        case 7: r = SYS(NR_write, fd, buf, (size_t)next(c) * 97); break;
        case 8: r = SYS(NR_read, fd, buf, (size_t)next(c) * 31); break;
        case 9: r = SYS(NR_ftruncate, fd, (uint64_t)next(c) * 4093); break;
        case 10: r = SYS(NR_getdents64, fd, buf, 64 + next(c)); break;
        case 11: r = SYS(NR_chdir, name(c)); break;
        case 12: r = SYS(NR_dup2, fd, next(c) % 12); break;
        case 13: r = SYS(NR_close, fd); break;
        case 14: r = SYS(NR_pipe2, fds, LX_O_NONBLOCK); break;
        case 15: r = SYS(NR_lseek, fd, (int64_t)(int8_t)next(c) * 1000, next(c) % 5); break;
        case 16: r = SYS(NR_fchdir, fd); break;
        case 17: r = SYS(NR_truncate, name(c), (uint64_t)next(c) * 5000); break;
        case 18: r = SYS(NR_getcwd, buf, next(c) * 16); break;
        case 19: {
            struct lx_pollfd *pf = host_user_ptr(buf);
            pf[0] = (struct lx_pollfd){ fd, LX_POLLIN | LX_POLLOUT, 0 };
            r = SYS(NR_poll, buf, 1, 0);
            break;
        }
        case 20: {
            uint64_t type = fs_type(c), target = name(c);
            r = SYS(NR_mount, 0, target, type, mount_flags(c), options(c));
            break;
        }
        case 21: r = SYS(NR_umount2, name(c), next(c) % 16); break;
        case 22: r = SYS(NR_readlink, name(c), buf, 1 + next(c) * 16); break;
        case 23: r = SYS(NR_statfs, name(c), buf); break;
        }
        if (r == LX_BLOCK || r < -4095)
            abort(); /* a non-blocking program was told to wait, or a bogus result */
        lx_unwait(sys_thread);
        sys_thread->call_deadline_ns = 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1024];
    if (vfs_init_from_tar(empty, sizeof(empty)) < 0)
        abort();
    sys_thread = host_thread_new(data && size && (data[0] & 1) ? 1000 : 0, 1000);
    host_user_reset();
    struct cursor c = { size ? data + 1 : data, size ? size - 1 : 0 };
    run(&c);
    host_thread_free(sys_thread);
    vfs_unmount_all();
    if (frames_in_use() != 0 || host_heap_live() != 0) {
        fprintf(stderr, "fuzz_vfs_calls: %u frames, %ld allocations left\n", frames_in_use(),
                host_heap_live());
        abort();
    }
    return 0;
}
