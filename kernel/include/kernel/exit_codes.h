/* kernel/include/kernel/exit_codes.h — values written to isa-debug-exit.
 * QEMU exits with status (value << 1) | 1; tools/qemu_tap_runner.py reads
 * these statuses, so keep the two in step. */
#pragma once

enum {
    EXIT_CODE_DONE = 0x10,  /* QEMU status 33: every program ran, see TAP for results */
    EXIT_CODE_PANIC = 0x11, /* QEMU status 35: kernel panic or unbootable machine */
};
