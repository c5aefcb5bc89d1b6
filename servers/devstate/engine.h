/* servers/devstate/engine.h — the device-state engine: per-client views of
 * a shared device, merged before the hardware is touched.
 *
 * A shared device is described by data, not code:
 *
 *   fields     control state with a merge policy: the hardware gets the
 *              merge of every attached client's view of the field
 *                any-on      1 if any view is nonzero (a floppy motor)
 *                all-agree   the common value if every view has it, else the
 *                            field's idle value (power off: only when all ask)
 *                owner-only  the owner client's view; others are only views
 *                max, min    the largest / smallest view
 *   registers  how a register's bits map onto fields, and what an access to
 *              it is (its classification):
 *                forward     passed to the device as it is
 *                virtual     served from the client's own view alone
 *                rewrite     a write's field bits update the client's view, and
 *                            the device gets the register recomposed from the
 *                            merged fields (only when that changes anything);
 *                            a read's field bits are replaced by the client's
 *                            own view
 *                refuse      writes dropped, reads return the refused value
 *
 * The engine is pure (no I/O, no allocation): a request goes in, an effect
 * (what to do to the hardware, what to answer the client) comes out.  The
 * invariant, property-tested on the host: after any sequence of requests,
 * the hardware state the engine believes in equals the merge of the views. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum { DS_MAX_CLIENTS = 8, DS_MAX_FIELDS = 16, DS_MAX_BITS = 8, DS_MAX_REGISTERS = 32 };

enum ds_policy { DS_ANY_ON, DS_ALL_AGREE, DS_OWNER_ONLY, DS_MAX, DS_MIN };
enum ds_class { DS_FORWARD, DS_VIRTUAL, DS_REWRITE, DS_REFUSE };

struct ds_field {
    const char *name;
    enum ds_policy policy;
    uint64_t idle; /* a view's value before its client writes, and all-agree's fallback */
    uint8_t owner; /* owner-only: the client whose view counts */
};

/* Bits [shift, shift + width) of a register hold field `field`. */
struct ds_bits {
    uint8_t field, shift, width;
};

struct ds_register {
    const char *name;
    uint16_t offset; /* the port or register number the driver uses */
    enum ds_class reads, writes;
    uint64_t refused_value; /* what a refused read returns */
    unsigned bit_count;
    struct ds_bits bits[DS_MAX_BITS];
};

struct ds_device {
    const char *name;
    unsigned field_count, register_count;
    const struct ds_field *fields;
    const struct ds_register *registers;
};

/* The engine's state of one shared device. */
struct ds_state {
    const struct ds_device *device;
    bool attached[DS_MAX_CLIENTS];
    uint64_t views[DS_MAX_CLIENTS][DS_MAX_FIELDS];
    uint64_t hardware[DS_MAX_FIELDS]; /* the merged fields as last written to the device */
};

/* What a request does. */
struct ds_effect {
    bool device_write; /* write device_value to the register */
    bool device_read;  /* read the register and hand the result to the client */
    uint64_t device_value;
    uint64_t reply; /* the value the client gets (reads served by the engine) */
    int error;      /* 0, or DS_ERR_* (nothing changed) */
};

enum { DS_ERR_CLIENT = 1, DS_ERR_REGISTER, DS_ERR_DEVICE };

/* Checks a description: counts, field indexes, bit ranges inside 64 bits
 * and not overlapping, owners < DS_MAX_CLIENTS. */
int ds_device_valid(const struct ds_device *d);
void ds_init(struct ds_state *s, const struct ds_device *d);
/* A client comes (its view starts at the idle values) or leaves (its view
 * no longer counts).  Each returns the set of registers (bit i =
 * registers[i]) whose merged value changed: write each one's
 * ds_register_value() to the device. */
uint32_t ds_attach(struct ds_state *s, unsigned client);
uint32_t ds_detach(struct ds_state *s, unsigned client);
/* The value of register `index` composed from the merged fields. */
uint64_t ds_register_value(const struct ds_state *s, unsigned index);

struct ds_effect ds_write(struct ds_state *s, unsigned client, uint16_t offset, uint64_t value);
struct ds_effect ds_read(struct ds_state *s, unsigned client, uint16_t offset);
/* For a read the engine sent to the device (device_read): the value the
 * client gets.  A rewrite register shows the client its own view in the
 * shared bits and the device's value in the others. */
uint64_t ds_read_result(const struct ds_state *s, unsigned client, uint16_t offset, uint64_t device_value);

/* The merge of every attached view of a field. */
uint64_t ds_merged(const struct ds_state *s, unsigned field);

/* An all-agree field some attached view has asked to change (its view is
 * not the idle value) while the merge is still idle: true, and in *asked
 * the first such view's value. */
bool ds_waiting(const struct ds_state *s, unsigned field, uint64_t *asked);
/* A force policy: every attached view's `field` becomes `value`, as if each
 * client had asked for it, so the hardware still equals the merge of the
 * views.  Returns the registers whose merged value changed (as ds_attach)
 * and in *forced the clients whose view changed (bit c = client c). */
uint32_t ds_force(struct ds_state *s, unsigned field, uint64_t value, uint32_t *forced);
