/* lib/deploy/kumiki/manifest.h — the compiled deployment ("manifest"):
 * what tools/kdeploy writes from deployments/<name>.kdep and the root task
 * (servers/root) reads from a boot module to build exactly that system.
 *
 * Layout, little endian, every offset from the start of the file, every
 * array 8-byte aligned:
 *
 *   struct kdm_header
 *   struct kdm_component[component_count]   at component_offset
 *   struct kdm_cap[cap_count]               at cap_offset
 *   struct kdm_shared[shared_count]         at shared_offset
 *   char strings[string_size]               at string_offset (NUL-terminated names)
 *
 * The root task trusts none of it: kdm_validate() (servers/root) checks
 * every offset, count, index and string before anything is created. */
#pragma once

#include <stdint.h>

#define KDM_MAGIC   0x314e414d4b494d55ull /* "UMIKMAN1" */
#define KDM_VERSION 1u

enum {
    KDM_MAX_COMPONENTS = 64,
    KDM_MAX_CAPS = 1024,
    KDM_MAX_SHARED = 64,
    KDM_MAX_ENDPOINTS = 256,
    KDM_MAX_STRINGS = 16384,
    KDM_NAME_MAX = 64, /* a name, including its NUL */
};

struct kdm_header {
    uint64_t magic;
    uint32_t version;
    uint32_t total_size;      /* bytes in the file */
    uint32_t component_count; /* in start order: priority, highest first, then declaration order */
    uint32_t component_offset;
    uint32_t cap_count;
    uint32_t cap_offset;
    uint32_t shared_count;
    uint32_t shared_offset;
    uint32_t string_size;
    uint32_t string_offset;
    uint32_t endpoint_count;  /* endpoints the root task creates: one per provided interface */
    uint32_t deployment_name; /* string offset */
};

enum kdm_restart { KDM_RESTART_NEVER = 0, KDM_RESTART_ON_FAULT = 1 };

struct kdm_component {
    uint32_t name;        /* string offset: the instance name */
    uint32_t program;     /* string offset: the ELF's module name (basename, e.g. "probe_server.elf") */
    uint32_t args;        /* string offset: its argument string */
    uint8_t priority;     /* 1..254 (the root task runs at 255) */
    uint8_t restart;      /* enum kdm_restart */
    uint8_t foreign_abi;  /* 0 or 1: the component is hosted by a personality */
    uint8_t cnode_radix;  /* its CNode: 2^radix slots (6..16) */
    uint32_t memory_bits; /* log2 of its memory budget (16..30) */
    uint32_t first_cap;   /* its capabilities: caps[first_cap .. first_cap + cap_count) */
    uint32_t cap_count;
    uint32_t reserved; /* 0 */
};

/* What a capability in a component's CNode is.  `slot` is where it goes
 * (KUMIKI_PROGRAM_CAP_FIRST_FREE or above, below 2^cnode_radix, distinct). */
enum kdm_cap_kind {
    KDM_CAP_ENDPOINT = 1, /* a: endpoint index (< endpoint_count), b: badge, c: rights (KUMIKI_RIGHT_*) */
    KDM_CAP_IOPORT = 2,   /* a: first port, b: last port */
    KDM_CAP_IRQ = 3,      /* a: ISA line (IRQ handler capability) */
    KDM_CAP_MMIO =
        4, /* a: physical address, b: size (both page aligned), c: virtual address to map at (uncached) */
    KDM_CAP_DMA = 5,          /* a: size (page aligned), c: virtual address; the frames are contiguous */
    KDM_CAP_SHARED = 6,       /* a: shared region index, b: rights, c: virtual address */
    KDM_CAP_NOTIFICATION = 7, /* a: 0; a fresh notification (e.g. for the component's IRQ) */
    KDM_CAP_UNTYPED = 8,      /* a: log2 of its size (16..30); b, c: 0.  A child untyped of RAM
                                 the component retypes its own objects from; not part of memory_bits */
    KDM_CAP_MODULE = 9,       /* a: string offset of the boot module's file name, b: the most bytes
                                 it may have (page aligned, <= 1 GiB), c: virtual address of its
                                 header page (struct kumiki_module_header, kumiki/module_header.h);
                                 the module's pages follow the header page, read only; the slot
                                 holds the header page's frame (read only).  c .. c + 4 KiB + b is
                                 reserved */
};

struct kdm_cap {
    uint32_t kind; /* enum kdm_cap_kind */
    uint32_t slot;
    uint32_t name; /* string offset: the declaration's name, for messages and the audit */
    uint32_t reserved;
    uint64_t a, b, c;
};

struct kdm_shared {
    uint32_t name; /* string offset */
    uint32_t reserved;
    uint64_t size; /* page aligned */
};

_Static_assert(sizeof(struct kdm_header) == 56, "manifest header layout");
_Static_assert(sizeof(struct kdm_component) == 32, "manifest component layout");
_Static_assert(sizeof(struct kdm_cap) == 40, "manifest capability layout");
_Static_assert(sizeof(struct kdm_shared) == 16, "manifest shared-region layout");

/* The audit line format, shared by tools/kdeploy (what is declared) and the
 * root task (what the kernel actually holds, read with SYS_DEBUG_SLOT_INFO),
 * so that "declared equals actual" is a plain comparison of lines:
 *
 *   AUDIT <component> <slot> <type> <rights> <detail>
 *
 * one line per non-empty slot of each component's CNode, components in
 * manifest order, slots ascending; <type> is the kernel object type in lower
 * case (endpoint, notification, ioport, irq_handler, frame, untyped, tcb,
 * cnode, pml4); <rights> is "RWGPX" with '-' for each right missing (read, write,
 * grant, grant-reply, execute); <detail>:
 *   slot 1 (supervisor endpoint)  supervisor badge=<component index + 1>
 *   endpoint                      ep=<endpoint index> badge=0x<hex>
 *   ioport                        ports=0x<first>-0x<last>
 *   irq_handler                   line=<n>
 *   notification                  -
 *   frame (mmio / dma / shared)   mmio=0x<paddr> | dma | shared=<region name>
 *   frame (a module's header)     module=<file name>
 *   untyped                       size=0x<bytes>
 *   tcb, cnode, pml4 (slots 2-4)  self
 * framed by "AUDIT BEGIN <deployment>" and "AUDIT END". */
