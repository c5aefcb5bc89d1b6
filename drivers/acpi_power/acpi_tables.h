/* drivers/acpi_power/acpi_tables.h — finding the power-off facts in the
 * firmware's ACPI tables: the RSDP, the RSDT or XSDT, the FADT's PM1a
 * control block and reset register, and the S5 sleep type from the DSDT's
 * \_S5 package.  Pure: the tables are read through a reader that refuses
 * what the driver cannot see, and every length and checksum is checked (the
 * tables are less trusted input).  Tested on the host (test_acpi_tables.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies len bytes at a physical address; false if out of reach. */
typedef bool (*acpi_read_fn)(void *ctx, uint64_t phys, void *dst, size_t len);

struct acpi_power_facts {
    uint64_t rsdp;         /* where the RSDP was found */
    uint32_t pm1a_control; /* PM1a_CNT_BLK: an I/O port */
    uint8_t s5_sleep_type; /* SLP_TYPa for S5 (soft off) */
    bool reset_supported;  /* FADT reset register present (I/O space) */
    uint16_t reset_port;
    uint8_t reset_value;
};

/* Searches the RSDP in [search_start, search_end) on 16-byte boundaries,
 * then follows the tables.  Returns NULL and fills *facts, or a message
 * saying what is wrong. */
const char *acpi_find_power_facts(acpi_read_fn read, void *ctx, uint64_t search_start, uint64_t search_end,
                                  struct acpi_power_facts *facts);
