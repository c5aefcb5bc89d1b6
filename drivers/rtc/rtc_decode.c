/* drivers/rtc/rtc_decode.c — see rtc_decode.h. */
#include "rtc_decode.h"

/* BCD to binary; -1 when a digit is not 0-9. */
static int from_bcd(uint8_t value)
{
    unsigned high = value >> 4, low = value & 0x0f;
    if (high > 9 || low > 9)
        return -1;
    return (int)(high * 10 + low);
}

static int field(uint8_t value, bool binary)
{
    return binary ? value : from_bcd(value);
}

static bool in_range(int value, int low, int high)
{
    return value >= low && value <= high;
}

bool rtc_decode(const struct rtc_raw *raw, struct rtc_time *out)
{
    bool binary = raw->reg_b & RTC_B_BINARY;
    int second = field(raw->second, binary);
    int minute = field(raw->minute, binary);
    int day = field(raw->day, binary);
    int month = field(raw->month, binary);
    int year = field(raw->year, binary);
    int hour;
    if (raw->reg_b & RTC_B_24_HOUR) {
        hour = field(raw->hour, binary);
        if (!in_range(hour, 0, 23))
            return false;
    } else {
        /* 12-hour mode: 12 AM is midnight (0), 12 PM is noon (12). */
        hour = field(raw->hour & (uint8_t)~RTC_HOUR_PM, binary);
        if (!in_range(hour, 1, 12))
            return false;
        hour %= 12;
        if (raw->hour & RTC_HOUR_PM)
            hour += 12;
    }
    if (!in_range(second, 0, 59) || !in_range(minute, 0, 59) || !in_range(day, 1, 31) ||
        !in_range(month, 1, 12) || !in_range(year, 0, 99))
        return false;
    out->year = (uint16_t)(2000 + year);
    out->month = (uint8_t)month;
    out->day = (uint8_t)day;
    out->hour = (uint8_t)hour;
    out->minute = (uint8_t)minute;
    out->second = (uint8_t)second;
    return true;
}
