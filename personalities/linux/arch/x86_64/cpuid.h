/* personalities/linux/arch/x86_64/cpuid.h — CPUID for /proc/cpuinfo (user
 * mode may ask it). */
#pragma once

#include <stdint.h>

/* r = { eax, ebx, ecx, edx } of leaf, subleaf. */
static inline void lx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    uint32_t a = leaf, b, c = subleaf, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    r[0] = a;
    r[1] = b;
    r[2] = c;
    r[3] = d;
}
