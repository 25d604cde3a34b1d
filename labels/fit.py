"""Fitting a label's text into its box: wrap, then shrink, then drop lines, never overflow.

Sizes are tried from the largest down to ``MIN_PT``, first with each line on one row (the
title and the footer may wrap at word boundaries), then with the lines wrapped too; a word is
broken inside only at the minimum size. When even that does not fit, the lines are dropped from
the last one up (the footer first, the title never); a title that alone does not fit is cut to
the rows that do, ending in "…". Everything is measured with the font's own metrics
(``labels.fonts``), so the boxes returned here are where the ink lands in both outputs.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from labels.content import nfc
from labels.fonts import Extent, Weight, font_face
from labels.geometry import MM_PER_PT, SERIAL_PT, Box

TITLE_PT = 10.0
LINE_PT = 7.5
FOOTER_PT = 6.0
MIN_PT = 5.0  # the smallest size people read on a label at arm's length
MIN_SERIAL_PT = 4.0  # a serial is copied, not read at a glance
SCALES = tuple(1.0 - step * 0.05 for step in range(11))  # down to 0.5: the title at MIN_PT
LINE_GAP_EM = 0.265  # baseline to baseline is this times the upper size plus the lower size
ITEM_GAP_EM = 0.2  # a little air between the title, each line and the footer
ELLIPSIS = "…"
# First every size with each line on one row, then every size with lines wrapped.
_ATTEMPTS = [(False, scale) for scale in SCALES] + [(True, scale) for scale in SCALES]
OCOP_STAR_RADIUS_EM = 0.42
OCOP_STAR_PITCH_EM = 0.95
_SIN72 = math.sin(math.radians(72))
_COS36 = math.cos(math.radians(36))


@dataclass(frozen=True)
class TextLine:
    """One row of text: drawn from ``x_mm`` on the baseline ``baseline_mm``; ``ink`` bounds it."""

    text: str
    weight: Weight
    size_pt: float
    x_mm: float
    baseline_mm: float
    ink: Box


@dataclass(frozen=True)
class Star:
    """One OCOP star: its centre and outer radius in mm; ``ink`` bounds it."""

    centre_x_mm: float
    centre_y_mm: float
    radius_mm: float
    ink: Box


@dataclass(frozen=True)
class TextBlock:
    """The fitted text of a label; ``dropped`` names what did not fit."""

    lines: tuple[TextLine, ...]
    stars: tuple[Star, ...] = ()
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Item:
    text: str
    weight: Weight
    base_pt: float
    stars: int = 0  # an OCOP row: the text "OCOP" then this many stars
    is_field: bool = False  # a "Lô: ..." line: better smaller on one row than wrapped


@functools.lru_cache(maxsize=8192)
def measure(weight: Weight, text: str) -> Extent:
    """A text's extent in em; cached, since fitting measures the same words at every size."""
    return font_face(weight).measure(text)


def _row_extent(item: _Item, text: str) -> Extent:
    extent = measure(item.weight, text)
    if not item.stars:
        return extent
    # The stars follow the word after a little space, centred on its capitals' height.
    right = extent.advance + 0.3 + (item.stars - 1) * OCOP_STAR_PITCH_EM
    right += 2 * OCOP_STAR_RADIUS_EM * _SIN72
    centre_y = extent.top / 2
    return Extent(
        right,
        extent.left,
        right,
        min(extent.bottom, centre_y - OCOP_STAR_RADIUS_EM * _COS36),
        max(extent.top, centre_y + OCOP_STAR_RADIUS_EM),
    )


def _needed(extent: Extent) -> float:
    """The width in em the ink needs when the pen starts where the ink may start."""
    return extent.right - min(0.0, extent.left)


def _wrap(
    item: _Item, size_mm: float, width: float, may_break: bool, may_wrap_fields: bool = True
) -> list[str] | None:
    """The item's text in rows no wider than ``width``; None when a word would have to break
    and may not, or a single character is wider than the box."""

    def fits(text: str) -> bool:
        return _needed(_row_extent(item, text)) * size_mm <= width

    if item.stars or (item.is_field and not may_wrap_fields):
        return [item.text] if fits(item.text) else None
    rows: list[str] = []
    current = ""
    for word in item.text.split(" "):
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            rows.append(current)
        if fits(word):
            current = word
            continue
        if not may_break:
            return None
        current = ""
        for char in word:
            if fits(current + char):
                current += char
            elif not current:
                return None
            else:
                rows.append(current)
                current = char
    if current:
        rows.append(current)
    return rows


def _lay_out(
    items: Sequence[_Item], scale: float, box: Box, may_break: bool, may_wrap_fields: bool
) -> TextBlock | None:
    """The items wrapped and placed top down at this scale, or None when they overflow."""
    rows: list[tuple[_Item, float, str, bool]] = []
    for item in items:
        size_pt = round(max(MIN_PT, item.base_pt * scale), 2)
        wrapped = _wrap(item, size_pt * MM_PER_PT, box.width, may_break, may_wrap_fields)
        if wrapped is None:
            return None
        rows += [(item, size_pt, text, number == 0) for number, text in enumerate(wrapped)]
    return _place(rows, box)


def _place(rows: Sequence[tuple[_Item, float, str, bool]], box: Box) -> TextBlock | None:
    """Rows (item, size, text, whether it starts its item) set from the top of the box."""
    lines: list[TextLine] = []
    stars: list[Star] = []
    baseline = box.y
    previous_mm = 0.0
    for item, size_pt, text, starts_item in rows:
        size_mm = size_pt * MM_PER_PT
        extent = _row_extent(item, text)
        if not lines:
            baseline = box.y + extent.top * size_mm
        else:
            gap = ITEM_GAP_EM * size_mm if starts_item else 0.0
            baseline += LINE_GAP_EM * previous_mm + gap + size_mm
        x = box.x - min(0.0, extent.left) * size_mm
        ink = Box(
            x + extent.left * size_mm,
            baseline - extent.top * size_mm,
            (extent.right - extent.left) * size_mm,
            (extent.top - extent.bottom) * size_mm,
        )
        if not box.contains(ink):
            return None
        lines.append(TextLine(text, item.weight, size_pt, x, baseline, ink))
        if item.stars:
            stars.extend(_stars(item, text, x, baseline, size_mm))
        previous_mm = size_mm
    return TextBlock(tuple(lines), tuple(stars))


def _stars(item: _Item, text: str, x: float, baseline: float, size_mm: float) -> list[Star]:
    extent = measure(item.weight, text)
    radius = OCOP_STAR_RADIUS_EM * size_mm
    centre_y = baseline - extent.top / 2 * size_mm
    first = x + (extent.advance + 0.3 + OCOP_STAR_RADIUS_EM * _SIN72) * size_mm
    found = []
    for number in range(item.stars):
        centre_x = first + number * OCOP_STAR_PITCH_EM * size_mm
        ink = Box(
            centre_x - radius * _SIN72,
            centre_y - radius,
            2 * radius * _SIN72,
            radius * (1 + _COS36),
        )
        found.append(Star(centre_x, centre_y, radius, ink))
    return found


def _clean(text: str) -> str:
    """NFC, and any run of whitespace (newlines and tabs included) as one space."""
    return " ".join(nfc(text).split())


@functools.lru_cache(maxsize=512)
def fit_text(
    box: Box,
    title: str,
    lines: tuple[str, ...] = (),
    footer: str | None = None,
    ocop_stars: int | None = None,
) -> TextBlock:
    """The label's text fitted into the box (see the module's docstring for the order of
    retreat). Cached: a run of serialised labels fits the same text once."""
    items = [_Item(_clean(title), Weight.BOLD, TITLE_PT)]
    items += [
        _Item(text, Weight.REGULAR, LINE_PT, is_field=True) for text in map(_clean, lines) if text
    ]
    if ocop_stars:
        items.append(_Item("OCOP", Weight.BOLD, LINE_PT, stars=ocop_stars))
    if footer and _clean(footer):
        items.append(_Item(_clean(footer), Weight.REGULAR, FOOTER_PT))
    for kept in range(len(items), 0, -1):
        for may_wrap_fields, scale in _ATTEMPTS:
            block = _lay_out(items[:kept], scale, box, scale == SCALES[-1], may_wrap_fields)
            if block is not None:
                dropped = tuple(_describe(item) for item in reversed(items[kept:]))
                return TextBlock(block.lines, block.stars, dropped)
    return _cut_title(items[0], box, tuple(_describe(item) for item in reversed(items[1:])))


def _describe(item: _Item) -> str:
    return f"OCOP {item.stars}" if item.stars else item.text


def _cut_title(title: _Item, box: Box, dropped: tuple[str, ...]) -> TextBlock:
    """As many rows of the title as fit at the minimum size, the last ending in "…"."""
    size_mm = MIN_PT * MM_PER_PT
    rows = _wrap(title, size_mm, box.width, may_break=True) or []
    for count in range(len(rows), 0, -1):
        last = rows[count - 1]
        while last and _needed(measure(title.weight, last + ELLIPSIS)) * size_mm > box.width:
            last = last[:-1].rstrip()
        if not last:
            continue
        kept = [*rows[: count - 1], last + ELLIPSIS]
        block = _place([(title, MIN_PT, text, False) for text in kept], box)
        if block is not None:
            return TextBlock(block.lines, (), dropped)
    return TextBlock((), (), (title.text, *dropped))


def fit_serial(box: Box, serial: str) -> TextLine | None:
    """The serial centred in its box under the code, shrunk if needed; None if it cannot fit."""
    text = _clean(serial)
    # Not the cached ``measure``: every serial is new, and the cache would only fill up.
    extent = font_face(Weight.REGULAR).measure(text)
    for size_pt in (SERIAL_PT, 5.0, 4.5, MIN_SERIAL_PT):
        size_mm = size_pt * MM_PER_PT
        width = _needed(extent) * size_mm
        if width <= box.width and (extent.top - extent.bottom) * size_mm <= box.height:
            x = box.x + (box.width - width) / 2 - min(0.0, extent.left) * size_mm
            baseline = box.y + extent.top * size_mm
            ink = Box(
                x + extent.left * size_mm,
                box.y,
                (extent.right - extent.left) * size_mm,
                (extent.top - extent.bottom) * size_mm,
            )
            return TextLine(text, Weight.REGULAR, size_pt, x, baseline, ink)
    return None
