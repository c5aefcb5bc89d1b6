/* kernel/core/main.c — kernel_main: from boot.S to the first user program.
 *
 * Order matters: the console first (so every later failure can be told),
 * then descriptor tables (so a fault is reported, not a triple fault), then
 * the boot information (read through the boot window, before anything is
 * allocated over it), memory, paging, the timer, and the root task. */
#include <arch/arch.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/boot_info.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/pmem.h>
#include <kernel/root_task.h>
#include <kernel/string.h>
#include <kernel/tcb.h>

NORETURN void kernel_main(void);

extern char kernel_phys_start[], kernel_phys_end[];

static struct boot_info boot_info;

static bool read_boot_window(void *ctx, uint64_t phys, void *dst, size_t len)
{
    (void)ctx;
    if (phys >= BOOT_WINDOW_LIMIT || len > BOOT_WINDOW_LIMIT - phys)
        return false;
    memcpy(dst, (const void *)(KERNEL_VMA + phys), len);
    return true;
}

/* Kernel command line options: loglevel=debug|info|warn|error. */
static void apply_cmdline(const char *cmdline)
{
    const char *opt = strstr(cmdline, "loglevel=");
    if (!opt)
        return;
    opt += 9;
    size_t len = 0;
    while (opt[len] && opt[len] != ' ')
        len++;
    enum log_level level;
    if (log_level_from_name(opt, len, &level))
        log_set_level(level);
    else
        log_warn("unknown loglevel in the command line; keeping 'info'");
}

static void read_boot_information(void)
{
    struct phys_reader reader = { .read = read_boot_window };
    unsigned index;
    enum boot_error e =
        multiboot_parse(arch_multiboot_magic(), arch_multiboot_info(), &reader, &boot_info, &index);
    if (e != BOOT_OK)
        panic("cannot boot: %s (entry %u)", boot_error_text(e), index);
    apply_cmdline(boot_info.cmdline);
    for (unsigned i = 0; i < boot_info.region_count; i++)
        log_debug("memory %016lx-%016lx type %u", boot_info.regions[i].base,
                  boot_info.regions[i].base + boot_info.regions[i].length, boot_info.regions[i].type);
    for (unsigned i = 0; i < boot_info.module_count; i++)
        log_info("module %u: %lu bytes at %p: %s", i + 1,
                 (unsigned long)(boot_info.modules[i].end - boot_info.modules[i].start),
                 (void *)boot_info.modules[i].start, boot_info.modules[i].cmdline);
}

/* Ports the kernel drives itself are never issued to user space: the
 * interrupt controllers and the debug-exit port.  COM1 can be issued: the
 * kernel's console then moves into a ring for the serial driver
 * (core/console.c). */
static void reserve_kernel_ports(void)
{
    ioport_reserve(0x20, 0x21);
    ioport_reserve(0xa0, 0xa1);
    ioport_reserve(0xf4, 0xf7);
}

NORETURN void kernel_main(void)
{
    arch_serial_init();
    kprintf("\nKumiki microkernel booting\n");
    arch_cpu_init();
    read_boot_information();

    pmem_init(&boot_info, (paddr_t)kernel_phys_start, (paddr_t)kernel_phys_end);
    paging_init(pmem_ram_end());
    log_info("memory: %lu KiB available, %lu KiB free after the kernel and modules",
             (unsigned long)(boot_available_bytes(&boot_info) / 1024),
             (unsigned long)(pmem_free_bytes() / 1024));

    arch_timer_init(sched_tick_hz());
    reserve_kernel_ports();
    root_task_create(&boot_info);
    sched_exit_to_user();
}
