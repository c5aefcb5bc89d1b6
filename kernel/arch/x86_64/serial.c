/* kernel/arch/x86_64/serial.c — COM1 (16550) for the kernel log.  Polling
 * only: the log must work before interrupts and with them off.  The serial
 * driver server takes the UART over later (issue: drivers). */
#include <arch/arch.h>
#include <arch/cpu.h>

enum { COM1 = 0x3f8, LINE_STATUS = 5, TX_EMPTY = 0x20 };

void arch_serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no UART interrupts */
    outb(COM1 + 3, 0x80); /* DLAB on */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void arch_serial_putc(char c)
{
    /* Bounded wait: a missing or wedged UART must not hang the kernel. */
    for (unsigned spin = 0; spin < 100000; spin++) {
        if (inb(COM1 + LINE_STATUS) & TX_EMPTY)
            break;
        cpu_relax();
    }
    outb(COM1, (uint8_t)c);
}
