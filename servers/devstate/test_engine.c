/* servers/devstate/test_engine.c — the device-state engine on the host:
 * each merge policy and classification, errors that change nothing, and a
 * property test: after any sequence of requests, the hardware state equals
 * the merge of the attached clients' views. */
#include "check.h"
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A floppy controller's digital output register, shared: drive select
 * (owner-only), not-reset (all-agree, idle 1), DMA enable (any-on), the two
 * motors (any-on); the status register is forwarded, a scratch register
 * virtual, the data-rate register refused. */
enum { SELECT, NOT_RESET, DMA, MOTOR_A, MOTOR_B, SCRATCH, FIELDS };
static const struct ds_field dor_fields[FIELDS] = {
    [SELECT] = { "select", DS_OWNER_ONLY, 0, 0 }, [NOT_RESET] = { "not_reset", DS_ALL_AGREE, 1, 0 },
    [DMA] = { "dma", DS_ANY_ON, 0, 0 },           [MOTOR_A] = { "motor_a", DS_ANY_ON, 0, 0 },
    [MOTOR_B] = { "motor_b", DS_ANY_ON, 0, 0 },   [SCRATCH] = { "scratch", DS_MAX, 0, 0 },
};
enum { DOR = 2, MSR = 4, SCR = 5, DRR = 7 };
static const struct ds_register dor_registers[] = {
    { "dor",
      DOR,
      DS_REWRITE,
      DS_REWRITE,
      0,
      5,
      { { SELECT, 0, 2 }, { NOT_RESET, 2, 1 }, { DMA, 3, 1 }, { MOTOR_A, 4, 1 }, { MOTOR_B, 5, 1 } } },
    { "msr", MSR, DS_FORWARD, DS_REFUSE, 0, 0, { { 0, 0, 0 } } },
    { "scratch", SCR, DS_VIRTUAL, DS_VIRTUAL, 0, 1, { { SCRATCH, 0, 8 } } },
    { "drr", DRR, DS_REFUSE, DS_REFUSE, 0xff, 0, { { 0, 0, 0 } } },
};
static const struct ds_device floppy = { "fdc", FIELDS, 4, dor_fields, dor_registers };

enum { POWER_OFF, POWER_FIELDS };
static const struct ds_field power_fields[] = { { "sleep", DS_ALL_AGREE, 0, 0 } };
static const struct ds_register power_registers[] = {
    { "pm1a_cnt", 0x604, DS_FORWARD, DS_REWRITE, 0, 1, { { POWER_OFF, 13, 1 } } },
};
static const struct ds_device power = { "acpi", POWER_FIELDS, 1, power_fields, power_registers };

static void test_motor_any_on(void)
{
    struct ds_state s;
    ds_init(&s, &floppy);
    ds_attach(&s, 0);
    ds_attach(&s, 1);
    struct ds_effect e = ds_write(&s, 0, DOR, 0x1c); /* A: motor A on, DMA, not reset */
    CHECK(e.device_write && e.device_value == 0x1c);
    e = ds_write(&s, 1, DOR, 0x1c); /* B asks the same: nothing changes on the device */
    CHECK(!e.device_write && !e.error);
    e = ds_write(&s, 0, DOR, 0x0c); /* A's motor-off timer: B still uses it */
    CHECK(!e.device_write);
    CHECK(ds_merged(&s, MOTOR_A) == 1);
    e = ds_read(&s, 0, DOR); /* A sees its own view in the shared bits */
    CHECK(e.device_read);
    CHECK(ds_read_result(&s, 0, DOR, 0x1c) == 0x0c);
    CHECK(ds_read_result(&s, 1, DOR, 0x1c) == 0x1c);
    e = ds_write(&s, 1, DOR, 0x0c); /* the last one off: now the motor stops */
    CHECK(e.device_write && e.device_value == 0x0c);
}

static void test_owner_and_all_agree(void)
{
    struct ds_state s;
    ds_init(&s, &floppy);
    ds_attach(&s, 0);
    ds_attach(&s, 1);
    struct ds_effect e = ds_write(&s, 1, DOR, 0x06); /* B selects drive 2: not the owner */
    CHECK(!e.device_write && ds_merged(&s, SELECT) == 0);
    e = ds_write(&s, 0, DOR, 0x05); /* the owner selects drive 1 */
    CHECK(e.device_write && (e.device_value & 3) == 1);
    e = ds_write(&s, 0, DOR, 0x01); /* A asks for reset (not_reset 0): B disagrees */
    CHECK(ds_merged(&s, NOT_RESET) == 1);
    e = ds_write(&s, 1, DOR, 0x00); /* both agree now */
    CHECK(ds_merged(&s, NOT_RESET) == 0 && e.device_write);
}

static void test_power_only_when_all_ask(void)
{
    struct ds_state s;
    ds_init(&s, &power);
    for (unsigned c = 0; c < 3; c++)
        ds_attach(&s, c);
    CHECK(!ds_write(&s, 0, 0x604, 1u << 13).device_write); /* deferred */
    CHECK(!ds_write(&s, 2, 0x604, 1u << 13).device_write); /* deferred */
    struct ds_effect e = ds_write(&s, 1, 0x604, 1u << 13);
    CHECK(e.device_write && e.device_value == 1u << 13); /* everyone asked */
    ds_init(&s, &power);
    ds_attach(&s, 0);
    ds_attach(&s, 1);
    CHECK(!ds_write(&s, 0, 0x604, 1u << 13).device_write);
    CHECK(ds_detach(&s, 1) == 1u); /* the one that never asked leaves: the others all asked */
    CHECK(ds_register_value(&s, 0) == 1u << 13);
}

/* max and min: the largest and the smallest view reach the device, and
 * a client that leaves no longer counts. */
static void test_max_min(void)
{
    static const struct ds_field fields[] = { { "rate", DS_MAX, 2, 0 }, { "timeout", DS_MIN, 200, 0 } };
    static const struct ds_register regs[] = {
        { "ctl", 0x10, DS_VIRTUAL, DS_REWRITE, 0, 2, { { 0, 0, 4 }, { 1, 8, 8 } } },
    };
    static const struct ds_device dev = { "limits", 2, 1, fields, regs };
    CHECK(ds_device_valid(&dev));
    struct ds_state s;
    ds_init(&s, &dev);
    ds_attach(&s, 0);
    ds_attach(&s, 1);
    CHECK(ds_merged(&s, 0) == 2 && ds_merged(&s, 1) == 200); /* both views idle */
    struct ds_effect e = ds_write(&s, 0, 0x10, 7 | 50u << 8);
    CHECK(e.device_write && e.device_value == (7 | 50u << 8));
    e = ds_write(&s, 1, 0x10, 3 | 90u << 8); /* smaller rate, larger timeout: no change */
    CHECK(!e.device_write && ds_merged(&s, 0) == 7 && ds_merged(&s, 1) == 50);
    CHECK(ds_read(&s, 1, 0x10).reply == (3 | 90u << 8)); /* its own view */
    CHECK(ds_detach(&s, 0) == 1u);                       /* the extremes leave with client 0 */
    CHECK(ds_register_value(&s, 0) == (3 | 90u << 8));
}

/* The force policy: the views that did not ask are set as if they had;
 * the hardware still equals the merge of the views. */
static void test_force(void)
{
    struct ds_state s;
    ds_init(&s, &power);
    for (unsigned c = 0; c < 3; c++)
        ds_attach(&s, c);
    uint64_t asked = 0;
    CHECK(!ds_waiting(&s, POWER_OFF, &asked)); /* nobody asked yet */
    CHECK(!ds_write(&s, 1, 0x604, 1u << 13).device_write);
    CHECK(ds_waiting(&s, POWER_OFF, &asked) && asked == 1);
    uint32_t forced = 0;
    CHECK(ds_force(&s, POWER_OFF, asked, &forced) == 1u); /* pm1a_cnt changes */
    CHECK(forced == (1u << 0 | 1u << 2));                 /* the two that had not asked */
    CHECK(s.hardware[POWER_OFF] == 1 && ds_merged(&s, POWER_OFF) == 1);
    CHECK(ds_register_value(&s, 0) == 1u << 13);
    CHECK(!ds_waiting(&s, POWER_OFF, &asked)); /* agreed now */
    CHECK(ds_force(&s, POWER_OFF, 1, &forced) == 0 && forced == 0);
    CHECK(ds_force(&s, POWER_FIELDS, 1, &forced) == 0 && forced == 0); /* no such field */
    CHECK(!ds_waiting(&s, POWER_FIELDS, &asked));
    ds_init(&s, &floppy); /* only all-agree fields wait */
    ds_attach(&s, 0);
    ds_attach(&s, 1);
    ds_write(&s, 0, DOR, 0x1c);
    CHECK(!ds_waiting(&s, MOTOR_A, &asked));
}

static void test_classes_and_errors(void)
{
    struct ds_state s;
    ds_init(&s, &floppy);
    ds_attach(&s, 0);
    ds_attach(&s, 3);
    CHECK(ds_read(&s, 0, MSR).device_read);          /* forward */
    struct ds_effect e = ds_write(&s, 0, MSR, 0x80); /* refused write: dropped */
    CHECK(!e.device_write && !e.error);
    CHECK(ds_read(&s, 0, DRR).reply == 0xff && !ds_read(&s, 0, DRR).device_read);
    CHECK(!ds_write(&s, 0, SCR, 0x42).device_write); /* virtual: a view only */
    CHECK(ds_read(&s, 0, SCR).reply == 0x42);
    CHECK(ds_read(&s, 3, SCR).reply == 0); /* each client its own */
    struct ds_state before = s;
    CHECK(ds_write(&s, 5, DOR, 0x10).error == DS_ERR_CLIENT); /* never attached */
    CHECK(ds_write(&s, 99, DOR, 0x10).error == DS_ERR_CLIENT);
    CHECK(ds_write(&s, 0, 0x3f, 0x10).error == DS_ERR_REGISTER);
    CHECK(ds_read(&s, 0, 0x3f).error == DS_ERR_REGISTER);
    CHECK(memcmp(&before, &s, sizeof(s)) == 0); /* errors change nothing */
    CHECK(ds_detach(&s, 6) == 0);
}

static void test_descriptions(void)
{
    CHECK(ds_device_valid(&floppy) && ds_device_valid(&power));
    struct ds_register overlapping = dor_registers[0];
    overlapping.bits[1].shift = 1; /* not_reset over select's bit 1 */
    struct ds_device bad = { "bad", FIELDS, 1, dor_fields, &overlapping };
    CHECK(!ds_device_valid(&bad));
    struct ds_register out_of_range = dor_registers[0];
    out_of_range.bits[0].field = FIELDS;
    bad.registers = &out_of_range;
    CHECK(!ds_device_valid(&bad));
    struct ds_register too_wide = dor_registers[0];
    too_wide.bits[0].shift = 63;
    bad.registers = &too_wide;
    CHECK(!ds_device_valid(&bad));
    bad = (struct ds_device){ "empty", 0, 0, dor_fields, dor_registers };
    CHECK(!ds_device_valid(&bad));
}

/* Random attaches, detaches, writes and reads; after each, every field of
 * a rewrite register holds the merge of the views on the device. */
static void test_property(void)
{
    srand(7);
    for (int round = 0; round < 300; round++) {
        struct ds_state s;
        ds_init(&s, &floppy);
        uint64_t device_dor = ds_register_value(&s, 0);
        for (int step = 0; step < 200; step++) {
            unsigned client = (unsigned)rand() % DS_MAX_CLIENTS;
            int op = rand() % 10;
            if (op == 0) {
                if (ds_attach(&s, client) & 1u)
                    device_dor = ds_register_value(&s, 0);
            } else if (op == 1) {
                if (ds_detach(&s, client) & 1u)
                    device_dor = ds_register_value(&s, 0);
            } else {
                static const uint16_t offsets[] = { DOR, MSR, SCR, DRR, 0x3f };
                uint16_t offset = offsets[(unsigned)rand() % 5];
                struct ds_effect e = op < 8 ? ds_write(&s, client, offset, (uint64_t)rand() & 0x3f)
                                            : ds_read(&s, client, offset);
                if (e.device_write && offset == DOR)
                    device_dor = e.device_value;
            }
            for (unsigned f = 0; f < FIELDS; f++)
                if (f != SCRATCH)
                    CHECK(s.hardware[f] == ds_merged(&s, f));
            CHECK(device_dor == ds_register_value(&s, 0));
        }
    }
}

int main(void)
{
    test_motor_any_on();
    test_owner_and_all_agree();
    test_power_only_when_all_ask();
    test_force();
    test_max_min();
    test_classes_and_errors();
    test_descriptions();
    test_property();
    return check_exit("devstate engine");
}
