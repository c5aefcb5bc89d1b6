/* servers/devstate/act_fdc.c — devstate's actuators for the floppy
 * controller (devices/fdc.dst): calls of the fdc driver's interface
 * (drivers/fdc/fdc.idl) through devstate's `uses fdc fdc` connection, and
 * the sector buffer it shares with the driver (`shared disk`).
 *
 * Each records the device accesses the driver makes: the DOR as the
 * controller reads it back after a motor change and around each transfer
 * (so the monitor shows the real motor, not what devstate believes), and a
 * transfer's FIFO traffic (port 0x3f5: ST0 as value, the driver's port
 * accesses as count). */
#include "devstate_caps.h"
#include "devstate_config.h"
#include "devstate_types.h"
#include "fdc_client.h"

#include <kumiki/user.h>

enum { DOR = 0x3f2, FIFO = 0x3f5 };

/* The DOR read back, recorded; false if the driver did not answer. */
static bool read_back(struct devstate_action *a, uint8_t *dor)
{
    bool ok = fdc_read_dor(DEVSTATE_CAP_FDC, dor) == 0;
    a->record(a, DOR, ok ? *dor : 0, 1, 1, !ok);
    return ok;
}

int devstate_act_fdc_motor(struct devstate_action *a)
{
    int e = fdc_motor(DEVSTATE_CAP_FDC, a->arg, a->value != 0);
    uint8_t dor;
    read_back(a, &dor);
    return e ? DEVSTATE_ERROR_DEVICE_FAILED : 0;
}

int devstate_act_fdc_read_dor(struct devstate_action *a)
{
    uint8_t dor;
    if (!read_back(a, &dor))
        return DEVSTATE_ERROR_DEVICE_FAILED;
    a->result = dor;
    return 0;
}

int devstate_act_fdc_read(struct devstate_action *a)
{
    uint64_t bytes = (uint64_t)a->count * FDC_SECTOR_SIZE;
    if (bytes > DEVSTATE_SIZE_DISK || bytes > a->buffer_size)
        return DEVSTATE_ERROR_BAD_SIZE;
    struct fdc_status before = { 0 }, after = { 0 };
    uint8_t dor;
    read_back(a, &dor);
    fdc_status(DEVSTATE_CAP_FDC, &before);
    int e = fdc_read_sectors(DEVSTATE_CAP_FDC, a->unit, a->position, a->count);
    fdc_status(DEVSTATE_CAP_FDC, &after);
    a->record(a, FIFO, after.st0, (uint32_t)(after.port_accesses - before.port_accesses), 1, e != 0);
    read_back(a, &dor);
    if (e)
        return DEVSTATE_ERROR_DEVICE_FAILED;
    memcpy(a->buffer, (const void *)DEVSTATE_VADDR_DISK, bytes);
    return 0;
}

int devstate_act_fdc_stop(struct devstate_action *a)
{
    (void)a;
    return fdc_stop(DEVSTATE_CAP_FDC) ? DEVSTATE_ERROR_DEVICE_FAILED : 0;
}
