"""Capability rights: the kernel's bits (lib/abi/kumiki_abi.py), the words a
deployment writes them with, and the letters the audit shows.
"""
import kumiki_abi

_BITS = {name: value for name, value, _ in kumiki_abi.RIGHTS}
READ, WRITE = _BITS["READ"], _BITS["WRITE"]
GRANT, GRANT_REPLY, EXECUTE = _BITS["GRANT"], _BITS["GRANT_REPLY"], _BITS["EXECUTE"]
ALL = READ | WRITE | GRANT | GRANT_REPLY | EXECUTE

# What a connection's rights words give its client on the server's endpoint.
# "call" is what an IDL client needs: send a request (WRITE) and let the
# server answer it (GRANT_REPLY).  "send" alone is a one-way message.
# "grant" lets the client pass capabilities in its requests.
WORDS = {
    "send": WRITE,
    "call": WRITE | GRANT_REPLY,
    "grant": GRANT,
}
DEFAULT_CONNECTION = WORDS["call"]
# A server side that says nothing about what it offers offers everything.
DEFAULT_OFFER = WORDS["call"] | WORDS["grant"]
# The server's own capability: receive (READ), reply and send (WRITE,
# GRANT_REPLY), and receive capabilities (GRANT).
SERVER = READ | WRITE | GRANT | GRANT_REPLY

# The rights of the capabilities the root task installs that a deployment
# does not choose; the root task uses exactly these (docs/audit.md), so the
# declared audit lines can equal what the kernel reports.
SUPERVISOR = WRITE | GRANT_REPLY   # slot 1: Call the root task, and fault to it
SELF = ALL                          # slots 2-4: own TCB, CNode, VSpace
# I/O ports and IRQ handlers are issued by the kernel's control capabilities
# straight into the component's slot, with every right (kernel/arch/x86_64/
# ioport.c, irq.c); the other device capabilities are the root task's copies.
ISSUED = ALL                        # I/O ports, IRQ handler
DEVICE = READ | WRITE               # notifications (an IRQ's, declared ones), MMIO and DMA frames
SHARED_READ_WRITE = READ | WRITE
SHARED_READ_ONLY = READ
# An untyped is made by the root task's retype (all rights) and moved, not
# copied, into the slot (untyped capabilities cannot be copied).
UNTYPED = ALL
# A module's header page, like its data pages: read only.
MODULE = READ

_LETTERS = ((READ, "R"), (WRITE, "W"), (GRANT, "G"), (GRANT_REPLY, "P"), (EXECUTE, "X"))


def letters(rights):
    """"RWGPX" with '-' for each right missing, the audit line format."""
    return "".join(letter if rights & bit else "-" for bit, letter in _LETTERS)


def words(rights):
    """The shortest rights expression for a set of endpoint rights: call+grant."""
    result = []
    remaining = rights
    for word in ("call", "send", "grant"):
        bits = WORDS[word]
        if remaining & bits == bits:
            result.append(word)
            remaining &= ~bits
    return "+".join(result) or "none"
