/*
 * Independent re-check of everything elf64_image.h promises about a
 * successful parse.  Host-only test support (unit test and fuzzer); it may
 * use libc and is not part of the elf64 library.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "elf64_image.h"

/*
 * Returns NULL if img, the result of a successful elf64_image_parse(file,
 * size, limits, img), keeps every documented invariant, else a description
 * of the first violated one.
 */
const char *elf64_image_invariant_violation(const uint8_t *file, size_t size, const struct elf_limits *limits,
                                            const struct elf_image *img);
