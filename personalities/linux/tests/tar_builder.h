/* personalities/linux/tests/tar_builder.h — writes ustar archives in
 * memory for the tests, including ones a real tar would never write. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct tb {
    uint8_t buf[1 << 20];
    size_t len;
    uint8_t *last; /* the last header written */
};

void tb_reset(struct tb *b);
/* A ustar header ("ustar\0" "00"); names over 100 bytes are split into
 * prefix and name at a '/'.  type is the typeflag; link the linkname. */
uint8_t *tb_header(struct tb *b, const char *name, char type, const char *link, uint64_t size, unsigned mode);
/* Raw bytes after a header, padded to 512. */
void tb_data(struct tb *b, const void *data, size_t len);
void tb_file(struct tb *b, const char *name, const char *content, unsigned mode);
void tb_dir(struct tb *b, const char *name, unsigned mode);
/* A GNU 'L'/'K' or pax 'x' header with its data. */
void tb_long(struct tb *b, char type, const void *data, size_t len);
void tb_pax(struct tb *b, const char *records);
void tb_end(struct tb *b);
/* Recomputes the checksum of a header changed after tb_header. */
void tb_checksum(uint8_t *h);
/* Writes an octal field. */
void tb_octal(uint8_t *field, size_t width, uint64_t value);
