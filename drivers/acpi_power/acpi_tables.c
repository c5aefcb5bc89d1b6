/* drivers/acpi_power/acpi_tables.c — see acpi_tables.h.  Layouts from the
 * ACPI specification: RSDP (20 bytes, revision 2: 36), a common 36-byte
 * table header, the FADT fields at fixed offsets, and the AML of \_S5:
 * NameOp? "_S5_" PackageOp PkgLength NumElements element0 ... */
#include "acpi_tables.h"

enum {
    HEADER_SIZE = 36,
    MAX_TABLE = 1 << 20, /* anything bigger is not a table we believe */
    MAX_ENTRIES = 64,
    FADT_DSDT = 40,
    FADT_PM1A_CNT = 64,
    FADT_RESET_REG = 116, /* generic address: space, width, offset, size, address (12 bytes) */
    FADT_RESET_VALUE = 128,
    FADT_FLAGS = 112,
    FADT_RESET_SUPPORTED = 1u << 10,
    AML_PACKAGE = 0x12,
    AML_BYTE_PREFIX = 0x0a,
    AML_ZERO = 0x00,
    AML_ONE = 0x01,
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool same(const uint8_t *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != (uint8_t)b[i])
            return false;
    return true;
}

static uint8_t sum(acpi_read_fn read, void *ctx, uint64_t phys, uint32_t len, bool *ok)
{
    uint8_t total = 0, chunk[64];
    for (uint32_t done = 0; done < len; done += sizeof(chunk)) {
        uint32_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (!read(ctx, phys + done, chunk, n)) {
            *ok = false;
            return 0;
        }
        for (uint32_t i = 0; i < n; i++)
            total = (uint8_t)(total + chunk[i]);
    }
    return total;
}

/* A table's header, with its signature, length and checksum checked. */
static const char *load_header(acpi_read_fn read, void *ctx, uint64_t phys, const char *signature,
                               uint8_t header[HEADER_SIZE], uint32_t *length)
{
    if (!read(ctx, phys, header, HEADER_SIZE))
        return "a table is outside the memory the driver was given";
    if (signature && !same(header, signature, 4))
        return "a table does not have the expected signature";
    *length = le32(header + 4);
    if (*length < HEADER_SIZE || *length > MAX_TABLE)
        return "a table has an impossible length";
    bool ok = true;
    if (sum(read, ctx, phys, *length, &ok) != 0 || !ok)
        return ok ? "a table's checksum is wrong" : "a table runs outside the memory the driver was given";
    return NULL;
}

static const char *find_rsdp(acpi_read_fn read, void *ctx, uint64_t start, uint64_t end, uint64_t *rsdp,
                             uint64_t *root, bool *extended)
{
    uint8_t r[36];
    for (uint64_t p = (start + 15) & ~15ull; p + 20 <= end; p += 16) {
        if (!read(ctx, p, r, 20) || !same(r, "RSD PTR ", 8))
            continue;
        bool ok = true;
        if (sum(read, ctx, p, 20, &ok) != 0 || !ok)
            continue; /* a stray "RSD PTR " in ROM: keep looking */
        *rsdp = p;
        if (r[15] >= 2 && read(ctx, p, r, 36) && le32(r + 20) >= 36 && sum(read, ctx, p, 36, &ok) == 0 &&
            ok && le64(r + 24)) {
            *root = le64(r + 24);
            *extended = true;
        } else {
            *root = le32(r + 16);
            *extended = false;
        }
        return NULL;
    }
    return "no RSDP (\"RSD PTR \" with a good checksum) in the search range";
}

static const char *find_fadt(acpi_read_fn read, void *ctx, uint64_t root, bool extended, uint64_t *fadt)
{
    uint8_t header[HEADER_SIZE];
    uint32_t length;
    const char *e = load_header(read, ctx, root, extended ? "XSDT" : "RSDT", header, &length);
    if (e)
        return e;
    unsigned entry = extended ? 8 : 4, count = (length - HEADER_SIZE) / entry;
    if (count > MAX_ENTRIES)
        count = MAX_ENTRIES;
    for (unsigned i = 0; i < count; i++) {
        uint8_t address[8] = { 0 };
        if (!read(ctx, root + HEADER_SIZE + i * entry, address, entry))
            return "the root table's entries are out of reach";
        uint64_t table = extended ? le64(address) : le32(address);
        uint8_t h[HEADER_SIZE];
        uint32_t table_length;
        if (read(ctx, table, h, 4) && same(h, "FACP", 4)) {
            if ((e = load_header(read, ctx, table, "FACP", h, &table_length)))
                return e;
            if (table_length < FADT_PM1A_CNT + 4)
                return "the FADT is too short for PM1a_CNT_BLK";
            *fadt = table;
            return NULL;
        }
    }
    return "no FADT (FACP) in the root table";
}

/* SLP_TYPa of \_S5: the first element of the package after "_S5_". */
static const char *find_s5(acpi_read_fn read, void *ctx, uint64_t dsdt, uint8_t *type)
{
    uint8_t header[HEADER_SIZE];
    uint32_t length;
    const char *e = load_header(read, ctx, dsdt, "DSDT", header, &length);
    if (e)
        return e;
    uint8_t w[12];
    for (uint32_t off = HEADER_SIZE; off + sizeof(w) <= length; off++) {
        if (!read(ctx, dsdt + off, w, sizeof(w)) || !same(w, "_S5_", 4) || w[4] != AML_PACKAGE)
            continue;
        unsigned pkg_bytes = 1 + (w[5] >> 6);           /* PkgLength: lead byte bits 7-6 = extra bytes */
        const uint8_t *element = &w[5 + pkg_bytes + 1]; /* after NumElements */
        if (5 + pkg_bytes + 1 + 2 > sizeof(w))
            return "the \\_S5 package is malformed";
        if (element[0] == AML_BYTE_PREFIX)
            *type = element[1];
        else if (element[0] == AML_ZERO || element[0] == AML_ONE)
            *type = element[0];
        else
            return "the \\_S5 package's first element is not a byte constant";
        return NULL;
    }
    return "no \\_S5 package in the DSDT";
}

const char *acpi_find_power_facts(acpi_read_fn read, void *ctx, uint64_t search_start, uint64_t search_end,
                                  struct acpi_power_facts *facts)
{
    uint64_t rsdp, root, fadt;
    bool extended;
    const char *e = find_rsdp(read, ctx, search_start, search_end, &rsdp, &root, &extended);
    if (e || (e = find_fadt(read, ctx, root, extended, &fadt)))
        return e;
    uint8_t f[132] = { 0 };
    uint32_t fadt_length = 0;
    uint8_t header[HEADER_SIZE];
    load_header(read, ctx, fadt, "FACP", header, &fadt_length);
    if (!read(ctx, fadt, f, fadt_length < sizeof(f) ? fadt_length : sizeof(f)))
        return "the FADT is out of reach";
    struct acpi_power_facts out = { .rsdp = rsdp, .pm1a_control = le32(f + FADT_PM1A_CNT) };
    if (out.pm1a_control == 0 || out.pm1a_control > 0xffff)
        return "the FADT's PM1a_CNT_BLK is not an I/O port";
    if ((e = find_s5(read, ctx, le32(f + FADT_DSDT), &out.s5_sleep_type)))
        return e;
    if (out.s5_sleep_type > 7)
        return "the S5 sleep type does not fit SLP_TYP (3 bits)";
    if (fadt_length >= FADT_RESET_VALUE + 1 && (le32(f + FADT_FLAGS) & FADT_RESET_SUPPORTED) &&
        f[FADT_RESET_REG] == 1 /* system I/O space */ && le64(f + FADT_RESET_REG + 4) <= 0xffff) {
        out.reset_supported = true;
        out.reset_port = (uint16_t)le64(f + FADT_RESET_REG + 4);
        out.reset_value = f[FADT_RESET_VALUE];
    }
    *facts = out;
    return NULL;
}
