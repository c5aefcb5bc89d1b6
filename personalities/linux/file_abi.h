/* personalities/linux/file_abi.h — the parts of the Linux x86_64 ABI that
 * only the file system calls speak: limits, fcntl/ioctl/poll numbers, and
 * the layouts of struct statx, struct statfs and struct linux_dirent64.
 * Values are those of the Linux UAPI headers (facts of the ABI), kept next
 * to linux_abi.h rather than in it so that the VFS can grow its own list. */
#pragma once

#include "linux_abi.h"
#include <stdint.h>

/* Limits. */
enum {
    LX_PATH_MAX = 4096, /* with the NUL: paths hold at most 4095 bytes */
    LX_NAME_MAX = 255,
    LX_MAXSYMLINKS = 40, /* symbolic links one lookup follows */
    LX_PIPE_BUF = 4096,  /* writes up to this size are atomic */
    LX_PIPE_SIZE = 65536,
    LX_NOFILE_MAX = 1024,        /* RLIMIT_NOFILE's default soft limit */
    LX_NOFILE_CEILING = 1 << 16, /* the most any table may hold (Linux's nr_open is larger) */
    LX_IOV_MAX = 1024,
    LX_FD_SETSIZE = 1024,
};
/* Largest single read or write (Linux's MAX_RW_COUNT). */
#define LX_MAX_RW_COUNT 0x7ffff000ull

enum { LX_SEEK_SET = 0, LX_SEEK_CUR = 1, LX_SEEK_END = 2, LX_SEEK_DATA = 3, LX_SEEK_HOLE = 4 };

/* Open flags linux_abi.h does not list. */
enum { LX_O_TMPFILE_BIT = 020000000 };

/* fcntl. */
enum {
    LX_F_DUPFD = 0,
    LX_F_GETFD = 1,
    LX_F_SETFD = 2,
    LX_F_GETFL = 3,
    LX_F_SETFL = 4,
    LX_F_GETLK = 5,
    LX_F_SETLK = 6,
    LX_F_SETLKW = 7,
    LX_F_DUPFD_CLOEXEC = 1030,
    LX_F_SETPIPE_SZ = 1031,
    LX_F_GETPIPE_SZ = 1032,
    LX_FD_CLOEXEC = 1,
};

/* access/faccessat. */
enum { LX_F_OK = 0, LX_X_OK = 1, LX_W_OK = 2, LX_R_OK = 4, LX_AT_EACCESS = 0x200 };

/* Mode bits beyond the permissions. */
enum { LX_S_ISUID = 04000, LX_S_ISGID = 02000, LX_S_ISVTX = 01000 };

/* ioctl. */
enum {
    LX_TCGETS = 0x5401,
    LX_TCSETS = 0x5402,
    LX_TIOCGPGRP = 0x540f,
    LX_TIOCSPGRP = 0x5410,
    LX_TIOCGWINSZ = 0x5413,
    LX_FIONREAD = 0x541b,
    LX_FIONBIO = 0x5421,
    LX_FIONCLEX = 0x5450,
    LX_FIOCLEX = 0x5451,
    LX_FIOASYNC = 0x5452,
};

/* poll events. */
enum {
    LX_POLLIN = 0x1,
    LX_POLLPRI = 0x2,
    LX_POLLOUT = 0x4,
    LX_POLLERR = 0x8,
    LX_POLLHUP = 0x10,
    LX_POLLNVAL = 0x20,
    LX_POLLRDNORM = 0x40,
    LX_POLLRDBAND = 0x80,
    LX_POLLWRNORM = 0x100,
    LX_POLLWRBAND = 0x200,
};
struct lx_pollfd {
    int32_t fd;
    int16_t events, revents;
};
_Static_assert(sizeof(struct lx_pollfd) == 8, "struct pollfd is 8 bytes");

struct lx_timeval {
    int64_t tv_sec, tv_usec;
};

/* renameat2. */
enum { LX_RENAME_NOREPLACE = 1, LX_RENAME_EXCHANGE = 2, LX_RENAME_WHITEOUT = 4 };

/* utimensat. */
#define LX_UTIME_NOW  ((1l << 30) - 1l)
#define LX_UTIME_OMIT ((1l << 30) - 2l)

/* getdents64 d_type. */
enum {
    LX_DT_UNKNOWN = 0,
    LX_DT_FIFO = 1,
    LX_DT_CHR = 2,
    LX_DT_DIR = 4,
    LX_DT_BLK = 6,
    LX_DT_REG = 8,
    LX_DT_LNK = 10,
    LX_DT_SOCK = 12,
};
/* struct linux_dirent64: d_ino, d_off, d_reclen, d_type, then the name
 * (NUL-terminated), the record padded to 8 bytes. */
enum { LX_DIRENT64_NAME_OFFSET = 19 };

/* statx. */
enum {
    LX_STATX_TYPE = 0x1,
    LX_STATX_MODE = 0x2,
    LX_STATX_NLINK = 0x4,
    LX_STATX_UID = 0x8,
    LX_STATX_GID = 0x10,
    LX_STATX_ATIME = 0x20,
    LX_STATX_MTIME = 0x40,
    LX_STATX_CTIME = 0x80,
    LX_STATX_INO = 0x100,
    LX_STATX_SIZE = 0x200,
    LX_STATX_BLOCKS = 0x400,
    LX_STATX_BASIC_STATS = 0x7ff,
    LX_STATX_BTIME = 0x800,
    LX_STATX_MNT_ID = 0x1000,
    LX_STATX__RESERVED = (int)0x80000000u,
    LX_AT_STATX_SYNC_TYPE = 0x6000,
    LX_AT_NO_AUTOMOUNT = 0x800,
};
struct lx_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct lx_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, spare0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct lx_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3[12];
};
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx is 256 bytes");
_Static_assert(__builtin_offsetof(struct lx_statx, stx_mtime) == 112, "statx layout");
_Static_assert(__builtin_offsetof(struct lx_statx, stx_mnt_id) == 144, "statx layout");

/* struct statfs as x86_64 Linux lays it out (120 bytes). */
struct lx_statfs {
    int64_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags;
    int64_t f_spare[4];
};
_Static_assert(sizeof(struct lx_statfs) == 120, "struct statfs is 120 bytes on x86_64");
enum { LX_ST_RDONLY = 1, LX_ST_NOSUID = 2, LX_ST_NODEV = 4, LX_ST_NOEXEC = 8, LX_ST_VALID = 0x20 };
#define LX_TMPFS_MAGIC      0x01021994
#define LX_PROC_SUPER_MAGIC 0x9fa0

/* mount(2) flags. */
enum {
    LX_MS_RDONLY = 1,
    LX_MS_NOSUID = 2,
    LX_MS_NODEV = 4,
    LX_MS_NOEXEC = 8,
    LX_MS_SYNCHRONOUS = 16,
    LX_MS_REMOUNT = 32,
    LX_MS_MANDLOCK = 64,
    LX_MS_DIRSYNC = 128,
    LX_MS_NOSYMFOLLOW = 256,
    LX_MS_NOATIME = 1024,
    LX_MS_NODIRATIME = 2048,
    LX_MS_BIND = 4096,
    LX_MS_MOVE = 8192,
    LX_MS_REC = 16384,
    LX_MS_SILENT = 32768,
    LX_MS_UNBINDABLE = 1 << 17,
    LX_MS_PRIVATE = 1 << 18,
    LX_MS_SLAVE = 1 << 19,
    LX_MS_SHARED = 1 << 20,
    LX_MS_RELATIME = 1 << 21,
};
#define LX_MS_NOUSER  0x80000000ul
#define LX_MS_MGC_VAL 0xc0ed0000ul /* old programs' magic in the high half */
#define LX_MS_MGC_MSK 0xffff0000ul
/* umount2(2) flags. */
enum { LX_MNT_FORCE = 1, LX_MNT_DETACH = 2, LX_MNT_EXPIRE = 4, LX_UMOUNT_NOFOLLOW = 8 };

/* Device numbers as st_rdev/st_dev encode them (new_encode_dev). */
static inline uint64_t lx_makedev(uint32_t major, uint32_t minor)
{
    return (minor & 0xffu) | ((uint64_t)(major & 0xfffu) << 8) | ((uint64_t)(minor & ~0xffu) << 12) |
           ((uint64_t)(major & ~0xfffu) << 32);
}
static inline uint32_t lx_dev_major(uint64_t dev)
{
    return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}
static inline uint32_t lx_dev_minor(uint64_t dev)
{
    return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}
