/* libFuzzer target for kdm_validate(): any input is either refused with a
 * message, or is a manifest whose every array, index and string the root
 * task may then use: this walks all of them the way the root task does,
 * so that ASan reports any read the validator should have refused. */
#include "validate.h"

#include <stdlib.h>
#include <string.h>

static void walk(const uint8_t *m)
{
    const struct kdm_header *h = (const void *)m;
    const struct kdm_component *comp = (const void *)(m + h->component_offset);
    const struct kdm_cap *caps = (const void *)(m + h->cap_offset);
    const struct kdm_shared *shared = (const void *)(m + h->shared_offset);
    size_t total = strlen(kdm_string(m, h->deployment_name));
    for (uint32_t i = 0; i < h->shared_count; i++)
        total += strlen(kdm_string(m, shared[i].name));
    for (uint32_t i = 0; i < h->component_count; i++) {
        total += strlen(kdm_string(m, comp[i].name)) + strlen(kdm_string(m, comp[i].program)) +
                 strlen(kdm_string(m, comp[i].args));
        for (uint32_t j = 0; j < comp[i].cap_count; j++) {
            const struct kdm_cap *k = &caps[comp[i].first_cap + j];
            total += strlen(kdm_string(m, k->name));
            if (k->slot < 8 || k->slot >= (1u << comp[i].cnode_radix))
                abort();
            if (k->kind == KDM_CAP_ENDPOINT && k->a >= h->endpoint_count)
                abort();
            if (k->kind == KDM_CAP_SHARED && shared[k->a].size == 0)
                abort();
        }
    }
    if (total > (size_t)h->string_size * (1 + KDM_MAX_CAPS + 3 * KDM_MAX_COMPONENTS))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The root task reads the manifest from page-aligned module frames. */
    uint8_t *copy = malloc(size ? size : 1); /* 16-byte aligned; ASan sees any read past size */
    memcpy(copy, data, size);
    const char *why = NULL;
    struct kdm_where where;
    if (kdm_validate(copy, size, &why, &where) == 0)
        walk(copy);
    else if (!why || !*why)
        abort();
    free(copy);
    return 0;
}
