/* servers/devstate/power/power_outsider.c — a component whose capability to
 * the device-state server names no served device (badge 0x0f04): it gets
 * no view.  Every device request is refused with NO_VIEW (and changes no
 * merge: the machine powers off without its vote), the monitor is not its
 * to read, and the root task will not let it change anyone's priority nor
 * tell it who devstate's clients are or when they end: it provides no
 * endpoint. */
#include "devstate_client.h"
#include "power_outsider_caps.h"
#include "root_requests.h"

#include <kidl_kumiki.h>
#include <kumiki/user.h>

static unsigned failures;

static void expect(bool ok, const char *what)
{
    uprintf("power_outsider: %s %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

int main(const char *args)
{
    (void)args;
    const kidl_cptr_t power = POWER_OUTSIDER_CAP_POWER;
    enum devstate_outcome outcome;
    uint64_t value;
    static struct devstate_record records[DEVSTATE_MONITOR_BATCH];
    uint32_t count;
    uint64_t dropped;
    bool final;
    uint8_t current, lowest, highest;
    char name[DEVSTATE_NAME_MAX + 1];
    expect(devstate_write(power, 4, 0x604, 2, 0x2000, &outcome) == DEVSTATE_ERROR_NO_VIEW, "write: no view");
    expect(devstate_read(power, 4, 0x604, 2, &value, &outcome) == DEVSTATE_ERROR_NO_VIEW, "read: no view");
    expect(devstate_transfer(power, 4, 1, 0, 0, 1, &outcome) == DEVSTATE_ERROR_NO_VIEW, "transfer: no view");
    expect(devstate_detach(power, 4) == DEVSTATE_ERROR_NO_VIEW, "detach: no view");
    expect(devstate_priority(power, &current, &lowest, &highest) == DEVSTATE_ERROR_NO_VIEW,
           "priority: no view");
    expect(devstate_monitor_read(power, false, records, &count, &dropped, &final) ==
               DEVSTATE_ERROR_NOT_MONITOR,
           "the monitor is not its to read");
    expect(devstate_describe(power, DEVSTATE_NAME_KIND_ACTOR, 0, name) == DEVSTATE_ERROR_NOT_MONITOR,
           "nor the monitor's names");
    uint8_t before;
    expect(root_request_priority(POWER_OUTSIDER_CAP_POWER, 0x103, 254, &before) == ROOT_REQUEST_NOT_PROVIDER,
           "the root task refuses it a client's priority");
    struct root_client client;
    expect(root_request_client(POWER_OUTSIDER_CAP_POWER, 0, &client) == ROOT_REQUEST_NOT_PROVIDER,
           "and the list of devstate's clients");
    expect(root_request_watch_clients(POWER_OUTSIDER_CAP_POWER, POWER_OUTSIDER_CAP_POWER, 40) ==
               ROOT_REQUEST_NOT_PROVIDER,
           "and being told when devstate's clients end");
    expect(root_request_watch_clients(KUMIKI_PROGRAM_CAP_SUPERVISOR, POWER_OUTSIDER_CAP_POWER, 64) ==
               ROOT_REQUEST_NOT_PROVIDER,
           "(nor for the supervisor endpoint it only calls)");
    uprintf("power_outsider: no view, as it should be: %u failures\n", failures);
    return failures ? 1 : 0;
}
