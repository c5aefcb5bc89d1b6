/* Host unit test of kdm_validate(): a valid manifest built in memory, then
 * one broken field at a time, each refused with the right message and place. */
#include "validate.h"

#include "../../../tests/host/check.h"
#include <stdlib.h>
#include <string.h>

/* The test manifest: header, 2 components, 4 capabilities, 1 shared region,
 * strings; every array 8-byte aligned. */
struct image {
    struct kdm_header h;
    struct kdm_component comp[2];
    struct kdm_cap cap[4];
    struct kdm_shared shared[1];
    char strings[128];
};

enum { S_DEPLOY = 1, S_SRV = 8, S_CLI = 12, S_PROG = 16, S_ARGS = 24, S_EP = 33, S_BUF = 36 };
static const char strings[] = "\0demo\0\0\0srv\0cli\0srv.elf\0ep=8 x=1\0ep\0buf";

static struct image valid(void)
{
    struct image m;
    memset(&m, 0, sizeof(m));
    m.h = (struct kdm_header){ .magic = KDM_MAGIC,
                               .version = KDM_VERSION,
                               .total_size = sizeof(m),
                               .component_count = 2,
                               .component_offset = offsetof(struct image, comp),
                               .cap_count = 4,
                               .cap_offset = offsetof(struct image, cap),
                               .shared_count = 1,
                               .shared_offset = offsetof(struct image, shared),
                               .string_size = sizeof(m.strings),
                               .string_offset = offsetof(struct image, strings),
                               .endpoint_count = 1,
                               .deployment_name = S_DEPLOY };
    memcpy(m.strings, strings, sizeof(strings));
    m.comp[0] = (struct kdm_component){ .name = S_SRV,
                                        .program = S_PROG,
                                        .args = S_ARGS,
                                        .priority = 200,
                                        .restart = 1,
                                        .cnode_radix = 6,
                                        .memory_bits = 20,
                                        .first_cap = 0,
                                        .cap_count = 2 };
    m.comp[1] = (struct kdm_component){ .name = S_CLI,
                                        .program = S_PROG,
                                        .args = 0,
                                        .priority = 100,
                                        .cnode_radix = 16,
                                        .memory_bits = 30,
                                        .first_cap = 2,
                                        .cap_count = 2 };
    m.cap[0] = (struct kdm_cap){ .kind = KDM_CAP_ENDPOINT, .slot = 8, .name = S_EP, .a = 0, .b = 0, .c = 2 };
    m.cap[1] = (struct kdm_cap){
        .kind = KDM_CAP_SHARED, .slot = 63, .name = S_BUF, .a = 0, .b = 3, .c = 0x7fffffffe000ull
    };
    m.cap[2] = (struct kdm_cap){ .kind = KDM_CAP_IOPORT, .slot = 8, .name = S_EP, .a = 0x80, .b = 0x80 };
    m.cap[3] = (struct kdm_cap){
        .kind = KDM_CAP_MMIO, .slot = 65535, .name = 0, .a = 0xfd000000, .b = 0x2000, .c = 0x20000000
    };
    m.shared[0] = (struct kdm_shared){ .name = S_BUF, .size = 0x1000 };
    return m;
}

static int failures_before;

/* Checks that m is refused, the message starts with `why` and the place
 * is (component, cap, shared). */
static void refused(int line, const struct image *m, size_t size, const char *why, int component, int cap,
                    int shared)
{
    const char *got = NULL;
    struct kdm_where w;
    /* A heap copy of exactly `size` bytes: ASan catches any read past it. */
    void *copy = malloc(size ? size : 1);
    memcpy(copy, m, size);
    int rc = kdm_validate(copy, size, &got, &w);
    free(copy);
    failures_before = check_failures;
    CHECK(rc == -1);
    CHECK(got && strncmp(got, why, strlen(why)) == 0);
    CHECK(w.component == component && w.cap == cap && w.shared == shared);
    if (check_failures != failures_before)
        fprintf(stderr, "  (case at line %d: got '%s' at %d/%d/%d)\n", line, got ? got : "(null)",
                w.component, w.cap, w.shared);
}

#define REFUSED(m, why, comp, cap, sh) refused(__LINE__, &(m), sizeof(m), why, comp, cap, sh)

#define CASE(change, why, comp, cap, sh) \
    do {                                 \
        struct image m = valid();        \
        change;                          \
        REFUSED(m, why, comp, cap, sh);  \
    } while (0)

#define ACCEPTED(...)                                      \
    do {                                                   \
        struct image m = valid();                          \
        const char *why;                                   \
        struct kdm_where w;                                \
        __VA_ARGS__;                                       \
        CHECK(kdm_validate(&m, sizeof(m), &why, &w) == 0); \
    } while (0)

static void test_valid(void)
{
    struct image m = valid();
    const char *why = "x";
    struct kdm_where w;
    CHECK(kdm_validate(&m, sizeof(m), &why, &w) == 0);
    CHECK(why == NULL && w.component == -1 && w.cap == -1 && w.shared == -1);
    CHECK(strcmp(kdm_string(&m, m.comp[0].args), "ep=8 x=1") == 0);
    /* Unaligned input is read without undefined behaviour. */
    char *shifted = malloc(sizeof(m) + 1);
    memcpy(shifted + 1, &m, sizeof(m));
    CHECK(kdm_validate(shifted + 1, sizeof(m), &why, &w) == 0);
    free(shifted);
}

static void test_header(void)
{
    struct image small = valid();
    refused(__LINE__, &small, 0, "header: file smaller", -1, -1, -1);
    refused(__LINE__, &small, sizeof(small.h) - 1, "header: file smaller", -1, -1, -1);
    CASE(m.h.magic++, "header: magic", -1, -1, -1);
    CASE(m.h.version = 2, "header: version", -1, -1, -1);
    CASE(m.h.total_size--, "header: total_size", -1, -1, -1);
    CASE(m.h.component_count = 0, "header: component_count", -1, -1, -1);
    CASE(m.h.component_count = 65, "header: component_count", -1, -1, -1);
    CASE(m.h.cap_count = 1025, "header: cap_count", -1, -1, -1);
    CASE(m.h.shared_count = 65, "header: shared_count", -1, -1, -1);
    CASE(m.h.endpoint_count = 257, "header: endpoint_count", -1, -1, -1);
    CASE(m.h.string_size = 0, "header: string_size", -1, -1, -1);
    CASE(m.h.string_size = 16385, "header: string_size", -1, -1, -1);
    CASE(m.h.component_offset = 4, "header: component array", -1, -1, -1);
    CASE(m.h.component_offset += 4, "header: component array", -1, -1, -1);
    CASE(m.h.component_offset = 0xfffffff8u, "header: component array", -1, -1, -1);
    CASE(m.h.cap_offset = sizeof(m) - 32, "header: capability array", -1, -1, -1);
    CASE(m.h.shared_offset = sizeof(m), "header: shared-region array", -1, -1, -1);
    CASE(m.h.string_offset += 8, "header: string table", -1, -1, -1);
    CASE(m.h.cap_offset = m.h.component_offset + 32, "header: two arrays overlap", -1, -1, -1);
    CASE(m.strings[sizeof(m.strings) - 1] = 'x', "header: string table does not end", -1, -1, -1);
    CASE(m.h.deployment_name = sizeof(m.strings), "header: deployment_name", -1, -1, -1);
    CASE(m.h.deployment_name = 0, "header: deployment_name", -1, -1, -1);
}

static void test_strings(void)
{
    CASE(m.comp[1].name = 0, "component: name", 1, -1, -1);
    CASE(m.comp[1].name = 0xffffffffu, "component: name", 1, -1, -1);
    CASE(m.strings[S_SRV + 1] = ' ', "component: name", 0, -1, -1);
    CASE(m.strings[S_SRV + 1] = '\n', "component: name", 0, -1, -1);
    CASE(m.strings[S_PROG + 1] = '/', "component: program", 0, -1, -1);
    CASE(m.strings[S_ARGS + 1] = '\t', "component: args", 0, -1, -1);
    ACCEPTED(m.cap[3].name = 127); /* the last NUL: an empty capability name is fine */
    /* A name of 64 characters (65 with its NUL) is one too long. */
    CASE((memset(m.strings + 50, 'n', 64), m.strings[114] = 0, m.comp[1].name = 50), "component: name", 1, -1,
         -1);
    CASE(m.comp[1].name = S_SRV, "component: declared twice", 1, -1, -1);
    CASE(m.shared[0].name = 200, "shared region: name", -1, -1, 0);
}

static void test_components(void)
{
    CASE(m.comp[0].priority = 0, "component: priority", 0, -1, -1);
    CASE(m.comp[1].priority = 255, "component: priority", 1, -1, -1);
    CASE(m.comp[0].restart = 2, "component: restart", 0, -1, -1);
    CASE(m.comp[0].foreign_abi = 2, "component: foreign_abi", 0, -1, -1);
    CASE(m.comp[0].cnode_radix = 5, "component: cnode_radix", 0, -1, -1);
    CASE(m.comp[0].cnode_radix = 17, "component: cnode_radix", 0, -1, -1);
    CASE(m.comp[0].memory_bits = 15, "component: memory_bits", 0, -1, -1);
    CASE(m.comp[1].memory_bits = 31, "component: memory_bits", 1, -1, -1);
    CASE(m.comp[0].reserved = 1, "component: reserved", 0, -1, -1);
    CASE(m.comp[1].cap_count = 3, "component: capabilities", 1, -1, -1);
    CASE(m.comp[1].first_cap = 0xffffffffu, "component: capabilities", 1, -1, -1);
    CASE(m.comp[1].first_cap = 1, "component: capabilities overlap", 1, -1, -1);
}

static void test_caps(void)
{
    CASE(m.cap[0].slot = 7, "capability: slot is not", 0, 0, -1);
    CASE(m.cap[1].slot = 64, "capability: slot is not", 0, 1, -1);
    CASE(m.cap[1].slot = 8, "capability: slot used twice", 0, 1, -1);
    CASE(m.cap[2].reserved = 1, "capability: reserved", 1, 0, -1);
    CASE(m.cap[2].name = 500, "capability: name", 1, 0, -1);
    CASE(m.cap[2].kind = 0, "capability: kind", 1, 0, -1);
    CASE(m.cap[2].kind = 10, "capability: kind", 1, 0, -1);
    CASE(m.cap[0].a = 1, "endpoint: index", 0, 0, -1);
    CASE(m.cap[0].c = 0x20, "endpoint: rights", 0, 0, -1);
    CASE(m.cap[2].a = 0x81, "ioport: range", 1, 0, -1);
    CASE(m.cap[2].b = 0x10000, "ioport: range", 1, 0, -1);
    CASE(m.cap[2].c = 1, "ioport: unused", 1, 0, -1);
    CASE((m.cap[2].kind = KDM_CAP_IRQ, m.cap[2].a = 2, m.cap[2].b = 0), "irq: line", 1, 0, -1);
    CASE((m.cap[2].kind = KDM_CAP_IRQ, m.cap[2].a = 16, m.cap[2].b = 0), "irq: line", 1, 0, -1);
    CASE((m.cap[2].kind = KDM_CAP_IRQ, m.cap[2].a = 5), "irq: unused", 1, 0, -1);
    CASE(m.cap[3].a += 8, "mmio: physical", 1, 1, -1);
    CASE(m.cap[3].b = 0, "mmio: physical", 1, 1, -1);
    CASE(m.cap[3].b = 0x1001, "mmio: physical", 1, 1, -1);
    CASE(m.cap[3].a = 0xfffffffffffff000ull, "mmio: physical", 1, 1, -1);
    CASE(m.cap[3].c = 0, "mmio: virtual", 1, 1, -1);
    CASE(m.cap[3].c = 0x7ffffffff000ull, "mmio: virtual", 1, 1, -1);
    CASE(m.cap[3].c = 0x7fffffffe000ull, "mmio: virtual", 1, 1, -1); /* 2 pages: the second is out */
    CASE(m.cap[3].c = 0xffff800000000000ull, "mmio: virtual", 1, 1, -1);
    ACCEPTED((m.cap[3].kind = KDM_CAP_DMA, m.cap[3].a = 0x3000, m.cap[3].b = 0));
    ACCEPTED((m.cap[2].kind = KDM_CAP_IRQ, m.cap[2].a = 15, m.cap[2].b = 0));
    ACCEPTED((m.cap[2].kind = KDM_CAP_NOTIFICATION, m.cap[2].a = 0, m.cap[2].b = 0));
    ACCEPTED(m.cap[2].a = 0, m.cap[2].b = 0xffff);
    CASE((m.cap[3].kind = KDM_CAP_DMA, m.cap[3].a = 0x3001, m.cap[3].b = 0), "dma: size", 1, 1, -1);
    CASE((m.cap[3].kind = KDM_CAP_DMA, m.cap[3].a = 0x1000), "dma: unused", 1, 1, -1);
    CASE(m.cap[1].a = 1, "shared: region index", 0, 1, -1);
    CASE(m.cap[1].b = 0x40, "shared: rights", 0, 1, -1);
    CASE(m.cap[1].c = 0x7ffffffff000ull, "shared: virtual", 0, 1, -1);
    CASE((m.shared[0].size = 0x2000), "shared: virtual", 0, 1, -1);
    CASE((m.cap[2].kind = KDM_CAP_NOTIFICATION), "notification: fields", 1, 0, -1);
}

/* untyped: a = size bits 16..30; module: a = file name, b = max, c = header page. */
static void test_untyped_and_modules(void)
{
#define UNTYPED(bits) (m.cap[2].kind = KDM_CAP_UNTYPED, m.cap[2].a = (bits), m.cap[2].b = 0)
#define MODULE(file, max, va) \
    (m.cap[3].kind = KDM_CAP_MODULE, m.cap[3].a = (file), m.cap[3].b = (max), m.cap[3].c = (va))
    ACCEPTED(UNTYPED(16));
    ACCEPTED(UNTYPED(30));
    CASE(UNTYPED(15), "untyped: size bits", 1, 0, -1);
    CASE(UNTYPED(31), "untyped: size bits", 1, 0, -1);
    CASE(UNTYPED(1ull << 40), "untyped: size bits", 1, 0, -1);
    CASE((UNTYPED(20), m.cap[2].b = 1), "untyped: unused", 1, 0, -1);
    CASE((UNTYPED(20), m.cap[2].c = 0x1000), "untyped: unused", 1, 0, -1);
    ACCEPTED(MODULE(S_PROG, 0x2000, 0x20000000));
    ACCEPTED(MODULE(S_PROG, 1ull << 30, 0x20000000));
    /* The header page and the max end exactly at the top of the user half. */
    ACCEPTED(MODULE(S_PROG, 0x1000, 0x7fffffffd000ull));
    CASE(MODULE(S_ARGS, 0x2000, 0x20000000), "module: file name", 1, 1, -1); /* has a space */
    CASE(MODULE(0, 0x2000, 0x20000000), "module: file name", 1, 1, -1);      /* empty */
    CASE(MODULE(500, 0x2000, 0x20000000), "module: file name", 1, 1, -1);
    CASE(MODULE(1ull << 32, 0x2000, 0x20000000), "module: file name", 1, 1, -1);
    CASE((MODULE(S_PROG, 0x2000, 0x20000000), m.strings[S_PROG + 1] = '/'), "component: program", 0, -1, -1);
    CASE(MODULE(S_PROG, 0, 0x20000000), "module: max size", 1, 1, -1);
    CASE(MODULE(S_PROG, 0x1800, 0x20000000), "module: max size", 1, 1, -1);
    CASE(MODULE(S_PROG, (1ull << 30) + 0x1000, 0x20000000), "module: max size", 1, 1, -1);
    CASE(MODULE(S_PROG, 0x1000, 0x20000800), "module: virtual address", 1, 1, -1);
    CASE(MODULE(S_PROG, 0x1000, 0), "module: virtual address", 1, 1, -1);
    CASE(MODULE(S_PROG, 0x1000, 0x7fffffffe000ull), "module: virtual address", 1, 1, -1);
    CASE(MODULE(S_PROG, 0x1000, 0xffff800000000000ull), "module: virtual address", 1, 1, -1);
#undef UNTYPED
#undef MODULE
}

static void test_shared(void)
{
    CASE(m.shared[0].size = 0, "shared region: size", -1, -1, 0);
    CASE(m.shared[0].size = 0x1800, "shared region: size", -1, -1, 0);
    CASE(m.shared[0].size = (1ull << 30) + 0x1000, "shared region: size", -1, -1, 0);
    CASE(m.shared[0].reserved = 1, "shared region: reserved", -1, -1, 0);
}

int main(void)
{
    test_valid();
    test_header();
    test_strings();
    test_components();
    test_caps();
    test_untyped_and_modules();
    test_shared();
    return check_exit("root_validate");
}
