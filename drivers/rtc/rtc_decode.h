/* drivers/rtc/rtc_decode.h — the CMOS clock's register values to a date:
 * pure functions, shared by the driver and its host unit test. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum {
    RTC_REG_SECONDS = 0x00,
    RTC_REG_MINUTES = 0x02,
    RTC_REG_HOURS = 0x04,
    RTC_REG_DAY = 0x07,
    RTC_REG_MONTH = 0x08,
    RTC_REG_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_A_UPDATE_IN_PROGRESS = 0x80, /* the clock is about to change its registers */
    RTC_B_24_HOUR = 0x02,            /* hours 0-23 (else 1-12 with bit 7 = PM) */
    RTC_B_BINARY = 0x04,             /* values in binary (else BCD) */
    RTC_HOUR_PM = 0x80,              /* 12-hour mode: afternoon */
};

/* The raw registers, as the clock stores them. */
struct rtc_raw {
    uint8_t second, minute, hour, day, month, year, reg_b;
};

struct rtc_time {
    uint16_t year;
    uint8_t month, day, hour, minute, second;
};

/* Converts raw registers (in the format register B says) to binary 24-hour
 * values; year = 2000 + the two digits.  False when a value is not a valid
 * BCD number or is out of range for its field. */
bool rtc_decode(const struct rtc_raw *raw, struct rtc_time *out);
