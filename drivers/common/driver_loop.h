/* drivers/common/driver_loop.h — the receive loop of a driver server: IDL
 * requests on its endpoint and device interrupts on its notification, in
 * one thread (docs/drivers.md).
 *
 * The notification is bound to the driver's own TCB (TCB BIND_NOTIFICATION),
 * so a signal — an IRQ line, or anything else the kernel or a client
 * signals there — completes the driver's receive on the endpoint with label
 * KUMIKI_BOUND_NOTIFICATION_LABEL and the notification's word.  The loop
 * then calls on_event(ctx, word) and receives again without replying;
 * requests go to the generated dispatcher and are answered.  kidl_serve()
 * cannot be used here: it would answer a notification as if it were a
 * call. */
#pragma once

#include <kidl_transport.h>
#include <stdbool.h>
#include <stdint.h>

struct driver_loop {
    kidl_cptr_t endpoint;      /* the driver's provided interface */
    kidl_cptr_t notification;  /* its IRQ notification: bound to its TCB */
    kidl_dispatch_fn dispatch; /* <interface>_dispatch_any */
    const void *server;        /* struct <interface>_server */
    void (*on_event)(void *ctx, uint64_t word);
    void *ctx;
    kidl_cptr_t receive_first; /* capabilities that come with requests go here ... */
    unsigned receive_count;    /* ... up to this many (0: none accepted) */
    const volatile bool *stop; /* checked after each request: reply, then return */
};

/* Binds the notification to the calling thread and serves until *stop
 * (never when stop is NULL).  Returns a kernel error if the binding fails. */
uint64_t driver_loop_run(const struct driver_loop *loop);
