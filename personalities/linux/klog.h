/* personalities/linux/klog.h — the personality's kernel log (dmesg). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Keeps one line of the personality's log (text without its newline, or
 * with), stamped with the monotonic time now_ns. */
void klog_append(uint64_t now_ns, const char *text, size_t len);
