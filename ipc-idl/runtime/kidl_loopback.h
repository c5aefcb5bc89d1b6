/*
 * The loopback transport: kidl_call() on a bound endpoint runs that server's
 * dispatcher in the same thread, on a copy of the message, the way the
 * kernel would deliver it (only the used words and capabilities travel).
 * For host tests, fuzzing and benchmarks; no threads, no allocation.
 */
#ifndef KIDL_LOOPBACK_H
#define KIDL_LOOPBACK_H

#include "kidl_transport.h"

#define KIDL_LOOPBACK_MAX_ENDPOINTS 16u

/*
 * Makes calls on endpoint go to dispatch(server, badge, ...).  Binding an
 * endpoint again replaces its server.  Returns 0, or KIDL_ERR_TRANSPORT if
 * all KIDL_LOOPBACK_MAX_ENDPOINTS are taken.
 */
int kidl_loopback_bind(kidl_cptr_t endpoint, kidl_dispatch_fn dispatch, const void *server,
                       kidl_badge_t badge);

/* Forgets every binding. */
void kidl_loopback_reset(void);

#endif /* KIDL_LOOPBACK_H */
