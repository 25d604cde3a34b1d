"""Where things go inside one label, in millimetres from the label's top-left corner.

One computation for the PDF and the PNG, so both outputs agree and tests can check that no
text box touches the QR code or its quiet zone. The QR zone (the symbol with its four-module
quiet zone) is a square whose size does not depend on the code, so every label of a run looks
the same; the module size follows from the symbol's version.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from labels.qr import QUIET_ZONE_MODULES

MM_PER_PT = 25.4 / 72
# Printers and die-cutters wander by up to about a millimetre: nothing is drawn closer to an edge.
SAFE_MARGIN_MM = 1.0
SERIAL_PT = 5.5
# The serial line: its size in em (ascent 1.0 plus descent 0.265, Be Vietnam Pro's hhea).
SERIAL_BOX_MM = SERIAL_PT * MM_PER_PT * 1.265
# Text beside the code needs this width, text under it this height (a title line and a line at
# the minimum size), or the label shows the code alone.
MIN_TEXT_WIDTH_MM = 12.0
MIN_TEXT_HEIGHT_MM = 7.0
# Giving room to text may cost the code at most this share of its largest possible size.
MIN_ZONE_SHARE = 0.7


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: x, y of its top-left corner, then width and height."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def contains(self, other: Box, tolerance: float = 1e-9) -> bool:
        """Whether the other box lies inside this one."""
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )

    def moved(self, dx: float, dy: float) -> Box:
        """The same box shifted, for example from label to page coordinates."""
        return Box(self.x + dx, self.y + dy, self.width, self.height)


@dataclass(frozen=True)
class LabelGeometry:
    """The boxes of one label: the QR zone, the serial line under it, and the text."""

    width_mm: float
    height_mm: float
    qr_zone: Box
    serial: Box | None
    text: Box
    text_beside: bool  # text to the right of the code (wide labels) or under it (tall ones)

    def qr_module_mm(self, modules: int) -> float:
        """The module size for a symbol of that many modules a side."""
        return self.qr_zone.width / (modules + 2 * QUIET_ZONE_MODULES)

    def qr_symbol(self, modules: int) -> Box:
        """The symbol itself, inside its quiet zone."""
        module = self.qr_module_mm(modules)
        quiet = QUIET_ZONE_MODULES * module
        return Box(
            self.qr_zone.x + quiet, self.qr_zone.y + quiet, modules * module, modules * module
        )


@functools.lru_cache(maxsize=64)
def label_geometry(width_mm: float, height_mm: float, has_serial: bool) -> LabelGeometry:
    """The boxes for a label of this size: the largest QR zone that leaves text useful room."""
    inner = Box(
        SAFE_MARGIN_MM,
        SAFE_MARGIN_MM,
        width_mm - 2 * SAFE_MARGIN_MM,
        height_mm - 2 * SAFE_MARGIN_MM,
    )
    serial_height = SERIAL_BOX_MM if has_serial else 0.0
    largest = min(inner.width, inner.height - serial_height)
    beside = min(inner.height - serial_height, inner.width - MIN_TEXT_WIDTH_MM)
    under = min(inner.width, inner.height - serial_height - MIN_TEXT_HEIGHT_MM)
    if max(beside, under) >= MIN_ZONE_SHARE * largest:
        text_beside = beside >= under
        zone = beside if text_beside else under
    else:  # too small for both: the code alone, text only in what is left (maybe nothing)
        zone = largest
        text_beside = inner.width - zone >= inner.height - serial_height - zone
    if text_beside:
        qr_zone = Box(inner.x, inner.y, zone, zone)
        text = Box(qr_zone.right, inner.y, inner.right - qr_zone.right, inner.height)
    else:
        qr_zone = Box(inner.x + (inner.width - zone) / 2, inner.y, zone, zone)
        top = qr_zone.bottom + serial_height
        text = Box(inner.x, top, inner.width, inner.bottom - top)
    serial = Box(qr_zone.x, qr_zone.bottom, zone, serial_height) if has_serial else None
    return LabelGeometry(width_mm, height_mm, qr_zone, serial, text, text_beside)


def star_points(centre_x: float, centre_y: float, radius: float) -> list[tuple[float, float]]:
    """A five-pointed star's ten corners (y down), point up, for OCOP ratings."""
    inner = radius * 0.382  # the regular star's ratio: sin(18°) / sin(54°)
    points = []
    for corner in range(10):
        angle = math.pi / 2 - corner * math.pi / 5
        reach = radius if corner % 2 == 0 else inner
        points.append((centre_x + reach * math.cos(angle), centre_y - reach * math.sin(angle)))
    return points
