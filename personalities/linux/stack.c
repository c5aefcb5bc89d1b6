/* personalities/linux/stack.c — see stack.h. */
#include "stack.h"
#include "linux_abi.h"
#include <kumiki/user.h>

struct builder {
    uint8_t *buf;
    uint64_t top, low; /* user addresses: buf[0] is top - size; low is the lowest used */
    uint64_t floor;    /* top - size */
    int error;
};

static uint64_t push_bytes(struct builder *b, const void *data, size_t len)
{
    if (b->error || b->low < b->floor || len > b->low - b->floor) {
        b->error = -LX_E2BIG;
        return 0;
    }
    b->low -= len;
    memcpy(b->buf + (b->low - b->floor), data, len);
    return b->low;
}

static uint64_t push_string(struct builder *b, const char *s)
{
    return push_bytes(b, s, strlen(s) + 1);
}

int lx_stack_build(uint8_t *buf, size_t size, uint64_t top, const char *const *argv, unsigned argc,
                   const char *const *envp, unsigned envc, const struct lx_stack_info *info, uint64_t *rsp)
{
    struct builder b = { .buf = buf, .top = top, .low = top, .floor = top - size };
    uint64_t execfn = push_string(&b, info->execfn);
    /* Strings of the environment, then of the arguments (Linux's order puts
     * argv strings lowest). */
    /* Their addresses are found again by walking the strings upwards from
     * where the last one was pushed (they are contiguous). */
    for (unsigned i = envc; i-- > 0;)
        push_string(&b, envp[i]);
    for (unsigned i = argc; i-- > 0;)
        push_string(&b, argv[i]);
    uint64_t strings = b.low;
    uint64_t platform = push_string(&b, "x86_64");
    b.low &= ~(uint64_t)15;
    uint64_t random = push_bytes(&b, info->random, 16);
    if (b.error)
        return b.error;

    uint64_t auxv[][2] = {
        { LX_AT_HWCAP, info->hwcap },
        { LX_AT_PAGESZ, 4096 },
        { LX_AT_CLKTCK, info->clktck },
        { LX_AT_PHDR, info->phdr },
        { LX_AT_PHENT, info->phent },
        { LX_AT_PHNUM, info->phnum },
        { LX_AT_BASE, info->base },
        { LX_AT_FLAGS, 0 },
        { LX_AT_ENTRY, info->entry },
        { LX_AT_UID, info->uid },
        { LX_AT_EUID, info->euid },
        { LX_AT_GID, info->gid },
        { LX_AT_EGID, info->egid },
        { LX_AT_SECURE, 0 },
        { LX_AT_RANDOM, random },
        { LX_AT_HWCAP2, info->hwcap2 },
        { LX_AT_EXECFN, execfn },
        { LX_AT_PLATFORM, platform },
        { LX_AT_NULL, 0 },
    };
    /* No AT_SYSINFO_EHDR: there is no vDSO, so libc makes real system calls
     * for the time. */
    unsigned aux_count = sizeof(auxv) / sizeof(auxv[0]);
    uint64_t words = 1 + (argc + 1) + (envc + 1) + 2 * aux_count;
    /* rsp (argc) must end 16-byte aligned. */
    uint64_t need = words * 8;
    if (b.low < b.floor || need > b.low - b.floor)
        return -LX_E2BIG;
    uint64_t start = (b.low - need) & ~(uint64_t)15;
    if (start < b.floor)
        return -LX_E2BIG;
    uint64_t *w = (uint64_t *)(void *)(buf + (start - b.floor));
    unsigned n = 0;
    w[n++] = argc;
    uint64_t at = strings;
    for (unsigned i = 0; i < argc; i++) {
        w[n++] = at;
        at += strlen(argv[i]) + 1;
    }
    w[n++] = 0;
    for (unsigned i = 0; i < envc; i++) {
        w[n++] = at;
        at += strlen(envp[i]) + 1;
    }
    w[n++] = 0;
    for (unsigned i = 0; i < aux_count; i++) {
        w[n++] = auxv[i][0];
        w[n++] = auxv[i][1];
    }
    *rsp = start;
    return 0;
}

void lx_stack_strings(uint64_t top, const char *execfn, const char *const *argv, unsigned argc,
                      const char *const *envp, unsigned envc, uint64_t *arg_start, uint64_t *arg_end,
                      uint64_t *env_start, uint64_t *env_end)
{
    /* As lx_stack_build pushes them: execfn at the top, below it the
     * environment strings, below those the argument strings. */
    uint64_t at = top - (strlen(execfn) + 1);
    *env_end = at;
    for (unsigned i = 0; i < envc; i++)
        at -= strlen(envp[i]) + 1;
    *env_start = *arg_end = at;
    for (unsigned i = 0; i < argc; i++)
        at -= strlen(argv[i]) + 1;
    *arg_start = at;
}
