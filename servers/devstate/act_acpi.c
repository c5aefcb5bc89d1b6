/* servers/devstate/act_acpi.c — devstate's actuator for ACPI power
 * (devices/acpi.dst): the acpi_power driver's power_off through devstate's
 * `uses acpi_power acpi` connection.  The value the driver will write to
 * PM1a_CNT (the firmware's S5 sleep type with SLP_EN, from its facts) is
 * recorded before the write: after it there is no machine left. */
#include "acpi_client.h"
#include "devstate_caps.h"
#include "devstate_config.h"
#include "devstate_types.h"

#include <kumiki/ipc.h>
#include <kumiki/user.h>

enum { SLP_EN = 1u << 13, SLP_TYP_SHIFT = 10 };

int devstate_act_acpi_power_off(struct devstate_action *a)
{
    if (!a->value)
        return 0; /* the views no longer agree on off: nothing to undo, S5 is final */
    uint32_t pm1a = 0;
    uint8_t sleep_type = 0;
    bool reset = false;
    if (acpi_power_facts(DEVSTATE_CAP_ACPI, &pm1a, &sleep_type, &reset)) {
        a->record(a, 0, 0, 0, 2, true);
        return DEVSTATE_ERROR_DEVICE_FAILED;
    }
    a->record(a, (uint16_t)pm1a, (uint64_t)sleep_type << SLP_TYP_SHIFT | SLP_EN, 1, 2, false);
    acpi_power_power_off(DEVSTATE_CAP_ACPI);
    /* The machine goes off a moment after the driver's write returns:
     * only a second later is it a failure. */
    for (uint64_t start = kumiki_ticks(); kumiki_ticks() - start < kumiki_tick_hz();)
        kumiki_yield();
    uprintf("devstate: still running a second after the ACPI power-off\n");
    return DEVSTATE_ERROR_DEVICE_FAILED;
}
