"""Compressed GS1 Digital Link URIs (GS1 Digital Link: compression, as in GS1's toolkit),
decompressed to the label path and query they stand for.

A compressed URI's path is one base64url segment holding a bit string: element strings
one after another, each an AI (two hex digits, or an optimisation code standing for a
sequence of AIs) then its value in the AI's format; ``F`` starts a key=value pair outside
GS1 (our ``k`` and ``s``). Only the AIs a label here can carry are read: the GTIN, its
qualifiers (10 lot, 21 serial, 22 variant) and the dates; any other makes the URI one this
resolver does not serve.
"""

from __future__ import annotations

import math
import re

from trace.signing.codes import encode_value

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
COMPRESSED = re.compile(r"[A-Za-z0-9_-]{8,}")
# Value formats (GS1's table F): "N" digits or "X" characters, fixed length (an int) or
# up to a most (a negative int).
_FORMATS: dict[str, list[tuple[str, int]]] = {
    "01": [("N", 14)],
    "10": [("X", -20)],
    "11": [("N", 6)],
    "13": [("N", 6)],
    "15": [("N", 6)],
    "16": [("N", 6)],
    "17": [("N", 6)],
    "21": [("X", -20)],
    "22": [("X", -20)],
    "7007": [("N", 6), ("N", -6)],
}
# How many hex digits an AI starting with these two has (GS1's table P), for those above.
_AI_DIGITS = {"01": 2, "10": 2, "11": 2, "13": 2, "15": 2, "16": 2, "17": 2, "21": 2, "22": 2}
_AI_DIGITS["70"] = 4
# Optimisation codes standing for AI sequences (GS1's table Opt), for those above.
_SEQUENCES = {
    "0A": ["01", "22"],
    "0B": ["01", "10"],
    "0C": ["01", "21"],
    "0D": ["01", "17"],
    "1A": ["01", "10", "21", "17"],
    "1B": ["01", "15"],
    "1C": ["01", "11"],
    "1D": ["01", "16"],
    "1F": ["01", "10", "15"],
}
_PATH_KEYS = ("01", "22", "10", "21")


class UnreadableCompressedURI(ValueError):
    """Raised for a path segment that is no compressed Digital Link URI this resolver reads."""


def decompressed(segment: str) -> tuple[str, str | None]:
    """The label path and query a compressed path segment stands for."""
    values, others = _read(_bits(segment))
    if "01" not in values:
        raise UnreadableCompressedURI("no GTIN in the compressed URI")
    path = "".join(
        f"/{key}/{values[key] if key == '01' else encode_value(values[key])}"
        for key in _PATH_KEYS
        if key in values
    )
    query = [f"{key}={values[key]}" for key in sorted(values) if key not in _PATH_KEYS]
    query += [f"{key}={encode_value(value)}" for key, value in others]
    return path, "&".join(query) if query else None


def _bits(segment: str) -> str:
    if not COMPRESSED.fullmatch(segment):
        raise UnreadableCompressedURI("not base64url")
    return "".join(f"{_ALPHABET.index(char):06b}" for char in segment)


class _Cursor:
    def __init__(self, bits: str) -> None:
        self.bits, self.at = bits, 0

    def take(self, count: int) -> str:
        if self.at + count > len(self.bits):
            raise UnreadableCompressedURI("the bits end inside a value")
        taken = self.bits[self.at : self.at + count]
        self.at += count
        return taken

    def number(self, count: int) -> int:
        return int(self.take(count), 2) if count else 0

    def hex_digit(self) -> str:
        return f"{self.number(4):X}"

    def left(self) -> int:
        return len(self.bits) - self.at


def _read(bits: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    cursor, values, others = _Cursor(bits), {}, []
    while cursor.left() > 8:  # fewer bits are the padding of the last base64url character
        head = cursor.hex_digit() + cursor.hex_digit()
        if head in _SEQUENCES:
            for ai in _SEQUENCES[head]:
                values[ai] = _value(cursor, ai)
        elif head[0] == "F":
            cursor.at -= 4
            length = cursor.number(7)
            key = "".join(_ALPHABET[cursor.number(6)] for _ in range(length))
            encoding = cursor.number(3)
            others.append((key, _characters(cursor, encoding, cursor.number(7))))
        else:
            ai = head + "".join(cursor.hex_digit() for _ in range(_AI_DIGITS.get(head, 0) - 2))
            if ai not in _FORMATS or head not in _AI_DIGITS:
                raise UnreadableCompressedURI(f"AI {ai} is not one a label here carries")
            values[ai] = _value(cursor, ai)
    return values, others


def _value(cursor: _Cursor, ai: str) -> str:
    return "".join(_part(cursor, kind, size) for kind, size in _FORMATS[ai])


def _part(cursor: _Cursor, kind: str, size: int) -> str:
    if kind == "N":
        digits = size if size > 0 else cursor.number(_length_bits(-size))
        value = cursor.number(_digit_bits(digits))
        return f"{value:0{digits}d}" if size > 0 else (str(value) if digits else "")
    encoding = cursor.number(3)
    count = size if size > 0 else cursor.number(_length_bits(-size))
    return _characters(cursor, encoding, count)


def _characters(cursor: _Cursor, encoding: int, count: int) -> str:
    """``count`` characters in one of the five encodings: digits, lower or upper hex,
    base64url, 7-bit ASCII."""
    if encoding == 0:  # the count keeps leading zeros (GS1's toolkit drops them)
        return f"{cursor.number(_digit_bits(count)):0{count}d}" if count else ""
    if encoding in (1, 2):
        text = "".join(cursor.hex_digit() for _ in range(count))
        return text.lower() if encoding == 1 else text
    if encoding == 3:
        return "".join(_ALPHABET[cursor.number(6)] for _ in range(count))
    if encoding == 4:
        return "".join(chr(cursor.number(7)) for _ in range(count))
    raise UnreadableCompressedURI(f"unknown value encoding {encoding}")


def _length_bits(most: int) -> int:
    return math.ceil(math.log2(most) + 0.01)


def _digit_bits(digits: int) -> int:
    return math.ceil(digits * math.log2(10) + 0.01)
