"""The wire format, as far as the checker needs it: how big a message can be.

A message is a byte stream laid over the 64-bit message words (byte i is bits
8*(i%8) .. 8*(i%8)+7 of word i/8).  Parameters are written in order; each
scalar is aligned to its own size (bool is one byte, an enum is an i32);
strings and byte buffers are a u32 length followed by that many bytes;
structs and arrays are their elements in order.  Capabilities travel in the
message's capability slots, not in the words.

Because an item's end offset never decreases when an earlier item grows, the
largest possible message is the one with every string and buffer full.
"""
from .model import (ArrayType, BytesType, CapType, EnumType, ScalarType,
                    StringType, StructType)

MAX_WORDS = 120          # KIDL_MSG_MAX_WORDS: 4 in registers + 116 in the IPC buffer
MAX_BYTES = MAX_WORDS * 8
MAX_CAPS = 3             # KIDL_MSG_MAX_CAPS
LENGTH_PREFIX_SIZE = 4   # the u32 before a string or byte buffer


def _align(offset, size):
    return (offset + size - 1) // size * size


def max_end(type_, offset, limit=MAX_BYTES):
    """Largest end offset of type_ written at offset.

    Stops early once the result exceeds limit (huge arrays would otherwise
    take long to walk); the caller only needs to know it does not fit.
    """
    if offset > limit:
        return offset
    if isinstance(type_, ScalarType):
        return _align(offset, type_.size) + type_.size
    if isinstance(type_, EnumType):
        return _align(offset, EnumType.size) + EnumType.size
    if isinstance(type_, (StringType, BytesType)):
        return _align(offset, LENGTH_PREFIX_SIZE) + LENGTH_PREFIX_SIZE + type_.max_length
    if isinstance(type_, StructType):
        for field in type_.fields:
            offset = max_end(field.type, offset, limit)
        return offset
    if isinstance(type_, ArrayType):
        element = type_.element
        if isinstance(element, ScalarType):
            return _align(offset, element.size) + element.size * type_.length
        for _ in range(type_.length):
            offset = max_end(element, offset, limit)
            if offset > limit:
                break
        return offset
    if isinstance(type_, CapType):
        return offset
    raise TypeError(f"no wire layout for {type_!r}")


def max_message(params):
    """(bytes, words) of the largest message carrying params, in order."""
    offset = 0
    for param in params:
        offset = max_end(param.type, offset)
    return offset, (offset + 7) // 8


def cap_count(params):
    return sum(1 for param in params if isinstance(param.type, CapType))
