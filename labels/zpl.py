"""Labels as a ZPL job for Zebra printers: each label one ``^XA ... ^XZ`` format holding the
label as one graphic field (``^GFA``) in ZPL's own ASCII compression.

The QR code is part of the bitmap (``labels.raster``), not the printer's ``^BQ`` command:
the bitmap keeps the exact symbol of the PDF (the same encoder and error correction, the same
quiet zone and module size, snapped to whole dots), needs no firmware's QR options (``^BQ``
chooses its own mask and only a whole magnification factor), and prints the same on every
printer; the text must be a bitmap anyway, as printer fonts have no Vietnamese diacritics.

ASCII compression (runs of a hex digit as a count letter, ``,`` for a row ending in white,
``:`` for a row repeating the one above) is read by every ZPL II firmware, unlike ``:Z64:``;
it cuts a 50 x 30 mm label at 203 dpi from 24 KB of hex to a few KB.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import BinaryIO

from PIL import Image

from labels.content import LabelContent
from labels.layouts import Layout
from labels.thermal import OnLabel, check_dpi, roll_label, write_labels

# ZPL's set bit is a black dot; Pillow's 1-bit images set the bit for white.
_INVERT = bytes(255 - value for value in range(256))
# A run of three or more of one hex digit is worth a count letter.
_RUN = re.compile(r"(.)\1{2,}")
# Repeat counts: G to Y are 1 to 19, g to z are 20 to 400 in steps of 20; they add up.
_MAX_RUN = 419


def render_zpl(
    labels: Iterable[LabelContent],
    layout: Layout,
    out: BinaryIO,
    *,
    dpi: int,
    on_label: OnLabel | None = None,
) -> int:
    """Writes the labels to ``out`` as one ZPL job and returns how many labels it prints."""
    check_dpi(dpi)
    roll = roll_label(layout)
    # ^MNY: the printer finds each label by its gap; ^MNN: continuous media, cut by length.
    tracking = "^MNY" if roll.gap_mm > 0 else "^MNN"

    def write(image: Image.Image, copies: int) -> None:
        width, height = image.size
        row_bytes = (width + 7) // 8
        total = row_bytes * height
        data = compress(image.tobytes().translate(_INVERT), row_bytes)
        quantity = f"^PQ{copies}" if copies > 1 else ""
        out.write(
            f"^XA{tracking}^PW{width}^LL{height}^LH0,0^FO0,0"
            f"^GFA,{total},{total},{row_bytes},{data}^FS{quantity}^XZ\n".encode("ascii")
        )

    return write_labels(labels, roll, dpi, write, on_label)


def compress(bitmap: bytes, row_bytes: int) -> str:
    """Rows of a ZPL bitmap (set bits black) in ZPL's ASCII compression."""
    rows = []
    previous = None
    for start in range(0, len(bitmap), row_bytes):
        row = bitmap[start : start + row_bytes].hex().upper()
        if row == previous:
            rows.append(":")
            continue
        previous = row
        rows.append(_compress_row(row))
    return "".join(rows)


def _compress_row(row: str) -> str:
    body = row.rstrip("0")
    if len(body) < len(row):
        end = ","  # the rest of the row is white
    else:
        body = row.rstrip("F")
        end = "!" if len(body) < len(row) else ""
    return _RUN.sub(_repeat, body) + end


def _repeat(match: re.Match[str]) -> str:
    run = match.group(0)
    count = len(run)
    if count <= _MAX_RUN:
        return _COUNTS[count] + run[0]
    return _repeat_long(run[0], count)


def _repeat_long(digit: str, count: int) -> str:
    parts = []
    while count > 0:
        chunk = min(count, _MAX_RUN)
        parts.append(_count(chunk) + digit)
        count -= chunk
    return "".join(parts)


def _count(count: int) -> str:
    twenties, ones = divmod(count, 20)
    high = chr(ord("f") + twenties) if twenties else ""
    low = chr(ord("F") + ones) if ones else ""
    return high + low


_COUNTS = [_count(count) for count in range(_MAX_RUN + 1)]
