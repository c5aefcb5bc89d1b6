/*
 * The Kumiki transport of the IDL runtime (kidl_kumiki.c): kidl_call() is a
 * kernel Call on an endpoint capability, kidl_serve() a Recv / ReplyRecv
 * loop.  Link it (idl_kumiki_dep) into Kumiki programs that use generated
 * clients or servers.
 */
#ifndef KIDL_KUMIKI_H
#define KIDL_KUMIKI_H

#include "kidl_transport.h"

#include <kumiki/ipc.h>

/*
 * Capabilities that arrive with a request (server) or a reply (client) are
 * put in the caller's CSpace slots first .. first + count - 1, which must be
 * empty; the generated code then finds their addresses in msg->caps[].
 * count 0 (the default) accepts none: a procedure with a cap in-parameter
 * then gets KIDL_ERR_MALFORMED.
 */
void kidl_kumiki_receive_into(kidl_cptr_t first, unsigned count);

/*
 * Between the IDL's message and the user runtime's kernel message, for
 * transports and serve loops of their own (drivers/common/driver_loop.c):
 * received capabilities are named by the receive window's slots, from
 * receive_slot on.
 */
void kidl_kumiki_to_kernel(const struct kidl_msg *in, struct kumiki_msg *out);
void kidl_kumiki_from_kernel(const struct kumiki_msg *in, kidl_cptr_t receive_slot, struct kidl_msg *out);

#endif /* KIDL_KUMIKI_H */
