/* kernel/arch/x86_64/include/arch/vectors.h — interrupt vector assignment. */
#pragma once

enum {
    VECTOR_DIVIDE_ERROR = 0,
    VECTOR_DEBUG = 1,
    VECTOR_NMI = 2,
    VECTOR_BREAKPOINT = 3,
    VECTOR_OVERFLOW = 4,
    VECTOR_BOUND = 5,
    VECTOR_INVALID_OPCODE = 6,
    VECTOR_DEVICE_NOT_AVAILABLE = 7,
    VECTOR_DOUBLE_FAULT = 8,
    VECTOR_INVALID_TSS = 10,
    VECTOR_SEGMENT_NOT_PRESENT = 11,
    VECTOR_STACK_FAULT = 12,
    VECTOR_GENERAL_PROTECTION = 13,
    VECTOR_PAGE_FAULT = 14,
    VECTOR_X87_FP = 16,
    VECTOR_ALIGNMENT_CHECK = 17,
    VECTOR_MACHINE_CHECK = 18,
    VECTOR_SIMD_FP = 19,
    VECTOR_FIRST_EXTERNAL = 32,
    VECTOR_TIMER = 32,
    VECTOR_PIC_BASE = 0x30, /* masked 8259s, moved off the exception vectors */
    VECTOR_SPURIOUS = 0xff,
};

/* Page-fault error code bits. */
enum {
    PF_PRESENT = 1u << 0,
    PF_WRITE = 1u << 1,
    PF_USER = 1u << 2,
    PF_RESERVED = 1u << 3,
    PF_FETCH = 1u << 4,
};

/* A short human name for an exception vector ("page fault", ...). */
const char *vector_name(unsigned vector);
/* The conventional mnemonic ("#PF") or NULL for external interrupts. */
const char *vector_mnemonic(unsigned vector);
