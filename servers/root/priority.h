/* servers/root/priority.h — the root task's answers to root_requests.h:
 * who the clients of a component's endpoint are, and their priorities
 * (servers/root/priority.c). */
#pragma once

#include "root.h"
#include "root_requests.h"

/* If m (from the running component `caller`) is a ROOT_REQUEST_*, serves it
 * and replies; returns false for any other label (nothing done). */
bool priority_serve(struct root *r, struct component *caller, const struct kumiki_msg *m);

/* The endpoint index of the caller's provided endpoint in `slot`, or -1. */
int priority_provided_endpoint(const struct root *r, const struct component *caller, uint64_t slot);
/* The index-th client capability, in manifest order, of the endpoint the
 * caller provides in `slot` (index < 0: the one with `badge`): its holder in
 * *target and the capability in *cap.  Returns a root_request_error. */
int priority_find_client(const struct root *r, const struct component *caller, uint64_t slot, int index,
                         uint64_t badge, const struct component **target, const struct kdm_cap **cap);
/* The priority a component runs at now (its declared one until set). */
uint8_t priority_current(const struct component *c);
