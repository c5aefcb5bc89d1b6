/* drivers/virtio_blk/blk_test.c — the test client of the virtio_blk
 * deployment (blk_test.kdep).  Through the blk interface and the region it
 * shares with the driver it reads the whole disk back and checks the
 * pattern blk_image_test.py wrote (byte j of sector i: pattern_a), checks
 * that bad requests are refused, writes pattern_b to sectors 100..107 and
 * the last sector and flushes (the script checks them on the host after
 * QEMU exits), and measures sequential 4 KiB reads.  Through pci (badge
 * 0x30, allowed the ISA bridge 8086:7000 only) it lists the devices, reads
 * the bridge's configuration and is refused the disk's.  Prints "client:
 * ok|not ok N - what" lines; the exit status is the number of failures. */
#include "blk_client.h"
#include "blk_test_caps.h"
#include "pci_client.h"

#include <kidl_kumiki.h>
#include <kumiki/user.h>

enum { WRITTEN_FIRST = 100, WRITTEN_COUNT = 8, BENCH_READS = 64 };

static unsigned checks, failures;

static void expect(bool ok, const char *what)
{
    checks++;
    if (!ok)
        failures++;
    uprintf("client: %s %u - %s\n", ok ? "ok" : "not ok", checks, what);
}

static uint8_t pattern_a(uint64_t sector, unsigned j)
{
    return (uint8_t)(sector * 131 + j + (sector >> 8) * 7);
}

static uint8_t pattern_b(uint64_t sector, unsigned j)
{
    return (uint8_t)(0xa5 ^ sector ^ (j * 5));
}

static volatile uint8_t *const data = (volatile uint8_t *)BLK_TEST_VADDR_DATA;

static bool matches(uint64_t first, uint32_t count, uint8_t (*pattern)(uint64_t, unsigned))
{
    for (uint32_t s = 0; s < count; s++)
        for (unsigned j = 0; j < BLK_SECTOR_SIZE; j++)
            if (data[s * BLK_SECTOR_SIZE + j] != pattern(first + s, j)) {
                uprintf("client: sector %lu byte %u is 0x%x\n", (unsigned long)(first + s), j,
                        data[s * BLK_SECTOR_SIZE + j]);
                return false;
            }
    return true;
}

static void test_pci(void)
{
    uint32_t count = 0;
    expect(pci_count(BLK_TEST_CAP_BUS, &count) == 0 && count >= 3, "pci lists devices");
    bool disk = false;
    for (uint32_t i = 0; i < count; i++) {
        struct pci_device d;
        if (pci_device(BLK_TEST_CAP_BUS, i, &d))
            break;
        uprintf("client: pci %02x:%02x.%x %04x:%04x class %06x irq %u\n", d.bus, d.dev, d.fn, d.vendor,
                d.device, d.class_code, d.irq_line);
        disk |= d.vendor == 0x1af4 && d.device == 0x1001 && d.dev == 5;
    }
    expect(disk, "pci lists the virtio-blk disk at 00:05.0");
    struct pci_device mine;
    expect(pci_mine(BLK_TEST_CAP_BUS, &mine) == 0 && mine.vendor == 0x8086 && mine.device == 0x7000,
           "pci: this client is allowed the ISA bridge");
    uint32_t id = 0;
    expect(pci_config_read(BLK_TEST_CAP_BUS, mine.bus, mine.dev, mine.fn, 0, 4, &id) == 0 && id == 0x70008086,
           "pci: reads its own device's configuration");
    expect(pci_config_read(BLK_TEST_CAP_BUS, 0, 5, 0, 0, 4, &id) == PCI_ERROR_DENIED,
           "pci: refused the disk's configuration");
    expect(pci_config_write(BLK_TEST_CAP_BUS, 0, 0, 0, 4, 2, 0) == PCI_ERROR_DENIED,
           "pci: refused a write to the host bridge");
    expect(pci_config_write(BLK_TEST_CAP_BUS, mine.bus, mine.dev, mine.fn, 0x10, 4, 0) == PCI_ERROR_DENIED,
           "pci: refused a write to its own device's BAR");
    expect(pci_config_read(BLK_TEST_CAP_BUS, mine.bus, mine.dev, mine.fn, 0xfe, 4, &id) ==
               PCI_ERROR_BAD_ACCESS,
           "pci: refused a read beyond the configuration space");
}

static void test_refusals(uint64_t sectors)
{
    expect(blk_read(BLK_TEST_CAP_DISK, sectors - 1, 2, 0, 1024) == BLK_ERROR_OUT_OF_RANGE,
           "blk: a read past the end is refused");
    expect(blk_read(BLK_TEST_CAP_DISK, sectors, 1, 0, 512) == BLK_ERROR_OUT_OF_RANGE,
           "blk: a read at the end is refused");
    expect(blk_write(BLK_TEST_CAP_DISK, ~0ull, 1, 0, 512) == BLK_ERROR_OUT_OF_RANGE,
           "blk: a write at sector 2^64-1 is refused");
    expect(blk_read(BLK_TEST_CAP_DISK, 0, 0, 0, 512) == BLK_ERROR_OUT_OF_RANGE,
           "blk: zero sectors are refused");
    expect(blk_read(BLK_TEST_CAP_DISK, 0, 2, 0, 1023) == BLK_ERROR_BAD_BUFFER,
           "blk: a short buffer is refused");
    expect(blk_write(BLK_TEST_CAP_DISK, 0, 1, BLK_TEST_SIZE_DATA - 256, 512) == BLK_ERROR_BAD_BUFFER,
           "blk: a buffer beyond the shared region is refused");
    expect(blk_write(BLK_TEST_CAP_DISK, 0, 1, ~0ull - 100, 512) == BLK_ERROR_BAD_BUFFER,
           "blk: a wrapping buffer offset is refused");
    expect(blk_read(BLK_TEST_CAP_DISK, 0, 1000, 0, BLK_TEST_SIZE_DATA) == BLK_ERROR_TOO_LARGE,
           "blk: more sectors than one request moves are refused");
}

static void test_io(uint64_t sectors, uint32_t max_sectors)
{
    bool ok = true;
    uint32_t chunk = max_sectors < 64 ? max_sectors : 64;
    for (uint64_t s = 0; s < sectors && ok; s += chunk) {
        uint32_t n = sectors - s < chunk ? (uint32_t)(sectors - s) : chunk;
        ok = blk_read(BLK_TEST_CAP_DISK, s, n, 0, BLK_TEST_SIZE_DATA) == 0 && matches(s, n, pattern_a);
    }
    expect(ok, "blk: the whole disk reads back the host's pattern");

    /* An odd offset in the region: the driver copies, so any offset works. */
    ok = blk_read(BLK_TEST_CAP_DISK, 7, 1, 4096, 512) == 0;
    for (unsigned j = 0; ok && j < BLK_SECTOR_SIZE; j++)
        ok = data[4096 + j] == pattern_a(7, j);
    expect(ok, "blk: a read to an offset in the region");

    for (uint32_t s = 0; s < WRITTEN_COUNT; s++)
        for (unsigned j = 0; j < BLK_SECTOR_SIZE; j++)
            data[s * BLK_SECTOR_SIZE + j] = pattern_b(WRITTEN_FIRST + s, j);
    expect(blk_write(BLK_TEST_CAP_DISK, WRITTEN_FIRST, WRITTEN_COUNT, 0, WRITTEN_COUNT * BLK_SECTOR_SIZE) ==
               0,
           "blk: write sectors 100..107");
    for (unsigned j = 0; j < BLK_SECTOR_SIZE; j++)
        data[8192 + j] = pattern_b(sectors - 1, j);
    expect(blk_write(BLK_TEST_CAP_DISK, sectors - 1, 1, 8192, 512) == 0, "blk: write the last sector");
    expect(blk_flush(BLK_TEST_CAP_DISK) == 0, "blk: flush");
    memset((void *)data, 0, BLK_TEST_SIZE_DATA);
    ok = blk_read(BLK_TEST_CAP_DISK, WRITTEN_FIRST - 1, WRITTEN_COUNT + 2, 0, BLK_TEST_SIZE_DATA) == 0 &&
         matches(WRITTEN_FIRST - 1, 1, pattern_a);
    if (ok) {
        for (uint32_t s = 0; s < WRITTEN_COUNT && ok; s++)
            for (unsigned j = 0; j < BLK_SECTOR_SIZE && ok; j++)
                ok = data[(s + 1) * BLK_SECTOR_SIZE + j] == pattern_b(WRITTEN_FIRST + s, j);
        for (unsigned j = 0; j < BLK_SECTOR_SIZE && ok; j++)
            ok = data[(WRITTEN_COUNT + 1) * BLK_SECTOR_SIZE + j] ==
                 pattern_a(WRITTEN_FIRST + WRITTEN_COUNT, j);
    }
    expect(ok, "blk: the written sectors read back, their neighbours unchanged");
}

/* Sequential 4 KiB reads.  Under -icount the TSC counts guest instructions
 * while the CPU runs, and also the virtual time it idles waiting for QEMU's
 * I/O thread to complete a request: the kernel's idle count is subtracted,
 * which leaves the instructions of the whole path (client, driver, kernel). */
static void bench(uint64_t sectors)
{
    uint64_t start = kumiki_read_tsc(), idle = kumiki_idle_tsc();
    unsigned done = 0;
    for (; done < BENCH_READS; done++)
        if (blk_read(BLK_TEST_CAP_DISK, (done * 8) % (sectors - 7), 8, 0, 4096))
            break;
    uint64_t per_read = ((kumiki_read_tsc() - start) - (kumiki_idle_tsc() - idle)) / BENCH_READS;
    expect(done == BENCH_READS, "blk: sequential 4 KiB reads");
    uprintf("BENCH virtio_blk_read_4k %lu instructions\n", (unsigned long)per_read);
    /* 4 KiB per per_read instructions, at one instruction per nanosecond. */
    uprintf("BENCH virtio_blk_read_4k_kib_per_s_at_1gips %lu\n",
            (unsigned long)(per_read ? 4ull * 1000000000ull / per_read : 0));
}

int main(const char *args)
{
    (void)args;
    test_pci();
    uint64_t sectors = 0;
    uint32_t max_sectors = 0;
    int e = blk_capacity(BLK_TEST_CAP_DISK, &sectors, &max_sectors);
    uprintf("client: capacity %lu sectors, at most %u per request\n", (unsigned long)sectors, max_sectors);
    expect(e == 0 && sectors == 2048 && max_sectors >= 8, "blk: capacity is 1 MiB");
    if (e == 0 && sectors == 2048 && max_sectors >= 8) {
        test_refusals(sectors);
        test_io(sectors, max_sectors);
        bench(sectors);
    }
    expect(blk_stop(BLK_TEST_CAP_DISK) == 0, "blk: the driver stops");
    expect(pci_stop(BLK_TEST_CAP_BUS) == 0, "pci: the server stops");
    uprintf("client: %u checks, %u failed\n", checks, failures);
    return (int)failures;
}
