#!/usr/bin/env python3
"""The host link decoder: frames in any split, the exit record and its shell status, and every
kind of malformed or truncated stream refused with its offset."""
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from kumiki_run import hostlink  # noqa: E402
from kumiki_run.hostlink import EXITED, KILLED, Decoder, Exit, HostlinkError, encode  # noqa: E402


def decode(stream, chunk=None):
    """All events of `stream` fed in chunks of `chunk` bytes (all at once if None), and the Exit."""
    decoder = Decoder()
    events = []
    step = chunk or max(len(stream), 1)
    for i in range(0, len(stream), step):
        events += decoder.feed(stream[i:i + step])
    return events, decoder.finish()


STREAM = (encode("O", b"hello\n") + encode("E", b"oops\n") + encode("O", b"") + encode("O", b"x" * 300)
          + encode("X", bytes([0, 3])))


class Frames(unittest.TestCase):
    def test_events_in_order(self):
        events, exit_info = decode(STREAM)
        self.assertEqual(events, [("stdout", b"hello\n"), ("stderr", b"oops\n"), ("stdout", b""),
                                  ("stdout", b"x" * 300), ("exit", Exit(EXITED, 3))])
        self.assertEqual(exit_info, Exit(EXITED, 3))

    def test_every_split_gives_the_same_events(self):
        whole = decode(STREAM)
        for chunk in (1, 2, 3, 4, 7, 300):
            self.assertEqual(decode(STREAM, chunk), whole, f"chunks of {chunk}")

    def test_largest_frame(self):
        events, _ = decode(encode("E", b"z" * 0xFFFF) + encode("X", bytes([0, 0])))
        self.assertEqual(events[0], ("stderr", b"z" * 0xFFFF))

    def test_length_is_little_endian(self):
        self.assertEqual(encode("O", b"a" * 0x0102)[:3], b"O\x02\x01")
        with self.assertRaises(ValueError):
            encode("O", b"a" * 0x10000)

    def test_nothing_but_the_exit(self):
        self.assertEqual(decode(encode("X", bytes([1, 9]))), ([("exit", Exit(KILLED, 9))], Exit(KILLED, 9)))


class ExitStatus(unittest.TestCase):
    def test_shell_status(self):
        for exit_info, status, text in ((Exit(EXITED, 0), 0, "exited 0"), (Exit(EXITED, 255), 255, "exited 255"),
                                        (Exit(KILLED, 9), 137, "killed by signal 9"),
                                        (Exit(KILLED, 11), 139, "killed by signal 11"),
                                        (Exit(KILLED, 64), 192, "killed by signal 64")):
            self.assertEqual((exit_info.shell_status(), str(exit_info)), (status, text))

    def test_exit_payload(self):
        self.assertEqual(hostlink.decode_exit(b"\x00\xff", 0), Exit(EXITED, 255))
        self.assertEqual(hostlink.decode_exit(b"\x01\x01", 0), Exit(KILLED, 1))


class Malformed(unittest.TestCase):
    def refused(self, stream, pattern, chunk=None):
        with self.assertRaisesRegex(HostlinkError, pattern):
            decode(stream, chunk)

    def test_unknown_type(self):
        self.refused(encode("O", b"ok") + b"Q\x00\x00", r"offset 5: unknown frame type 0x51")
        self.refused(b"o", r"offset 0: unknown frame type 0x6f")  # seen before its header is whole

    def test_bad_exit_payloads(self):
        self.refused(encode("X", b"\x00"), "payload is 1 bytes, expected 2")
        self.refused(encode("X", b"\x00\x00\x00"), "payload is 3 bytes, expected 2")
        self.refused(encode("X", b""), "payload is 0 bytes, expected 2")
        self.refused(encode("X", b"\x02\x00"), "kind 2, expected 0 .exited. or 1 .killed.")
        self.refused(encode("X", b"\x01\x00"), r"killed by signal 0, outside 1\.\.64")
        self.refused(encode("X", b"\x01\x41"), r"killed by signal 65, outside 1\.\.64")

    def test_bytes_after_the_exit(self):
        done = encode("X", b"\x00\x00")
        for tail in (b"O", b"O\x01", encode("O", b"late"), done):
            for chunk in (None, 1):
                self.refused(done + tail, r"offset 5: \d+ bytes after the exit frame", chunk)

    def test_truncated(self):
        self.refused(encode("O", b"abc")[:-1], r"offset 0: the stream ends inside a frame \(5 bytes of it\)")
        self.refused(b"O\x05", r"ends inside a frame \(2 bytes")
        self.refused(encode("O", b"abc"), r"offset 6: the stream ends without an exit frame")
        self.refused(b"", "offset 0: the stream ends without an exit frame")

    def test_events_before_the_error_are_kept_and_the_error_sticks(self):
        decoder = Decoder()
        self.assertEqual(decoder.feed(encode("O", b"ok") + b"?\x00\x00" + encode("O", b"no")),
                         [("stdout", b"ok")])
        self.assertRegex(str(decoder.error), "offset 5: unknown frame type 0x3f")
        self.assertEqual(decoder.feed(encode("X", b"\x00\x00")), [])
        with self.assertRaisesRegex(HostlinkError, "unknown frame type"):
            decoder.finish()


if __name__ == "__main__":
    unittest.main()
