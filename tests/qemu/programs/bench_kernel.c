/* bench_kernel: the foundation's benchmarks, printed as BENCH lines.
 * Meaningful under QEMU -icount shift=0,sleep=off, where rdtsc counts guest
 * instructions exactly (tools/bench.py); elsewhere the numbers are noise.
 *
 *   boot_to_user: first kernel instruction (boot.S) to this program's first
 *                 instruction (start.S); runs as the root task (module 1).
 *   null_syscall: one SYS_DEBUG_NULL round trip, loop overhead subtracted. */
#include <kumiki/user.h>

enum { ROUNDS = 10000 };

/* noinline keeps the two loops identical but for the system call. */
__attribute__((noinline)) static uint64_t time_null_syscalls(unsigned rounds)
{
    uint64_t start = kumiki_read_tsc();
    uint64_t (*volatile call)(void) = kumiki_null;
    for (unsigned i = 0; i < rounds; i++)
        call();
    return kumiki_read_tsc() - start;
}

/* Same shape as kumiki_null() (a call returning an error code), minus the
 * system call. */
__attribute__((noinline)) static uint64_t no_syscall(void)
{
    return KE_OK;
}

__attribute__((noinline)) static uint64_t time_empty_calls(unsigned rounds)
{
    uint64_t (*volatile call)(void) = no_syscall;
    uint64_t start = kumiki_read_tsc();
    for (unsigned i = 0; i < rounds; i++)
        call();
    return kumiki_read_tsc() - start;
}

int main(const char *cmdline)
{
    (void)cmdline;
    uint64_t boot = kumiki_start_tsc - kumiki_boot_tsc();
    uint64_t with = time_null_syscalls(ROUNDS), without = time_empty_calls(ROUNDS);
    uprintf("1..1\n");
    uprintf("BENCH boot_to_user %lu instructions\n", (unsigned long)boot);
    uprintf("BENCH null_syscall %lu instructions\n", (unsigned long)((with - without) / ROUNDS));
    uprintf("ok 1 - bench_kernel\n");
    return 0;
}
