/* drivers/fdc/fdc.c — the floppy disk controller driver (82077AA on the pc
 * machine, drives A and B), serving the fdc interface (fdc.idl).
 *
 * It holds exactly what its deployment gives it: the controller's ports
 * (DOR 0x3f2, MSR/DSR 0x3f4, FIFO 0x3f5, CCR 0x3f7), the ISA DMA
 * controller's channel-2 ports (0x04-0x05 address and count, 0x0a mask,
 * 0x0b mode, 0x0c flip-flop, 0x81 page), IRQ 6 with its notification, a DMA
 * buffer (physically contiguous; the 8237 reaches only the first 16 MiB and
 * cannot cross a 64 KiB boundary: checked at start, the driver refuses to
 * run otherwise) and the buffer it shares with its client.
 *
 * At start it resets the controller and detects each drive's medium and
 * geometry by reading test sectors at each data rate (1.44 MB: 80/2/18,
 * 1.2 MB: 80/2/15, 2.88 MB: 80/2/36, 720 KB: 80/2/9); requests are then
 * checked against that (drive, range, buffer) before the controller is
 * touched.  Media changes are not noticed.  Completion is taken from IRQ 6;
 * if it does not come within a second the driver says so and polls the
 * main status register (and SENSE INTERRUPT) from then on. */
#include "fdc_driver_caps.h"
#include "fdc_server.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

enum {
    DOR = 0x3f2,
    MSR = 0x3f4,
    FIFO = 0x3f5,
    CCR = 0x3f7,
    DMA_ADDR2 = 0x04,
    DMA_COUNT2 = 0x05,
    DMA_MASK = 0x0a,
    DMA_MODE = 0x0b,
    DMA_FLIPFLOP = 0x0c,
    DMA_PAGE2 = 0x81,
    DMA_MODE_TO_MEMORY = 0x46,   /* single, increment, device -> memory, channel 2 */
    DMA_MODE_FROM_MEMORY = 0x4a, /* single, increment, memory -> device, channel 2 */
    DOR_ENABLE = 0x0c,           /* not in reset, DMA and IRQ enabled */
    MSR_RQM = 0x80,
    MSR_DIO = 0x40,
    CMD_SPECIFY = 0x03,
    CMD_SENSE_DRIVE = 0x04,
    CMD_WRITE = 0x45, /* MFM */
    CMD_READ = 0x46,  /* MFM */
    CMD_RECALIBRATE = 0x07,
    CMD_SENSE_INTERRUPT = 0x08,
    CMD_SEEK = 0x0f,
    ST0_ERROR = 0xc0,
    ST0_SEEK_END = 0x20,
    ST1_NOT_WRITABLE = 0x02,
    SECTOR = FDC_SECTOR_SIZE,
    DRIVES = 2,
    TIMEOUT_TICKS = 100, /* one second at the kernel's 100 Hz */
};

struct drive {
    bool media;
    uint8_t rate; /* CCR value */
    uint32_t cylinders, heads, spt;
    int cylinder; /* where the head is, -1 unknown */
};

static struct drive drives[DRIVES];
static struct fdc_status last;
static bool use_irq = true, stopping;
static uint8_t dor = DOR_ENABLE;
static uint8_t motor_held; /* bit per drive: the client asked for the motor on */
static uint64_t dma_paddr;
static uint64_t accesses; /* port accesses to the controller and DMA controller */

static kumiki_cptr_t port_cap(uint64_t port)
{
    if (port >= FDC_DRIVER_PORT_FIRST_CTL && port <= FDC_DRIVER_PORT_LAST_CTL)
        return FDC_DRIVER_CAP_CTL;
    if (port == CCR)
        return FDC_DRIVER_CAP_CCR;
    if (port == DMA_ADDR2 || port == DMA_COUNT2)
        return FDC_DRIVER_CAP_DMA_CH2;
    if (port == DMA_PAGE2)
        return FDC_DRIVER_CAP_DMA_PAGE;
    return FDC_DRIVER_CAP_DMA_CTL;
}

static uint8_t in8(uint64_t port)
{
    uint64_t value = 0xff;
    accesses++;
    kumiki_ioport_in8(port_cap(port), port, &value);
    return (uint8_t)value;
}

static void out8(uint64_t port, uint64_t value)
{
    accesses++;
    kumiki_ioport_out8(port_cap(port), port, value & 0xff);
}

static bool expired(uint64_t start)
{
    return kumiki_ticks() - start > TIMEOUT_TICKS;
}

static void sleep_ticks(uint64_t ticks)
{
    uint64_t start = kumiki_ticks();
    while (kumiki_ticks() - start < ticks)
        kumiki_yield();
}

static bool fifo_write(uint8_t byte)
{
    for (uint64_t start = kumiki_ticks(); !expired(start);) {
        if ((in8(MSR) & (MSR_RQM | MSR_DIO)) == MSR_RQM) {
            out8(FIFO, byte);
            return true;
        }
        kumiki_yield();
    }
    return false;
}

static bool fifo_read(uint8_t *byte)
{
    for (uint64_t start = kumiki_ticks(); !expired(start);) {
        if ((in8(MSR) & (MSR_RQM | MSR_DIO)) == (MSR_RQM | MSR_DIO)) {
            *byte = in8(FIFO);
            return true;
        }
        kumiki_yield();
    }
    return false;
}

static bool command(const uint8_t *bytes, unsigned n)
{
    last.command = bytes[0];
    for (unsigned i = 0; i < n; i++)
        if (!fifo_write(bytes[i]))
            return false;
    return true;
}

/* Waits for IRQ 6.  False if it did not come in time: from then on the
 * driver polls (the caller goes on to read results by polling anyway). */
static bool wait_irq(void)
{
    if (!use_irq)
        return false;
    for (uint64_t start = kumiki_ticks(); !expired(start);) {
        uint64_t word = 0;
        if (kumiki_poll(FDC_DRIVER_CAP_FDC_NOTIFICATION, &word) == KE_OK &&
            (word & (1u << FDC_DRIVER_IRQ_LINE_FDC))) {
            kumiki_irq_handler_ack(FDC_DRIVER_CAP_FDC);
            return true;
        }
        kumiki_yield();
    }
    uprintf("fdc: IRQ %d did not come within a second; polling the main status register from now on\n",
            FDC_DRIVER_IRQ_LINE_FDC);
    use_irq = false;
    return false;
}

/* SENSE INTERRUPT: ST0 and the present cylinder.  0x80 in ST0: nothing pending. */
static bool sense_interrupt(uint8_t *st0, uint8_t *cylinder)
{
    uint8_t cmd = CMD_SENSE_INTERRUPT;
    *cylinder = 0;
    if (!command(&cmd, 1) || !fifo_read(st0))
        return false;
    last.st0 = *st0;
    return *st0 == 0x80 || fifo_read(cylinder);
}

/* After a seek or recalibrate: the interrupt (or, polling, repeated SENSE
 * INTERRUPT until the seek has ended) and its status. */
static bool seek_done(unsigned drive, uint8_t *st0, uint8_t *cylinder)
{
    bool irq = wait_irq();
    for (uint64_t start = kumiki_ticks(); !expired(start);) {
        if (!sense_interrupt(st0, cylinder))
            return false;
        if (*st0 != 0x80 && (*st0 & 3) == drive)
            return true;
        if (irq)
            return false;
        kumiki_yield();
    }
    return false;
}

static void dor_update(void)
{
    out8(DOR, dor);
}

static void motor_set(unsigned drive, bool on)
{
    uint8_t bit = (uint8_t)(0x10u << drive);
    bool was = dor & bit;
    dor = (uint8_t)((on ? dor | bit : dor & ~bit) & ~3u);
    dor |= (uint8_t)drive;
    dor_update();
    if (on && !was)
        sleep_ticks(30); /* spin-up: 300 ms */
}

static int reset(void)
{
    out8(DOR, 0);
    dor = DOR_ENABLE;
    dor_update();
    wait_irq();
    for (unsigned i = 0; i < 4; i++) {
        uint8_t st0, cylinder;
        if (!sense_interrupt(&st0, &cylinder))
            return FDC_ERROR_TIMEOUT;
    }
    out8(CCR, 0);
    const uint8_t specify[] = { CMD_SPECIFY, 0xdf, 0x02 }; /* step 3 ms, head unload 240 ms, load 4 ms, DMA */
    return command(specify, sizeof(specify)) ? 0 : FDC_ERROR_TIMEOUT;
}

static int recalibrate(unsigned drive)
{
    for (unsigned tries = 0; tries < 2; tries++) { /* 80 tracks may need two 77-step tries */
        const uint8_t cmd[] = { CMD_RECALIBRATE, (uint8_t)drive };
        uint8_t st0, cylinder;
        if (!command(cmd, 2) || !seek_done(drive, &st0, &cylinder))
            return FDC_ERROR_TIMEOUT;
        if (!(st0 & ST0_ERROR) && cylinder == 0) {
            drives[drive].cylinder = 0;
            return 0;
        }
    }
    drives[drive].cylinder = -1;
    return FDC_ERROR_DEVICE_ERROR;
}

static int seek(unsigned drive, unsigned head, unsigned cylinder)
{
    if (drives[drive].cylinder == (int)cylinder)
        return 0;
    const uint8_t cmd[] = { CMD_SEEK, (uint8_t)(head << 2 | drive), (uint8_t)cylinder };
    uint8_t st0, at;
    if (!command(cmd, 3) || !seek_done(drive, &st0, &at))
        return FDC_ERROR_TIMEOUT;
    if ((st0 & ST0_ERROR) || !(st0 & ST0_SEEK_END) || at != cylinder) {
        drives[drive].cylinder = -1;
        uprintf("fdc: seek of drive %u to cylinder %u failed: ST0 0x%x, at %u\n", drive, cylinder, st0, at);
        return FDC_ERROR_DEVICE_ERROR;
    }
    drives[drive].cylinder = (int)cylinder;
    return 0;
}

static void sense_drive(unsigned drive, unsigned head)
{
    const uint8_t cmd[] = { CMD_SENSE_DRIVE, (uint8_t)(head << 2 | drive) };
    uint8_t st3;
    if (command(cmd, 2) && fifo_read(&st3))
        last.st3 = st3;
}

static void dma_setup(uint64_t bytes, bool to_memory)
{
    uint64_t count = bytes - 1;
    out8(DMA_MASK, 0x06); /* mask channel 2 */
    out8(DMA_FLIPFLOP, 0xff);
    out8(DMA_ADDR2, dma_paddr);
    out8(DMA_ADDR2, dma_paddr >> 8);
    out8(DMA_FLIPFLOP, 0xff);
    out8(DMA_COUNT2, count);
    out8(DMA_COUNT2, count >> 8);
    out8(DMA_PAGE2, dma_paddr >> 16);
    out8(DMA_MODE, to_memory ? DMA_MODE_TO_MEMORY : DMA_MODE_FROM_MEMORY);
    out8(DMA_MASK, 0x02); /* unmask channel 2 */
}

/* One READ DATA or WRITE DATA of n sectors on one track, through the DMA
 * buffer.  quiet: a probe, whose failure is expected. */
static int transfer(unsigned drive, unsigned cylinder, unsigned head, unsigned sector, unsigned n, bool write,
                    bool quiet)
{
    int e = seek(drive, head, cylinder);
    if (e)
        return e;
    dma_setup((uint64_t)n * SECTOR, !write);
    const uint8_t cmd[] = { write ? CMD_WRITE : CMD_READ,
                            (uint8_t)(head << 2 | drive),
                            (uint8_t)cylinder,
                            (uint8_t)head,
                            (uint8_t)sector,
                            2, /* 512 bytes */
                            (uint8_t)(sector + n - 1),
                            0x1b,
                            0xff };
    if (!command(cmd, sizeof(cmd)))
        return FDC_ERROR_TIMEOUT;
    wait_irq();
    uint8_t result[7];
    for (unsigned i = 0; i < 7; i++)
        if (!fifo_read(&result[i]))
            return FDC_ERROR_TIMEOUT;
    last.st0 = result[0];
    last.st1 = result[1];
    last.st2 = result[2];
    if (!(result[0] & ST0_ERROR))
        return 0;
    if (!quiet) {
        sense_drive(drive, head);
        uprintf("fdc: %s of drive %u C%u/H%u/S%u x%u failed: ST0 0x%02x ST1 0x%02x ST2 0x%02x ST3 0x%02x\n",
                write ? "write" : "read", drive, cylinder, head, sector, n, last.st0, last.st1, last.st2,
                last.st3);
    }
    return write && (result[1] & ST1_NOT_WRITABLE) ? FDC_ERROR_WRITE_PROTECTED : FDC_ERROR_DEVICE_ERROR;
}

/* Media and geometry: the data rate and sectors per track at which sector
 * spt of track 0 reads and sector spt + 1 does not, confirmed on the last
 * cylinder's second side. */
static void detect(unsigned drive)
{
    static const struct {
        uint8_t rate;
        uint8_t spt;
        const char *name;
    } formats[] = { { 0, 18, "1.44 MB" }, { 0, 15, "1.2 MB" }, { 3, 36, "2.88 MB" }, { 2, 9, "720 KB" } };
    struct drive *d = &drives[drive];
    d->media = false;
    motor_set(drive, true);
    if (recalibrate(drive)) {
        uprintf("fdc: drive %c: recalibrate failed (ST0 0x%02x): no drive\n", 'A' + drive, last.st0);
        motor_set(drive, false);
        return;
    }
    for (unsigned f = 0; f < sizeof(formats) / sizeof(formats[0]) && !d->media; f++) {
        out8(CCR, formats[f].rate);
        if (transfer(drive, 0, 0, formats[f].spt, 1, false, true) ||
            !transfer(drive, 0, 0, formats[f].spt + 1u, 1, false, true) ||
            transfer(drive, 79, 1, formats[f].spt, 1, false, true))
            continue;
        *d = (struct drive){ .media = true,
                             .rate = formats[f].rate,
                             .cylinders = 80,
                             .heads = 2,
                             .spt = formats[f].spt,
                             .cylinder = d->cylinder };
        uprintf("fdc: drive %c: %s medium, %u/%u/%u\n", 'A' + drive, formats[f].name, d->cylinders, d->heads,
                d->spt);
    }
    if (!d->media)
        uprintf("fdc: drive %c: no readable medium\n", 'A' + drive);
    out8(CCR, 0);
    motor_set(drive, false);
}

/* The request checks, before any device access. */
static int check(uint32_t drive, uint32_t lba, uint32_t count)
{
    if (drive >= DRIVES)
        return FDC_ERROR_BAD_DRIVE;
    if (!drives[drive].media)
        return FDC_ERROR_NO_MEDIA;
    const struct drive *d = &drives[drive];
    uint64_t total = (uint64_t)d->cylinders * d->heads * d->spt;
    if (count == 0 || lba >= total || count > total - lba)
        return FDC_ERROR_BAD_RANGE;
    if ((uint64_t)count * SECTOR > FDC_DRIVER_SIZE_BUFFER)
        return FDC_ERROR_SHORT_BUFFER;
    return 0;
}

static int io(uint32_t drive, uint32_t lba, uint32_t count, bool write)
{
    int e = check(drive, lba, count);
    if (e)
        return e;
    struct drive *d = &drives[drive];
    uint8_t *shared = (uint8_t *)FDC_DRIVER_VADDR_BUFFER, *dma = (uint8_t *)FDC_DRIVER_VADDR_DMABUF;
    motor_set(drive, true);
    out8(CCR, d->rate);
    for (uint32_t done = 0; done < count && !e;) {
        uint32_t at = lba + done, sector = at % d->spt + 1, head = at / d->spt % d->heads;
        uint32_t cylinder = at / (d->spt * d->heads);
        uint32_t n = count - done;
        if (n > d->spt - sector + 1)
            n = d->spt - sector + 1;
        if (n > FDC_DRIVER_SIZE_DMABUF / SECTOR)
            n = FDC_DRIVER_SIZE_DMABUF / SECTOR;
        if (write)
            memcpy(dma, shared + (uint64_t)done * SECTOR, (uint64_t)n * SECTOR);
        e = transfer(drive, cylinder, head, sector, n, write, false);
        if (!e && !write)
            memcpy(shared + (uint64_t)done * SECTOR, dma, (uint64_t)n * SECTOR);
        done += n;
    }
    if (!(motor_held & (1u << drive)))
        motor_set(drive, false);
    return e;
}

static int read_sectors(void *ctx, kidl_badge_t badge, uint32_t drive, uint32_t lba, uint32_t count)
{
    (void)ctx;
    (void)badge;
    return io(drive, lba, count, false);
}

static int write_sectors(void *ctx, kidl_badge_t badge, uint32_t drive, uint32_t lba, uint32_t count)
{
    (void)ctx;
    (void)badge;
    return io(drive, lba, count, true);
}

static int geometry(void *ctx, kidl_badge_t badge, uint32_t drive, struct fdc_geometry *geo)
{
    (void)ctx;
    (void)badge;
    if (drive >= DRIVES)
        return FDC_ERROR_BAD_DRIVE;
    const struct drive *d = &drives[drive];
    if (!d->media)
        return FDC_ERROR_NO_MEDIA;
    *geo = (struct fdc_geometry){ .cylinders = d->cylinders,
                                  .heads = d->heads,
                                  .sectors_per_track = d->spt,
                                  .sector_size = SECTOR,
                                  .total_sectors = d->cylinders * d->heads * d->spt };
    return 0;
}

static int motor(void *ctx, kidl_badge_t badge, uint32_t drive, bool on)
{
    (void)ctx;
    (void)badge;
    if (drive >= DRIVES)
        return FDC_ERROR_BAD_DRIVE;
    motor_held = (uint8_t)(on ? motor_held | 1u << drive : motor_held & ~(1u << drive));
    motor_set(drive, on);
    return 0;
}

static int status(void *ctx, kidl_badge_t badge, struct fdc_status *out)
{
    (void)ctx;
    (void)badge;
    *out = last;
    out->port_accesses = accesses;
    return 0;
}

static int read_dor(void *ctx, kidl_badge_t badge, uint8_t *value)
{
    (void)ctx;
    (void)badge;
    *value = in8(DOR);
    return 0;
}

static int stop(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    stopping = true;
    return 0;
}

static const struct fdc_handlers handlers = {
    .read_sectors = read_sectors,
    .write_sectors = write_sectors,
    .geometry = geometry,
    .motor = motor,
    .status = status,
    .stop = stop,
    .read_dor = read_dor,
};
static const struct fdc_server server = { &handlers, NULL };

int main(const char *args)
{
    (void)args;
    uint64_t e = kumiki_frame_get_address(FDC_DRIVER_CAP_DMABUF, &dma_paddr);
    uint64_t end = dma_paddr + FDC_DRIVER_SIZE_DMABUF - 1;
    if (e || end >= (16u << 20) || (dma_paddr >> 16) != (end >> 16)) {
        uprintf("fdc: the DMA buffer at 0x%lx..0x%lx is unusable for ISA DMA (it must lie below 16 MiB "
                "within one 64 KiB block): refusing to run\n",
                (unsigned long)dma_paddr, (unsigned long)end);
        return 1;
    }
    uprintf("fdc: DMA buffer at physical 0x%lx\n", (unsigned long)dma_paddr);
    if (reset()) {
        uprintf("fdc: the controller does not answer: refusing to run\n");
        return 2;
    }
    uprintf("fdc: controller reset, %s\n", use_irq ? "completion by IRQ 6" : "polling");
    for (unsigned drive = 0; drive < DRIVES; drive++)
        detect(drive);
    kidl_serve_until(FDC_DRIVER_CAP_SVC, fdc_dispatch_any, &server, &stopping);
    out8(DOR, DOR_ENABLE); /* motors off */
    return 0;
}
