"""Where things go inside one label, in millimetres from the label's top-left corner.

One computation for the PDF and the PNG, so both outputs agree and tests can check that no
text box touches the QR code or its quiet zone.

Decisions, each for codes a phone reads (modules of 0.5 mm or more, ``labels.legibility``):

- The QR zone is the code with its quiet zone, four modules (ISO/IEC 18004). It may reach the
  label's own edge: the blank margin of a sticker is light paper, so it counts toward the
  quiet zone. Only the symbol itself keeps off the blank edge (``SAFE_MARGIN_MM``, and on a
  sheet the printer's unprintable margin, given as ``insets``). A printer that wanders by
  its full millimetre still leaves two modules of quiet zone at 0.5 mm, which every decoder
  we tried reads; ISO's four are kept whenever the label has them.
- Text beside the code (wide labels): the zone takes the label's full height and the serial
  goes to the foot of the text column, so the serial no longer costs the code any height
  (a 50 x 30 mm roll: 0.53 mm modules at version 8 instead of 0.45). Text under the code
  (tall labels): the serial sits between the code and the text, as before.
- The zone is sized for ``DESIGN_MODULES`` (version 8, a production code at its boosted
  level) and does not depend on the code, so every label of a run looks the same and its
  text is fitted once; a larger symbol gets smaller modules inside the same zone.
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
SERIAL_GAP_MM = 0.5  # between the text and a serial at the foot of the text column
# Text beside the code needs this width, text under it this height (a title line and a line at
# the minimum size), or the label shows the code alone.
MIN_TEXT_WIDTH_MM = 12.0
MIN_TEXT_HEIGHT_MM = 7.0
# Giving room to text may cost the code at most this share of its largest possible module.
MIN_ZONE_SHARE = 0.7
# Version 8, 49 modules a side: the production codes at their boosted level
# (``tests/bench/code_sizes.py``); the zone is sized so this symbol gets the largest modules.
DESIGN_MODULES = 49
_QUIET = QUIET_ZONE_MODULES


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
class Insets:
    """How far from each edge of a label nothing may be drawn, in mm."""

    top: float = SAFE_MARGIN_MM
    right: float = SAFE_MARGIN_MM
    bottom: float = SAFE_MARGIN_MM
    left: float = SAFE_MARGIN_MM


SAFE_INSETS = Insets()


@dataclass(frozen=True)
class LabelGeometry:
    """The boxes of one label: the QR zone (the code and its quiet zone, possibly reaching the
    label's edge), ``inner`` (where ink may go), the serial line and the text."""

    width_mm: float
    height_mm: float
    qr_zone: Box
    serial: Box | None
    text: Box
    text_beside: bool  # text to the right of the code (wide labels) or under it (tall ones)
    inner: Box

    def qr_module_mm(self, modules: int) -> float:
        """The module size for a symbol of that many modules a side: the largest whose symbol
        lies inside ``inner`` with its quiet zone inside the zone."""
        zone, inner = self.qr_zone, self.inner
        return min(
            _module(modules, zone.x, zone.right, inner.x, inner.right),
            _module(modules, zone.y, zone.bottom, inner.y, inner.bottom),
        )

    def qr_symbol(self, modules: int) -> Box:
        """The symbol itself, centred in the room its quiet zone and the blank edge leave."""
        module = self.qr_module_mm(modules)
        side = modules * module
        quiet = _QUIET * module
        zone, inner = self.qr_zone, self.inner
        low_x, high_x = max(zone.x + quiet, inner.x), min(zone.right - quiet, inner.right) - side
        low_y, high_y = (
            max(zone.y + quiet, inner.y),
            min(zone.bottom - quiet, inner.bottom) - side,
        )
        return Box((low_x + high_x) / 2, (low_y + high_y) / 2, side, side)


def _module(modules: int, zone_low: float, zone_high: float, low: float, high: float) -> float:
    """The largest module on one axis: the symbol within [low, high], its quiet zone within
    [zone_low, zone_high]; each pair of bounds gives one limit."""
    return max(
        0.0,
        min(
            (zone_high - zone_low) / (modules + 2 * _QUIET),
            (high - zone_low) / (modules + _QUIET),
            (zone_high - low) / (modules + _QUIET),
            (high - low) / modules,
        ),
    )


@functools.lru_cache(maxsize=256)
def label_geometry(
    width_mm: float, height_mm: float, has_serial: bool, *, insets: Insets = SAFE_INSETS
) -> LabelGeometry:
    """The boxes for a label of this size: the largest code that leaves text useful room.

    ``insets`` are the blank edges (at least ``SAFE_MARGIN_MM``); a sheet's labels at the
    page's edge get the printer's unprintable margin there (``Layout.label_insets``).
    """
    edge = Insets(*(max(SAFE_MARGIN_MM, value) for value in _sides(insets)))
    inner = Box(
        edge.left,
        edge.top,
        max(0.0, width_mm - edge.left - edge.right),
        max(0.0, height_mm - edge.top - edge.bottom),
    )
    serial_height = SERIAL_BOX_MM if has_serial else 0.0
    beside = _beside(width_mm, height_mm, inner, serial_height, MIN_TEXT_WIDTH_MM)
    under = _under(width_mm, height_mm, inner, serial_height, MIN_TEXT_HEIGHT_MM)
    best = max(_module_of(beside), _module_of(under))
    # The code alone: a serial then goes under it, where it has the code's width.
    alone = [_under(width_mm, height_mm, inner, serial_height, 0.0)]
    if not has_serial:
        alone.insert(0, _beside(width_mm, height_mm, inner, serial_height, 0.0))
    largest = max(map(_module_of, alone))
    choices = (beside, under) if best >= MIN_ZONE_SHARE * largest else tuple(alone)
    return max(choices, key=_module_of)  # on a tie the first: text beside


def _sides(insets: Insets) -> tuple[float, float, float, float]:
    return (insets.top, insets.right, insets.bottom, insets.left)


def _module_of(geometry: LabelGeometry) -> float:
    return geometry.qr_module_mm(DESIGN_MODULES)


def _beside(
    width: float, height: float, inner: Box, serial_height: float, min_text: float
) -> LabelGeometry:
    """The code on the left, the full height; text and the serial's line on the right."""
    module = _module(DESIGN_MODULES, 0.0, height, inner.y, inner.bottom)
    needed = max(
        (DESIGN_MODULES + 2 * _QUIET) * module,
        inner.x + (DESIGN_MODULES + _QUIET) * module,
    )
    zone_width = max(0.0, min(needed, inner.right - min_text))
    zone = Box(0.0, 0.0, zone_width, height)
    column = Box(zone_width, inner.y, max(0.0, inner.right - zone_width), inner.height)
    if not serial_height:
        return LabelGeometry(width, height, zone, None, column, True, inner)
    serial = Box(column.x, inner.bottom - serial_height, column.width, serial_height)
    text_height = max(0.0, column.height - serial_height - SERIAL_GAP_MM)
    text = Box(column.x, column.y, column.width, text_height)
    return LabelGeometry(width, height, zone, serial, text, True, inner)


def _under(
    width: float, height: float, inner: Box, serial_height: float, min_text: float
) -> LabelGeometry:
    """The code on top, the full width; its serial under it, then the text."""
    module = _module(DESIGN_MODULES, 0.0, width, inner.x, inner.right)
    needed = max(
        (DESIGN_MODULES + 2 * _QUIET) * module,
        inner.y + (DESIGN_MODULES + _QUIET) * module,
    )
    zone_height = max(0.0, min(needed, inner.bottom - serial_height - min_text))
    zone = Box(0.0, 0.0, width, zone_height)
    serial = Box(inner.x, zone_height, inner.width, serial_height) if serial_height else None
    top = zone_height + serial_height
    text = Box(inner.x, top, inner.width, max(0.0, inner.bottom - top))
    return LabelGeometry(width, height, zone, serial, text, False, inner)


def star_points(centre_x: float, centre_y: float, radius: float) -> list[tuple[float, float]]:
    """A five-pointed star's ten corners (y down), point up, for OCOP ratings."""
    inner = radius * 0.382  # the regular star's ratio: sin(18°) / sin(54°)
    points = []
    for corner in range(10):
        angle = math.pi / 2 - corner * math.pi / 5
        reach = radius if corner % 2 == 0 else inner
        points.append((centre_x + reach * math.cos(angle), centre_y - reach * math.sin(angle)))
    return points
