/* servers/devstate/engine.c — see engine.h. */
#include "engine.h"

static uint64_t field_mask(unsigned width)
{
    return width >= 64 ? ~0ull : (1ull << width) - 1;
}

int ds_device_valid(const struct ds_device *d)
{
    if (!d || d->field_count == 0 || d->field_count > DS_MAX_FIELDS || d->register_count > DS_MAX_REGISTERS ||
        !d->fields || !d->registers)
        return 0;
    for (unsigned f = 0; f < d->field_count; f++)
        if (d->fields[f].policy > DS_MIN || d->fields[f].owner >= DS_MAX_CLIENTS)
            return 0;
    for (unsigned r = 0; r < d->register_count; r++) {
        const struct ds_register *reg = &d->registers[r];
        if (reg->bit_count > DS_MAX_BITS || reg->reads > DS_REFUSE || reg->writes > DS_REFUSE)
            return 0;
        uint64_t used = 0;
        for (unsigned b = 0; b < reg->bit_count; b++) {
            const struct ds_bits *bits = &reg->bits[b];
            if (bits->field >= d->field_count || bits->width == 0 || bits->shift + bits->width > 64)
                return 0;
            uint64_t mask = field_mask(bits->width) << bits->shift;
            if (used & mask)
                return 0; /* two fields in the same bits */
            used |= mask;
        }
    }
    return 1;
}

void ds_init(struct ds_state *s, const struct ds_device *d)
{
    *s = (struct ds_state){ .device = d };
    for (unsigned f = 0; f < d->field_count; f++) {
        for (unsigned c = 0; c < DS_MAX_CLIENTS; c++)
            s->views[c][f] = d->fields[f].idle;
        s->hardware[f] = d->fields[f].idle;
    }
}

uint64_t ds_merged(const struct ds_state *s, unsigned field)
{
    const struct ds_field *f = &s->device->fields[field];
    bool any = false;
    uint64_t result = f->policy == DS_ANY_ON ? 0 : f->idle;
    for (unsigned c = 0; c < DS_MAX_CLIENTS; c++) {
        if (!s->attached[c])
            continue;
        uint64_t v = s->views[c][field];
        switch (f->policy) {
        case DS_ANY_ON: result = result || v; break;
        case DS_ALL_AGREE:
            if (!any)
                result = v;
            else if (result != v)
                return f->idle; /* they do not agree: the idle value stands */
            break;
        case DS_OWNER_ONLY:
            if (c == f->owner)
                result = v;
            break;
        case DS_MAX: result = !any || v > result ? v : result; break;
        case DS_MIN: result = !any || v < result ? v : result; break;
        }
        any = true;
    }
    return any ? result : f->idle;
}

static const struct ds_register *find_register(const struct ds_state *s, uint16_t offset)
{
    for (unsigned r = 0; r < s->device->register_count; r++)
        if (s->device->registers[r].offset == offset)
            return &s->device->registers[r];
    return 0;
}

/* The register's value from the given field values. */
static uint64_t compose(const struct ds_register *reg, const uint64_t *fields)
{
    uint64_t value = 0;
    for (unsigned b = 0; b < reg->bit_count; b++) {
        const struct ds_bits *bits = &reg->bits[b];
        value |= (fields[bits->field] & field_mask(bits->width)) << bits->shift;
    }
    return value;
}

/* Recomputes every merged field of the register; returns whether the
 * hardware changes, and the new register value. */
static bool remerge(struct ds_state *s, const struct ds_register *reg, uint64_t *value)
{
    bool changed = false;
    for (unsigned b = 0; b < reg->bit_count; b++) {
        unsigned f = reg->bits[b].field;
        uint64_t merged = ds_merged(s, f);
        if (merged != s->hardware[f]) {
            s->hardware[f] = merged;
            changed = true;
        }
    }
    *value = compose(reg, s->hardware);
    return changed;
}

static bool client_ok(const struct ds_state *s, unsigned client)
{
    return client < DS_MAX_CLIENTS && s->attached[client];
}

/* After a client comes or goes, every rewrite register is merged again. */
static uint32_t remerge_all(struct ds_state *s)
{
    uint32_t changed = 0;
    for (unsigned r = 0; r < s->device->register_count; r++) {
        uint64_t value;
        if (s->device->registers[r].writes == DS_REWRITE && remerge(s, &s->device->registers[r], &value))
            changed |= 1u << r;
    }
    return changed;
}

uint32_t ds_attach(struct ds_state *s, unsigned client)
{
    if (client >= DS_MAX_CLIENTS || s->attached[client])
        return 0;
    s->attached[client] = true; /* its view starts idle; an all-agree field may change */
    return remerge_all(s);
}

uint32_t ds_detach(struct ds_state *s, unsigned client)
{
    if (!client_ok(s, client))
        return 0;
    s->attached[client] = false;
    for (unsigned f = 0; f < s->device->field_count; f++)
        s->views[client][f] = s->device->fields[f].idle;
    return remerge_all(s);
}

uint64_t ds_register_value(const struct ds_state *s, unsigned index)
{
    return index < s->device->register_count ? compose(&s->device->registers[index], s->hardware) : 0;
}

/* The register a request names, or an error (checked before anything
 * changes). */
static int request_register(const struct ds_state *s, unsigned client, uint16_t offset,
                            const struct ds_register **reg)
{
    if (!client_ok(s, client))
        return DS_ERR_CLIENT;
    *reg = find_register(s, offset);
    return *reg ? 0 : DS_ERR_REGISTER;
}

struct ds_effect ds_write(struct ds_state *s, unsigned client, uint16_t offset, uint64_t value)
{
    struct ds_effect e = { 0 };
    const struct ds_register *reg;
    if ((e.error = request_register(s, client, offset, &reg)))
        return e;
    switch (reg->writes) {
    case DS_FORWARD:
        e.device_write = true;
        e.device_value = value;
        return e;
    case DS_REFUSE: return e; /* dropped */
    case DS_VIRTUAL:
    case DS_REWRITE:
        for (unsigned b = 0; b < reg->bit_count; b++) {
            const struct ds_bits *bits = &reg->bits[b];
            s->views[client][bits->field] = (value >> bits->shift) & field_mask(bits->width);
        }
        if (reg->writes == DS_REWRITE)
            e.device_write = remerge(s, reg, &e.device_value);
        return e;
    }
    e.error = DS_ERR_DEVICE;
    return e;
}

struct ds_effect ds_read(struct ds_state *s, unsigned client, uint16_t offset)
{
    struct ds_effect e = { 0 };
    const struct ds_register *reg;
    if ((e.error = request_register(s, client, offset, &reg)))
        return e;
    switch (reg->reads) {
    case DS_FORWARD:
    case DS_REWRITE: /* the device answers; the driver may rewrite the result */
        e.device_read = true;
        return e;
    case DS_VIRTUAL: e.reply = compose(reg, s->views[client]); return e;
    case DS_REFUSE: e.reply = reg->refused_value; return e;
    }
    e.error = DS_ERR_DEVICE;
    return e;
}

uint64_t ds_read_result(const struct ds_state *s, unsigned client, uint16_t offset, uint64_t device_value)
{
    const struct ds_register *reg = find_register(s, offset);
    if (!reg || reg->reads != DS_REWRITE || client >= DS_MAX_CLIENTS)
        return device_value;
    uint64_t fields_mask = 0;
    for (unsigned b = 0; b < reg->bit_count; b++)
        fields_mask |= field_mask(reg->bits[b].width) << reg->bits[b].shift;
    return (device_value & ~fields_mask) | compose(reg, s->views[client]);
}

bool ds_waiting(const struct ds_state *s, unsigned field, uint64_t *asked)
{
    if (field >= s->device->field_count)
        return false;
    const struct ds_field *f = &s->device->fields[field];
    if (f->policy != DS_ALL_AGREE || ds_merged(s, field) != f->idle)
        return false;
    for (unsigned c = 0; c < DS_MAX_CLIENTS; c++)
        if (s->attached[c] && s->views[c][field] != f->idle) {
            *asked = s->views[c][field];
            return true;
        }
    return false;
}

uint32_t ds_force(struct ds_state *s, unsigned field, uint64_t value, uint32_t *forced)
{
    *forced = 0;
    if (field >= s->device->field_count)
        return 0;
    for (unsigned c = 0; c < DS_MAX_CLIENTS; c++)
        if (s->attached[c] && s->views[c][field] != value) {
            s->views[c][field] = value;
            *forced |= 1u << c;
        }
    return remerge_all(s);
}
