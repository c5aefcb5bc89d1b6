/* drivers/acpi_power/acpi_power.c — the ACPI power driver.  It reads the
 * firmware's tables through the memory its deployment maps (the first MiB
 * and the tables region), finds the PM1a control port and the S5 sleep
 * type (acpi_tables.c: checksums and lengths checked), refuses to act when
 * the port is not the one it was given, and serves acpi.idl. */
#include "acpi_driver_caps.h"
#include "acpi_server.h"
#include "acpi_tables.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

enum { SLP_EN = 1u << 13, SLP_TYP_SHIFT = 10, KBC_RESET = 0xfe };

struct window {
    uint64_t phys, size, vaddr;
};

/* The tables window's physical address is the deployment's (it depends on
 * QEMU's memory size: 0x7fe0000 for -m 128M, 0xffe0000 for -m 256M), read
 * from its first frame at start, so that one program serves every
 * deployment that lays its capabilities out the same. */
static struct window windows[] = {
    { 0x0, ACPI_DRIVER_SIZE_LOW, ACPI_DRIVER_VADDR_LOW },
    { 0, ACPI_DRIVER_SIZE_TABLES, ACPI_DRIVER_VADDR_TABLES },
};

static struct acpi_power_facts facts;
static bool usable;

/* Reads firmware memory through the deployment's MMIO windows only. */
static bool read_physical(void *ctx, uint64_t phys, void *dst, size_t len)
{
    (void)ctx;
    for (unsigned i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
        const struct window *w = &windows[i];
        if (phys >= w->phys && len <= w->size && phys - w->phys <= w->size - len) {
            memcpy(dst, (const void *)(w->vaddr + (phys - w->phys)), len);
            return true;
        }
    }
    return false;
}

static int get_facts(void *ctx, kidl_badge_t badge, uint32_t *pm1a, uint8_t *sleep_type, bool *reset)
{
    (void)ctx;
    (void)badge;
    *pm1a = facts.pm1a_control;
    *sleep_type = facts.s5_sleep_type;
    *reset = facts.reset_supported;
    return usable ? 0 : 1;
}

static int power_off(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    if (!usable)
        return 1;
    uprintf("acpi: power off requested (badge 0x%lx): PM1a_CNT 0x%x <- 0x%x\n", (unsigned long)badge,
            facts.pm1a_control, (unsigned)(facts.s5_sleep_type << SLP_TYP_SHIFT | SLP_EN));
    kumiki_ioport_out16(ACPI_DRIVER_CAP_PM1A, facts.pm1a_control,
                        (uint64_t)facts.s5_sleep_type << SLP_TYP_SHIFT | SLP_EN);
    return 2; /* still here: the write did not power off */
}

/* The FADT reset register when the firmware has one and it is the port
 * this deployment gives; otherwise the keyboard controller's reset line
 * (command 0xFE on port 0x64), which every pc has. */
static int reset(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    uprintf("acpi: reset requested (badge 0x%lx)\n", (unsigned long)badge);
    if (facts.reset_supported && facts.reset_port == ACPI_DRIVER_PORT_FIRST_KBC)
        kumiki_ioport_out8(ACPI_DRIVER_CAP_KBC, facts.reset_port, facts.reset_value);
    else
        kumiki_ioport_out8(ACPI_DRIVER_CAP_KBC, ACPI_DRIVER_PORT_FIRST_KBC, KBC_RESET);
    return 3; /* still here: the reset did not happen */
}

static const struct acpi_power_handlers handlers = {
    .facts = get_facts,
    .power_off = power_off,
    .reset = reset,
};
static const struct acpi_power_server server = { &handlers, NULL };

int main(const char *args)
{
    (void)args;
    const char *why = NULL;
    if (kumiki_frame_get_address(ACPI_DRIVER_CAP_TABLES, &windows[1].phys) != KE_OK)
        why = "the tables window's frame does not say its address";
    else
        why = acpi_find_power_facts(read_physical, NULL, 0xe0000, 0x100000, &facts);
    if (why) {
        uprintf("acpi: %s\n", why);
    } else if (facts.pm1a_control != ACPI_DRIVER_PORT_FIRST_PM1A) {
        uprintf("acpi: the FADT says PM1a_CNT is port 0x%x, but this deployment gives 0x%x: refusing\n",
                facts.pm1a_control, ACPI_DRIVER_PORT_FIRST_PM1A);
    } else {
        usable = true;
        uprintf("acpi: RSDP at 0x%lx, PM1a_CNT 0x%x, S5 sleep type %u%s\n", (unsigned long)facts.rsdp,
                facts.pm1a_control, facts.s5_sleep_type, facts.reset_supported ? ", reset register" : "");
    }
    kidl_serve(ACPI_DRIVER_CAP_POWER, acpi_power_dispatch_any, &server);
    return 1;
}
