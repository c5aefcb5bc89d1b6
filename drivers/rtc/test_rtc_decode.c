/* drivers/rtc/test_rtc_decode.c — host unit test of rtc_decode(): BCD and
 * binary values, 24- and 12-hour forms (midnight, noon, PM), bad input. */
#include "rtc_decode.h"

#include <stdio.h>

static int failures;

static void expect(const char *what, struct rtc_raw raw, bool ok, int year, int month, int day, int hour,
                   int minute, int second)
{
    struct rtc_time t = { 0, 0, 0, 0, 0, 0 };
    bool got = rtc_decode(&raw, &t);
    if (got != ok || (ok && (t.year != year || t.month != month || t.day != day || t.hour != hour ||
                             t.minute != minute || t.second != second))) {
        printf("FAIL %s: got %d %04u-%02u-%02u %02u:%02u:%02u\n", what, got, t.year, t.month, t.day, t.hour,
               t.minute, t.second);
        failures++;
    }
}

int main(void)
{
    enum { BCD24 = RTC_B_24_HOUR, BIN24 = RTC_B_24_HOUR | RTC_B_BINARY, BCD12 = 0, BIN12 = RTC_B_BINARY };
    /* second, minute, hour, day, month, year, register B */
    expect("bcd 24h", (struct rtc_raw){ 0x59, 0x34, 0x23, 0x31, 0x12, 0x24, BCD24 }, true, 2024, 12, 31, 23,
           34, 59);
    expect("binary 24h", (struct rtc_raw){ 59, 34, 23, 31, 12, 24, BIN24 }, true, 2024, 12, 31, 23, 34, 59);
    expect("bcd 12h midnight", (struct rtc_raw){ 0, 0, 0x12, 1, 1, 0x24, BCD12 }, true, 2024, 1, 1, 0, 0, 0);
    expect("bcd 12h 1am", (struct rtc_raw){ 0, 0, 0x01, 1, 1, 0x24, BCD12 }, true, 2024, 1, 1, 1, 0, 0);
    expect("bcd 12h noon", (struct rtc_raw){ 0, 0, 0x92, 1, 1, 0x24, BCD12 }, true, 2024, 1, 1, 12, 0, 0);
    expect("bcd 12h 11pm", (struct rtc_raw){ 0, 0, 0x91, 1, 1, 0x24, BCD12 }, true, 2024, 1, 1, 23, 0, 0);
    expect("binary 12h 3pm", (struct rtc_raw){ 5, 6, 0x83, 7, 8, 9, BIN12 }, true, 2009, 8, 7, 15, 6, 5);
    expect("binary 12h midnight", (struct rtc_raw){ 0, 0, 12, 1, 1, 0, BIN12 }, true, 2000, 1, 1, 0, 0, 0);
    expect("bad bcd digit", (struct rtc_raw){ 0x5a, 0, 0, 1, 1, 0x24, BCD24 }, false, 0, 0, 0, 0, 0, 0);
    expect("hour 24", (struct rtc_raw){ 0, 0, 0x24, 1, 1, 0x24, BCD24 }, false, 0, 0, 0, 0, 0, 0);
    expect("12h hour 0", (struct rtc_raw){ 0, 0, 0x00, 1, 1, 0x24, BCD12 }, false, 0, 0, 0, 0, 0, 0);
    expect("12h hour 13", (struct rtc_raw){ 0, 0, 0x13, 1, 1, 0x24, BCD12 }, false, 0, 0, 0, 0, 0, 0);
    expect("month 0", (struct rtc_raw){ 0, 0, 0, 1, 0, 0x24, BCD24 }, false, 0, 0, 0, 0, 0, 0);
    expect("day 32 binary", (struct rtc_raw){ 0, 0, 0, 32, 1, 24, BIN24 }, false, 0, 0, 0, 0, 0, 0);
    expect("binary 0x59 is 89 seconds", (struct rtc_raw){ 0x59, 0, 0, 1, 1, 24, BIN24 }, false, 0, 0, 0, 0, 0,
           0);
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("rtc_decode: all cases pass\n");
    return 0;
}
