/* kernel/arch/x86_64/include/arch/arch.h — what the architecture layer offers
 * the generic kernel.  Each function says in which boot phase it may run. */
#pragma once

#include <kernel/types.h>

/* Early console on COM1 (polling).  Usable from the first C instruction. */
void arch_serial_init(void);
void arch_serial_putc(char c);

/* Descriptor tables, TSS, syscall MSRs.  Once, early in kernel_main. */
void arch_cpu_init(void);

/* Interrupt controllers and the periodic timer (LAPIC timer, calibrated with
 * the PIT).  After paging_init (the LAPIC is mapped through the device
 * window).  The tick handler calls kernel_timer_tick(). */
void arch_timer_init(unsigned hz);
void arch_interrupt_ack(void);
/* True when an interrupt waits to be taken: long kernel operations check
 * this at their preemption points. */
bool arch_interrupt_pending(void);

/* Ends the QEMU run through isa-debug-exit (status (code << 1) | 1); if the
 * device is absent, halts forever. */
NORETURN void arch_debug_exit(uint8_t code);
NORETURN void arch_halt_forever(void);

/* The rdtsc value at the first kernel instruction (see boot.S). */
uint64_t arch_boot_entry_tsc(void);
uint64_t arch_read_tsc(void);

/* Multiboot hand-off values saved by boot.S. */
uint32_t arch_multiboot_magic(void);
uint32_t arch_multiboot_info(void);

/* FS and GS base of the running thread; always written (misc.c: the CPU's
 * base may differ from any value the kernel remembers). */
void cpu_set_fs_base(uint64_t value);
void cpu_set_gs_base(uint64_t value);

/* Waits with interrupts enabled until one arrives; returns with them off. */
void arch_idle_wait(void);
/* An interrupt arrived: if the CPU was idle, the idle period ends here
 * (before the handler's own instructions). */
void arch_idle_interrupted(void);
/* Time stamp counts spent idle since boot. */
uint64_t arch_idle_tsc(void);
