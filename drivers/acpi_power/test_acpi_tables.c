/* drivers/acpi_power/test_acpi_tables.c — acpi_find_power_facts() on
 * fabricated firmware memory: the good case (RSDT and XSDT), and each
 * broken table refused with its message. */
#include "acpi_tables.h"

#include <stdio.h>
#include <string.h>

enum { MEM = 0x20000, RSDP = 0x10000, RSDT = 0x11000, FADT = 0x12000, DSDT = 0x13000, XSDT = 0x14000 };
static uint8_t mem[MEM];
static int failures;

static bool reader(void *ctx, uint64_t phys, void *dst, size_t len)
{
    (void)ctx;
    if (phys > MEM || len > MEM - phys)
        return false;
    memcpy(dst, mem + phys, len);
    return true;
}

static void put32(uint64_t at, uint32_t v)
{
    memcpy(mem + at, &v, 4);
}
static void put64(uint64_t at, uint64_t v)
{
    memcpy(mem + at, &v, 8);
}

static void fix_checksum(uint64_t at, uint32_t len, uint64_t checksum_at)
{
    uint8_t total = 0;
    mem[checksum_at] = 0;
    for (uint32_t i = 0; i < len; i++)
        total = (uint8_t)(total + mem[at + i]);
    mem[checksum_at] = (uint8_t)-total;
}

static void table(uint64_t at, const char *signature, uint32_t length)
{
    memcpy(mem + at, signature, 4);
    put32(at + 4, length);
}

static void make_good(void)
{
    memset(mem, 0, sizeof(mem));
    memcpy(mem + RSDP, "RSD PTR ", 8);
    put32(RSDP + 16, RSDT);
    fix_checksum(RSDP, 20, RSDP + 8);
    table(RSDT, "RSDT", 36 + 4);
    put32(RSDT + 36, FADT);
    fix_checksum(RSDT, 40, RSDT + 9);
    table(FADT, "FACP", 132);
    put32(FADT + 40, DSDT);
    put32(FADT + 64, 0x604);
    fix_checksum(FADT, 132, FADT + 9);
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00 };
    table(DSDT, "DSDT", 36 + sizeof(aml));
    memcpy(mem + DSDT + 36, aml, sizeof(aml));
    fix_checksum(DSDT, 36 + sizeof(aml), DSDT + 9);
}

static void expect(const char *what, const char *got, const char *want)
{
    bool ok = want ? got && strstr(got, want) : !got;
    if (!ok) {
        failures++;
        fprintf(stderr, "FAIL %s: got '%s', expected '%s'\n", what, got ? got : "(ok)", want ? want : "(ok)");
    }
}

int main(void)
{
    struct acpi_power_facts f;
    make_good();
    expect("good", acpi_find_power_facts(reader, NULL, 0, MEM, &f), NULL);
    if (f.pm1a_control != 0x604 || f.s5_sleep_type != 5 || f.rsdp != RSDP || f.reset_supported) {
        failures++;
        fprintf(stderr, "FAIL good: facts %x %u %lx\n", f.pm1a_control, f.s5_sleep_type,
                (unsigned long)f.rsdp);
    }

    make_good(); /* XSDT through an RSDP of revision 2 */
    mem[RSDP + 15] = 2;
    put32(RSDP + 20, 36);
    put64(RSDP + 24, XSDT);
    fix_checksum(RSDP, 20, RSDP + 8);
    fix_checksum(RSDP, 36, RSDP + 32);
    table(XSDT, "XSDT", 36 + 8);
    put64(XSDT + 36, FADT);
    fix_checksum(XSDT, 44, XSDT + 9);
    expect("xsdt", acpi_find_power_facts(reader, NULL, 0, MEM, &f), NULL);

    make_good();
    mem[RSDP + 8]++;
    expect("rsdp checksum", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "no RSDP");
    make_good();
    mem[RSDT + 20]++;
    expect("rsdt checksum", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "checksum");
    make_good();
    put32(RSDT + 4, 0x7fffffff);
    expect("rsdt length", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "impossible length");
    make_good();
    put32(RSDT + 36, 0x7ff0000);
    fix_checksum(RSDT, 40, RSDT + 9);
    expect("fadt out of reach", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "no FADT");
    make_good();
    put32(FADT + 64, 0x12345);
    fix_checksum(FADT, 132, FADT + 9);
    expect("pm1a not a port", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "not an I/O port");
    make_good();
    mem[DSDT + 36 + 1] = 'X';
    fix_checksum(DSDT, 36 + 13, DSDT + 9);
    expect("no _S5", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "no \\_S5");
    make_good();
    mem[DSDT + 36 + 8] = 0x0b; /* a WordPrefix: not a byte constant */
    fix_checksum(DSDT, 36 + 13, DSDT + 9);
    expect("s5 element", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "not a byte constant");
    make_good();
    mem[DSDT + 36 + 9] = 9;
    fix_checksum(DSDT, 36 + 13, DSDT + 9);
    expect("s5 type range", acpi_find_power_facts(reader, NULL, 0, MEM, &f), "does not fit");
    make_good();
    expect("search range", acpi_find_power_facts(reader, NULL, 0, RSDP, &f), "no RSDP");

    printf("acpi_tables: %d failures\n", failures);
    return failures ? 1 : 0;
}
