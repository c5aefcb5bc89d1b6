/* drivers/acpi_power/acpi_test_client.c — asks the ACPI driver what it
 * found, then to power the machine off (or, with the argument "reset", to
 * reset it): the test passes when QEMU exits with status 0 (the runner's
 * --expect-poweroff; QEMU runs with -no-reboot, so a reset ends it too). */
#include "acpi_client.h"
#include "acpi_client_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/user.h>

int main(const char *args)
{
    uint32_t pm1a = 0;
    uint8_t sleep_type = 0;
    bool reset = false;
    int e = acpi_power_facts(ACPI_CLIENT_CAP_POWER, &pm1a, &sleep_type, &reset);
    uprintf("acpi client: facts -> %d: PM1a_CNT 0x%x, S5 type %u, reset %s\n", e, pm1a, sleep_type,
            reset ? "yes" : "no");
    if (e)
        return 1;
    if (has_argument(args, "reset")) {
        uprintf("acpi client: resetting\n");
        e = acpi_power_reset(ACPI_CLIENT_CAP_POWER);
        uprintf("acpi client: still running after reset (%d)\n", e);
        return 3;
    }
    uprintf("acpi client: powering off\n");
    e = acpi_power_power_off(ACPI_CLIENT_CAP_POWER);
    uprintf("acpi client: still running after power_off (%d)\n", e);
    return 2;
}
