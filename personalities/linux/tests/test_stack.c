/* personalities/linux/tests/test_stack.c — the initial stack (stack.c)
 * read back the way a libc's start code reads it. */
#include "../linux_abi.h"
#include "../stack.h"
#include "check.h"
#include <stdint.h>
#include <string.h>

enum { SIZE = 8192 };
#define TOP 0x7fff00000000ull

static uint8_t buf[SIZE];

static uint64_t word_at(uint64_t uaddr)
{
    uint64_t w;
    memcpy(&w, buf + (uaddr - (TOP - SIZE)), 8);
    return w;
}

static const char *string_at(uint64_t uaddr)
{
    return (const char *)buf + (uaddr - (TOP - SIZE));
}

static uint64_t aux(uint64_t rsp, unsigned argc, unsigned envc, uint64_t type, int *found)
{
    uint64_t p = rsp + 8 * (1 + argc + 1 + envc + 1);
    for (int i = 0; i < 64; i++, p += 16) {
        if (word_at(p) == type) {
            *found = 1;
            return word_at(p + 8);
        }
        if (word_at(p) == LX_AT_NULL)
            break;
    }
    *found = 0;
    return 0;
}

int main(void)
{
    const char *argv[] = { "/bin/prog", "one", "", "three words" };
    const char *envp[] = { "PATH=/bin", "HOME=/root" };
    struct lx_stack_info info = { .phdr = 0x400040,
                                  .phent = 56,
                                  .phnum = 9,
                                  .entry = 0x401000,
                                  .execfn = "/bin/prog",
                                  .uid = 0,
                                  .clktck = 100 };
    for (int i = 0; i < 16; i++)
        info.random[i] = (uint8_t)(i * 7 + 1);
    uint64_t rsp = 0;
    CHECK(lx_stack_build(buf, SIZE, TOP, argv, 4, envp, 2, &info, &rsp) == 0);
    CHECK(rsp % 16 == 0);
    CHECK(rsp > TOP - SIZE && rsp < TOP);
    CHECK(word_at(rsp) == 4);
    for (unsigned i = 0; i < 4; i++)
        CHECK(strcmp(string_at(word_at(rsp + 8 + 8 * i)), argv[i]) == 0);
    CHECK(word_at(rsp + 8 * 5) == 0);
    for (unsigned i = 0; i < 2; i++)
        CHECK(strcmp(string_at(word_at(rsp + 8 * (6 + i))), envp[i]) == 0);
    CHECK(word_at(rsp + 8 * 8) == 0);
    int found;
    CHECK(aux(rsp, 4, 2, LX_AT_PAGESZ, &found) == 4096 && found);
    CHECK(aux(rsp, 4, 2, LX_AT_PHDR, &found) == 0x400040 && found);
    CHECK(aux(rsp, 4, 2, LX_AT_PHNUM, &found) == 9 && found);
    CHECK(aux(rsp, 4, 2, LX_AT_PHENT, &found) == 56 && found);
    CHECK(aux(rsp, 4, 2, LX_AT_ENTRY, &found) == 0x401000 && found);
    CHECK(aux(rsp, 4, 2, LX_AT_CLKTCK, &found) == 100 && found);
    uint64_t random = aux(rsp, 4, 2, LX_AT_RANDOM, &found);
    CHECK(found && memcmp(string_at(random), info.random, 16) == 0);
    uint64_t execfn = aux(rsp, 4, 2, LX_AT_EXECFN, &found);
    CHECK(found && strcmp(string_at(execfn), "/bin/prog") == 0);
    uint64_t platform = aux(rsp, 4, 2, LX_AT_PLATFORM, &found);
    CHECK(found && strcmp(string_at(platform), "x86_64") == 0);
    aux(rsp, 4, 2, LX_AT_HWCAP, &found);
    CHECK(found);

    /* lx_stack_strings finds the strings where the builder put them: the
     * arguments from argv[0] to the end of the last one (/proc/<pid>/cmdline),
     * then the environment. */
    uint64_t arg_start, arg_end, env_start, env_end;
    lx_stack_strings(TOP, info.execfn, argv, 4, envp, 2, &arg_start, &arg_end, &env_start, &env_end);
    CHECK(arg_start == word_at(rsp + 8));
    CHECK(arg_end == env_start && env_start == word_at(rsp + 8 * 6));
    CHECK(env_end == execfn);
    CHECK(memcmp(string_at(arg_start), "/bin/prog\0one\0\0three words\0", arg_end - arg_start) == 0);
    CHECK(arg_end - arg_start == 27 && env_end - env_start == 21);

    /* No arguments and no environment at all. */
    CHECK(lx_stack_build(buf, SIZE, TOP, NULL, 0, NULL, 0, &info, &rsp) == 0);
    CHECK(word_at(rsp) == 0 && word_at(rsp + 8) == 0 && word_at(rsp + 16) == 0);

    /* Too much for the space: E2BIG, whatever the size. */
    static char big[9000];
    memset(big, 'x', sizeof(big) - 1);
    const char *huge[] = { big };
    CHECK(lx_stack_build(buf, SIZE, TOP, huge, 1, NULL, 0, &info, &rsp) == -LX_E2BIG);
    for (size_t size = 0; size < 600; size += 8)
        CHECK(lx_stack_build(buf, size, TOP, argv, 4, envp, 2, &info, &rsp) == -LX_E2BIG ||
              (rsp >= TOP - size && rsp % 16 == 0));
    return check_exit("linux_stack");
}
