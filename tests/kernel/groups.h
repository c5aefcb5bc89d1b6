/* tests/kernel/groups.h — the test groups, one per file; each boot
 * (boot_*.c) runs a list of them. */
#pragma once

#include "ktest.h"

extern const struct ktest untyped_tests[];
extern const struct ktest cnode_tests[];
extern const struct ktest cspace_tests[];
extern const struct ktest tcb_tests[];
extern const struct ktest fpu_tests[];
extern const struct ktest fault_tests[];
extern const struct ktest sched_tests[];
extern const struct ktest ipc_tests[];
extern const struct ktest notification_tests[];
extern const struct ktest process_tests[];
extern const struct ktest vspace_tests[];
extern const struct ktest ioport_tests[];
extern const struct ktest irq_tests[];
extern const struct ktest isolation_tests[];
