"""Whether a phone will read the codes of a run: the module size, and what to do if it is small.

Measured (``tests/bench/phone_photo.py``): labels rendered at 300 dpi, then a phone photo
imitated (scaled to ~150 dpi, a 1-pixel Gaussian blur, JPEG quality 60). zxing-cpp read every
label with modules of 0.47 mm and more, and most at 0.44 mm; OpenCV, which wants about four
pixels a module, read none under 0.6 mm as given, and, enlarged three times first, 85% at
0.53 mm, 98% at 0.61 mm and 64% at 0.47 mm. ``MIN_MODULE_MM`` is 0.5 mm, as the issue asks:
above it zxing-cpp reads every label and OpenCV, enlarged, most. It is judged on the smallest
code of the run: the largest QR version met, on the label of the sheet that leaves its code
the least room.

A layout that cannot reach it says so, and names a built-in layout of the same kind (a roll
for a roll, a sheet for a sheet) that does for the same symbol, or else any that does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from labels.content import LabelContent
from labels.fit import TextBlock, fit_text
from labels.geometry import label_geometry
from labels.layouts import LAYOUTS, Layout
from labels.qr import QrMatrix, qr_matrix

MIN_MODULE_MM = 0.5


@dataclass(frozen=True)
class Legibility:
    """The smallest module of a run, the symbol that has it, and whether phones read it."""

    module_mm: float
    version: int
    ec_level: str
    is_ok: bool
    suggestion: str | None  # a built-in layout that reaches ``MIN_MODULE_MM``, when this does not

    def as_dict(self) -> dict[str, object]:
        return {
            "module_mm": round(self.module_mm, 3),
            "qr_version": self.version,
            "ec_level": self.ec_level,
            "readable": self.is_ok,
            "suggested_layout": self.suggestion,
        }


def smallest_module_mm(layout: Layout, modules: int, has_serial: bool) -> float:
    """The module size of a symbol this many modules a side on the label of the page that
    gives it the least room."""
    return min(
        label_geometry(
            layout.label_width_mm,
            layout.label_height_mm,
            has_serial,
            insets=layout.label_insets(index),
        ).qr_module_mm(modules)
        for index in range(layout.per_page)
    )


def assess(layout: Layout, symbol: QrMatrix, has_serial: bool) -> Legibility:
    """The legibility of ``symbol`` (the run's largest) on ``layout``."""
    module = smallest_module_mm(layout, symbol.size, has_serial)
    is_ok = module >= MIN_MODULE_MM
    return Legibility(
        module,
        symbol.version,
        symbol.ec_level,
        is_ok,
        None if is_ok else _suggestion(layout, symbol.size, has_serial),
    )


def _suggestion(layout: Layout, modules: int, has_serial: bool) -> str | None:
    readable = [
        other
        for other in LAYOUTS.values()
        if smallest_module_mm(other, modules, has_serial) >= MIN_MODULE_MM
    ]
    same_kind = [other for other in readable if other.is_sheet == layout.is_sheet]
    chosen = same_kind or readable
    return chosen[0].name if chosen else None


@dataclass
class RunReport:
    """What drawing a run met: its largest QR symbol and every text line that did not fit on
    some label (labels at a sheet's edge have less room), in the order first met."""

    largest: QrMatrix | None = None
    has_serial: bool = False
    dropped: dict[str, None] = field(default_factory=dict)

    def saw_symbol(self, matrix: QrMatrix) -> None:
        if self.largest is None or matrix.size > self.largest.size:
            self.largest = matrix

    def saw_text(self, block: TextBlock) -> None:
        for line in block.dropped:
            self.dropped.setdefault(line)

    def include(self, other: RunReport) -> None:
        """Add what another report met (the same run's labels drawn another way)."""
        if other.largest is not None:
            self.saw_symbol(other.largest)
        self.has_serial |= other.has_serial
        for line in other.dropped:
            self.dropped.setdefault(line)

    def legibility(self, layout: Layout) -> Legibility | None:
        """The run's legibility, or None when nothing was drawn."""
        return None if self.largest is None else assess(layout, self.largest, self.has_serial)


def inspect_page(labels: Iterable[LabelContent], layout: Layout) -> RunReport:
    """What drawing the first sheet of these labels would report, without drawing it: for a
    page that warns before anything is issued."""
    report = RunReport()
    symbols: dict[str, QrMatrix] = {}
    for index, label in enumerate(islice(labels, layout.per_page)):
        has_serial = label.serial is not None
        report.has_serial |= has_serial
        if label.code not in symbols:
            symbols[label.code] = qr_matrix(label.code)
        report.saw_symbol(symbols[label.code])
        geometry = label_geometry(
            layout.label_width_mm,
            layout.label_height_mm,
            has_serial,
            insets=layout.label_insets(index),
        )
        report.saw_text(
            fit_text(geometry.text, label.title, label.lines, label.footer, label.ocop_stars)
        )
    return report
