"""A roll code's serial, and reading what a clerk types or scans into a range's ends.

A serial is ``R{roll number, 4 digits or more}-{sequence, 5 digits}``: ``R0012-00001`` is the
first code of the twelfth roll under a GTIN (or a prefix). So a range ``first..last`` means
"these sequences of this roll", serials are unique under their GTIN or prefix (roll numbers
count from 1 per GTIN or prefix), sort in printing order, and stay short on a label (11
characters). The ``R`` keeps them apart from random unit serials, which never hold a hyphen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SEQUENCE_DIGITS = 5
_SERIAL = re.compile(r"R([0-9]{4,9})-([0-9]{5})")
# The path of a pre-printed code, wherever it is served: /01/{gtin}/21/{serial} or
# /b/{PREFIX}/{serial}; a query (k, s) may follow, and is not needed to name the code.
_CODE_PATH = re.compile(r".*/(?:01/([0-9]{14})/21|b/([A-Z0-9]{2,8}))/([^/]+)")


def serial_of(number: int, sequence: int) -> str:
    """The serial of code ``sequence`` (from 1) of roll ``number``."""
    return f"R{number:04d}-{sequence:0{SEQUENCE_DIGITS}d}"


def scope_of(gtin: str | None, prefix: str | None) -> str:
    """What serials are unique under: ``01/{gtin}`` or ``b/{prefix}``."""
    return f"01/{gtin}" if gtin else f"b/{prefix}"


@dataclass(frozen=True)
class RangeEnd:
    """One end of a range as typed: the roll and sequence, and the GTIN or prefix if a
    whole code was given (a bare serial leaves them to the batch)."""

    number: int
    sequence: int
    scope: str | None = None

    @property
    def serial(self) -> str:
        return serial_of(self.number, self.sequence)


def read_range_end(text: str) -> RangeEnd | None:
    """A serial (``R0012-00001``, any case) or a scanned or pasted code URL; None otherwise."""
    typed = text.strip()
    scope = None
    if "/" in typed:
        match = _CODE_PATH.fullmatch(urlsplit(typed).path)
        if match is None:
            return None
        gtin, prefix, typed = match.groups()
        scope = scope_of(gtin, prefix)
        typed = unquote(typed)
    found = _SERIAL.fullmatch(typed.upper())
    if found is None:
        return None
    number, sequence = int(found.group(1)), int(found.group(2))
    if number < 1 or sequence < 1:
        return None
    return RangeEnd(number, sequence, scope)
