/* kernel/arch/x86_64/timer.c — interrupt controllers and the periodic tick.
 *
 * The legacy 8259 PICs are remapped away from the exception vectors and fully
 * masked (device IRQs will be routed through IRQ capabilities later).  The
 * tick comes from the local APIC timer: per CPU, no I/O port access per tick,
 * and its rate is measured once against PIT channel 2, whose input clock
 * (1.193182 MHz) is fixed.  Under QEMU -icount both clocks follow the
 * instruction count, so the calibration and every tick are reproducible. */
#include <arch/arch.h>
#include <arch/cpu.h>
#include <arch/paging.h>
#include <arch/vectors.h>
#include <kernel/log.h>

enum {
    PIC1_CMD = 0x20,
    PIC1_DATA = 0x21,
    PIC2_CMD = 0xa0,
    PIC2_DATA = 0xa1,
    PIT_CH2 = 0x42,
    PIT_MODE = 0x43,
    PIT_GATE = 0x61,
    PIT_HZ = 1193182,
    LAPIC_EOI = 0xb0,
    LAPIC_SVR = 0xf0,
    LAPIC_LVT_TIMER = 0x320,
    LAPIC_TIMER_INITIAL = 0x380,
    LAPIC_TIMER_CURRENT = 0x390,
    LAPIC_TIMER_DIVIDE = 0x3e0,
    LAPIC_ENABLE = 1u << 8,
    LAPIC_TIMER_PERIODIC = 1u << 17,
    LAPIC_MASKED = 1u << 16,
    CALIBRATION_MS = 1, /* 1193 PIT ticks: 0.1% resolution; this wait is most of the boot time */
};

static volatile uint8_t *lapic;

static void lapic_write(unsigned reg, uint32_t value)
{
    mmio_write32(lapic + reg, value);
}
static uint32_t lapic_read(unsigned reg)
{
    return mmio_read32(lapic + reg);
}

static void pic_remap_and_mask(void)
{
    outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VECTOR_PIC_BASE);
    outb(PIC2_DATA, VECTOR_PIC_BASE + 8);
    outb(PIC1_DATA, 4); /* slave on IRQ2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 1); /* 8086 mode */
    outb(PIC2_DATA, 1);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}

/* LAPIC timer ticks (divide by 16) in CALIBRATION_MS, measured with PIT
 * channel 2 in one-shot mode, polled through port 0x61 bit 5. */
static uint32_t lapic_ticks_per_calibration(void)
{
    uint16_t count = (uint16_t)(PIT_HZ * CALIBRATION_MS / 1000);
    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_MODE, 0xb0);                           /* channel 2, lo/hi, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3);
    lapic_write(LAPIC_TIMER_INITIAL, 0xffffffff);
    /* Bounded: a broken PIT must not hang the boot. */
    for (uint64_t spin = 0; !(inb(PIT_GATE) & 0x20); spin++)
        if (spin > 100000000)
            panic("timer: PIT channel 2 never fired; cannot calibrate the LAPIC timer");
    uint32_t elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CURRENT);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    return elapsed;
}

void arch_timer_init(unsigned hz)
{
    pic_remap_and_mask();
    uint32_t regs[4];
    cpuid(1, 0, regs);
    if (!(regs[3] & (1u << 9)))
        panic("timer: this CPU has no local APIC");
    paddr_t base = rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11)); /* global enable */
    lapic = (volatile uint8_t *)paging_map_device(base, PAGE_SIZE);
    lapic_write(LAPIC_SVR, LAPIC_ENABLE | VECTOR_SPURIOUS);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_MASKED);

    uint32_t per_calibration = lapic_ticks_per_calibration();
    if (per_calibration == 0)
        panic("timer: LAPIC timer does not count");
    uint64_t per_second = (uint64_t)per_calibration * (1000 / CALIBRATION_MS);
    uint32_t initial = (uint32_t)(per_second / hz);
    if (initial == 0)
        initial = 1;
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3);
    lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER | LAPIC_TIMER_PERIODIC);
    lapic_write(LAPIC_TIMER_INITIAL, initial);
    log_info("timer: LAPIC at %p, %lu ticks/s (div 16), %u Hz periodic", (void *)base,
             (unsigned long)per_second, hz);
}

bool arch_interrupt_pending(void)
{
    /* IRR words 1..7 hold vectors 32..255: every interrupt we use. */
    for (unsigned reg = 0x210; reg <= 0x270; reg += 0x10)
        if (lapic_read(reg))
            return true;
    return false;
}

void arch_interrupt_ack(void)
{
    lapic_write(LAPIC_EOI, 0);
}
