/* lib/deploy/kumiki/module_header.h — how a component finds a boot module
 * its deployment gave it (`module NAME "file" max SIZE;`, docs/deployments.md).
 *
 * The root task maps, read only, from the address kdeploy chose
 * (<TYPE>_VADDR_<NAME> in the component's generated <type>_caps.h):
 *
 *   VADDR                  one page: struct kumiki_module_header (below)
 *   VADDR + 4 KiB          the module's bytes: `size` of them, in `pages`
 *   ...                    pages (the module's own frames, not a copy);
 *   VADDR + 4 KiB + max    the end of the range the deployment reserved
 *
 * Bytes after `size` in the last page are whatever the boot loader left
 * there: read `size` bytes, no more.  The component's slot <TYPE>_CAP_<NAME>
 * holds the header page's frame (read only).  The root task refuses, at
 * boot, a module larger than max (the component is then not started), so
 * `size <= max` and `pages * 4096 <= max` always hold for a running one. */
#pragma once

#include <stdint.h>

#define KUMIKI_MODULE_MAGIC       0x31444d4b494d554bull /* "KUMIKMD1" */
#define KUMIKI_MODULE_DATA_OFFSET 4096u                 /* the module's first byte, from the header */

struct kumiki_module_header {
    uint64_t magic;    /* KUMIKI_MODULE_MAGIC */
    uint64_t size;     /* the module's exact length in bytes (may be 0) */
    uint64_t pages;    /* pages mapped after the header page: size rounded up to 4 KiB */
    uint64_t max_size; /* the deployment's max: bytes reserved after the header page */
    uint64_t data;     /* virtual address of the first byte: this page + KUMIKI_MODULE_DATA_OFFSET */
    char name[64];     /* the declaration's name (NUL-terminated) */
    char file[64];     /* the boot module's file name (NUL-terminated) */
};

_Static_assert(sizeof(struct kumiki_module_header) == 168, "module header layout");
_Static_assert(sizeof(struct kumiki_module_header) <= KUMIKI_MODULE_DATA_OFFSET, "fits its page");

/* The module's bytes, from its header page. */
static inline const uint8_t *kumiki_module_data(const struct kumiki_module_header *h)
{
    return (const uint8_t *)h + KUMIKI_MODULE_DATA_OFFSET;
}
