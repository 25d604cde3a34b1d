"""Label layouts as data: the page, the sticker size and the grid, all in millimetres.

A layout says only where each label sits on the page; what goes inside a label is
``labels.geometry``'s job. Positions are from the page's top-left corner, as printers and
sticker-sheet makers measure them.

Sheets print on office printers, which cannot print within a few millimetres of the paper's
edge (4 to 6 mm is common, and the driver may shrink the page to make room): each sheet layout
has a ``printable_margin_mm`` (5 mm by default) where nothing is drawn. The sticker sheets we
know are cut to the paper's edge, so their outer labels keep their size and position and only
their content moves inwards (``label_insets``); their codes are then smaller than the inner
labels' (``labels.legibility`` judges the smallest). A roll printer prints the whole label,
so rolls have no printable margin beyond each label's own safe edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from labels.errors import LayoutError, MarginError
from labels.geometry import SAFE_MARGIN_MM, Insets

__all__ = ["LAYOUTS", "MIN_LABEL_MM", "Layout", "LayoutError", "custom_layout"]

A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0
# A version 8 QR code (a ~190-character signed URL at level L, labels.qr) needs 57 modules with its
# quiet zone; under 15 mm a module falls below ~0.25 mm, too small for phone cameras.
MIN_LABEL_MM = 15.0
SHEET_PRINTABLE_MARGIN_MM = 5.0
# After the printable margin a label must keep this much room for its code, in mm each way.
MIN_DRAWABLE_MM = MIN_LABEL_MM - 2 * SAFE_MARGIN_MM
# Sizes are in mm from decimal data (29.7 x 10); allow for binary rounding, not for real overlap.
_TOLERANCE_MM = 1e-6


@dataclass(frozen=True)
class Layout:
    """A page holding a grid of equal labels; validated when made, so every Layout is printable."""

    name: str
    page_width_mm: float
    page_height_mm: float
    label_width_mm: float
    label_height_mm: float
    columns: int
    rows: int
    margin_left_mm: float
    margin_top_mm: float
    gap_x_mm: float
    gap_y_mm: float
    printable_margin_mm: float = 0.0

    def __post_init__(self) -> None:
        _check_sizes(self)
        _check_fits(self)
        _check_drawable(self)

    @property
    def per_page(self) -> int:
        """How many labels one page holds."""
        return self.columns * self.rows

    def label_origin_mm(self, index_on_page: int) -> tuple[float, float]:
        """The top-left corner of a label (row by row, left to right) from the page's top-left."""
        if not 0 <= index_on_page < self.per_page:
            raise LayoutError(
                f"label {index_on_page} is not on a page of layout {self.name!r}, "
                f"which holds labels 0 to {self.per_page - 1}"
            )
        row, column = divmod(index_on_page, self.columns)
        return (
            self.margin_left_mm + column * (self.label_width_mm + self.gap_x_mm),
            self.margin_top_mm + row * (self.label_height_mm + self.gap_y_mm),
        )

    def label_insets(self, index_on_page: int) -> Insets:
        """The blank edges of a label: the safe margin, or more where the label reaches into the
        page's printable margin."""
        x, y = self.label_origin_mm(index_on_page)
        margin = self.printable_margin_mm
        return Insets(
            top=max(SAFE_MARGIN_MM, margin - y),
            right=max(SAFE_MARGIN_MM, x + self.label_width_mm - (self.page_width_mm - margin)),
            bottom=max(SAFE_MARGIN_MM, y + self.label_height_mm - (self.page_height_mm - margin)),
            left=max(SAFE_MARGIN_MM, margin - x),
        )

    @property
    def is_sheet(self) -> bool:
        """Whether the page is a sheet for an office printer (it has a printable margin)."""
        return self.printable_margin_mm > 0

    @property
    def grid_width_mm(self) -> float:
        """The width the labels and the gaps between them take."""
        return self.columns * self.label_width_mm + (self.columns - 1) * self.gap_x_mm

    @property
    def grid_height_mm(self) -> float:
        """The height the labels and the gaps between them take."""
        return self.rows * self.label_height_mm + (self.rows - 1) * self.gap_y_mm


def _check_sizes(layout: Layout) -> None:
    _check_label(layout.label_width_mm, layout.label_height_mm, layout.columns, layout.rows)
    _check_spacing(layout.margin_left_mm, layout.margin_top_mm, layout.gap_x_mm, layout.gap_y_mm)
    margin = layout.printable_margin_mm
    largest = min(layout.page_width_mm, layout.page_height_mm) / 4
    if not (_is_number(margin) and 0 <= margin <= largest):
        raise LayoutError(
            f"the printable margin must be zero or more millimetres, at most a quarter of the "
            f"page, not {margin}"
        )
    for name, value in (
        ("page width", layout.page_width_mm),
        ("page height", layout.page_height_mm),
    ):
        if not (_is_number(value) and value > 0):
            raise LayoutError(f"the {name} must be a positive number of millimetres, not {value}")


def _check_label(width_mm: float, height_mm: float, columns: int, rows: int) -> None:
    for name, value in (("label width", width_mm), ("label height", height_mm)):
        if not (_is_number(value) and value > 0):
            raise LayoutError(f"the {name} must be a positive number of millimetres, not {value}")
    for name, count in (("columns", columns), ("rows", rows)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise LayoutError(
                f"the number of {name} must be a whole number of 1 or more, not {count}"
            )
    if min(width_mm, height_mm) < MIN_LABEL_MM:
        raise LayoutError(
            f"a label of {_mm(width_mm)} x {_mm(height_mm)} mm is too small for a readable QR "
            f"code: labels must be at least {_mm(MIN_LABEL_MM)} x {_mm(MIN_LABEL_MM)} mm"
        )


def _check_spacing(*values_mm: float) -> None:
    for name, value in zip(
        ("left margin", "top margin", "horizontal gap", "vertical gap"), values_mm, strict=True
    ):
        if not (_is_number(value) and value >= 0):
            raise LayoutError(f"the {name} must be zero or more millimetres, not {value}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_fits(layout: Layout) -> None:
    needed_width = layout.margin_left_mm + layout.grid_width_mm
    if needed_width > layout.page_width_mm + _TOLERANCE_MM:
        raise LayoutError(
            f"{layout.columns} columns of {_mm(layout.label_width_mm)} mm labels "
            f"(with {_mm(layout.gap_x_mm)} mm gaps and a {_mm(layout.margin_left_mm)} mm left "
            f"margin) need {_mm(needed_width)} mm, but the page is only "
            f"{_mm(layout.page_width_mm)} mm wide"
        )
    needed_height = layout.margin_top_mm + layout.grid_height_mm
    if needed_height > layout.page_height_mm + _TOLERANCE_MM:
        raise LayoutError(
            f"{layout.rows} rows of {_mm(layout.label_height_mm)} mm labels "
            f"(with {_mm(layout.gap_y_mm)} mm gaps and a {_mm(layout.margin_top_mm)} mm top "
            f"margin) need {_mm(needed_height)} mm, but the page is only "
            f"{_mm(layout.page_height_mm)} mm high"
        )


def _check_drawable(layout: Layout) -> None:
    """Every label keeps room for its code inside the printable margin (the corners are the
    labels that lose the most)."""
    last_row = (layout.rows - 1) * layout.columns
    for index in {0, layout.columns - 1, last_row, last_row + layout.columns - 1}:
        insets = layout.label_insets(index)
        width = layout.label_width_mm - insets.left - insets.right
        height = layout.label_height_mm - insets.top - insets.bottom
        if min(width, height) < MIN_DRAWABLE_MM - _TOLERANCE_MM:
            raise MarginError(
                f"the page's printable margin of {_mm(layout.printable_margin_mm)} mm leaves "
                f"label {index + 1} only {_mm(max(width, 0))} x {_mm(max(height, 0))} mm to print "
                f"on: move the labels inwards (larger margins) or set a smaller printable margin"
            )


def _mm(value: float) -> str:
    """A size as people write it: 70, 52.5, 29.7 (no float noise)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def custom_layout(
    width_mm: float,
    height_mm: float,
    columns: int = 1,
    rows: int = 1,
    margin_left_mm: float | None = None,
    margin_top_mm: float | None = None,
    gap_x_mm: float = 0,
    gap_y_mm: float = 0,
    page_width_mm: float | None = None,
    page_height_mm: float | None = None,
    name: str | None = None,
    printable_margin_mm: float | None = None,
) -> Layout:
    """A layout from a cooperative's own sizes.

    With one label and no page size it is a roll (the page is the label plus its margins, no
    printable margin); otherwise the page is A4 unless given, with a printable margin of
    ``SHEET_PRINTABLE_MARGIN_MM`` unless given. A margin left out centres the grid on the page
    that way, as sticker sheets are cut; a margin given (0 included) is kept as given.
    """
    if (page_width_mm is None) != (page_height_mm is None):
        raise LayoutError("give both the page width and the page height, or neither")
    _check_label(width_mm, height_mm, columns, rows)
    _check_spacing(margin_left_mm or 0, margin_top_mm or 0, gap_x_mm, gap_y_mm)
    grid_width = columns * width_mm + (columns - 1) * gap_x_mm
    grid_height = rows * height_mm + (rows - 1) * gap_y_mm
    is_roll = page_width_mm is None and columns == 1 and rows == 1
    if printable_margin_mm is None:
        printable_margin_mm = 0.0 if is_roll else SHEET_PRINTABLE_MARGIN_MM
    if page_width_mm is None or page_height_mm is None:
        if is_roll:
            page_width_mm = grid_width + 2 * (margin_left_mm or 0)
            page_height_mm = grid_height + 2 * (margin_top_mm or 0)
        else:
            page_width_mm, page_height_mm = A4_WIDTH_MM, A4_HEIGHT_MM
    if margin_left_mm is None:
        margin_left_mm = max(0.0, (page_width_mm - grid_width) / 2)
    if margin_top_mm is None:
        margin_top_mm = max(0.0, (page_height_mm - grid_height) / 2)
    return Layout(
        name=name or f"custom-{_mm(width_mm)}x{_mm(height_mm)}-{columns}x{rows}",
        page_width_mm=page_width_mm,
        page_height_mm=page_height_mm,
        label_width_mm=width_mm,
        label_height_mm=height_mm,
        columns=columns,
        rows=rows,
        margin_left_mm=margin_left_mm,
        margin_top_mm=margin_top_mm,
        gap_x_mm=gap_x_mm,
        gap_y_mm=gap_y_mm,
        printable_margin_mm=printable_margin_mm,
    )


# Die-cut label rolls leave this gap between labels; thermal printers are told it (TSPL's GAP).
ROLL_GAP_MM = 2.0


def _roll(width_mm: float, height_mm: float) -> Layout:
    return Layout(
        f"roll-{_mm(width_mm)}x{_mm(height_mm)}",
        width_mm,
        height_mm,
        width_mm,
        height_mm,
        1,
        1,
        0.0,
        0.0,
        0.0,
        ROLL_GAP_MM,
    )


# Sticker sheets as their makers list them: 70 x 37 mm x 24 leaves 1 mm of the A4 height,
# split 0.5 mm above and below; 52.5 x 29.7 mm x 40 fills the sheet edge to edge. Both keep
# the 5 mm printable margin of office printers.
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        _roll(50.0, 30.0),
        _roll(40.0, 25.0),
        Layout(
            "a4-3x8",
            *(A4_WIDTH_MM, A4_HEIGHT_MM, 70.0, 37.0, 3, 8, 0.0, 0.5, 0.0, 0.0),
            printable_margin_mm=SHEET_PRINTABLE_MARGIN_MM,
        ),
        Layout(
            "a4-4x10",
            *(A4_WIDTH_MM, A4_HEIGHT_MM, 52.5, 29.7, 4, 10, 0.0, 0.0, 0.0, 0.0),
            printable_margin_mm=SHEET_PRINTABLE_MARGIN_MM,
        ),
    )
}
