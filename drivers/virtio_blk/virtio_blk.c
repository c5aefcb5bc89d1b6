/* drivers/virtio_blk/virtio_blk.c — a virtio-blk driver server.
 *
 * The legacy (transitional, 1af4:1001) interface through I/O BAR0: the
 * deployment gives it exactly that port range, the device's ISA interrupt
 * line and DMA memory; its own PCI configuration space it reaches through
 * the pci server (bus mastering on), which allows its badge that device
 * only.  One virtqueue (queue 0), one request in flight: a three-descriptor
 * chain (header, data, status).  Data goes between the client's shared
 * region and a bounce buffer in the DMA memory, because the shared region
 * need not be physically contiguous.  README.md here has the details. */
#include "blk_server.h"
#include "pci_client.h"
#include "virtio_blk_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

/* Legacy virtio registers, offsets in BAR0 (no MSI-X: config at 0x14). */
enum {
    REG_DEVICE_FEATURES = 0x00,
    REG_GUEST_FEATURES = 0x04,
    REG_QUEUE_PFN = 0x08,
    REG_QUEUE_SIZE = 0x0c,
    REG_QUEUE_SELECT = 0x0e,
    REG_QUEUE_NOTIFY = 0x10,
    REG_STATUS = 0x12,
    REG_ISR = 0x13,
    REG_CAPACITY = 0x14, /* u64, in 512-byte sectors */
};
enum { STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FAILED = 0x80 };
enum { FEATURE_FLUSH = 1u << 9 };
enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4 };
enum { DESC_NEXT = 1, DESC_WRITE = 2 };
enum { PAGE = 4096, RING_AREA = 16 * 1024, HEADER_AT = RING_AREA, BOUNCE_AT = 32 * 1024 };
enum { BOUNCE_SIZE = VIRTIO_BLK_SIZE_RING - BOUNCE_AT };
enum {
    MAX_SECTORS = (BOUNCE_SIZE < VIRTIO_BLK_SIZE_DATA ? BOUNCE_SIZE : VIRTIO_BLK_SIZE_DATA) / BLK_SECTOR_SIZE
};

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct request_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

static uint64_t io_base;
static uint64_t ring_phys;
static unsigned queue_size;
static volatile struct desc *descs;
static volatile uint16_t *avail; /* flags, idx, ring[queue_size], used_event */
static volatile uint16_t *used;  /* flags, idx, then {u32 id, u32 len}[queue_size] */
static uint16_t avail_idx, used_seen;
static uint64_t capacity;
static bool have_flush;
static volatile bool stopping;
static unsigned interrupts;

static uint64_t in8(unsigned reg)
{
    uint64_t v = 0;
    kumiki_ioport_in8(VIRTIO_BLK_CAP_REGS, io_base + reg, &v);
    return v;
}
static uint64_t in16(unsigned reg)
{
    uint64_t v = 0;
    kumiki_ioport_in16(VIRTIO_BLK_CAP_REGS, io_base + reg, &v);
    return v;
}
static uint64_t in32(unsigned reg)
{
    uint64_t v = 0;
    kumiki_ioport_in32(VIRTIO_BLK_CAP_REGS, io_base + reg, &v);
    return v;
}
static void out8(unsigned reg, uint64_t v)
{
    kumiki_ioport_out8(VIRTIO_BLK_CAP_REGS, io_base + reg, v);
}
static void out16(unsigned reg, uint64_t v)
{
    kumiki_ioport_out16(VIRTIO_BLK_CAP_REGS, io_base + reg, v);
}
static void out32(unsigned reg, uint64_t v)
{
    kumiki_ioport_out32(VIRTIO_BLK_CAP_REGS, io_base + reg, v);
}

static void fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Between the bounce buffer the device uses and the client's shared
 * memory.  The fences around submit() order it against the device's
 * accesses, so a plain memcpy (string instructions) is enough. */
static void copy(void *dst, const void *src, uint64_t n)
{
    fence();
    memcpy(dst, src, n);
    fence();
}

/* Submits the chain header -> [data] -> status and waits for the device to
 * use it; 0 if the device says VIRTIO_BLK_S_OK. */
static int submit(uint32_t type, uint64_t sector, uint32_t bytes)
{
    uint8_t *dma = (uint8_t *)VIRTIO_BLK_VADDR_RING;
    volatile struct request_header *h = (volatile struct request_header *)(dma + HEADER_AT);
    volatile uint8_t *status = dma + HEADER_AT + sizeof(struct request_header);
    h->type = type;
    h->reserved = 0;
    h->sector = sector;
    *status = 0xff;
    unsigned n = 0;
    descs[n] = (struct desc){ ring_phys + HEADER_AT, sizeof(struct request_header), DESC_NEXT, 1 };
    n++;
    if (bytes) {
        descs[n] =
            (struct desc){ ring_phys + BOUNCE_AT, bytes,
                           (uint16_t)(DESC_NEXT | (type == T_IN ? DESC_WRITE : 0)), (uint16_t)(n + 1) };
        n++;
    }
    descs[n] = (struct desc){ ring_phys + HEADER_AT + sizeof(struct request_header), 1, DESC_WRITE, 0 };
    avail[2 + avail_idx % queue_size] = 0;
    fence();
    avail[1] = ++avail_idx;
    fence();
    out16(REG_QUEUE_NOTIFY, 0);
    while (used[1] == used_seen) {
        uint64_t word = 0;
        kumiki_wait(VIRTIO_BLK_CAP_DISK_NOTIFICATION, &word);
        in8(REG_ISR); /* reading it lowers the interrupt line */
        kumiki_irq_handler_ack(VIRTIO_BLK_CAP_DISK);
        interrupts++;
        fence();
    }
    used_seen++;
    fence();
    return *status == 0 ? 0 : BLK_ERROR_IO_ERROR;
}

/* ---- Handlers: every check before the device sees anything ------------ */

static int check(uint64_t sector, uint32_t count, uint64_t offset, uint64_t length)
{
    if (count == 0 || sector >= capacity || count > capacity - sector)
        return BLK_ERROR_OUT_OF_RANGE;
    if (count > MAX_SECTORS)
        return BLK_ERROR_TOO_LARGE;
    if (offset > VIRTIO_BLK_SIZE_DATA || length > VIRTIO_BLK_SIZE_DATA - offset ||
        length < (uint64_t)count * BLK_SECTOR_SIZE)
        return BLK_ERROR_BAD_BUFFER;
    return 0;
}

static int h_capacity(void *ctx, kidl_badge_t badge, uint64_t *sectors, uint32_t *max_sectors)
{
    (void)ctx;
    (void)badge;
    *sectors = capacity;
    *max_sectors = MAX_SECTORS;
    return 0;
}

static int h_read(void *ctx, kidl_badge_t badge, uint64_t sector, uint32_t count, uint64_t offset,
                  uint64_t length)
{
    (void)ctx;
    (void)badge;
    int e = check(sector, count, offset, length);
    if (e)
        return e;
    uint32_t bytes = count * BLK_SECTOR_SIZE;
    e = submit(T_IN, sector, bytes);
    if (!e)
        copy((void *)(VIRTIO_BLK_VADDR_DATA + offset), (const void *)(VIRTIO_BLK_VADDR_RING + BOUNCE_AT),
             bytes);
    return e;
}

static int h_write(void *ctx, kidl_badge_t badge, uint64_t sector, uint32_t count, uint64_t offset,
                   uint64_t length)
{
    (void)ctx;
    (void)badge;
    int e = check(sector, count, offset, length);
    if (e)
        return e;
    uint32_t bytes = count * BLK_SECTOR_SIZE;
    copy((void *)(VIRTIO_BLK_VADDR_RING + BOUNCE_AT), (const void *)(VIRTIO_BLK_VADDR_DATA + offset), bytes);
    return submit(T_OUT, sector, bytes);
}

static int h_flush(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    if (!have_flush)
        return BLK_ERROR_IO_ERROR;
    return submit(T_FLUSH, 0, 0);
}

static int h_stop(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    out8(REG_STATUS, 0); /* reset: the device forgets the queue */
    stopping = true;
    return 0;
}

static const struct blk_handlers handlers = {
    .capacity = h_capacity,
    .read = h_read,
    .write = h_write,
    .flush = h_flush,
    .stop = h_stop,
};
static const struct blk_server server = { &handlers, NULL };

/* ---- Start: find the device, check it is the one declared, set it up --- */

static int fail(const char *what, int code)
{
    uprintf("virtio_blk: %s\n", what);
    return code;
}

static int setup_pci(void)
{
    struct pci_device d;
    int e = pci_mine(VIRTIO_BLK_CAP_BUS, &d);
    if (e)
        return fail("the pci server allows this driver no device", 2);
    uprintf("virtio_blk: device %02x:%02x.%x %04x:%04x bar0 0x%x irq %u\n", d.bus, d.dev, d.fn, d.vendor,
            d.device, d.bars[0], d.irq_line);
    if (d.vendor != 0x1af4 || d.device != 0x1001)
        return fail("not a transitional virtio-blk device", 3);
    if (!(d.bars[0] & 1) || (d.bars[0] & ~3u) != VIRTIO_BLK_PORT_FIRST_REGS)
        return fail("BAR0 is not the I/O range the deployment declares", 4);
    if (d.irq_line != VIRTIO_BLK_IRQ_LINE_DISK)
        return fail("INTERRUPT_LINE is not the IRQ the deployment declares", 5);
    uint32_t command = 0;
    e = pci_config_read(VIRTIO_BLK_CAP_BUS, d.bus, d.dev, d.fn, 0x04, 2, &command);
    if (!e)
        e = pci_config_write(VIRTIO_BLK_CAP_BUS, d.bus, d.dev, d.fn, 0x04, 2,
                             command | 0x5); /* I/O, bus master */
    if (e)
        return fail("cannot enable I/O decoding and bus mastering", 6);
    io_base = VIRTIO_BLK_PORT_FIRST_REGS;
    return 0;
}

static int setup_device(void)
{
    out8(REG_STATUS, 0);
    out8(REG_STATUS, STATUS_ACKNOWLEDGE);
    out8(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    uint32_t offered = (uint32_t)in32(REG_DEVICE_FEATURES);
    have_flush = (offered & FEATURE_FLUSH) != 0;
    out32(REG_GUEST_FEATURES, offered & FEATURE_FLUSH);

    out16(REG_QUEUE_SELECT, 0);
    queue_size = (unsigned)in16(REG_QUEUE_SIZE);
    /* Legacy layout: descriptors, available ring, then the used ring on the
     * next 4 KiB boundary. */
    uint64_t used_at = (16 * queue_size + 6 + 2 * queue_size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (!queue_size || used_at + 6 + 8 * queue_size > RING_AREA) {
        out8(REG_STATUS, STATUS_FAILED);
        return fail("queue 0 missing or too large for the ring area", 7);
    }
    uint64_t e = kumiki_frame_get_address(VIRTIO_BLK_CAP_RING, &ring_phys);
    if (e || ring_phys & (PAGE - 1)) {
        out8(REG_STATUS, STATUS_FAILED);
        return fail("no physical address for the DMA memory", 8);
    }
    uint8_t *ring = (uint8_t *)VIRTIO_BLK_VADDR_RING;
    memset(ring, 0, RING_AREA);
    descs = (volatile struct desc *)ring;
    avail = (volatile uint16_t *)(ring + 16 * queue_size);
    used = (volatile uint16_t *)(ring + used_at);
    out32(REG_QUEUE_PFN, ring_phys / PAGE);
    out8(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
    capacity = in32(REG_CAPACITY) | in32(REG_CAPACITY + 4) << 32;
    uprintf("virtio_blk: %lu sectors, queue of %u, flush %s, DMA at 0x%lx\n", (unsigned long)capacity,
            queue_size, have_flush ? "yes" : "no", (unsigned long)ring_phys);
    return 0;
}

int main(const char *args)
{
    (void)args;
    int e = setup_pci();
    if (!e)
        e = setup_device();
    if (e)
        return e;
    kidl_serve_until(VIRTIO_BLK_CAP_SVC, blk_dispatch_any, &server, &stopping);
    uprintf("virtio_blk: stopped after %u interrupts\n", interrupts);
    return 0;
}
