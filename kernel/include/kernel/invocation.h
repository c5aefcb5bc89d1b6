/* kernel/include/kernel/invocation.h — an object invocation being decoded.
 *
 * Every object operation is a Call (or Send) on the object's capability.
 * Decoding may fail and must then change nothing; performing cannot fail.
 * The generated decoders (abi_decode_generated.h) check that the message
 * carries every argument before any is read. */
#pragma once

#include <kernel/cap.h>

struct tcb;

struct invocation {
    struct tcb *caller;
    struct cte *service; /* the slot of the invoked capability */
    uint64_t label;
    unsigned length;     /* message words available (clamped to what the caller can hold) */
    unsigned extra_caps; /* capabilities resolved into caps[] */
    struct cte *caps[KUMIKI_MSG_MAX_CAPS];
    unsigned results; /* words written with invocation_set_result */
};

uint64_t invocation_word(const struct invocation *inv, unsigned index);
void invocation_set_result(struct invocation *inv, unsigned index, uint64_t value);

/* Not an ABI error: the invocation stopped at a preemption point and the
 * system call is to be executed again (it continues where it stopped). */
#define KE_RESTART 0xffffffffffffffffull

/* Per object type; each returns a KE_* code (or KE_RESTART). */
uint64_t untyped_invoke(struct invocation *inv);
uint64_t cnode_invoke(struct invocation *inv);
uint64_t tcb_invoke(struct invocation *inv);
uint64_t vspace_invoke(struct invocation *inv); /* frames and page-table levels */
uint64_t irq_invoke(struct invocation *inv);    /* IRQ control and handlers */
uint64_t ioport_invoke(struct invocation *inv); /* I/O port control and ranges */
