/* servers/root/root.h — the root task's state, shared by its files.
 *
 *   main.c       boot: find and validate the manifest, build, audit, start
 *   modules.c    boot modules: mapped once, found by the basename of their command line;
 *                a component's declared modules mapped read only with a header page
 *   devmem.c     frames at given physical addresses, carved from device untypeds
 *   globals.c    what components share: endpoints and shared regions
 *   component.c  one component: its process from the ELF and its declared capabilities
 *   audit.c      the runtime audit: each component's CSpace as the kernel holds it
 *   supervise.c  exits and faults, restart policy, the TAP summary
 *
 * Ownership: the root task holds the original of every shared object
 * (endpoints, shared and MMIO frames) in slots of its own allocator; each
 * component gets copies.  Everything else of a component (its process,
 * DMA memory, notifications, page tables, mapping copies) comes from the
 * component's own pool untyped and its own window of root slots, so that
 * destroying it is one kumiki_process_destroy and a restart reuses both. */
#pragma once

#include "validate.h"
#include <kumiki/alloc.h>
#include <kumiki/process.h>
#include <stdbool.h>

#define ROOT_SCRATCH_PAGE 0x10000000ull /* spawns fill pages through this mapping */
#define ROOT_MODULE_BASE  0x40000000ull /* boot modules are mapped from here, read-only */
enum {
    ROOT_MAX_RESTARTS = 2,    /* a component that faults runs at most 3 times */
    ROOT_RESERVED_SLOTS = 64, /* root slots kept out of the components' windows */
};

struct root_module {
    char name[KDM_NAME_MAX]; /* basename of the first word of the command line */
    const void *data;
    uint64_t size;
    kumiki_cptr_t first_frame; /* its frames: root slots first_frame .. first_frame + pages */
    uint64_t pages;
};

enum component_state {
    COMPONENT_CREATED, /* built, not started yet */
    COMPONENT_RUNNING,
    COMPONENT_EXITED,  /* exited by itself (status in exit_status) */
    COMPONENT_STOPPED, /* faulted and not restarted (any more) */
    COMPONENT_FAILED,  /* could not be built: bad ELF, bad capability, no memory */
};

struct component {
    unsigned index;
    const struct kdm_component *decl;
    const char *name;
    const struct root_module *program;
    kumiki_cptr_t pool;            /* untyped of 2^memory_bits: the process's memory, reused on restart */
    struct kumiki_allocator slots; /* its window of root slots; untyped = the process's once built */
    struct kumiki_process process;
    enum component_state state;
    unsigned runs;
    int64_t exit_status;
};

struct shared_region {
    kumiki_cptr_t first_frame; /* frames first_frame.. in consecutive root slots */
    uint64_t pages;
    uint64_t paddr; /* of the first frame: how the audit recognises it */
};

struct root {
    const struct kumiki_bootinfo *bi;
    struct kumiki_allocator alloc; /* root slots; objects from the largest RAM untyped */
    const void *manifest;
    const struct kdm_header *header;
    kumiki_cptr_t supervisor; /* every component's slot 1 and fault endpoint, badged */
    uint64_t supervisor_object;
    kumiki_cptr_t endpoints[KDM_MAX_ENDPOINTS];
    uint64_t endpoint_objects[KDM_MAX_ENDPOINTS];
    struct shared_region shared[KDM_MAX_SHARED];
    kumiki_cptr_t mmio_frames[KDM_MAX_CAPS]; /* per manifest MMIO capability: its first frame (a run) */
    /* Per manifest UNTYPED capability: an untyped of its size, kept by the
     * root task; the component's slot gets its one child, so revoking it
     * takes back everything the component made from it. */
    kumiki_cptr_t untypeds[KDM_MAX_CAPS];
    /* Per manifest MODULE capability: the physical address of its current
     * header page (made with each build), how the audit recognises it. */
    uint64_t module_headers[KDM_MAX_CAPS];
    struct root_module modules[KUMIKI_MAX_BOOT_MODULES];
    unsigned module_count;
    struct component components[KDM_MAX_COMPONENTS];
    unsigned component_count;
    unsigned failures; /* components that did not end with exit status 0 */
};

/* Manifest access (valid manifest only). */
const struct kdm_cap *root_caps(const struct root *r, const struct component *c);
const char *root_string(const struct root *r, uint32_t offset);

/* modules.c */
uint64_t modules_map(struct root *r);
const struct root_module *modules_find(const struct root *r, const char *name);
/* Maps module m, read only, for component c at vaddr: a header page made
 * from the component's memory (struct kumiki_module_header), then m's own
 * frames.  *header = the header page's frame (a root slot of c's window),
 * *header_paddr its address; *why names the step that failed. */
uint64_t modules_map_into(struct component *c, const struct root_module *m, const char *decl_name,
                          uint64_t max_size, uint64_t vaddr, kumiki_cptr_t *header, uint64_t *header_paddr,
                          const char **why);

/* devmem.c: *frames = the first of `pages` frame capabilities (consecutive
 * root slots) for the physical pages from paddr; a page asked for twice
 * gets the same frame.  *why says what failed. */
uint64_t devmem_init(struct root *r);
uint64_t devmem_frames(struct root *r, uint64_t paddr, uint64_t pages, kumiki_cptr_t *frames,
                       const char **why);
bool devmem_contains(const struct root *r, uint64_t paddr);

/* globals.c */
uint64_t globals_create(struct root *r, const char **why);
/* Any RAM untyped of 2^bits from the boot untypeds, into a new root slot. */
uint64_t root_ram_untyped(struct root *r, unsigned bits, kumiki_cptr_t *out);

/* component.c */
void component_prepare(struct root *r, struct component *c, kumiki_cptr_t window_start,
                       kumiki_cptr_t window_end);
/* What the component's capabilities need from the root task, kept across
 * restarts: the frames of its MMIO capabilities, the untyped of its UNTYPED
 * ones, and its MODULE ones' boot modules (present, within their max).
 * False, with the reason in detail, when it cannot have them. */
bool component_resolve(struct root *r, struct component *c, char *detail, size_t size);
bool component_build(struct root *r, struct component *c);
void component_start(struct root *r, struct component *c);
void component_destroy(struct root *r, struct component *c);

/* audit.c */
void audit_print(const struct root *r);

/* supervise.c */
void supervise_report_failure(struct root *r, struct component *c, const char *detail);
__attribute__((noreturn)) void supervise(struct root *r);
