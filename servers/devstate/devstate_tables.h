/* servers/devstate/devstate_tables.h — what the devstate tables compile to.
 *
 * A deployment's devstate configuration (a .dst file: the devices it
 * serves, each described in servers/devstate/devices/, plus the monitor's
 * ring size, client buffers, force and scheduling policies) is turned by
 * devstate_tables.py into C constants of these types: data, never a code
 * branch per device.  The only code that knows a device is its driver's
 * actuators (act_<driver>.c): small functions that call the driver's IDL
 * interface, named by the tables.
 *
 * Freestanding (no libc): also compiled into host tests. */
#pragma once

#include "engine.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    DEVSTATE_MAX_DEVICES = 8,
    DEVSTATE_MAX_OPERATIONS = 8,
    DEVSTATE_MAX_BUFFERS = DS_MAX_CLIENTS,
    DEVSTATE_MAX_FORCES = 8,
    DEVSTATE_MAX_SCHEDULES = DS_MAX_CLIENTS,
    DEVSTATE_MAX_RING = 4096,
};

/* One call of an actuator: what devstate asks of a driver.  The actuator
 * records each device access the driver makes for it (the port it touches,
 * the value, how many accesses of which size) through `record`, so the
 * monitor shows what really reached the device; for a final action it does
 * so before the irreversible step (devstate then flushes the monitor). */
struct devstate_action {
    uint32_t arg;   /* the table's argument: apply fdc_motor(1) -> 1 */
    uint64_t value; /* apply: the merged field value; write: the register value */
    /* operations (transfers) */
    uint32_t unit, position, count;
    uint8_t *buffer; /* the client's shared buffer, buffer_size bytes */
    uint64_t buffer_size;
    /* out */
    uint64_t result; /* read: the device's value */
    /* devstate's */
    void (*record)(const struct devstate_action *action, uint16_t port, uint64_t value, uint32_t count,
                   uint32_t size, bool failed);
    unsigned device; /* index into devstate_config.devices */
    bool final;
};

/* 0 on success, else an enum devstate_error value (nothing was done). */
typedef int (*devstate_actuator)(struct devstate_action *action);

/* A field's driver action, taken when its merged value changes. */
struct devstate_field_binding {
    devstate_actuator apply; /* NULL: the field is never sent to the device */
    uint32_t arg;
    bool final; /* irreversible (power off): the monitor is flushed first */
};

/* How the device is reached for a register's forwarded accesses. */
struct devstate_register_binding {
    devstate_actuator read;  /* forward and rewrite reads: the device's value */
    devstate_actuator write; /* forward writes */
    uint8_t size;            /* the register's access size in bytes */
};

struct devstate_operation {
    const char *name;
    uint32_t number; /* transfer(operation = number) */
    uint16_t port;   /* what the monitor records as the register */
    uint32_t unit_size;
    enum ds_class classification; /* DS_FORWARD or DS_REFUSE */
    devstate_actuator forward;
};

struct devstate_device {
    uint8_t number; /* in badges: number << 8 | client */
    const char *driver;
    struct ds_device model;                            /* fields, registers, policies, classifications */
    const struct devstate_field_binding *fields;       /* [model.field_count] */
    const struct devstate_register_binding *registers; /* [model.register_count] */
    unsigned operation_count;
    const struct devstate_operation *operations;
    devstate_actuator stop; /* ends the driver when devstate ends (NULL: left running) */
};

/* A client's shared buffer for transfers (the deployment's region). */
struct devstate_buffer {
    uint8_t client; /* 1..DS_MAX_CLIENTS */
    uint64_t vaddr, size;
};

/* An all-agree field that is forced to the asked value when the views have
 * not agreed within after_ms of the first request. */
struct devstate_force {
    uint8_t device; /* index into devstate_devices */
    uint8_t field;
    uint32_t after_ms;
};

/* The scheduling feedback for one client: per window, at least raise_at
 * requests raise its priority by step, at most lower_at lower it by step,
 * never outside [min, max]. */
struct devstate_schedule {
    uint8_t client;
    uint32_t window_ms, raise_at, lower_at;
    uint8_t step, min, max;
};

struct devstate_config {
    unsigned device_count;
    const struct devstate_device *devices;
    uint32_t ring; /* monitor records: a power of two <= DEVSTATE_MAX_RING */
    unsigned buffer_count, force_count, schedule_count;
    const struct devstate_buffer *buffers;
    const struct devstate_force *forces;
    const struct devstate_schedule *schedules;
};

/* The deployment's tables (generated). */
extern const struct devstate_config devstate_config;
