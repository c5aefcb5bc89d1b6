/* kernel/core/program_loader.c — see program_loader.h. */
#include <arch/layout.h>
#include <arch/paging.h>
#include <elf64_image.h>
#include <kernel/log.h>
#include <kernel/pmem.h>
#include <kernel/program_loader.h>
#include <kernel/string.h>

static unsigned page_rights(const struct elf_image *img, vaddr_t page)
{
    unsigned rights = 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        if (s->vaddr < page + PAGE_SIZE && page < s->vaddr + s->memsz)
            rights |= ((s->flags & ELF_SEG_R) ? VM_READ : 0) | ((s->flags & ELF_SEG_W) ? VM_WRITE : 0) |
                      ((s->flags & ELF_SEG_X) ? VM_EXEC : 0);
    }
    return rights;
}

/* Copies every segment's file bytes that fall into `page` into the frame. */
static void fill_page(const struct elf_image *img, const uint8_t *file, vaddr_t page, uint8_t *frame)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        vaddr_t start = s->vaddr > page ? s->vaddr : page;
        vaddr_t file_end = s->vaddr + s->filesz;
        vaddr_t end = file_end < page + PAGE_SIZE ? file_end : page + PAGE_SIZE;
        if (start < end)
            memcpy(frame + (start - page), file + s->file_offset + (start - s->vaddr), end - start);
    }
}

static const char *map_segments(paddr_t root, const struct elf_image *img, const uint8_t *file)
{
    for (vaddr_t page = img->lowest_vaddr; page < img->highest_vaddr_end; page += PAGE_SIZE) {
        unsigned rights = page_rights(img, page);
        if (!rights)
            continue; /* a gap between segments */
        paddr_t frame = pmem_alloc_frame();
        if (!frame)
            return "out of memory for the program's pages";
        fill_page(img, file, page, phys_to_virt(frame));
        if (paging_map_user_page(root, page, frame, rights) != VM_OK)
            return "out of memory for the program's page tables";
    }
    return NULL;
}

static const char *map_stack(paddr_t root, const char *cmdline, vaddr_t *rsp, vaddr_t *arg)
{
    size_t len = strlen(cmdline) + 1;
    paddr_t top_frame = 0;
    for (unsigned i = 1; i <= USER_STACK_PAGES; i++) {
        paddr_t frame = pmem_alloc_frame();
        if (!frame || paging_map_user_page(root, USER_STACK_TOP - i * PAGE_SIZE, frame, VM_READ | VM_WRITE))
            return "out of memory for the program's stack";
        if (i == 1)
            top_frame = frame;
    }
    /* The command line (< BOOT_CMDLINE_MAX bytes) fits in the top page. */
    vaddr_t string_at = USER_STACK_TOP - ALIGN_UP(len, 16);
    memcpy((uint8_t *)phys_to_virt(top_frame) + (string_at - (USER_STACK_TOP - PAGE_SIZE)), cmdline, len);
    *arg = string_at;
    *rsp = string_at - 16;
    return NULL;
}

const char *program_load(const void *image, size_t size, const char *cmdline, const char *name,
                         uint8_t priority, struct thread **out)
{
    struct elf_image img;
    struct elf_limits limits = { .user_lo = USER_BOTTOM,
                                 .user_hi = USER_STACK_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE,
                                 .load_bias = 0x400000 };
    enum elf_error e = elf64_image_parse(image, size, &limits, &img);
    if (e != ELF_OK)
        return elf_error_name(e);
    paddr_t root = paging_new_user_root();
    paddr_t tcb_frame = pmem_alloc_frame();
    if (!root || !tcb_frame)
        return "out of memory for the address space";
    const char *error = map_segments(root, &img, image);
    vaddr_t rsp = 0, arg = 0;
    if (!error)
        error = map_stack(root, cmdline, &rsp, &arg);
    if (error)
        return error;
    _Static_assert(sizeof(struct thread) <= PAGE_SIZE, "a thread fits in one frame");
    struct thread *t = phys_to_virt(tcb_frame);
    thread_init(t, name, root, img.entry, rsp, priority);
    t->ctx.rdi = arg;
    *out = t;
    log_debug("loaded '%s': entry %p, %u segments, %lu pages", name, (void *)img.entry, img.nsegments,
              (unsigned long)img.page_count);
    return NULL;
}
