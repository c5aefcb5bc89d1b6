/* drivers/pci/pci.c — the PCI configuration-space server.
 *
 * It holds exactly the ports 0xcf8..0xcff (configuration mechanism #1),
 * enumerates bus 0.. at start, and serves the pci interface (pci.idl):
 * anyone connected may list the functions; reading and writing a function's
 * configuration space is allowed only to the client whose badge the
 * server's args map to that function's vendor:device (first match).
 * README.md in this folder describes the design. */
#include "pci_caps.h"
#include "pci_server.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

enum {
    CONFIG_ADDRESS = 0xcf8,
    CONFIG_DATA = 0xcfc,
    MAX_RULES = 8,
    REG_ID = 0x00,
    REG_CLASS = 0x08,
    REG_HEADER = 0x0c,
    REG_BAR0 = 0x10,
    REG_ROM = 0x30,
    REG_INTERRUPT = 0x3c,
};

struct rule {
    uint64_t badge;
    uint16_t vendor, device;
};

static struct pci_device devices[PCI_MAX_DEVICES];
static uint32_t device_count;
static struct rule rules[MAX_RULES];
static unsigned rule_count;
static uint64_t stop_badge; /* 0: nobody may stop the server */
static volatile bool stopping;

static uint32_t address_of(unsigned bus, unsigned dev, unsigned fn, unsigned offset)
{
    return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (offset & 0xfc);
}

static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned offset, unsigned width)
{
    uint64_t value = 0;
    unsigned port = CONFIG_DATA + (offset & 3);
    kumiki_ioport_out32(PCI_CAP_CFG, CONFIG_ADDRESS, address_of(bus, dev, fn, offset));
    if (width == 1)
        kumiki_ioport_in8(PCI_CAP_CFG, port, &value);
    else if (width == 2)
        kumiki_ioport_in16(PCI_CAP_CFG, port, &value);
    else
        kumiki_ioport_in32(PCI_CAP_CFG, port, &value);
    return (uint32_t)value;
}

static void cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned offset, unsigned width,
                      uint32_t value)
{
    unsigned port = CONFIG_DATA + (offset & 3);
    kumiki_ioport_out32(PCI_CAP_CFG, CONFIG_ADDRESS, address_of(bus, dev, fn, offset));
    if (width == 1)
        kumiki_ioport_out8(PCI_CAP_CFG, port, value);
    else if (width == 2)
        kumiki_ioport_out16(PCI_CAP_CFG, port, value);
    else
        kumiki_ioport_out32(PCI_CAP_CFG, port, value);
}

static void add_function(unsigned bus, unsigned dev, unsigned fn, uint32_t id)
{
    if (device_count == PCI_MAX_DEVICES)
        return;
    struct pci_device *d = &devices[device_count++];
    d->bus = (uint8_t)bus;
    d->dev = (uint8_t)dev;
    d->fn = (uint8_t)fn;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class_code = cfg_read(bus, dev, fn, REG_CLASS, 4) >> 8;
    bool bridge = (cfg_read(bus, dev, fn, REG_HEADER + 2, 1) & 0x7f) != 0;
    for (unsigned i = 0; i < 6; i++)
        d->bars[i] = bridge && i >= 2 ? 0 : cfg_read(bus, dev, fn, REG_BAR0 + 4 * i, 4);
    d->irq_line = (uint8_t)cfg_read(bus, dev, fn, REG_INTERRUPT, 1);
}

/* Every bus number is probed (brute force, 256 x 32 x 8 at most): simple,
 * and it finds functions behind bridges the firmware configured. */
static void enumerate(void)
{
    for (unsigned bus = 0; bus < 256; bus++)
        for (unsigned dev = 0; dev < 32; dev++) {
            uint32_t id = cfg_read(bus, dev, 0, REG_ID, 4);
            if ((id & 0xffff) == 0xffff)
                continue;
            bool multi = (cfg_read(bus, dev, 0, REG_HEADER + 2, 1) & 0x80) != 0;
            add_function(bus, dev, 0, id);
            for (unsigned fn = 1; multi && fn < 8; fn++) {
                id = cfg_read(bus, dev, fn, REG_ID, 4);
                if ((id & 0xffff) != 0xffff)
                    add_function(bus, dev, fn, id);
            }
        }
}

/* ---- The args: "NAME BADGE=VVVV:DDDD ... stop=BADGE", hexadecimal ----- */

static bool parse_hex(const char **p, uint64_t *value)
{
    const char *s = *p;
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    const char *digits = s;
    for (;; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        if (v >> 60)
            return false;
        v = v << 4 | d;
    }
    *p = s;
    *value = v;
    return s != digits;
}

static bool parse_args(const char *s)
{
    while (*s && *s != ' ') /* the program's name comes first */
        s++;
    for (;;) {
        while (*s == ' ')
            s++;
        if (!*s)
            return true;
        uint64_t badge, vendor, device;
        if (s[0] == 's' && s[1] == 't' && s[2] == 'o' && s[3] == 'p' && s[4] == '=') {
            s += 5;
            if (!parse_hex(&s, &stop_badge) || !stop_badge)
                return false;
            continue;
        }
        if (s[0] == 'a' && s[1] == 'l' && s[2] == 'l' && s[3] == 'o' && s[4] == 'w' && s[5] == ' ')
            s += 6;
        if (!parse_hex(&s, &badge) || !badge || *s++ != '=' || !parse_hex(&s, &vendor) || *s++ != ':' ||
            !parse_hex(&s, &device) || vendor > 0xffff || device > 0xffff || rule_count == MAX_RULES)
            return false;
        rules[rule_count++] = (struct rule){ badge, (uint16_t)vendor, (uint16_t)device };
    }
}

/* The function the badge may touch: the first listed function matching the
 * first rule for that badge. */
static const struct pci_device *allowed(kidl_badge_t badge)
{
    for (unsigned r = 0; r < rule_count; r++) {
        if (rules[r].badge != badge)
            continue;
        for (uint32_t i = 0; i < device_count; i++)
            if (devices[i].vendor == rules[r].vendor && devices[i].device == rules[r].device)
                return &devices[i];
        return NULL;
    }
    return NULL;
}

static int check_access(kidl_badge_t badge, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset,
                        uint8_t width)
{
    const struct pci_device *d = allowed(badge);
    if (!d || d->bus != bus || d->dev != dev || d->fn != fn)
        return PCI_ERROR_DENIED;
    if ((width != 1 && width != 2 && width != 4) || offset > 256 - width || offset % width)
        return PCI_ERROR_BAD_ACCESS;
    return 0;
}

/* ---- Handlers ---------------------------------------------------------- */

static int h_count(void *ctx, kidl_badge_t badge, uint32_t *count)
{
    (void)ctx;
    (void)badge;
    *count = device_count;
    return 0;
}

static int h_device(void *ctx, kidl_badge_t badge, uint32_t index, struct pci_device *info)
{
    (void)ctx;
    (void)badge;
    if (index >= device_count)
        return PCI_ERROR_NOT_FOUND;
    *info = devices[index];
    return 0;
}

static int h_mine(void *ctx, kidl_badge_t badge, struct pci_device *info)
{
    (void)ctx;
    const struct pci_device *d = allowed(badge);
    if (!d)
        return PCI_ERROR_DENIED;
    *info = *d;
    return 0;
}

static int h_config_read(void *ctx, kidl_badge_t badge, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset,
                         uint8_t width, uint32_t *value)
{
    (void)ctx;
    int e = check_access(badge, bus, dev, fn, offset, width);
    if (e)
        return e;
    *value = cfg_read(bus, dev, fn, offset, width);
    return 0;
}

static int h_config_write(void *ctx, kidl_badge_t badge, uint8_t bus, uint8_t dev, uint8_t fn,
                          uint16_t offset, uint8_t width, uint32_t value)
{
    (void)ctx;
    int e = check_access(badge, bus, dev, fn, offset, width);
    if (e)
        return e;
    /* Identification, class, header type, BARs, subsystem IDs and the ROM
     * BAR stay as the firmware left them: the deployment's port and MMIO
     * declarations were written against those addresses. */
    if (offset < 0x04 || (offset >= REG_CLASS && offset < REG_HEADER) ||
        (offset >= REG_HEADER + 2 && offset < REG_HEADER + 3) || (offset >= REG_BAR0 && offset < REG_ROM + 4))
        return PCI_ERROR_DENIED;
    cfg_write(bus, dev, fn, offset, width, value);
    return 0;
}

static int h_stop(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    if (!stop_badge || badge != stop_badge)
        return PCI_ERROR_DENIED;
    stopping = true;
    return 0;
}

static const struct pci_handlers handlers = {
    .count = h_count,
    .device = h_device,
    .mine = h_mine,
    .config_read = h_config_read,
    .config_write = h_config_write,
    .stop = h_stop,
};
static const struct pci_server server = { &handlers, NULL };

int main(const char *args)
{
    if (!parse_args(args)) {
        uprintf("pci: bad args '%s' (want BADGE=VVVV:DDDD ... [stop=BADGE])\n", args);
        return 1;
    }
    enumerate();
    for (uint32_t i = 0; i < device_count; i++) {
        const struct pci_device *d = &devices[i];
        uprintf("pci: %02x:%02x.%x %04x:%04x class %06x irq %u bar0 0x%x\n", d->bus, d->dev, d->fn, d->vendor,
                d->device, d->class_code, d->irq_line, d->bars[0]);
    }
    kidl_serve_until(PCI_CAP_SVC, pci_dispatch_any, &server, &stopping);
    return 0;
}
