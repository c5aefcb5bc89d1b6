/* servers/root/validate.h — the deployment manifest's validator.
 *
 * kdm_validate() is pure, freestanding C (no libc, no kernel calls): the
 * root task runs it on the manifest module before it creates anything, and
 * the host tests and the libFuzzer target run the very same file.  After it
 * says yes, every offset, count, index and string of the manifest may be
 * used without further checks (see lib/deploy/kumiki/manifest.h). */
#pragma once

#include <kumiki/manifest.h>
#include <stddef.h>
#include <stdint.h>

/* Limits the manifest format leaves to the reader. */
#define KDM_ARGS_MAX           1024                  /* an argument string, including its NUL */
#define KDM_USER_LOW           0x1000ull             /* mappings: [low, top) of the user half */
#define KDM_USER_TOP           0x00007ffffffff000ull /* (the kernel's USER_BOTTOM, USER_TOP) */
#define KDM_PHYS_TOP           (1ull << 52)          /* MMIO: x86_64's physical address width */
#define KDM_AREA_MAX           (1ull << 30)          /* largest MMIO, DMA or shared area */
#define KDM_RIGHTS             0x1fu                 /* KUMIKI_RIGHT_* (R W G P X) */
#define KDM_UNTYPED_MIN_BITS   16u                   /* an untyped capability: 64 KiB .. */
#define KDM_UNTYPED_MAX_BITS   30u                   /* .. 1 GiB */
#define KDM_MODULE_HEADER_SIZE 0x1000ull             /* a module's header page, before its max size */

/* Where a problem is: indexes into the manifest's arrays, -1 when the
 * problem is not inside one. */
struct kdm_where {
    int component; /* component index */
    int cap;       /* capability index, relative to the component's first_cap */
    int shared;    /* shared region index */
};

/* Returns 0 when the manifest in data[0..size) is valid.  Otherwise returns
 * -1, *why names the field and the rule it breaks (a static string), and
 * *where says which component / capability / shared region it is in. */
int kdm_validate(const void *data, size_t size, const char **why, struct kdm_where *where);

/* For a valid manifest: the string at offset `off` of its string table. */
const char *kdm_string(const void *manifest, uint32_t off);
