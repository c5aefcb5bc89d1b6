/* personalities/linux/civil_time.c — see civil_time.h. */
#include "civil_time.h"

static bool leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool civil_to_unix(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                   unsigned second, uint64_t *out)
{
    static const uint8_t month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
        return false;
    unsigned in_month = month_days[month - 1] + (month == 2 && leap(year));
    if (day < 1 || day > in_month)
        return false;
    /* Days before this year: 365 a year plus the leap days of 1970..year-1
     * (counted from year 1 and the part before 1970 taken away). */
    uint64_t y = year - 1;
    uint64_t days =
        365 * (uint64_t)(year - 1970) + (y / 4 - y / 100 + y / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
    for (unsigned m = 1; m < month; m++)
        days += month_days[m - 1] + (m == 2 && leap(year));
    days += day - 1;
    *out = ((days * 24 + hour) * 60 + minute) * 60 + second;
    return true;
}
