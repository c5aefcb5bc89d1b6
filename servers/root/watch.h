/* servers/root/watch.h — servers told when their clients end
 * (ROOT_REQUEST_WATCH_CLIENTS, root_requests.h; servers/root/watch.c). */
#pragma once

#include "root.h"
#include "root_requests.h"

/* If m (from the running component `caller`) is ROOT_REQUEST_WATCH_CLIENTS,
 * serves it and replies; returns false for any other label (nothing done). */
bool watch_serve(struct root *r, struct component *caller, const struct kumiki_msg *m);

/* Component c has ended a run (exited, faulted, restarted, failed to be
 * rebuilt): every live watch of an endpoint c is a client of is signalled.
 * Never blocks. */
void watch_client_ended(struct root *r, const struct component *c);
