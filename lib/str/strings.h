/* lib/str/strings.h — see strings.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int memcmp(const void *a, const void *b, size_t len);
void *memmove(void *dst, const void *src, size_t len);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strncmp(const char *a, const char *b, size_t max);
int strcmp(const char *a, const char *b);
char *strstr(const char *haystack, const char *needle);
