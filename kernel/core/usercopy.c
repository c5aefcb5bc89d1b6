/* kernel/core/usercopy.c — see usercopy.h. */
#include <arch/paging.h>
#include <kernel/string.h>
#include <kernel/usercopy.h>

bool user_range_accessible(const struct tcb *t, vaddr_t addr, size_t len, bool write)
{
    if (len == 0)
        return true;
    if (!t->vspace_phys)
        return false;
    vaddr_t last;
    if (__builtin_add_overflow(addr, len - 1, &last))
        return false;
    for (vaddr_t page = ALIGN_DOWN(addr, PAGE_SIZE);; page += PAGE_SIZE) {
        paddr_t frame;
        unsigned rights;
        if (!paging_lookup_user_page(t->vspace_phys, page, &frame, &rights))
            return false;
        if (write && !(rights & VM_WRITE))
            return false;
        if (page >= ALIGN_DOWN(last, PAGE_SIZE))
            return true;
    }
}

/* Copies between kernel memory and user memory page by page through the
 * physmap, once every byte is known to be accessible. */
static bool user_copy(const struct tcb *t, vaddr_t addr, uint8_t *kernel, size_t len, bool to_user)
{
    if (!user_range_accessible(t, addr, len, to_user))
        return false;
    while (len) {
        paddr_t frame;
        unsigned rights;
        paging_lookup_user_page(t->vspace_phys, ALIGN_DOWN(addr, PAGE_SIZE), &frame, &rights);
        size_t offset = addr % PAGE_SIZE, chunk = PAGE_SIZE - offset;
        if (chunk > len)
            chunk = len;
        uint8_t *user = (uint8_t *)phys_to_virt(frame) + offset;
        if (to_user)
            memcpy(user, kernel, chunk);
        else
            memcpy(kernel, user, chunk);
        kernel += chunk;
        addr += chunk;
        len -= chunk;
    }
    return true;
}

bool user_read(const struct tcb *t, vaddr_t addr, void *dst, size_t len)
{
    return user_copy(t, addr, dst, len, false);
}

bool user_write(const struct tcb *t, vaddr_t addr, const void *src, size_t len)
{
    return user_copy(t, addr, (uint8_t *)(uintptr_t)src, len, true);
}
