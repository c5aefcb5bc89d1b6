/* personalities/linux/stack.h — the initial stack of a Linux program, laid
 * out exactly as Linux's binfmt_elf does (what libc start code reads):
 *
 *   rsp ->  argc
 *           argv[0..argc-1], NULL
 *           envp[0..envc-1], NULL
 *           auxv pairs, ending with AT_NULL
 *           (padding)
 *           16 random bytes (AT_RANDOM), "x86_64" (AT_PLATFORM)
 *           argument and environment strings
 *           the file name (AT_EXECFN)
 *   top ->
 *
 * rsp is 16-byte aligned.  Pure: it fills a buffer that stands for the
 * user addresses [top - size, top); the caller copies the used part. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct lx_stack_info {
    uint64_t phdr, phent, phnum, entry, base;
    uint64_t hwcap, hwcap2, clktck;
    uint32_t uid, euid, gid, egid;
    uint8_t random[16];
    const char *execfn;
};

/* Builds the stack; *rsp is the user address of argc.  Returns 0, or
 * -E2BIG when it does not fit in size bytes. */
int lx_stack_build(uint8_t *buf, size_t size, uint64_t top, const char *const *argv, unsigned argc,
                   const char *const *envp, unsigned envc, const struct lx_stack_info *info, uint64_t *rsp);
/* Where lx_stack_build puts the argument strings [*arg_start, *arg_end)
 * and the environment strings [*env_start, *env_end) for these arguments
 * (the same top, execfn, argv and envp): /proc/<pid>/cmdline and environ
 * read them there. */
void lx_stack_strings(uint64_t top, const char *execfn, const char *const *argv, unsigned argc,
                      const char *const *envp, unsigned envc, uint64_t *arg_start, uint64_t *arg_end,
                      uint64_t *env_start, uint64_t *env_end);
