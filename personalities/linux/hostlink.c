/* personalities/linux/hostlink.c — see hostlink.h. */
#include "hostlink.h"
#include "linux_abi.h"
#include "personality.h"
#include <kumiki/invocations_generated.h>
#include <stdint.h>

enum { HOSTLINK_PORT = 0xe9, FRAME_MAX = 0xffff };

static void out(uint8_t byte)
{
    kumiki_ioport_out8(lx.hostlink, HOSTLINK_PORT, byte);
}

static void frame(char type, const uint8_t *payload, size_t len)
{
    out((uint8_t)type);
    out((uint8_t)len);
    out((uint8_t)(len >> 8));
    for (size_t i = 0; i < len; i++)
        out(payload[i]);
}

int hostlink_write(int stream, const void *buf, size_t len)
{
    if (!lx.hostlink)
        return -LX_EIO;
    const uint8_t *p = buf;
    while (len) {
        size_t n = len < FRAME_MAX ? len : FRAME_MAX;
        frame(stream == HOSTLINK_STDERR ? 'E' : 'O', p, n);
        p += n;
        len -= n;
    }
    return 0;
}

void hostlink_exit(int wait_status)
{
    if (!lx.hostlink)
        return;
    uint8_t payload[2];
    if (wait_status & 0x7f) {
        payload[0] = 1;
        payload[1] = (uint8_t)(wait_status & 0x7f);
    } else {
        payload[0] = 0;
        payload[1] = (uint8_t)((wait_status >> 8) & 0xff);
    }
    frame('X', payload, sizeof(payload));
}
