/* servers/root/validate.c — kdm_validate(): every rule of the manifest
 * format, checked before the root task trusts any of it.
 *
 * Freestanding: structures are read with __builtin_memcpy so that an input
 * at any alignment (the fuzzer's) is read without undefined behaviour, and
 * every sum of offsets is computed in 64 bits so that nothing wraps. */
#include "validate.h"

#include <stdbool.h>

struct checker {
    const uint8_t *data;
    uint64_t size;
    struct kdm_header h;
    const char *why;
    struct kdm_where *where;
};

static bool fail(struct checker *c, const char *why)
{
    c->why = why;
    return false;
}

static bool page_aligned(uint64_t v)
{
    return (v & 0xfff) == 0;
}

/* The array of count elements of size `elem` at offset lies inside the
 * file, after the header, 8-byte aligned. */
static bool array_ok(const struct checker *c, uint64_t offset, uint64_t count, uint64_t elem)
{
    if (count == 0)
        return true;
    return offset % 8 == 0 && offset >= sizeof(struct kdm_header) && offset <= c->size &&
           count * elem <= c->size - offset;
}

static bool disjoint(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen == 0 || blen == 0 || a + alen <= b || b + blen <= a;
}

static bool check_layout(struct checker *c)
{
    const struct kdm_header *h = &c->h;
    if (h->magic != KDM_MAGIC)
        return fail(c, "header: magic is not \"UMIKMAN1\" (not a manifest)");
    if (h->version != KDM_VERSION)
        return fail(c, "header: version is not 1");
    if (h->total_size != c->size)
        return fail(c, "header: total_size is not the size of the manifest module");
    if (h->component_count == 0 || h->component_count > KDM_MAX_COMPONENTS)
        return fail(c, "header: component_count is not 1..64");
    if (h->cap_count > KDM_MAX_CAPS)
        return fail(c, "header: cap_count is above 1024");
    if (h->shared_count > KDM_MAX_SHARED)
        return fail(c, "header: shared_count is above 64");
    if (h->endpoint_count > KDM_MAX_ENDPOINTS)
        return fail(c, "header: endpoint_count is above 256");
    if (h->string_size == 0 || h->string_size > KDM_MAX_STRINGS)
        return fail(c, "header: string_size is not 1..16384");
    if (!array_ok(c, h->component_offset, h->component_count, sizeof(struct kdm_component)))
        return fail(c, "header: component array outside the file or misaligned");
    if (!array_ok(c, h->cap_offset, h->cap_count, sizeof(struct kdm_cap)))
        return fail(c, "header: capability array outside the file or misaligned");
    if (!array_ok(c, h->shared_offset, h->shared_count, sizeof(struct kdm_shared)))
        return fail(c, "header: shared-region array outside the file or misaligned");
    if (!array_ok(c, h->string_offset, h->string_size, 1))
        return fail(c, "header: string table outside the file or misaligned");
    const uint64_t start[4] = { h->component_offset, h->cap_offset, h->shared_offset, h->string_offset };
    const uint64_t len[4] = { (uint64_t)h->component_count * sizeof(struct kdm_component),
                              (uint64_t)h->cap_count * sizeof(struct kdm_cap),
                              (uint64_t)h->shared_count * sizeof(struct kdm_shared), h->string_size };
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (!disjoint(start[i], len[i], start[j], len[j]))
                return fail(c, "header: two arrays overlap");
    if (c->data[h->string_offset + h->string_size - 1] != '\0')
        return fail(c, "header: string table does not end with a NUL");
    return true;
}

enum string_kind { NAME, PROGRAM, ARGS, LABEL };

/* A string of the table: inside it (the table ends with a NUL, so it is
 * terminated), shorter than its limit, made of allowed characters. */
static bool string_ok(const struct checker *c, uint32_t off, enum string_kind kind)
{
    if (off >= c->h.string_size)
        return false;
    const char *s = (const char *)c->data + c->h.string_offset + off;
    size_t limit = kind == ARGS ? KDM_ARGS_MAX : KDM_NAME_MAX;
    size_t n = 0;
    for (; s[n]; n++) {
        if (n + 1 >= limit)
            return false;
        unsigned char ch = (unsigned char)s[n];
        /* Names are single printable words (audit lines split at spaces). */
        if (ch < 0x20 || ch > 0x7e || (kind != ARGS && ch == ' ') || (kind == PROGRAM && ch == '/'))
            return false;
    }
    return kind == ARGS || kind == LABEL || n > 0;
}

static bool string_equal(const struct checker *c, uint32_t a, uint32_t b)
{
    const char *base = (const char *)c->data + c->h.string_offset;
    const char *x = base + a, *y = base + b;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x == *y;
}

static struct kdm_component component_at(const struct checker *c, uint32_t i)
{
    struct kdm_component k;
    __builtin_memcpy(&k, c->data + c->h.component_offset + (uint64_t)i * sizeof(k), sizeof(k));
    return k;
}

static struct kdm_cap cap_at(const struct checker *c, uint64_t i)
{
    struct kdm_cap k;
    __builtin_memcpy(&k, c->data + c->h.cap_offset + i * sizeof(k), sizeof(k));
    return k;
}

static struct kdm_shared shared_at(const struct checker *c, uint32_t i)
{
    struct kdm_shared s;
    __builtin_memcpy(&s, c->data + c->h.shared_offset + (uint64_t)i * sizeof(s), sizeof(s));
    return s;
}

static bool check_shared(struct checker *c)
{
    for (uint32_t i = 0; i < c->h.shared_count; i++) {
        c->where->shared = (int)i;
        struct kdm_shared s = shared_at(c, i);
        if (!string_ok(c, s.name, NAME))
            return fail(c, "shared region: name is not a valid string (offset, length or characters)");
        if (s.reserved)
            return fail(c, "shared region: reserved is not 0");
        if (s.size == 0 || !page_aligned(s.size) || s.size > KDM_AREA_MAX)
            return fail(c, "shared region: size is not a page multiple of 4 KiB..1 GiB");
        for (uint32_t j = 0; j < i; j++)
            if (string_equal(c, shared_at(c, j).name, s.name))
                return fail(c, "shared region: declared twice (same name)");
    }
    c->where->shared = -1;
    return true;
}

/* A mapping of `size` bytes at vaddr in the user half. */
static bool mapping_ok(uint64_t vaddr, uint64_t size)
{
    return page_aligned(vaddr) && vaddr >= KDM_USER_LOW && vaddr < KDM_USER_TOP &&
           size <= KDM_USER_TOP - vaddr;
}

static bool area_size_ok(uint64_t size)
{
    return size != 0 && page_aligned(size) && size <= KDM_AREA_MAX;
}

static bool check_cap_fields(struct checker *c, const struct kdm_cap *k)
{
    switch (k->kind) {
    case KDM_CAP_ENDPOINT:
        if (k->a >= c->h.endpoint_count)
            return fail(c, "endpoint: index (a) is not below endpoint_count");
        if (k->c & ~(uint64_t)KDM_RIGHTS)
            return fail(c, "endpoint: rights (c) has unknown bits");
        return true;
    case KDM_CAP_IOPORT:
        if (k->a > k->b || k->b > 0xffff)
            return fail(c, "ioport: range is not first <= last <= 0xffff");
        if (k->c)
            return fail(c, "ioport: unused field c is not 0");
        return true;
    case KDM_CAP_IRQ:
        if (k->a >= 16 || k->a == 2)
            return fail(c, "irq: line (a) is not 0..15 or is the cascade line 2");
        if (k->b || k->c)
            return fail(c, "irq: unused fields b, c are not 0");
        return true;
    case KDM_CAP_MMIO:
        if (!page_aligned(k->a) || !area_size_ok(k->b) || k->a >= KDM_PHYS_TOP || k->b > KDM_PHYS_TOP - k->a)
            return fail(c, "mmio: physical address (a) or size (b) not page aligned, empty or too large");
        if (!mapping_ok(k->c, k->b))
            return fail(c, "mmio: virtual address (c) not page aligned or not in the user half");
        return true;
    case KDM_CAP_DMA:
        if (!area_size_ok(k->a))
            return fail(c, "dma: size (a) not page aligned, empty or above 1 GiB");
        if (k->b)
            return fail(c, "dma: unused field b is not 0");
        if (!mapping_ok(k->c, k->a))
            return fail(c, "dma: virtual address (c) not page aligned or not in the user half");
        return true;
    case KDM_CAP_SHARED:
        if (k->a >= c->h.shared_count)
            return fail(c, "shared: region index (a) is not below shared_count");
        if (k->b & ~(uint64_t)KDM_RIGHTS)
            return fail(c, "shared: rights (b) has unknown bits");
        if (!mapping_ok(k->c, shared_at(c, (uint32_t)k->a).size))
            return fail(c, "shared: virtual address (c) not page aligned or not in the user half");
        return true;
    case KDM_CAP_NOTIFICATION:
        if (k->a || k->b || k->c)
            return fail(c, "notification: fields a, b, c are not 0");
        return true;
    case KDM_CAP_UNTYPED:
        if (k->a < KDM_UNTYPED_MIN_BITS || k->a > KDM_UNTYPED_MAX_BITS)
            return fail(c, "untyped: size bits (a) is not 16..30");
        if (k->b || k->c)
            return fail(c, "untyped: unused fields b, c are not 0");
        return true;
    case KDM_CAP_MODULE:
        if (k->a > 0xffffffffu || !string_ok(c, (uint32_t)k->a, PROGRAM))
            return fail(c,
                        "module: file name (a) is not a valid file name (offset, length, '/' or characters)");
        if (!area_size_ok(k->b))
            return fail(c, "module: max size (b) not page aligned, empty or above 1 GiB");
        if (!mapping_ok(k->c, KDM_MODULE_HEADER_SIZE + k->b))
            return fail(c, "module: virtual address (c) not page aligned, or its header page and max size "
                           "not in the user half");
        return true;
    default: return fail(c, "capability: kind is not one of 1..9");
    }
}

static bool check_caps(struct checker *c, const struct kdm_component *k)
{
    for (uint32_t i = 0; i < k->cap_count; i++) {
        c->where->cap = (int)i;
        struct kdm_cap cap = cap_at(c, (uint64_t)k->first_cap + i);
        if (!string_ok(c, cap.name, LABEL))
            return fail(c, "capability: name is not a valid string (offset, length or characters)");
        if (cap.reserved)
            return fail(c, "capability: reserved is not 0");
        if (cap.slot < 8 || cap.slot >= (1u << k->cnode_radix))
            return fail(c, "capability: slot is not 8..2^cnode_radix-1 (slots 0-7 are the program's own)");
        for (uint32_t j = 0; j < i; j++)
            if (cap_at(c, (uint64_t)k->first_cap + j).slot == cap.slot)
                return fail(c, "capability: slot used twice in the component");
        if (!check_cap_fields(c, &cap))
            return false;
    }
    c->where->cap = -1;
    return true;
}

static bool check_component(struct checker *c, uint32_t i)
{
    struct kdm_component k = component_at(c, i);
    if (!string_ok(c, k.name, NAME))
        return fail(c, "component: name is not a valid string (offset, length or characters)");
    if (!string_ok(c, k.program, PROGRAM))
        return fail(c, "component: program is not a valid file name (offset, length, '/' or characters)");
    if (!string_ok(c, k.args, ARGS))
        return fail(c, "component: args is not a valid string (offset, length or characters)");
    if (k.priority < 1 || k.priority > 254)
        return fail(c, "component: priority is not 1..254");
    if (k.restart != KDM_RESTART_NEVER && k.restart != KDM_RESTART_ON_FAULT)
        return fail(c, "component: restart is not 0 (never) or 1 (on fault)");
    if (k.foreign_abi > 1)
        return fail(c, "component: foreign_abi is not 0 or 1");
    if (k.cnode_radix < 6 || k.cnode_radix > 16)
        return fail(c, "component: cnode_radix is not 6..16");
    if (k.memory_bits < 16 || k.memory_bits > 30)
        return fail(c, "component: memory_bits is not 16..30");
    if (k.reserved)
        return fail(c, "component: reserved is not 0");
    if ((uint64_t)k.first_cap + k.cap_count > c->h.cap_count)
        return fail(c, "component: capabilities (first_cap, cap_count) beyond cap_count");
    for (uint32_t j = 0; j < i; j++) {
        struct kdm_component o = component_at(c, j);
        if (string_equal(c, o.name, k.name))
            return fail(c, "component: declared twice (same name)");
        if (!disjoint(o.first_cap, o.cap_count, k.first_cap, k.cap_count))
            return fail(c, "component: capabilities overlap another component's");
    }
    return check_caps(c, &k);
}

int kdm_validate(const void *data, size_t size, const char **why, struct kdm_where *where)
{
    struct checker c = { .data = data, .size = size, .where = where, .why = "" };
    *where = (struct kdm_where){ -1, -1, -1 };
    bool ok = false;
    if (size < sizeof(struct kdm_header) || size > 0xffffffffu) {
        c.why = "header: file smaller than a header or larger than 4 GiB";
    } else {
        __builtin_memcpy(&c.h, data, sizeof(c.h));
        ok = check_layout(&c) &&
             (string_ok(&c, c.h.deployment_name, NAME) ||
              fail(&c, "header: deployment_name is not a valid string")) &&
             check_shared(&c);
        for (uint32_t i = 0; ok && i < c.h.component_count; i++) {
            where->component = (int)i;
            ok = check_component(&c, i);
        }
        if (ok)
            where->component = -1;
    }
    *why = ok ? NULL : c.why;
    return ok ? 0 : -1;
}

const char *kdm_string(const void *manifest, uint32_t off)
{
    const struct kdm_header *h = manifest;
    return (const char *)manifest + h->string_offset + off;
}
