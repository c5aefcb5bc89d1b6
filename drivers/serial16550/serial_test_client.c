/* drivers/serial16550/serial_test_client.c — a client of the serial test
 * deployment, one per virtual console: reads one line typed on its console
 * (the test runner types "ping-one" for console 1, then Ctrl-A 2 and
 * "ping-two" for console 2), writes it back as "echo: LINE", and stops. */
#include "serial_client.h"
#include "serial_client_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

static int say(const char *text)
{
    return serial_write(SERIAL_CLIENT_CAP_CONSOLE, (const uint8_t *)text, strlen(text));
}

int main(const char *args)
{
    char line[128];
    size_t used = 0;
    usnprintf(line, sizeof(line), "console %s: type a line\n", args);
    if (say(line))
        return 1;
    used = 0;
    while (used == 0 || line[used - 1] != '\n') {
        uint8_t data[SERIAL_CHUNK];
        size_t n = 0;
        if (serial_read(SERIAL_CLIENT_CAP_CONSOLE, data, &n))
            return 2;
        if (!n)
            kumiki_yield();
        for (size_t i = 0; i < n && used < sizeof(line) - 1; i++)
            line[used++] = (char)(data[i] == '\r' ? '\n' : data[i]);
    }
    line[used] = '\0';
    char reply[160];
    usnprintf(reply, sizeof(reply), "echo: %s", line);
    if (say(reply))
        return 3;
    return serial_stop(SERIAL_CLIENT_CAP_CONSOLE) ? 4 : 0;
}
