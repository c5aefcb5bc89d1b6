/* personalities/linux/arch/x86_64/cpu.h — what the personality asks the CPU
 * directly (user mode may): the feature bits Linux reports as AT_HWCAP. */
#pragma once

#include <stdint.h>

/* CPUID leaf 1, EDX: what Linux puts in AT_HWCAP on x86_64. */
static inline uint64_t lx_cpu_hwcap(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    (void)b;
    return d;
}
