/* personalities/linux/hostlink.h — standard output, standard error and the
 * exit status of the first process, framed for tools/kumiki-run on I/O
 * port 0xe9 (QEMU's isa-debugcon, written to a file on the host).
 *
 * Frame: 1 byte type, 2 bytes little-endian payload length, payload.
 *   'O' stdout bytes   'E' stderr bytes
 *   'X' exit: 2 bytes, kind (0 exited, 1 killed by a signal) and code */
#pragma once

#include <stddef.h>

enum { HOSTLINK_STDOUT = 1, HOSTLINK_STDERR = 2 };

/* 0, or -LX_EIO when the deployment gave no hostlink port. */
int hostlink_write(int stream, const void *buf, size_t len);
void hostlink_exit(int wait_status);
