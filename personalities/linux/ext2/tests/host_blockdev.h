/* personalities/linux/ext2/tests/host_blockdev.h — block devices for the
 * host tests and the fuzzer: over a host file (pread/pwrite) or over a
 * memory buffer, counting reads and writes, with failures on demand. */
#pragma once

#include "../blockdev.h"
#include <stddef.h>
#include <stdint.h>

struct host_blockdev {
    struct lx_blockdev dev;
    int fd;       /* -1: memory */
    uint8_t *mem; /* memory devices: the bytes (owned by the caller) */
    uint64_t reads, writes, flushes;
    long fail_reads_after, fail_writes_after; /* the n-th from now fails (0: none) */
    int closed;
};

/* Opens path read-write; 0 or -1. */
int host_blockdev_open_file(struct host_blockdev *hd, const char *path);
void host_blockdev_memory(struct host_blockdev *hd, uint8_t *mem, size_t size);
/* Closes the file (memory: nothing). */
void host_blockdev_close(struct host_blockdev *hd);
