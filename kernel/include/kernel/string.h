/* kernel/include/kernel/string.h — the few memory and string routines the
 * freestanding kernel needs (no libc in ring 0). */
#pragma once

#include <kernel/types.h>

void *memset(void *dst, int value, size_t len);
void *memcpy(void *restrict dst, const void *restrict src, size_t len);
int memcmp(const void *a, const void *b, size_t len);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
char *strstr(const char *haystack, const char *needle);
int strncmp(const char *a, const char *b, size_t max);
/* Copies at most size-1 bytes and always terminates (size > 0). */
void strlcpy_k(char *dst, const char *src, size_t size);
