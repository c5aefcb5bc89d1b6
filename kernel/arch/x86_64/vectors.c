/* kernel/arch/x86_64/vectors.c — names of the exception vectors, for fault
 * reports that a person can read. */
#include <arch/vectors.h>
#include <kernel/types.h>

static const struct {
    const char *name, *mnemonic;
} exceptions[32] = {
    [0] = { "divide error", "#DE" },
    [1] = { "debug", "#DB" },
    [2] = { "non-maskable interrupt", "NMI" },
    [3] = { "breakpoint", "#BP" },
    [4] = { "overflow", "#OF" },
    [5] = { "bound range exceeded", "#BR" },
    [6] = { "invalid opcode", "#UD" },
    [7] = { "device not available", "#NM" },
    [8] = { "double fault", "#DF" },
    [10] = { "invalid TSS", "#TS" },
    [11] = { "segment not present", "#NP" },
    [12] = { "stack-segment fault", "#SS" },
    [13] = { "general protection", "#GP" },
    [14] = { "page fault", "#PF" },
    [16] = { "x87 floating-point", "#MF" },
    [17] = { "alignment check", "#AC" },
    [18] = { "machine check", "#MC" },
    [19] = { "SIMD floating-point", "#XM" },
    [20] = { "virtualization", "#VE" },
    [21] = { "control protection", "#CP" },
};

const char *vector_name(unsigned vector)
{
    if (vector < 32)
        return exceptions[vector].name ? exceptions[vector].name : "reserved exception";
    return "interrupt";
}

const char *vector_mnemonic(unsigned vector)
{
    return vector < 32 ? exceptions[vector].mnemonic : NULL;
}
