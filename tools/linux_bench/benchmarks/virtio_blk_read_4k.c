/* tools/linux_bench/benchmarks/virtio_blk_read_4k.c — Linux's side of
 * BENCH virtio_blk_read_4k (drivers/virtio_blk/blk_test.c): the same
 * sequential 4 KiB reads from the same 1 MiB disk on the same virtio-blk
 * device, as /init of Debian's kernel (linux_bench.py, docs/linux-bench.md).
 *
 * Each read is a pread of 4 KiB with O_DIRECT from /dev/vda: one 8-sector
 * request to the device per read, no page cache (which would serve the
 * reads from memory or read ahead in larger requests), the data moved by
 * the device straight into the caller's buffer.  Sector k*8 mod 2041 for
 * k = 0..63, as blk_test.c reads.
 *
 * One sample is one read: its instructions, less the time the idle task
 * ran (the kernel's own idle accounting; linux_bench_guest.h).  The guest
 * runs with idle=poll, so waiting for the device executes a polling loop
 * instead of halting: under -icount sleep=off a halt jumps the clock to the
 * next timer, whose interrupt would then land inside every read.
 *
 * A read whose device completed before the reader went to sleep takes a
 * shorter path (no context switch) than it would on real hardware, where
 * the device is slower than the CPU; QEMU's I/O thread can be that fast,
 * depending on the host.  Such reads are counted and left out, and the
 * pattern is repeated until SAMPLES reads have waited.  tests/bench opens
 * the disk with cache=none, so that the host reads it from its own disk
 * and nearly every read waits: the reads that waited are then not merely
 * the ones slowed down by something else.
 *
 * The figure is the most frequent count among the reads that waited: the
 * read path itself, instruction for instruction the same each time.  The
 * others had something added (a timer tick, Linux's per-CPU housekeeping
 * every few reads); the fewest is printed in a note.
 *
 * Figures (I/O scheduler "none", like Kumiki: nothing between client and
 * driver):
 *   virtio_blk_read_4k_linux                     instructions per read
 *   virtio_blk_read_4k_linux_kib_per_s_at_1gips  4 KiB per that many
 *                                                instructions, one per ns
 * and a note on Linux's default scheduler for this disk, mq-deadline (a
 * kworker dispatches the requests). */
#define _GNU_SOURCE
#include "linux_bench_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

enum {
    SECTOR_SIZE = 512,
    DISK_SECTORS = 2048, /* the image of drivers/virtio_blk: 1 MiB */
    READ_SIZE = 4096,
    READ_SECTORS = READ_SIZE / SECTOR_SIZE,
    PATTERN_READS = 64, /* blk_test.c's BENCH_READS */
    SAMPLES = 128,      /* reads that waited, per figure */
    MAX_ROUNDS = 64,    /* of the pattern, before giving up */
};

#define DISK      "/dev/vda"
#define SCHEDULER "/sys/block/vda/queue/scheduler"

/* Byte j of sector i, as blk_image_test.py wrote the image. */
static uint8_t pattern_a(uint64_t sector, unsigned j)
{
    return (uint8_t)(sector * 131 + j + (sector >> 8) * 7);
}

static int holds_pattern(const uint8_t *data, uint64_t first_sector, unsigned sectors)
{
    for (unsigned s = 0; s < sectors; s++)
        for (unsigned j = 0; j < SECTOR_SIZE; j++)
            if (data[s * SECTOR_SIZE + j] != pattern_a(first_sector + s, j))
                return 0;
    return 1;
}

static void read_or_fail(int disk, uint8_t *buffer, uint64_t sector)
{
    ssize_t got = pread(disk, buffer, READ_SIZE, (off_t)(sector * SECTOR_SIZE));
    if (got != READ_SIZE) {
        if (got >= 0)
            errno = EIO;
        linux_bench_fail("pread " DISK);
    }
}

static void set_scheduler(const char *name)
{
    int fd = open(SCHEDULER, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, name, strlen(name)) != (ssize_t)strlen(name))
        linux_bench_fail(SCHEDULER);
    close(fd);
}

/* The most frequent instruction count of SAMPLES reads that waited. */
static uint64_t read_instructions(int disk, uint8_t *buffer, const char *label)
{
    uint64_t samples[SAMPLES];
    unsigned waited = 0, reads = 0;
    for (unsigned round = 0; round < MAX_ROUNDS && waited < SAMPLES; round++) {
        for (unsigned k = 0; k < PATTERN_READS && waited < SAMPLES; k++) {
            uint64_t sector = (k * READ_SECTORS) % (DISK_SECTORS - READ_SECTORS + 1);
            struct linux_bench_window window;
            uint64_t idle_ns;
            linux_bench_window_open(&window);
            read_or_fail(disk, buffer, sector);
            uint64_t instructions = linux_bench_window_close(&window, &idle_ns);
            reads++;
            if (!holds_pattern(buffer, sector, READ_SECTORS)) {
                printf("linux_bench: %s: sector %llu read back wrong\n", label, (unsigned long long)sector);
                linux_bench_finish(1);
            }
            if (idle_ns > 0)
                samples[waited++] = instructions;
        }
    }
    if (waited < SAMPLES) {
        printf("linux_bench: %s: only %u of %u reads waited for the device (the host completed the "
               "others before the reader slept)\n",
               label, waited, reads);
        linux_bench_finish(1);
    }
    size_t count;
    uint64_t mode = linux_bench_mode(samples, SAMPLES, &count); /* sorts them */
    printf("linux_bench: %s: %u of %u reads waited for the device; instructions: %llu in %zu of them, "
           "fewest %llu\n",
           label, waited, reads, (unsigned long long)mode, count, (unsigned long long)samples[0]);
    return mode;
}

int main(void)
{
    linux_bench_setup();
    int disk = open(DISK, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (disk < 0)
        linux_bench_fail(DISK);
    uint64_t bytes = 0;
    if (ioctl(disk, BLKGETSIZE64, &bytes) != 0)
        linux_bench_fail("BLKGETSIZE64");
    if (bytes != (uint64_t)DISK_SECTORS * SECTOR_SIZE) {
        printf("linux_bench: " DISK " has %llu bytes, not %u\n", (unsigned long long)bytes,
               DISK_SECTORS * SECTOR_SIZE);
        linux_bench_finish(1);
    }
    /* O_DIRECT needs a buffer aligned to the logical block size. */
    uint8_t *buffer = aligned_alloc(READ_SIZE, READ_SIZE);
    if (!buffer)
        linux_bench_fail("aligned_alloc");

    /* The whole disk once, checked: the image is the one blk_test.c reads,
     * and every path of the read has run before the measured ones. */
    for (uint64_t sector = 0; sector < DISK_SECTORS; sector += READ_SECTORS) {
        read_or_fail(disk, buffer, sector);
        if (!holds_pattern(buffer, sector, READ_SECTORS)) {
            printf("linux_bench: sector %llu of " DISK " is not the test image's\n",
                   (unsigned long long)sector);
            linux_bench_finish(1);
        }
    }

    set_scheduler("none");
    uint64_t per_read = read_instructions(disk, buffer, "none");
    set_scheduler("mq-deadline"); /* what Linux picks for this disk */
    read_instructions(disk, buffer, "mq-deadline");

    printf("BENCH virtio_blk_read_4k_linux %llu instructions\n", (unsigned long long)per_read);
    printf("BENCH virtio_blk_read_4k_linux_kib_per_s_at_1gips %llu KiB/s\n",
           (unsigned long long)(4ull * 1000000000ull / per_read));
    close(disk);
    linux_bench_finish(0);
}
