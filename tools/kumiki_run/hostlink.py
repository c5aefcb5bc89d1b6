"""The host link: what the Linux personality tells the host through I/O port 0xe9.

QEMU's isa-debugcon device writes every byte the guest sends to port 0xe9 to a chardev (a
file for kumiki-run).  The personality sends frames:

    type (1 byte)  length (2 bytes, little endian)  payload (length bytes)

    'O'  bytes the program wrote to standard output (any length, 0 included)
    'E'  bytes it wrote to standard error
    'X'  the program ended; payload exactly 2 bytes: kind, code
             kind 0: exited, code = exit status (0..255)
             kind 1: killed by a signal, code = signal number (1..64)

'X' is the last frame: anything after it, an unknown type, a bad 'X' payload, or a stream
that ends inside a frame is malformed, and kumiki-run reports it instead of guessing.
"""
import dataclasses

HEADER_SIZE = 3
EXITED, KILLED = 0, 1
MAX_SIGNAL = 64  # Linux _NSIG: signals are 1..64


class HostlinkError(ValueError):
    """A malformed stream; the message names the byte offset and what is wrong."""


@dataclasses.dataclass(frozen=True)
class Exit:
    """How the program ended: kind EXITED or KILLED, code the status or signal number."""
    kind: int
    code: int

    def shell_status(self):
        """The status a shell reports ($?): the exit status, or 128 + the signal number."""
        return self.code if self.kind == EXITED else 128 + self.code

    def __str__(self):
        return f"exited {self.code}" if self.kind == EXITED else f"killed by signal {self.code}"


def decode_exit(payload, offset):
    """The Exit an 'X' payload says, or HostlinkError."""
    if len(payload) != 2:
        raise HostlinkError(f"offset {offset}: exit frame payload is {len(payload)} bytes, expected 2")
    kind, code = payload
    if kind == EXITED:
        return Exit(EXITED, code)
    if kind == KILLED:
        if not 1 <= code <= MAX_SIGNAL:
            raise HostlinkError(f"offset {offset}: exit frame says killed by signal {code}, "
                                f"outside 1..{MAX_SIGNAL}")
        return Exit(KILLED, code)
    raise HostlinkError(f"offset {offset}: exit frame kind {kind}, expected 0 (exited) or 1 (killed)")


class Decoder:
    """Decodes the stream as it grows: feed() the new bytes, get the complete frames.

    Events are ('stdout', bytes), ('stderr', bytes) and ('exit', Exit).  At the first malformed
    byte the decoder stops: feed() returns the events before it and sets `error` (a
    HostlinkError), and from then on returns nothing; finish() raises that error."""

    def __init__(self):
        self.pending = bytearray()
        self.offset = 0  # stream offset of pending[0]
        self.exit = None
        self.error = None

    def feed(self, data):
        if self.error:
            return []
        self.pending += data
        events = []
        try:
            while len(self.pending) >= HEADER_SIZE:
                if self.exit is not None:
                    raise HostlinkError(f"offset {self.offset}: {len(self.pending)} bytes after the exit frame")
                frame_type = self.pending[0]
                length = self.pending[1] | self.pending[2] << 8
                if frame_type not in b"OEX":
                    raise HostlinkError(f"offset {self.offset}: unknown frame type 0x{frame_type:02x}")
                if len(self.pending) < HEADER_SIZE + length:
                    break
                payload = bytes(self.pending[HEADER_SIZE:HEADER_SIZE + length])
                if frame_type == ord("X"):
                    self.exit = decode_exit(payload, self.offset)
                    events.append(("exit", self.exit))
                else:
                    events.append(("stdout" if frame_type == ord("O") else "stderr", payload))
                del self.pending[:HEADER_SIZE + length]
                self.offset += HEADER_SIZE + length
            if self.pending and self.exit is not None:
                raise HostlinkError(f"offset {self.offset}: {len(self.pending)} bytes after the exit frame")
            if self.pending and self.pending[0] not in b"OEX":
                raise HostlinkError(f"offset {self.offset}: unknown frame type 0x{self.pending[0]:02x}")
        except HostlinkError as error:
            self.error = error
        return events

    def finish(self):
        """The stream has ended: returns the Exit, or HostlinkError if it is cut short or has none."""
        if self.error:
            raise self.error
        if self.pending:
            self.error = HostlinkError(f"offset {self.offset}: the stream ends inside a frame "
                                       f"({len(self.pending)} bytes of it)")
        elif self.exit is None:
            self.error = HostlinkError(f"offset {self.offset}: the stream ends without an exit frame")
        if self.error:
            raise self.error
        return self.exit


def encode(frame_type, payload):
    """One frame (for tests and fakes of the personality)."""
    if len(payload) > 0xFFFF:
        raise ValueError("a frame's payload is at most 65535 bytes")
    return bytes([ord(frame_type), len(payload) & 0xFF, len(payload) >> 8]) + bytes(payload)
