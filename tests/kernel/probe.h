/* tests/kernel/probe.h — touching memory from a thread whose faults come
 * back to the root task, to see what a mapping allows. */
#pragma once

#include "ktest.h"

enum probe_access { PROBE_READ, PROBE_WRITE, PROBE_EXECUTE };

struct probe_result {
    bool faulted;
    uint64_t address, error_code, is_fetch; /* the VM fault, when faulted */
    uint64_t value;                         /* read: the word; execute: the code's rax */
};

/* Makes a probe thread read, write (the word 0x77) or call (as a function
 * returning a word) `vaddr` and reports what happened. */
uint64_t probe(uint64_t vaddr, enum probe_access access, struct probe_result *r);
