/* drivers/rtc/rtc.c — the CMOS real-time clock driver (docs/drivers.md).
 *
 * Holds the CMOS index and data ports (0x70-0x71) and nothing else, and
 * serves the rtc interface (rtc.idl).  A read never sees the registers
 * mid-update: it waits until the update-in-progress flag (register A bit
 * 7) is clear, reads every register, and repeats until two reads in a row
 * agree; the values are then converted from BCD and from 12-hour form as
 * register B says (rtc_decode.c). */
#include "rtc_decode.h"
#include "rtc_driver_caps.h"
#include "rtc_server.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

enum {
    CMOS_INDEX = RTC_DRIVER_PORT_FIRST_CMOS,
    CMOS_DATA = RTC_DRIVER_PORT_FIRST_CMOS + 1,
    UPDATE_WAIT_LIMIT = 100000, /* an update lasts under 2 ms; a dead clock must not hang us */
    READ_ATTEMPTS = 10,
    ERR_REFUSED = 1,
    ERR_CLOCK = 2,
};

static volatile bool stopping;
static bool stoppable;

static uint8_t cmos_read(uint8_t reg)
{
    uint64_t value = 0;
    kumiki_ioport_out8(RTC_DRIVER_CAP_CMOS, CMOS_INDEX, reg);
    kumiki_ioport_in8(RTC_DRIVER_CAP_CMOS, CMOS_DATA, &value);
    return (uint8_t)value;
}

static bool wait_update_done(void)
{
    for (unsigned i = 0; i < UPDATE_WAIT_LIMIT; i++)
        if (!(cmos_read(RTC_REG_A) & RTC_A_UPDATE_IN_PROGRESS))
            return true;
    return false;
}

static bool read_raw(struct rtc_raw *raw)
{
    if (!wait_update_done())
        return false;
    raw->second = cmos_read(RTC_REG_SECONDS);
    raw->minute = cmos_read(RTC_REG_MINUTES);
    raw->hour = cmos_read(RTC_REG_HOURS);
    raw->day = cmos_read(RTC_REG_DAY);
    raw->month = cmos_read(RTC_REG_MONTH);
    raw->year = cmos_read(RTC_REG_YEAR);
    raw->reg_b = cmos_read(RTC_REG_B);
    return true;
}

static bool same(const struct rtc_raw *a, const struct rtc_raw *b)
{
    return a->second == b->second && a->minute == b->minute && a->hour == b->hour && a->day == b->day &&
           a->month == b->month && a->year == b->year && a->reg_b == b->reg_b;
}

/* Two reads in a row that agree: no update happened between them. */
static bool read_time(struct rtc_time *time)
{
    struct rtc_raw previous, current;
    if (!read_raw(&previous))
        return false;
    for (unsigned attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        if (!read_raw(&current))
            return false;
        if (same(&previous, &current))
            return rtc_decode(&current, time);
        previous = current;
    }
    return false;
}

static int get_time(void *ctx, kidl_badge_t badge, uint16_t *year, uint8_t *month, uint8_t *day,
                    uint8_t *hour, uint8_t *minute, uint8_t *second)
{
    (void)ctx;
    (void)badge;
    struct rtc_time time;
    if (!read_time(&time))
        return ERR_CLOCK;
    *year = time.year;
    *month = time.month;
    *day = time.day;
    *hour = time.hour;
    *minute = time.minute;
    *second = time.second;
    return 0;
}

static int stop(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    if (!stoppable)
        return ERR_REFUSED;
    stopping = true;
    return 0;
}

static const struct rtc_handlers handlers = {
    .get_time = get_time,
    .stop = stop,
};
static const struct rtc_server server = { &handlers, NULL };

int main(const char *args)
{
    stoppable = has_argument(args, "stoppable");
    kidl_serve_until(RTC_DRIVER_CAP_CLOCK, rtc_dispatch_any, &server, &stopping);
    return 0;
}
