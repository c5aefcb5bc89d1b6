/* drivers/fdc/fdc_test.c — the floppy driver's test client.
 *
 * With media (tests/drivers/fdc: two 1.44 MB FAT12 images made by mkfs.fat
 * and mtools), on drives A and B: the geometry is 80/2/18; the boot sector
 * is a FAT boot sector; PATTERN.BIN, found with a small FAT12 reader, holds
 * the bytes the wrapper script wrote (pattern() below, the same formula as
 * the script's) byte for byte; WRITE.BIN's clusters are overwritten with
 * another pattern, which the script checks on the host after QEMU exits.
 * Always: bad requests (unknown drive, sectors beyond the end, a buffer too
 * short, a count of 0) are refused and the driver makes no port access for
 * them.  Without media (deployment-fdc) only the refusals are checked. */
#include "fdc_client.h"
#include "fdc_client_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

enum { SECTOR = 512, BUFFER_SECTORS = FDC_CLIENT_SIZE_BUFFER / SECTOR, MAX_CLUSTERS = 128 };

static uint8_t *const buffer = (uint8_t *)FDC_CLIENT_VADDR_BUFFER;
static uint8_t fat[9 * SECTOR];
static uint8_t root_dir[14 * SECTOR];

/* Byte i of a test file; seed tells the files apart. */
static uint8_t pattern(uint32_t i, uint32_t seed)
{
    return (uint8_t)(i * 31u + (i >> 9) * 7u + seed);
}

static unsigned failures;

static void expect(bool ok, const char *what)
{
    uprintf("fdc_test: %s %s\n", ok ? "ok" : "FAILED", what);
    if (!ok)
        failures++;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

struct fat12 {
    uint32_t fat_lba, fat_sectors, root_lba, root_sectors, data_lba, cluster_sectors;
};

static unsigned next_cluster(unsigned n)
{
    unsigned v = le16(&fat[n + n / 2]);
    return n & 1 ? v >> 4 : v & 0xfff;
}

/* The LBAs of the sectors of a file's clusters, in order. */
static unsigned file_sectors(const struct fat12 *fs, unsigned cluster, uint32_t *lbas, unsigned max)
{
    unsigned n = 0;
    while (cluster >= 2 && cluster < 0xff8 && n + fs->cluster_sectors <= max) {
        for (unsigned s = 0; s < fs->cluster_sectors; s++)
            lbas[n++] = fs->data_lba + (cluster - 2) * fs->cluster_sectors + s;
        cluster = next_cluster(cluster);
    }
    return n;
}

static bool read_into(uint32_t drive, uint32_t lba, uint32_t count, uint8_t *to)
{
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done > BUFFER_SECTORS ? BUFFER_SECTORS : count - done;
        if (fdc_read_sectors(FDC_CLIENT_CAP_DISK, drive, lba + done, n))
            return false;
        memcpy(to + (uint64_t)done * SECTOR, buffer, (uint64_t)n * SECTOR);
        done += n;
    }
    return true;
}

/* Consecutive runs of lbas[0..n), at most BUFFER_SECTORS each: read (each
 * sector checked against the pattern) or written (from the pattern). */
static bool file_io(uint32_t drive, const uint32_t *lbas, unsigned n, uint32_t size, uint32_t seed,
                    bool write)
{
    for (unsigned i = 0; i < n;) {
        unsigned run = 1;
        while (i + run < n && run < BUFFER_SECTORS && lbas[i + run] == lbas[i] + run)
            run++;
        if (write) {
            for (uint32_t b = 0; b < run * SECTOR; b++)
                buffer[b] = pattern(i * SECTOR + b, seed);
            if (fdc_write_sectors(FDC_CLIENT_CAP_DISK, drive, lbas[i], run))
                return false;
        } else {
            if (fdc_read_sectors(FDC_CLIENT_CAP_DISK, drive, lbas[i], run))
                return false;
            for (uint32_t b = 0; b < run * SECTOR && i * SECTOR + b < size; b++)
                if (buffer[b] != pattern(i * SECTOR + b, seed)) {
                    uprintf("fdc_test: byte %u differs\n", i * SECTOR + b);
                    return false;
                }
        }
        i += run;
    }
    return true;
}

static bool find(const struct fat12 *fs, const char name[11], unsigned *cluster, uint32_t *size)
{
    for (uint32_t e = 0; e < fs->root_sectors * SECTOR / 32; e++) {
        const uint8_t *d = &root_dir[e * 32];
        if (d[0] == 0)
            break;
        if (!memcmp(d, name, 11)) {
            *cluster = le16(d + 26);
            *size = le32(d + 28);
            return true;
        }
    }
    return false;
}

static void test_drive(uint32_t drive)
{
    char what[96];
    struct fdc_geometry g;
    int e = fdc_geometry(FDC_CLIENT_CAP_DISK, drive, &g);
    usnprintf(what, sizeof(what), "drive %c: geometry %u/%u/%u, %u sectors", 'A' + drive, g.cylinders,
              g.heads, g.sectors_per_track, g.total_sectors);
    expect(!e && g.cylinders == 80 && g.heads == 2 && g.sectors_per_track == 18 && g.total_sectors == 2880,
           what);
    if (e)
        return;

    e = fdc_read_sectors(FDC_CLIENT_CAP_DISK, drive, 0, 1);
    usnprintf(what, sizeof(what), "drive %c: boot sector read, FAT12 with the 0x55aa signature", 'A' + drive);
    expect(!e && buffer[510] == 0x55 && buffer[511] == 0xaa && !memcmp(buffer + 54, "FAT12", 5), what);
    if (e)
        return;
    struct fat12 fs = { .fat_lba = le16(buffer + 14),
                        .fat_sectors = le16(buffer + 22),
                        .cluster_sectors = buffer[13] };
    fs.root_lba = fs.fat_lba + buffer[16] * fs.fat_sectors;
    fs.root_sectors = le16(buffer + 17) * 32u / SECTOR;
    fs.data_lba = fs.root_lba + fs.root_sectors;
    if (le16(buffer + 11) != SECTOR || fs.fat_sectors * SECTOR > sizeof(fat) ||
        fs.root_sectors * SECTOR > sizeof(root_dir) || !fs.cluster_sectors) {
        expect(false, "a layout this reader handles");
        return;
    }
    expect(read_into(drive, fs.fat_lba, fs.fat_sectors, fat) &&
               read_into(drive, fs.root_lba, fs.root_sectors, root_dir),
           "FAT and root directory read");

    uint32_t lbas[MAX_CLUSTERS], size = 0;
    unsigned cluster = 0, n;
    bool found = find(&fs, "PATTERN BIN", &cluster, &size);
    n = found ? file_sectors(&fs, cluster, lbas, MAX_CLUSTERS) : 0;
    usnprintf(what, sizeof(what), "drive %c: PATTERN.BIN (%u bytes, %u sectors) byte for byte", 'A' + drive,
              size, n);
    expect(found && n * SECTOR >= size && file_io(drive, lbas, n, size, 'A' + drive, false), what);

    found = find(&fs, "WRITE   BIN", &cluster, &size);
    n = found ? file_sectors(&fs, cluster, lbas, MAX_CLUSTERS) : 0;
    usnprintf(what, sizeof(what), "drive %c: WRITE.BIN (%u sectors) written", 'A' + drive, n);
    expect(found && n && file_io(drive, lbas, n, size, 'a' + drive, true), what);
    usnprintf(what, sizeof(what), "drive %c: WRITE.BIN reads back", 'A' + drive);
    expect(found && n && file_io(drive, lbas, n, size, 'a' + drive, false), what);

    e = fdc_read_sectors(FDC_CLIENT_CAP_DISK, drive, 2879, 1);
    usnprintf(what, sizeof(what), "drive %c: the last sector (2879) reads", 'A' + drive);
    expect(!e, what);
}

/* Refused, with that error, and without a port access. */
static void refused(const char *what, uint32_t drive, uint32_t lba, uint32_t count, bool write, int want)
{
    struct fdc_status before, after;
    fdc_status(FDC_CLIENT_CAP_DISK, &before);
    int e = write ? fdc_write_sectors(FDC_CLIENT_CAP_DISK, drive, lba, count)
                  : fdc_read_sectors(FDC_CLIENT_CAP_DISK, drive, lba, count);
    fdc_status(FDC_CLIENT_CAP_DISK, &after);
    char line[128];
    usnprintf(line, sizeof(line), "%s: error %d (want %d), %lu port accesses", what, e, want,
              (unsigned long)(after.port_accesses - before.port_accesses));
    expect(e == want && after.port_accesses == before.port_accesses, line);
}

int main(const char *args)
{
    (void)args;
    struct fdc_geometry g;
    bool media = fdc_geometry(FDC_CLIENT_CAP_DISK, 0, &g) == 0;
    if (media) {
        test_drive(0);
        test_drive(1);
        refused("sector beyond the end", 0, 2880, 1, false, FDC_ERROR_BAD_RANGE);
        refused("a run past the end", 1, 2879, 2, true, FDC_ERROR_BAD_RANGE);
        refused("short buffer", 0, 0, BUFFER_SECTORS + 1, false, FDC_ERROR_SHORT_BUFFER);
        refused("count 0", 1, 0, 0, false, FDC_ERROR_BAD_RANGE);
    } else {
        uprintf("fdc_test: no medium in drive A: checking refusals only\n");
        refused("no medium", 0, 0, 1, false, FDC_ERROR_NO_MEDIA);
    }
    refused("unknown drive", 2, 0, 1, false, FDC_ERROR_BAD_DRIVE);
    refused("unknown drive (write)", 7, 0, 1, true, FDC_ERROR_BAD_DRIVE);
    expect(fdc_motor(FDC_CLIENT_CAP_DISK, 3, true) == FDC_ERROR_BAD_DRIVE,
           "motor of an unknown drive refused");
    uint8_t on = 0, off = 0xff;
    expect(fdc_motor(FDC_CLIENT_CAP_DISK, 0, true) == 0 && fdc_read_dor(FDC_CLIENT_CAP_DISK, &on) == 0 &&
               fdc_motor(FDC_CLIENT_CAP_DISK, 0, false) == 0 &&
               fdc_read_dor(FDC_CLIENT_CAP_DISK, &off) == 0 && (on & 0x10) && !(off & 0x10),
           "motor A on and off, as the DOR reads back");
    fdc_stop(FDC_CLIENT_CAP_DISK);
    uprintf("fdc_test: %s: %u failures\n", media ? "with media" : "without media", failures);
    return failures ? 1 : 0;
}
