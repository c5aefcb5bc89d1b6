/*
 * The transport seam between IDL-generated code and whatever moves messages.
 *
 * Generated client stubs and server dispatchers only ever use what this
 * header declares.  Two implementations exist (or will):
 *  - kidl_loopback.c, on the host: kidl_call() runs the bound server's
 *    dispatcher in-process, for tests, fuzzing and benchmarks;
 *  - the Kumiki one (written with kernel IPC): kidl_call() is the kernel's
 *    Call on an endpoint capability, kidl_serve() its Recv/ReplyRecv loop.
 *
 * The message format is the kernel's: a message-info word (label, length in
 * words, number of capabilities), up to KIDL_MSG_MAX_WORDS 64-bit message
 * words of which the first KIDL_MSG_REG_WORDS travel in CPU registers and the
 * rest in the thread's IPC buffer, up to KIDL_MSG_MAX_CAPS capabilities
 * (named by their slot addresses), and, on the receiving side, the 64-bit
 * badge of the endpoint capability the sender used.
 *
 * Freestanding: only <stdint.h>, <stddef.h> and <stdbool.h>.
 */
#ifndef KIDL_TRANSPORT_H
#define KIDL_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KIDL_MSG_MAX_WORDS 120u /* message words per message */
#define KIDL_MSG_REG_WORDS 4u   /* of which travel in registers */
#define KIDL_MSG_MAX_CAPS  3u   /* capabilities per message */
#define KIDL_MSG_MAX_BYTES (KIDL_MSG_MAX_WORDS * 8u)

typedef uint64_t kidl_word_t;
typedef uint64_t kidl_cptr_t;    /* a capability slot address */
typedef uint64_t kidl_badge_t;   /* delivered to the receiver */
typedef uint64_t kidl_msginfo_t; /* label | caps | length, see below */

/*
 * The message-info word, laid out as the kernel's (KUMIKI_MSGINFO_* in
 * lib/abi/kumiki):
 *   bits  0..6   length: number of message words used (0..120)
 *   bits  7..8   number of capabilities transferred (0..3)
 *   bits  9..11  the kernel's "unwrapped" mask on receive (a badge delivered
 *                instead of a capability); generated code ignores it, the
 *                Kumiki transport decides what an unwrapped capability means
 *   bits 12..63  label: the procedure's ordinal in a request, the error code
 *                (0 = success) in a reply
 */
#define KIDL_MSGINFO_LENGTH_MASK 0x7fu
#define KIDL_MSGINFO_CAPS_SHIFT  7u
#define KIDL_MSGINFO_CAPS_MASK   0x3u
#define KIDL_MSGINFO_LABEL_SHIFT 12u
#define KIDL_MSGINFO_LABEL_MAX   ((UINT64_C(1) << 52) - 1u)

static inline kidl_msginfo_t kidl_msginfo(uint64_t label, uint32_t length, uint32_t caps)
{
    return (label << KIDL_MSGINFO_LABEL_SHIFT) |
           ((uint64_t)(caps & KIDL_MSGINFO_CAPS_MASK) << KIDL_MSGINFO_CAPS_SHIFT) |
           (uint64_t)(length & KIDL_MSGINFO_LENGTH_MASK);
}

static inline uint64_t kidl_msginfo_label(kidl_msginfo_t info)
{
    return info >> KIDL_MSGINFO_LABEL_SHIFT;
}

static inline uint32_t kidl_msginfo_length(kidl_msginfo_t info)
{
    return (uint32_t)(info & KIDL_MSGINFO_LENGTH_MASK);
}

static inline uint32_t kidl_msginfo_caps(kidl_msginfo_t info)
{
    return (uint32_t)((info >> KIDL_MSGINFO_CAPS_SHIFT) & KIDL_MSGINFO_CAPS_MASK);
}

/*
 * One message, as the generated code sees it.  On Kumiki this is the
 * thread's IPC buffer: kidl_call() moves words[0..3] to and from registers,
 * and the kernel copies words[4..length-1] between IPC buffers.  Only
 * words[0..length-1] and caps[0..ncaps-1] are transferred; the rest is stale.
 *
 * caps[] holds slot addresses.  In a message being sent they name the
 * sender's capabilities, which are transferred with grant; in a message just
 * received they name the slots the transport placed the received
 * capabilities in.
 */
struct kidl_msg {
    kidl_msginfo_t info;
    kidl_word_t words[KIDL_MSG_MAX_WORDS];
    kidl_cptr_t caps[KIDL_MSG_MAX_CAPS];
};

/*
 * Error codes.  Every generated procedure returns an int: 0 on success, one
 * of these negative codes if the message could not be moved or decoded, or a
 * positive value of the procedure's own error enum ("raises") that the server
 * returned.  Codes travel in the reply's label as a 32-bit two's complement
 * number.
 */
enum kidl_error {
    KIDL_OK = 0,
    KIDL_ERR_MALFORMED = -1,       /* wrong length or capability count, bad string */
    KIDL_ERR_UNKNOWN_METHOD = -2,  /* no procedure has the request's label */
    KIDL_ERR_TOO_LONG = -3,        /* a string or buffer exceeds its bound */
    KIDL_ERR_BAD_ENUM = -4,        /* a value that is not one of the enum's */
    KIDL_ERR_BAD_BOOL = -5,        /* a bool byte that is neither 0 nor 1 */
    KIDL_ERR_NOT_IMPLEMENTED = -6, /* the server's handler table has no entry */
    KIDL_ERR_TRANSPORT = -7,       /* the transport could not deliver the call */
};

/* The calling thread's message buffer, where client stubs build requests. */
struct kidl_msg *kidl_msg_buffer(void);

/*
 * Sends *msg as a request on the endpoint capability and blocks until the
 * reply, which replaces *msg.  Returns 0 if a reply arrived (whatever error
 * it carries), KIDL_ERR_TRANSPORT otherwise.
 */
int kidl_call(kidl_cptr_t endpoint, struct kidl_msg *msg);

/*
 * A server's dispatcher: decodes the request in *msg (received through an
 * endpoint capability with the given badge), runs the handler and writes the
 * reply into *msg.  Returns the error code it replied with.  Generated as
 * <interface>_dispatch_any(); server points to a struct <interface>_server.
 */
typedef int (*kidl_dispatch_fn)(const void *server, kidl_badge_t badge, struct kidl_msg *msg);

/*
 * Kumiki transport only: serves requests arriving on the endpoint forever
 * (Recv, then dispatch and ReplyRecv).  The loopback transport has no
 * endpoint objects; it binds servers with kidl_loopback_bind() instead.
 */
void kidl_serve(kidl_cptr_t endpoint, kidl_dispatch_fn dispatch, const void *server);

/*
 * Kumiki transport only: as kidl_serve(), but after a request whose handler
 * set *stop, the reply is sent and the function returns (a server that
 * shuts down on request).
 */
void kidl_serve_until(kidl_cptr_t endpoint, kidl_dispatch_fn dispatch, const void *server,
                      const volatile bool *stop);

#endif /* KIDL_TRANSPORT_H */
