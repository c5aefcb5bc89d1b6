/* drivers/rtc/rtc_test_client.c — the client of the rtc test deployment:
 * reads the wall clock through the rtc driver and checks it against the
 * clock QEMU is started with (-rtc base=2024-01-01T00:00:00,clock=vm, by
 * tools/qemu_tap_runner.py): 2024-01-01, within the first minute. */
#include "rtc_client.h"
#include "rtc_client_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/user.h>

int main(const char *args)
{
    (void)args;
    uint16_t year = 0;
    uint8_t month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int e = rtc_get_time(RTC_CLIENT_CAP_CLOCK, &year, &month, &day, &hour, &minute, &second);
    uprintf("rtc client: get_time -> %d: %04u-%02u-%02u %02u:%02u:%02u\n", e, year, month, day, hour, minute,
            second);
    if (e)
        return 1;
    if (year != 2024 || month != 1 || day != 1 || hour != 0 || minute != 0 || second > 59)
        return 2;
    uprintf("rtc client: the date is right\n");
    e = rtc_stop(RTC_CLIENT_CAP_CLOCK);
    uprintf("rtc client: stop -> %d\n", e);
    return e ? 3 : 0;
}
