/* kernel/arch/x86_64/string.c — memory routines with rep string instructions.
 * QEMU counts one rep iteration as one instruction, and real CPUs with ERMS
 * make them the fastest choice for page-sized copies, so these are both
 * cheap to measure and cheap to run.  The compiler also emits calls to these
 * for struct copies. */
#include <kernel/string.h>

void *memset(void *dst, int value, size_t len)
{
    void *d = dst;
    if (value == 0 && ((uintptr_t)dst | len) % 8 == 0) {
        size_t words = len / 8;
        __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(0ul) : "memory");
    } else {
        __asm__ volatile("rep stosb" : "+D"(d), "+c"(len) : "a"(value) : "memory");
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t len)
{
    void *d = dst;
    if (((uintptr_t)dst | (uintptr_t)src | len) % 8 == 0) {
        size_t words = len / 8;
        __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    } else {
        __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(len) : : "memory");
    }
    return dst;
}
