/* personalities/linux/slots.h — free slots of the personality's CNode.
 *
 * Every Linux page mapping is a frame capability of its own (a capability
 * maps once), so slots come and go all the time: a bitmap over the range
 * the deployment left free, lowest free slot first. */
#pragma once

#include <kumiki/abi.h>
#include <stdbool.h>

void lx_slots_init(kumiki_cptr_t first, kumiki_cptr_t end);
kumiki_cptr_t lx_slot_alloc(void); /* 0 when none is free */
void lx_slot_free(kumiki_cptr_t slot);
unsigned lx_slots_free_count(void);
