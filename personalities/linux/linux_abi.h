/* personalities/linux/linux_abi.h — the parts of the Linux x86_64 ABI the
 * personality speaks: error numbers, flags, and the layouts of the
 * structures it writes into its programs' memory.  Values are the ones of
 * the Linux UAPI headers (facts of the ABI, written out here so that the
 * personality does not depend on a host's kernel headers). */
#pragma once

#include <stdint.h>

/* Error numbers (returned negated). */
enum {
    LX_EPERM = 1,
    LX_ENOENT = 2,
    LX_ESRCH = 3,
    LX_EINTR = 4,
    LX_EIO = 5,
    LX_ENXIO = 6,
    LX_E2BIG = 7,
    LX_ENOEXEC = 8,
    LX_EBADF = 9,
    LX_ECHILD = 10,
    LX_EAGAIN = 11,
    LX_ENOMEM = 12,
    LX_EACCES = 13,
    LX_EFAULT = 14,
    LX_EBUSY = 16,
    LX_EEXIST = 17,
    LX_EXDEV = 18,
    LX_ENODEV = 19,
    LX_ENOTDIR = 20,
    LX_EISDIR = 21,
    LX_EINVAL = 22,
    LX_ENFILE = 23,
    LX_EMFILE = 24,
    LX_ENOTTY = 25,
    LX_EFBIG = 27,
    LX_ENOSPC = 28,
    LX_ESPIPE = 29,
    LX_EROFS = 30,
    LX_EMLINK = 31,
    LX_EPIPE = 32,
    LX_ERANGE = 34,
    LX_EDEADLK = 35,
    LX_ENAMETOOLONG = 36,
    LX_ENOSYS = 38,
    LX_ENOTEMPTY = 39,
    LX_ELOOP = 40,
    LX_ENODATA = 61,
    LX_EOVERFLOW = 75,
    LX_ENOTSOCK = 88,
    LX_EOPNOTSUPP = 95,
    LX_EAFNOSUPPORT = 97,
    LX_ETIMEDOUT = 110,
};

/* Signals. */
enum {
    LX_SIGHUP = 1,
    LX_SIGINT = 2,
    LX_SIGQUIT = 3,
    LX_SIGILL = 4,
    LX_SIGTRAP = 5,
    LX_SIGABRT = 6,
    LX_SIGBUS = 7,
    LX_SIGFPE = 8,
    LX_SIGKILL = 9,
    LX_SIGUSR1 = 10,
    LX_SIGSEGV = 11,
    LX_SIGUSR2 = 12,
    LX_SIGPIPE = 13,
    LX_SIGALRM = 14,
    LX_SIGTERM = 15,
    LX_SIGCHLD = 17,
    LX_SIGCONT = 18,
    LX_SIGSTOP = 19,
    LX_SIGTSTP = 20,
    LX_SIGTTIN = 21,
    LX_SIGTTOU = 22,
    LX_SIGURG = 23,
    LX_SIGWINCH = 28,
    LX_NSIG = 64,
};

/* clone flags. */
enum {
    LX_CSIGNAL = 0xff,
    LX_CLONE_VM = 0x100,
    LX_CLONE_FS = 0x200,
    LX_CLONE_FILES = 0x400,
    LX_CLONE_SIGHAND = 0x800,
    LX_CLONE_PIDFD = 0x1000,
    LX_CLONE_VFORK = 0x4000,
    LX_CLONE_PARENT = 0x8000,
    LX_CLONE_THREAD = 0x10000,
    LX_CLONE_SYSVSEM = 0x40000,
    LX_CLONE_SETTLS = 0x80000,
    LX_CLONE_PARENT_SETTID = 0x100000,
    LX_CLONE_CHILD_CLEARTID = 0x200000,
    LX_CLONE_CHILD_SETTID = 0x1000000,
};

/* mmap / mprotect. */
enum {
    LX_PROT_READ = 1,
    LX_PROT_WRITE = 2,
    LX_PROT_EXEC = 4,
    LX_MAP_SHARED = 1,
    LX_MAP_PRIVATE = 2,
    LX_MAP_FIXED = 0x10,
    LX_MAP_ANONYMOUS = 0x20,
    LX_MAP_GROWSDOWN = 0x100,
    LX_MAP_DENYWRITE = 0x800,
    LX_MAP_EXECUTABLE = 0x1000,
    LX_MAP_NORESERVE = 0x4000,
    LX_MAP_POPULATE = 0x8000,
    LX_MAP_STACK = 0x20000,
    LX_MAP_FIXED_NOREPLACE = 0x100000,
    LX_MREMAP_MAYMOVE = 1,
    LX_MREMAP_FIXED = 2,
};

/* auxv types. */
enum {
    LX_AT_NULL = 0,
    LX_AT_PHDR = 3,
    LX_AT_PHENT = 4,
    LX_AT_PHNUM = 5,
    LX_AT_PAGESZ = 6,
    LX_AT_BASE = 7,
    LX_AT_FLAGS = 8,
    LX_AT_ENTRY = 9,
    LX_AT_UID = 11,
    LX_AT_EUID = 12,
    LX_AT_GID = 13,
    LX_AT_EGID = 14,
    LX_AT_PLATFORM = 15,
    LX_AT_HWCAP = 16,
    LX_AT_CLKTCK = 17,
    LX_AT_SECURE = 23,
    LX_AT_RANDOM = 25,
    LX_AT_HWCAP2 = 26,
    LX_AT_EXECFN = 31,
};

/* arch_prctl. */
enum { LX_ARCH_SET_GS = 0x1001, LX_ARCH_SET_FS = 0x1002, LX_ARCH_GET_FS = 0x1003, LX_ARCH_GET_GS = 0x1004 };

/* wait4 options and status encoding. */
enum { LX_WNOHANG = 1, LX_WUNTRACED = 2, LX_WCONTINUED = 8, LX_WNOWAIT = 0x1000000, LX_WALL = 0x40000000 };

/* futex. */
enum {
    LX_FUTEX_WAIT = 0,
    LX_FUTEX_WAKE = 1,
    LX_FUTEX_WAIT_BITSET = 9,
    LX_FUTEX_WAKE_BITSET = 10,
    LX_FUTEX_PRIVATE_FLAG = 128,
    LX_FUTEX_CLOCK_REALTIME = 256,
};

/* File status and open flags. */
enum {
    LX_O_RDONLY = 0,
    LX_O_WRONLY = 1,
    LX_O_RDWR = 2,
    LX_O_ACCMODE = 3,
    LX_O_CREAT = 0100,
    LX_O_EXCL = 0200,
    LX_O_NOCTTY = 0400,
    LX_O_TRUNC = 01000,
    LX_O_APPEND = 02000,
    LX_O_NONBLOCK = 04000,
    LX_O_DSYNC = 010000,
    LX_O_DIRECT = 040000,
    LX_O_LARGEFILE = 0100000,
    LX_O_DIRECTORY = 0200000,
    LX_O_NOFOLLOW = 0400000,
    LX_O_NOATIME = 01000000,
    LX_O_CLOEXEC = 02000000,
    LX_O_PATH = 010000000,
};
enum {
    LX_AT_FDCWD = -100,
    LX_AT_SYMLINK_NOFOLLOW = 0x100,
    LX_AT_REMOVEDIR = 0x200,
    LX_AT_SYMLINK_FOLLOW = 0x400,
    LX_AT_EMPTY_PATH = 0x1000
};
enum {
    LX_S_IFMT = 0170000,
    LX_S_IFSOCK = 0140000,
    LX_S_IFLNK = 0120000,
    LX_S_IFREG = 0100000,
    LX_S_IFBLK = 0060000,
    LX_S_IFDIR = 0040000,
    LX_S_IFCHR = 0020000,
    LX_S_IFIFO = 0010000,
};

/* struct stat as x86_64 Linux lays it out (144 bytes). */
struct lx_timespec {
    int64_t tv_sec, tv_nsec;
};
struct lx_stat {
    uint64_t st_dev, st_ino, st_nlink;
    uint32_t st_mode, st_uid, st_gid, pad0;
    uint64_t st_rdev;
    int64_t st_size, st_blksize, st_blocks;
    struct lx_timespec st_atim, st_mtim, st_ctim;
    int64_t unused[3];
};
_Static_assert(sizeof(struct lx_stat) == 144, "struct stat is 144 bytes on x86_64");

struct lx_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct lx_iovec {
    uint64_t base, len;
};

struct lx_rlimit {
    uint64_t cur, max;
};
enum {
    LX_RLIMIT_STACK = 3,
    LX_RLIMIT_CORE = 4,
    LX_RLIMIT_NOFILE = 7,
    LX_RLIMIT_NICE = 13,
    LX_RLIM_NLIMITS = 16
};
#define LX_RLIM_INFINITY (~0ull)

/* rt_sigaction's struct (the kernel's, not libc's). */
struct lx_sigaction {
    uint64_t handler, flags, restorer, mask;
};
enum {
    LX_SA_NOCLDSTOP = 1,
    LX_SA_NOCLDWAIT = 2,
    LX_SA_SIGINFO = 4,
    LX_SA_ONSTACK = 0x08000000,
    LX_SA_RESTART = 0x10000000,
    LX_SA_NODEFER = 0x40000000,
    LX_SA_RESTORER = 0x04000000,
};
#define LX_SA_RESETHAND 0x80000000u
enum { LX_SIG_BLOCK = 0, LX_SIG_UNBLOCK = 1, LX_SIG_SETMASK = 2 };
#define LX_SIG_DFL 0ull
#define LX_SIG_IGN 1ull
