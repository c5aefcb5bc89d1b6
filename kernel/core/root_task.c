/* kernel/core/root_task.c — the root task: the only thread the kernel makes.
 *
 * Module 1 is its ELF image.  The kernel maps it, gives it a stack, an IPC
 * buffer and two pages of boot information (struct kumiki_bootinfo), and
 * fills its CNode with capabilities to: itself (TCB, CNode, VSpace), the IRQ
 * and I/O-port control, its own pages and page tables, every other module
 * as frames, and all remaining memory as untyped regions (RAM, and device
 * memory below 4 GiB).  Objects made here come straight from the boot
 * allocator and are roots of the derivation tree. */
#include <arch/layout.h>
#include <arch/paging.h>
#include <elf64_image.h>
#include <kernel/cdt.h>
#include <kernel/cspace.h>
#include <kernel/log.h>
#include <kernel/object.h>
#include <kernel/pmem.h>
#include <kernel/root_task.h>
#include <kernel/string.h>
#include <kernel/tcb.h>
#include <kernel/vspace.h>

enum { EMPTY_SLOTS_WANTED = 4096, MIN_ROOT_RADIX = 12 };

static struct {
    struct cte *slots;
    uint64_t next_free; /* next unused slot of the root CNode */
    uint64_t radix;
    struct cap vspace;
    paddr_t root;
    struct kumiki_bootinfo *bootinfo_caps; /* the boot information being filled */
} build;

static NORETURN void out_of_memory(const char *what)
{
    panic("root task: out of memory for %s", what);
}

static uint64_t put_cap(struct cap cap)
{
    if (build.next_free >= (1ull << build.radix))
        panic("root task: root CNode full");
    uint64_t slot = build.next_free++;
    slot_insert(&build.slots[slot], cap, NULL);
    return slot;
}

static paddr_t boot_frame(void)
{
    paddr_t frame = pmem_alloc_frame();
    if (!frame)
        out_of_memory("a page");
    return frame;
}

/* Makes every missing page-table level above vaddr, with capabilities. */
static void ensure_tables(vaddr_t vaddr)
{
    static const uint8_t types[] = { 0, KUMIKI_OBJ_PAGE_TABLE, KUMIKI_OBJ_PAGE_DIRECTORY, KUMIKI_OBJ_PDPT };
    for (unsigned level = 3; level >= 1; level--) {
        uint64_t *entry = paging_entry(build.root, vaddr, level);
        if (*entry & PTE_PRESENT)
            continue;
        paddr_t table = boot_frame();
        *entry = table | PTE_PRESENT | PTE_WRITE | PTE_USER;
        vaddr_t base = ALIGN_DOWN(vaddr, 1ull << (12 + 9 * level));
        put_cap((struct cap){ .type = types[level],
                              .rights = KUMIKI_RIGHTS_ALL,
                              .object = table,
                              .flags = CAP_FLAG_MAPPED,
                              .asid = build.vspace.asid,
                              .data = base });
    }
}

/* Maps frame at vaddr (its tables must exist) and puts its capability in
 * `slot`, or in the next free slot when slot is 0. */
static void map_frame(vaddr_t vaddr, paddr_t frame, unsigned rights, uint64_t slot)
{
    uint64_t *entry = paging_entry(build.root, vaddr, 0);
    *entry = frame | PTE_PRESENT | PTE_USER | ((rights & KUMIKI_RIGHT_WRITE) ? PTE_WRITE : 0) |
             ((rights & KUMIKI_RIGHT_EXECUTE) ? 0 : paging_nx_bit());
    struct cap cap = { .type = KUMIKI_OBJ_FRAME,
                       .rights = KUMIKI_RIGHTS_ALL,
                       .size_bits = 12,
                       .object = frame,
                       .flags = CAP_FLAG_MAPPED,
                       .asid = build.vspace.asid,
                       .data = vaddr };
    if (slot)
        slot_insert(&build.slots[slot], cap, NULL);
    else
        put_cap(cap);
}

static unsigned segment_rights(uint32_t flags)
{
    return KUMIKI_RIGHT_READ | ((flags & ELF_SEG_W) ? KUMIKI_RIGHT_WRITE : 0) |
           ((flags & ELF_SEG_X) ? KUMIKI_RIGHT_EXECUTE : 0);
}

static unsigned page_rights(const struct elf_image *img, vaddr_t page)
{
    unsigned rights = 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        if (s->vaddr < page + PAGE_SIZE && page < s->vaddr + s->memsz)
            rights |= segment_rights(s->flags);
    }
    return rights;
}

/* Every page the root task needs, in one list: image, stack, boot info and
 * IPC buffer (the caller walks it twice: tables first, then frames). */
static void ensure_all_tables(const struct elf_image *img)
{
    build.bootinfo_caps->image_paging.start = build.next_free;
    for (vaddr_t page = img->lowest_vaddr; page < img->highest_vaddr_end; page += PAGE_SIZE)
        if (page_rights(img, page))
            ensure_tables(page);
    for (unsigned i = 0; i < ROOT_STACK_PAGES; i++)
        ensure_tables(ROOT_STACK_TOP - (i + 1) * PAGE_SIZE);
    ensure_tables(ROOT_BOOTINFO_ADDRESS);
    ensure_tables(ROOT_IPC_BUFFER_ADDRESS);
    build.bootinfo_caps->image_paging.end = build.next_free;
}

static void load_image(const struct elf_image *img, const uint8_t *file)
{
    for (vaddr_t page = img->lowest_vaddr; page < img->highest_vaddr_end; page += PAGE_SIZE) {
        unsigned rights = page_rights(img, page);
        if (!rights)
            continue;
        paddr_t frame = boot_frame();
        uint8_t *bytes = phys_to_virt(frame);
        for (unsigned i = 0; i < img->nsegments; i++) {
            const struct elf_segment *s = &img->segments[i];
            vaddr_t start = s->vaddr > page ? s->vaddr : page;
            vaddr_t end = s->vaddr + s->filesz < page + PAGE_SIZE ? s->vaddr + s->filesz : page + PAGE_SIZE;
            if (start < end)
                memcpy(bytes + (start - page), file + s->file_offset + (start - s->vaddr), end - start);
        }
        map_frame(page, frame, rights, 0);
    }
    for (unsigned i = 0; i < ROOT_STACK_PAGES; i++)
        map_frame(ROOT_STACK_TOP - (i + 1) * PAGE_SIZE, boot_frame(), KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE,
                  0);
}

/* Untyped capabilities for [start, end): the largest aligned power-of-two
 * blocks that fit. */
static void add_untyped(paddr_t start, paddr_t end, bool device)
{
    struct kumiki_bootinfo *bi = build.bootinfo_caps;
    while (start < end) {
        unsigned bits = start ? (unsigned)__builtin_ctzll(start) : KUMIKI_MAX_UNTYPED_BITS;
        if (bits > KUMIKI_MAX_UNTYPED_BITS)
            bits = KUMIKI_MAX_UNTYPED_BITS;
        while (bits > 0 && (1ull << bits) > end - start)
            bits--;
        if (bits < 12)
            return; /* smaller than a page: not worth a capability */
        if (bi->untyped_count == KUMIKI_MAX_BOOT_UNTYPEDS) {
            log_warn("root task: more than %u untyped regions; %lu KiB not handed out",
                     KUMIKI_MAX_BOOT_UNTYPEDS, (unsigned long)((end - start) / 1024));
            return;
        }
        put_cap(object_create(KUMIKI_OBJ_UNTYPED, bits, start, device));
        bi->untyped_list[bi->untyped_count++] =
            (struct kumiki_untyped_desc){ .paddr = start, .size_bits = (uint8_t)bits, .is_device = device };
        start += 1ull << bits;
    }
}

/* Firmware memory as device untyped: the first MiB (real-mode data, EBDA
 * and BIOS ROM, where the ACPI RSDP is) and every memory-map region below
 * `limit` that is not available RAM (ACPI tables, reserved areas), minus
 * any available RAM a buggy map overlaps with them, so that no device
 * frame can alias a RAM object.  User space may map these (an ACPI driver
 * reads its tables there); they are never zeroed. */
static void add_firmware_memory(const struct boot_info *info, paddr_t limit)
{
    struct pmem_range ranges[PMEM_MAX_RANGES] = { { 0, MIB(1) } };
    unsigned count = 1;
    for (unsigned i = 0; i < info->region_count; i++) {
        const struct boot_memory_region *r = &info->regions[i];
        paddr_t start = ALIGN_DOWN(r->base, PAGE_SIZE), end = ALIGN_UP(r->base + r->length, PAGE_SIZE);
        if (r->type == BOOT_MEMORY_AVAILABLE || start >= limit || end <= MIB(1))
            continue;
        if (start < MIB(1))
            start = MIB(1);
        if (end > limit)
            end = limit;
        if (count < PMEM_MAX_RANGES && start < end)
            ranges[count++] = (struct pmem_range){ start, end };
    }
    for (unsigned i = 0; i < info->region_count; i++) {
        const struct boot_memory_region *r = &info->regions[i];
        if (r->type != BOOT_MEMORY_AVAILABLE || r->base < MIB(1))
            continue; /* the first MiB is given whole: the kernel keeps no RAM there */
        for (unsigned j = 0; j < count; j++) {
            struct pmem_range one[PMEM_MAX_RANGES] = { ranges[j] };
            unsigned n = 1;
            pmem_ranges_subtract(one, &n, PMEM_MAX_RANGES, ALIGN_DOWN(r->base, PAGE_SIZE),
                                 ALIGN_UP(r->base + r->length, PAGE_SIZE));
            ranges[j] = n ? one[0] : (struct pmem_range){ 0, 0 }; /* a split keeps the lower part */
        }
    }
    for (unsigned i = 0; i < count; i++)
        if (ranges[i].end > ranges[i].start)
            add_untyped(ranges[i].start, ranges[i].end, true);
}

static void add_memory(const struct boot_info *info)
{
    struct kumiki_bootinfo *bi = build.bootinfo_caps;
    bi->untyped.start = build.next_free;
    const struct pmem_range *ranges;
    unsigned n = pmem_free_ranges(&ranges);
    struct pmem_range copy[PMEM_MAX_RANGES];
    memcpy(copy, ranges, n * sizeof(copy[0]));
    for (unsigned i = 0; i < n; i++)
        add_untyped(copy[i].start, copy[i].end, false);
    /* Device memory: the 32-bit hole above RAM, minus the LAPIC page the
     * kernel drives.  (Memory-mapped PCI BARs live here on the pc machine.) */
    paddr_t hole = ALIGN_UP(pmem_ram_end() < GIB(3) ? GIB(3) : pmem_ram_end(), MIB(2));
    add_firmware_memory(info, hole < GIB(4) ? hole : GIB(4));
    if (hole < GIB(4)) {
        add_untyped(hole, 0xfee00000, true);
        add_untyped(0xfee01000, GIB(4), true);
    }
    bi->untyped.end = build.next_free;
}

static void add_modules(const struct boot_info *info)
{
    struct kumiki_bootinfo *bi = build.bootinfo_caps;
    for (unsigned m = 1; m < info->module_count && bi->module_count < KUMIKI_MAX_BOOT_MODULES; m++) {
        const struct boot_module *mod = &info->modules[m];
        struct kumiki_module_desc *d = &bi->modules[bi->module_count++];
        d->size = mod->end - mod->start;
        strlcpy_k(d->cmdline, mod->cmdline, sizeof(d->cmdline));
        d->frames.start = build.next_free;
        for (paddr_t p = ALIGN_DOWN(mod->start, PAGE_SIZE); p < mod->end; p += PAGE_SIZE)
            put_cap((struct cap){
                .type = KUMIKI_OBJ_FRAME, .rights = KUMIKI_RIGHTS_ALL, .size_bits = 12, .object = p });
        d->frames.end = build.next_free;
    }
}

static unsigned radix_for(uint64_t slots)
{
    unsigned radix = MIN_ROOT_RADIX;
    while ((1ull << radix) < slots)
        radix++;
    return radix;
}

static void make_thread(const struct elf_image *img, paddr_t ipc_buffer)
{
    struct cap tcb_cap = object_create(KUMIKI_OBJ_TCB, 0, boot_frame(), false);
    slot_insert(&build.slots[KUMIKI_CAP_INIT_TCB], tcb_cap, NULL);
    struct tcb *t = (struct tcb *)(uintptr_t)tcb_cap.object;
    struct cte *cnode = &build.slots[KUMIKI_CAP_INIT_CNODE], *vspace = &build.slots[KUMIKI_CAP_INIT_VSPACE];
    struct cte *buffer = &build.slots[KUMIKI_CAP_IPC_BUFFER];
    struct cap c = cnode->cap, v = vspace->cap, b = buffer->cap;
    c.tcb_slot = TCB_SLOT_CSPACE;
    v.tcb_slot = TCB_SLOT_VSPACE;
    b.tcb_slot = TCB_SLOT_IPC_BUFFER;
    b.flags &= (uint8_t)~CAP_FLAG_MAPPED;
    slot_insert(&t->cspace_root, c, cnode);
    slot_insert(&t->vspace_root, v, vspace);
    slot_insert(&t->ipc_buffer_frame, b, buffer);
    t->vspace_phys = build.root;
    t->ipc_buffer = phys_to_virt(ipc_buffer);
    t->ipc_buffer_address = ROOT_IPC_BUFFER_ADDRESS;
    t->ipc_buffer->self = ROOT_IPC_BUFFER_ADDRESS;
    tcb_update_gs_base(t);
    t->priority = t->mcp = ROOT_PRIORITY;
    strlcpy_k(t->name, "root", sizeof(t->name));
    t->ctx.rip = img->entry;
    t->ctx.rsp = ROOT_STACK_TOP;
    t->ctx.rdi = ROOT_BOOTINFO_ADDRESS;
    thread_set_state(t, THREAD_RUNNABLE);
}

static unsigned count_module_pages(const struct boot_info *info)
{
    uint64_t pages = 0;
    for (unsigned m = 1; m < info->module_count; m++)
        pages += ALIGN_UP(info->modules[m].end, PAGE_SIZE) / PAGE_SIZE - info->modules[m].start / PAGE_SIZE;
    return (unsigned)pages;
}

void root_task_create(const struct boot_info *info)
{
    if (info->module_count == 0)
        panic("no root task: give its ELF as the first multiboot module (QEMU -initrd)");
    const struct boot_module *mod = &info->modules[0];
    const uint8_t *file = phys_to_virt(mod->start);
    struct elf_image img;
    struct elf_limits limits = { .user_lo = USER_BOTTOM,
                                 .user_hi = ROOT_BOOTINFO_ADDRESS,
                                 .load_bias = 0x400000 };
    enum elf_error e = elf64_image_parse(file, mod->end - mod->start, &limits, &img);
    if (e != ELF_OK)
        panic("root task '%s' is not a loadable ELF: %s", mod->cmdline, elf_error_name(e));

    uint64_t wanted = KUMIKI_CAP_FIRST_DYNAMIC + img.page_count + ROOT_STACK_PAGES + ROOT_BOOTINFO_PAGES +
                      64 /* page tables */ + count_module_pages(info) + KUMIKI_MAX_BOOT_UNTYPEDS +
                      EMPTY_SLOTS_WANTED;
    build.radix = radix_for(wanted);
    uint64_t cnode_bytes = 1ull << (build.radix + KUMIKI_CNODE_SLOT_BITS);
    paddr_t cnode = pmem_alloc_aligned(cnode_bytes, cnode_bytes);
    paddr_t pml4 = pmem_alloc_frame();
    paddr_t bootinfo = pmem_alloc_aligned(ROOT_BOOTINFO_PAGES * PAGE_SIZE, PAGE_SIZE);
    if (!cnode || !pml4 || !bootinfo)
        out_of_memory("its CNode, VSpace and boot information");
    struct kumiki_bootinfo *bi = phys_to_virt(bootinfo);
    build.bootinfo_caps = bi;

    struct cap cnode_cap = object_create(KUMIKI_OBJ_CNODE, (unsigned)build.radix, cnode, false);
    cnode_cap.guard_bits = (uint8_t)(KUMIKI_WORD_BITS - build.radix); /* addresses resolve all 64 bits */
    build.slots = cnode_slots(&cnode_cap);
    build.vspace = object_create(KUMIKI_OBJ_PML4, 0, pml4, false);
    build.root = pml4;
    slot_insert(&build.slots[KUMIKI_CAP_INIT_CNODE], cnode_cap, NULL);
    slot_insert(&build.slots[KUMIKI_CAP_INIT_VSPACE], build.vspace, NULL);
    slot_insert(&build.slots[KUMIKI_CAP_IRQ_CONTROL],
                (struct cap){ .type = KUMIKI_OBJ_IRQ_CONTROL, .rights = KUMIKI_RIGHTS_ALL }, NULL);
    slot_insert(&build.slots[KUMIKI_CAP_IOPORT_CONTROL],
                (struct cap){ .type = KUMIKI_OBJ_IOPORT_CONTROL, .rights = KUMIKI_RIGHTS_ALL }, NULL);
    build.next_free = KUMIKI_CAP_FIRST_DYNAMIC;

    ensure_all_tables(&img);
    paddr_t ipc_buffer = boot_frame();
    map_frame(ROOT_BOOTINFO_ADDRESS, bootinfo, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE,
              KUMIKI_CAP_BOOTINFO_FRAME);
    map_frame(ROOT_IPC_BUFFER_ADDRESS, ipc_buffer, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE,
              KUMIKI_CAP_IPC_BUFFER);
    bi->image_frames.start = build.next_free;
    for (unsigned i = 1; i < ROOT_BOOTINFO_PAGES; i++) {
        ensure_tables(ROOT_BOOTINFO_ADDRESS + i * PAGE_SIZE);
        map_frame(ROOT_BOOTINFO_ADDRESS + i * PAGE_SIZE, bootinfo + i * PAGE_SIZE,
                  KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE, 0);
    }
    load_image(&img, file);
    bi->image_frames.end = build.next_free;
    make_thread(&img, ipc_buffer);
    add_modules(info);
    add_memory(info); /* last: from here on the kernel allocates nothing */

    bi->magic = KUMIKI_BOOTINFO_MAGIC;
    bi->root_cnode_radix = build.radix;
    bi->ipc_buffer = ROOT_IPC_BUFFER_ADDRESS;
    bi->bootinfo_pages = ROOT_BOOTINFO_PAGES;
    bi->empty = (struct kumiki_slot_region){ build.next_free, 1ull << build.radix };
    strlcpy_k(bi->kernel_cmdline, info->cmdline, sizeof(bi->kernel_cmdline));
    log_info("root task '%s': %lu pages, CNode of 2^%lu slots, %lu untyped regions, %lu modules",
             mod->cmdline, (unsigned long)(bi->image_frames.end - bi->image_frames.start),
             (unsigned long)build.radix, (unsigned long)bi->untyped_count, (unsigned long)bi->module_count);
}
