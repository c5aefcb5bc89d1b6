/* servers/devstate/test_tables.c — the generated tables of
 * tests/tables_test.dst on the host: every device passes the engine's own
 * check, the fields, registers, bindings and operations are what
 * devices/fdc.dst and devices/acpi.dst say, and the engine driven by them
 * keeps the floppy motor on while any view has it on and powers off only
 * when every view asked. */
#include "check.h"
#include "devstate_tables_test.h"

#include <string.h>

/* The actuators the tables name (declared by the generated header; the
 * server's act_*.c call drivers, here only their addresses matter). */
int devstate_act_fdc_stop(struct devstate_action *a)
{
    (void)a;
    return 0;
}
int devstate_act_fdc_motor(struct devstate_action *a)
{
    (void)a;
    return 0;
}
int devstate_act_fdc_read_dor(struct devstate_action *a)
{
    (void)a;
    return 0;
}
int devstate_act_fdc_read(struct devstate_action *a)
{
    (void)a;
    return 0;
}
int devstate_act_acpi_power_off(struct devstate_action *a)
{
    (void)a;
    return 0;
}

static int field_index(const struct ds_device *d, const char *name)
{
    for (unsigned f = 0; f < d->field_count; f++)
        if (!strcmp(d->fields[f].name, name))
            return (int)f;
    return -1;
}

static void test_config(void)
{
    const struct devstate_config *c = &devstate_config;
    CHECK(c->device_count == 2 && c->ring == 64);
    CHECK(c->devices[0].number == DEVSTATE_DEVICE_FDC && DEVSTATE_DEVICE_FDC == 1);
    CHECK(c->devices[1].number == DEVSTATE_DEVICE_ACPI && DEVSTATE_DEVICE_ACPI == 2);
    for (unsigned d = 0; d < c->device_count; d++)
        CHECK(ds_device_valid(&c->devices[d].model));
    CHECK(c->force_count == 1 && c->forces[0].device == 1 && c->forces[0].after_ms == 5000);
    CHECK(c->forces[0].field == field_index(&c->devices[1].model, "sleep"));
    CHECK(c->schedule_count == 1);
    const struct devstate_schedule *s = &c->schedules[0];
    CHECK(s->client == 3 && s->window_ms == 100 && s->raise_at == 40 && s->lower_at == 4 && s->step == 5 &&
          s->min == 95 && s->max == 110);
    CHECK(c->buffer_count == 0 && c->buffers == NULL);
}

static void test_fdc(void)
{
    const struct devstate_device *fdc = &devstate_config.devices[0];
    const struct ds_device *m = &fdc->model;
    CHECK(!strcmp(m->name, "fdc") && !strcmp(fdc->driver, "fdc"));
    int a = field_index(m, "motor_a"), b = field_index(m, "motor_b");
    CHECK(a >= 0 && b >= 0 && m->fields[a].policy == DS_ANY_ON && m->fields[b].policy == DS_ANY_ON);
    CHECK(fdc->fields[a].apply == devstate_act_fdc_motor && fdc->fields[a].arg == 0 && !fdc->fields[a].final);
    CHECK(fdc->fields[b].apply == devstate_act_fdc_motor && fdc->fields[b].arg == 1);
    CHECK(fdc->fields[field_index(m, "select")].apply == NULL);
    CHECK(m->register_count == 4 && !strcmp(m->registers[0].name, "dor") && m->registers[0].offset == 0x3f2);
    CHECK(m->registers[0].reads == DS_REWRITE && m->registers[0].writes == DS_REWRITE);
    CHECK(fdc->registers[0].read == devstate_act_fdc_read_dor && fdc->registers[0].size == 1);
    CHECK(fdc->stop == devstate_act_fdc_stop);
    CHECK(m->registers[2].offset == 0x3f4 && m->registers[2].reads == DS_REFUSE &&
          m->registers[2].refused_value == 0x80);
    CHECK(m->registers[1].reads == DS_VIRTUAL && fdc->registers[1].read == NULL);
    CHECK(fdc->operation_count == 2);
    CHECK(fdc->operations[0].number == 1 && fdc->operations[0].port == 0x3f5 &&
          fdc->operations[0].unit_size == 512 && fdc->operations[0].classification == DS_FORWARD &&
          fdc->operations[0].forward == devstate_act_fdc_read);
    CHECK(fdc->operations[1].classification == DS_REFUSE && fdc->operations[1].forward == NULL);

    /* The motor scenario on the engine: on while any view has it on. */
    struct ds_state st;
    ds_init(&st, m);
    ds_attach(&st, 0);
    ds_attach(&st, 1);
    CHECK(ds_register_value(&st, 0) == 0x0c); /* the views start with the controller enabled */
    CHECK(ds_write(&st, 0, 0x3f2, 0x1c).device_write);
    CHECK(!ds_write(&st, 1, 0x3f2, 0x1c).device_write);
    CHECK(!ds_write(&st, 0, 0x3f2, 0x0c).device_write && st.hardware[a] == 1);
    CHECK(ds_write(&st, 1, 0x3f2, 0x0c).device_write && st.hardware[a] == 0);
}

static void test_acpi(void)
{
    const struct devstate_device *acpi = &devstate_config.devices[1];
    const struct ds_device *m = &acpi->model;
    int sleep = field_index(m, "sleep");
    CHECK(sleep >= 0 && m->fields[sleep].policy == DS_ALL_AGREE && m->fields[sleep].idle == 0);
    CHECK(acpi->fields[sleep].apply == devstate_act_acpi_power_off && acpi->fields[sleep].final);
    CHECK(m->registers[0].offset == 0x604 && acpi->registers[0].size == 2 &&
          m->registers[0].writes == DS_REWRITE);
    CHECK(acpi->stop == NULL);
    CHECK(acpi->operation_count == 1 && acpi->operations[0].classification == DS_REFUSE);
    struct ds_state st;
    ds_init(&st, m);
    for (unsigned c = 0; c < 3; c++)
        ds_attach(&st, c);
    ds_write(&st, 0, 0x604, 0x2000 | 5u << 10); /* asked, with its own SLP_TYP */
    CHECK(st.hardware[sleep] == 0);
    CHECK(ds_read(&st, 0, 0x604).reply == (0x2000 | 5u << 10)); /* its view */
    CHECK(ds_read(&st, 1, 0x604).reply == 0);
    ds_write(&st, 1, 0x604, 0x2000);
    CHECK(st.hardware[sleep] == 0);
    struct ds_effect e = ds_write(&st, 2, 0x604, 0x2000);
    CHECK(e.device_write && st.hardware[sleep] == 1);
}

int main(void)
{
    test_config();
    test_fdc();
    test_acpi();
    return check_exit("devstate tables");
}
