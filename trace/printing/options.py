"""What a print run asks for, read and checked in one place for the page, the API and the CLI.

Values arrive as text (a form, a query string, command options) or typed (tests); every
problem is reported at its field in one ``InvalidInput``, and nothing is issued or drawn
before the whole request is good.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from labels import LAYOUTS, Layout, LayoutError, custom_layout
from labels.errors import MarginError
from labels.layouts import MIN_LABEL_MM, SHEET_PRINTABLE_MARGIN_MM
from labels.raster import THERMAL_DPIS
from trace.batches.services.issuing import MAX_UNITS_PER_RUN
from trace.common.field_errors import FieldErrors, present

CUSTOM = "custom"
FORMATS = ("pdf", "png", "tspl", "zpl")
# Printer languages: the file goes raw to a thermal label printer (README, "Thermal printers").
THERMAL_FORMATS = ("tspl", "zpl")
# A printer job is no document a browser could show: it is saved, then sent to the printer.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "tspl": "application/octet-stream",
    "zpl": "application/octet-stream",
}
LANGUAGES = ("vi", "en")
DPI_RANGE = (150, 1200)
DEFAULT_DPI = 300
# Most of the cheap label printers cooperatives buy have a 203 dpi head.
DEFAULT_THERMAL_DPI = 203
MAX_LABELS = MAX_UNITS_PER_RUN
MILLIMETRE_FIELDS = (
    "width_mm",
    "height_mm",
    "margin_left_mm",
    "margin_top_mm",
    "gap_x_mm",
    "gap_y_mm",
    "printable_margin_mm",
)
CUSTOM_FIELDS = (*MILLIMETRE_FIELDS, "columns", "rows")
MAX_GRID = 50
# Office printers leave 3 to 6 mm unprinted; more than this is a mistyped size, not a printer.
MAX_PRINTABLE_MARGIN_MM = 20


class LabelLine(enum.StrEnum):
    """The lines a cooperative may show under the product name."""

    COOPERATIVE = "cooperative"
    ORIGIN = "origin"
    LOT = "lot"
    DATE = "date"
    EXPIRY = "expiry"
    PLANTING_AREA = "planting_area"
    OCOP = "ocop"
    TAGLINE = "tagline"


LINE_LABELS = {
    LabelLine.COOPERATIVE: _l("Cooperative"),
    LabelLine.ORIGIN: _l("Origin (commune, province)"),
    LabelLine.LOT: _l("Lot number"),
    LabelLine.DATE: _l("Packing or harvest date"),
    LabelLine.EXPIRY: _l("Expiry date"),
    LabelLine.PLANTING_AREA: _l("Planting-area code"),
    LabelLine.OCOP: _l("OCOP stars"),
    LabelLine.TAGLINE: _l("“Scan to trace the origin”"),
}
LAYOUT_LABELS = {
    "roll-50x30": _l("Thermal roll, 50 × 30 mm"),
    "roll-40x25": _l("Thermal roll, 40 × 25 mm"),
    "a4-3x8": _l("A4 sheet, 3 × 8 stickers of 70 × 37 mm"),
    "a4-4x10": _l("A4 sheet, 4 × 10 stickers of 52.5 × 29.7 mm"),
    CUSTOM: _l("Custom size"),
}


@dataclass(frozen=True)
class PrintOptions:
    layout: Layout
    count: int
    is_serialised: bool
    lines: frozenset[LabelLine]
    language: str = "vi"
    format: str = "pdf"
    dpi: int = DEFAULT_DPI


def read_options(values: Mapping[str, Any]) -> PrintOptions:
    """Check a print request; ``InvalidInput`` names every field to fix."""
    errors = FieldErrors()
    layout = _layout(errors, values)
    count = _whole_number(errors, "count", values.get("count", 1), 1, MAX_LABELS)
    output = _choice(errors, "format", values.get("format", "pdf"), FORMATS)
    dpi = _dpi(errors, values.get("dpi"), output)
    if output in THERMAL_FORMATS and layout is not None and layout.per_page != 1:
        errors.add("format", THERMAL_NEEDS_ROLL)
    language = _choice(errors, "language", values.get("language", "vi"), LANGUAGES)
    lines = _lines(errors, values.get("lines"))
    is_serialised = _flag(errors, "serialised", values.get("serialised", False))
    errors.raise_if_any()
    layout, count, dpi = present(layout), present(count), present(dpi)
    if output == "png":
        # A PNG is one sheet: never issue unit codes that would not be drawn on it.
        count = min(count, layout.per_page)
    return PrintOptions(layout, count, is_serialised, lines, language, output, dpi)


def _layout(errors: FieldErrors, values: Mapping[str, Any]) -> Layout | None:
    name = values.get("layout") or "a4-3x8"
    if name in LAYOUTS:
        return LAYOUTS[name]
    if name != CUSTOM:
        known = ", ".join([*LAYOUTS, CUSTOM])
        errors.add("layout", _l("Choose one of: %(known)s.", known=known))
        return None
    return _custom_layout(errors, values)


THERMAL_NEEDS_ROLL = _l(
    "TSPL and ZPL are for thermal label printers, which print from a roll: choose a roll "
    "layout, or a custom size of 1 column and 1 row."
)


def _dpi(errors: FieldErrors, raw: Any, output: str) -> int | None:
    """A PNG's resolution (150-1200), or a thermal printer's head: 203 or 300 dpi."""
    if output not in THERMAL_FORMATS:
        return _whole_number(errors, "dpi", DEFAULT_DPI if raw in (None, "") else raw, *DPI_RANGE)
    if raw in (None, ""):
        return DEFAULT_THERMAL_DPI
    text = str(raw).strip() if not isinstance(raw, bool) else ""
    if text not in {str(dpi) for dpi in THERMAL_DPIS}:
        errors.add("dpi", _l("Choose the printer's resolution: 203 or 300 dpi."))
        return None
    return int(text)


def _custom_layout(errors: FieldErrors, values: Mapping[str, Any]) -> Layout | None:
    size = {field: _size(errors, field, values.get(field)) for field in MILLIMETRE_FIELDS}
    columns = _whole_number(errors, "columns", values.get("columns") or 1, 1, MAX_GRID)
    rows = _whole_number(errors, "rows", values.get("rows") or 1, 1, MAX_GRID)
    printable_margin = size["printable_margin_mm"]
    if printable_margin is not None and printable_margin > MAX_PRINTABLE_MARGIN_MM:
        message = _l(
            "Enter the edge your printer cannot print, from 0 to %(most)d mm (5 mm on most "
            "office printers).",
            most=MAX_PRINTABLE_MARGIN_MM,
        )
        errors.add("printable_margin_mm", message)
    if errors.errors or columns is None or rows is None:
        return None
    if min(size["width_mm"] or 0, size["height_mm"] or 0) < MIN_LABEL_MM:
        message = _l(
            "A label must be at least %(size)d mm wide and high, for a QR code phones can read.",
            size=MIN_LABEL_MM,
        )
        errors.add("layout", message)
        return None
    try:
        # A margin left empty centres the grid on the page, as sticker sheets are cut.
        return custom_layout(
            size["width_mm"] or 0,
            size["height_mm"] or 0,
            columns,
            rows,
            margin_left_mm=size["margin_left_mm"],
            margin_top_mm=size["margin_top_mm"],
            gap_x_mm=size["gap_x_mm"] or 0,
            gap_y_mm=size["gap_y_mm"] or 0,
            printable_margin_mm=printable_margin,
        )
    except MarginError:
        margin = SHEET_PRINTABLE_MARGIN_MM if printable_margin is None else printable_margin
        message = _l(
            "The labels at the sheet's edge reach too far into the %(margin)s mm the printer "
            "cannot print: leave margins around the labels, or make them larger.",
            margin=format_decimal(margin, format="0.##"),
        )
        errors.add("layout", message)
        return None
    except LayoutError:
        # Sizes are checked above: what is left is a grid larger than the page.
        message = _l(
            "These labels do not fit on an A4 page: make them smaller, or use fewer columns, "
            "rows, margins or gaps."
        )
        errors.add("layout", message)
        return None


def _size(errors: FieldErrors, field: str, raw: Any) -> float | None:
    if raw in (None, ""):
        if field in ("width_mm", "height_mm"):
            errors.add(field, _l("Enter a size in millimetres."))
        return None
    try:
        number = float(str(raw).replace(",", "."))
    except ValueError:
        number = float("nan")
    if not 0 <= number <= 1000:
        errors.add(field, _l("Enter a size in millimetres, from 0 to 1000."))
        return None
    return number


def _whole_number(errors: FieldErrors, field: str, raw: Any, low: int, high: int) -> int | None:
    text = str(raw).strip() if not isinstance(raw, bool) else ""
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        errors.add(field, _l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
        return None
    return int(text)


def _choice(errors: FieldErrors, field: str, raw: Any, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        errors.add(field, _l("Choose one of: %(known)s.", known=", ".join(choices)))
    return str(raw)


def _lines(errors: FieldErrors, raw: Any) -> frozenset[LabelLine]:
    if raw is None:
        return frozenset(LabelLine)
    names = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(names, list | tuple | set | frozenset):
        names = [names]
    chosen = {str(name).strip() for name in names} - {""}
    unknown = sorted(chosen - {line.value for line in LabelLine})
    if unknown:
        known = ", ".join(line.value for line in LabelLine)
        errors.add("lines", _l("Choose among: %(known)s.", known=known))
    return frozenset(LabelLine(name) for name in chosen if name not in unknown)


def _flag(errors: FieldErrors, field: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    errors.add(field, _l("Enter true or false."))
    return False
