/*
 * The Kumiki transport of the IDL runtime (kidl_kumiki.c): kidl_call() is a
 * kernel Call on an endpoint capability, kidl_serve() a Recv / ReplyRecv
 * loop.  Link it (idl_kumiki_dep) into Kumiki programs that use generated
 * clients or servers.
 */
#ifndef KIDL_KUMIKI_H
#define KIDL_KUMIKI_H

#include "kidl_transport.h"

/*
 * Capabilities that arrive with a request (server) or a reply (client) are
 * put in the caller's CSpace slots first .. first + count - 1, which must be
 * empty; the generated code then finds their addresses in msg->caps[].
 * count 0 (the default) accepts none: a procedure with a cap in-parameter
 * then gets KIDL_ERR_MALFORMED.
 */
void kidl_kumiki_receive_into(kidl_cptr_t first, unsigned count);

#endif /* KIDL_KUMIKI_H */
