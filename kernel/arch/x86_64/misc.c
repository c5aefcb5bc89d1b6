/* kernel/arch/x86_64/misc.c — small machine services: exit, halt, tsc. */
#include <arch/arch.h>
#include <arch/cpu.h>

extern uint64_t boot_entry_tsc;
extern uint32_t boot_multiboot_magic;
extern uint32_t boot_multiboot_info;

enum { ISA_DEBUG_EXIT_PORT = 0xf4 };

NORETURN void arch_halt_forever(void)
{
    for (;;) {
        interrupts_disable();
        cpu_halt();
    }
}

NORETURN void arch_debug_exit(uint8_t code)
{
    outb(ISA_DEBUG_EXIT_PORT, code);
    arch_halt_forever();
}

uint64_t arch_boot_entry_tsc(void)
{
    return boot_entry_tsc;
}

uint64_t arch_read_tsc(void)
{
    return rdtsc();
}

uint32_t arch_multiboot_magic(void)
{
    return boot_multiboot_magic;
}

uint32_t arch_multiboot_info(void)
{
    return boot_multiboot_info;
}

/* Time stamp counts spent halted, for benchmarks of I/O paths: under
 * -icount the counter also advances while the CPU waits for a device, and
 * that wait is not work (SYS_DEBUG_IDLE_TSC). */
static uint64_t idle_since, idle_total;

void arch_idle_wait(void)
{
    idle_since = rdtsc();
    interrupts_enable_and_halt();
    interrupts_disable();
    arch_idle_interrupted();
}

void arch_idle_interrupted(void)
{
    if (idle_since) {
        idle_total += rdtsc() - idle_since;
        idle_since = 0;
    }
}

uint64_t arch_idle_tsc(void)
{
    return idle_total;
}

/* No cache of the loaded bases: user code can change its own FS or GS base
 * without the kernel (loading a null or data selector into %fs or %gs sets
 * the base from it), so a remembered "loaded" value may be stale, and the
 * next thread with that recorded base would run with the one the previous
 * thread left.  Every switch writes both (seL4 does the same without
 * FSGSBASE). */
void cpu_set_fs_base(uint64_t value)
{
    wrmsr(MSR_FS_BASE, value);
}

void cpu_set_gs_base(uint64_t value)
{
    wrmsr(MSR_GS_BASE, value);
}
