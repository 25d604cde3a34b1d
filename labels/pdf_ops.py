"""PDF content-stream operators for one label's parts, in points from the label's bottom-left.

``labels.geometry`` and ``labels.fit`` give boxes in millimetres from the label's top-left;
these functions only convert and spell them as PDF drawing operators.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from labels.fit import Star, TextBlock, TextLine
from labels.fonts import Weight
from labels.geometry import LabelGeometry, star_points
from labels.pdf_writer import pdf_number
from labels.qr import QrMatrix

PT_PER_MM = 72 / 25.4
FONT_RESOURCES = {Weight.REGULAR: b"F1", Weight.BOLD: b"F2"}
_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's modules: 0 dark, 255 light
# A version 40 symbol has 177 modules a side.
_RUN_WIDTHS = [b"%d 1 re\n" % width for width in range(178)]

Encoder = Callable[[Weight, str], bytes]  # text to a ``Tj`` operand, recording the glyphs used


def num(value: float) -> bytes:
    """A number as the operators want it (see ``pdf_number``)."""
    return pdf_number(value).encode("ascii")


def qr_ops(matrix: QrMatrix, geometry: LabelGeometry) -> bytes:
    """The QR symbol's dark modules as one filled path of rectangles in module units.

    One ``cm`` puts the symbol's top-left corner at the origin with a module as the unit and
    y pointing down, so every number in the path is a small integer: 10,000 different codes
    stay small and fast to write. Each row's dark runs are one rectangle each, and the whole
    symbol is one fill, so anti-aliasing viewers show no seams between rows.
    """
    symbol = geometry.qr_symbol(matrix.size)
    module = geometry.qr_module_mm(matrix.size) * PT_PER_MM
    ops = [
        b"q %b 0 0 %b %b %b cm\n"
        % (
            num(module),
            num(-module),
            num(symbol.x * PT_PER_MM),
            num((geometry.height_mm - symbol.y) * PT_PER_MM),
        )
    ]
    size, pixels = matrix.size, matrix.pixels
    # Rows joined by a light byte, so one scan finds every run and no run spans two rows.
    rows = b"\xff".join([pixels[start : start + size] for start in range(0, size * size, size)])
    corners, widths = _run_corners(size), _RUN_WIDTHS
    ops += [
        corners[first] + widths[end - first]
        for first, end in map(re.Match.span, _DARK_RUN.finditer(rows))
    ]
    ops.append(b"f\nQ\n")
    return b"".join(ops)


@functools.cache
def _run_corners(size: int) -> list[bytes]:
    """``"x y "`` for each offset into the joined rows of a symbol of this size (a few thousand)."""
    return [
        b"%d %d " % (offset % (size + 1), offset // (size + 1))
        for offset in range((size + 1) * size)
    ]


def block_ops(block: TextBlock, label_height_mm: float, encode: Encoder) -> bytes:
    """The fitted text and the OCOP stars."""
    if not block.lines:
        return b""
    ops = [b"BT\n"]
    current: tuple[Weight, float] | None = None
    for line in block.lines:
        ops.append(line_ops(line, label_height_mm, encode, current))
        current = (line.weight, line.size_pt)
    ops.append(b"ET\n")
    ops += [star_ops(star, label_height_mm) for star in block.stars]
    return b"".join(ops)


def line_ops(
    line: TextLine,
    label_height_mm: float,
    encode: Encoder,
    current: tuple[Weight, float] | None = None,
) -> bytes:
    """One row of text inside ``BT``/``ET``; the font is set unless ``current`` already is."""
    font_ops = b""
    if current != (line.weight, line.size_pt):
        font_ops = b"/%b %b Tf\n" % (FONT_RESOURCES[line.weight], num(line.size_pt))
    return b"%b1 0 0 1 %b %b Tm\n%b Tj\n" % (
        font_ops,
        num(line.x_mm * PT_PER_MM),
        num((label_height_mm - line.baseline_mm) * PT_PER_MM),
        encode(line.weight, line.text),
    )


def star_ops(star: Star, label_height_mm: float) -> bytes:
    """One OCOP star as a filled ten-corner path."""
    points = star_points(star.centre_x_mm, star.centre_y_mm, star.radius_mm)
    coords = [
        b"%b %b" % (num(x * PT_PER_MM), num((label_height_mm - y) * PT_PER_MM)) for x, y in points
    ]
    return b"%b m\n%b l\nh f\n" % (coords[0], b" l\n".join(coords[1:]))
