/* personalities/linux/tar.h — a reader of POSIX tar archives (ustar, with
 * the pax 'x'/'g' extended headers and GNU 'L'/'K' long names that GNU
 * tar and Python's tarfile write for long paths).  The archive is
 * untrusted: every header is checked (checksum, magic, octal fields,
 * sizes inside the archive, names), names are normalized (no leading
 * "/" or "./", no "." or empty components) and a ".." component, an
 * embedded NUL or an over-long name is refused.  Pure code: no
 * allocation, no output; the caller prints the error message. */
#pragma once

#include "file_abi.h"
#include <stddef.h>
#include <stdint.h>

enum tar_type { TAR_FILE, TAR_HARDLINK, TAR_SYMLINK, TAR_CHAR, TAR_BLOCK, TAR_DIR, TAR_FIFO };

struct tar_entry {
    enum tar_type type;
    const char *path; /* normalized; "" is the archive's root (directories only) */
    const char *link; /* hard link: a normalized path; symbolic link: the target as stored */
    uint32_t mode;    /* permission bits (07777) */
    uint32_t uid, gid;
    int64_t mtime;
    uint32_t devmajor, devminor;
    const uint8_t *data; /* TAR_FILE: size bytes inside the archive */
    uint64_t size;
    uint64_t offset; /* of the entry's header in the archive */
};

struct tar_error {
    uint64_t offset;
    char message[240];
};

/* Sets err's message to "<what>" or "'<name>': <what>" (the name made
 * printable and shortened); returns -LX_EINVAL. */
int tar_fail(struct tar_error *err, uint64_t offset, const char *name, const char *what);

/* Scratch space for names (the caller allocates it: 16 KiB). */
struct tar_scratch {
    char path[LX_PATH_MAX], link[LX_PATH_MAX];
    char long_path[LX_PATH_MAX], long_link[LX_PATH_MAX];
};

/* Called for each entry in order; a negative return stops the walk and
 * becomes tar_walk's (fn fills err). */
typedef int (*tar_entry_fn)(void *ctx, const struct tar_entry *e, struct tar_error *err);

/* Walks the archive up to its end-of-archive block: 0, fn's error, or
 * -LX_EINVAL with err describing the first thing wrong. */
int tar_walk(const void *archive, size_t size, struct tar_scratch *scratch, tar_entry_fn fn, void *ctx,
             struct tar_error *err);
