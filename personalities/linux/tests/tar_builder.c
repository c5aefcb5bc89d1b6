/* personalities/linux/tests/tar_builder.c — see tar_builder.h. */
#include "tar_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tb_reset(struct tb *b)
{
    b->len = 0;
    b->last = NULL;
}

static uint8_t *tb_block(struct tb *b)
{
    if (b->len + 512 > sizeof(b->buf)) {
        fprintf(stderr, "tar_builder: archive too big\n");
        abort();
    }
    uint8_t *p = b->buf + b->len;
    memset(p, 0, 512);
    b->len += 512;
    return p;
}

void tb_octal(uint8_t *field, size_t width, uint64_t value)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "%0*llo", (int)(width - 1), (unsigned long long)value);
    memcpy(field, tmp, width - 1);
    field[width - 1] = 0;
}

void tb_checksum(uint8_t *h)
{
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    char tmp[8];
    snprintf(tmp, sizeof(tmp), "%06o", sum);
    memcpy(h + 148, tmp, 6);
    h[154] = 0;
    h[155] = ' ';
}

uint8_t *tb_header(struct tb *b, const char *name, char type, const char *link, uint64_t size, unsigned mode)
{
    uint8_t *h = tb_block(b);
    size_t len = strlen(name);
    if (len <= 100) {
        memcpy(h, name, len);
    } else {
        const char *split = name + len - 100;
        while (*split && *split != '/')
            split++;
        size_t plen = (size_t)(split - name);
        memcpy(h + 345, name, plen < 155 ? plen : 155);
        memcpy(h, split + 1, strlen(split + 1) < 100 ? strlen(split + 1) : 100);
    }
    tb_octal(h + 100, 8, mode);
    tb_octal(h + 108, 8, 1000);
    tb_octal(h + 116, 8, 100);
    tb_octal(h + 124, 12, size);
    tb_octal(h + 136, 12, 1600000000);
    h[156] = (uint8_t)type;
    if (link)
        memcpy(h + 157, link, strlen(link) < 100 ? strlen(link) : 100);
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 265, "user", 4);
    memcpy(h + 297, "group", 5);
    tb_octal(h + 329, 8, 0);
    tb_octal(h + 337, 8, 0);
    tb_checksum(h);
    b->last = h;
    return h;
}

void tb_data(struct tb *b, const void *data, size_t len)
{
    for (size_t off = 0; off < len; off += 512) {
        uint8_t *p = tb_block(b);
        memcpy(p, (const uint8_t *)data + off, len - off < 512 ? len - off : 512);
    }
}

void tb_file(struct tb *b, const char *name, const char *content, unsigned mode)
{
    tb_header(b, name, '0', NULL, strlen(content), mode);
    tb_data(b, content, strlen(content));
}

void tb_dir(struct tb *b, const char *name, unsigned mode)
{
    tb_header(b, name, '5', NULL, 0, mode);
}

void tb_long(struct tb *b, char type, const void *data, size_t len)
{
    uint8_t *h = tb_header(b, "././@LongLink", type, NULL, len, 0644);
    memcpy(h + 257, "ustar  ", 8); /* GNU magic and version */
    tb_checksum(h);
    tb_data(b, data, len);
}

void tb_pax(struct tb *b, const char *records)
{
    tb_header(b, "PaxHeader/x", 'x', NULL, strlen(records), 0644);
    tb_data(b, records, strlen(records));
}

void tb_end(struct tb *b)
{
    tb_block(b);
    tb_block(b);
}
