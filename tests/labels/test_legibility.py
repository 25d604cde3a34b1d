"""Boosted error correction, the module size each layout gives a production code, the
printable margin of sheets and the calibration bar."""

from __future__ import annotations

import io
from pathlib import Path

import numpy
import pytest

from labels import LAYOUTS, LabelContent, custom_layout, render_pdf
from labels.calibration import BAR_MM, calibration_place
from labels.errors import LayoutError
from labels.legibility import MIN_MODULE_MM, RunReport, assess, inspect_page
from labels.qr import qr_matrix
from tests.bench.code_sizes import sample_codes
from tests.labels.helpers import first_label_page, rasterise, unit_labels
from tests.labels.phone_photo import production_labels


def test_error_correction_is_the_highest_the_smallest_version_allows() -> None:
    assert (qr_matrix("HTX-1").version, qr_matrix("HTX-1").ec_level) == (1, "H")
    short = qr_matrix("https://x.vn/b/HTX-1")  # version 2 at L, and at Q still
    assert (short.version, short.ec_level) == (2, "Q")
    for name, code in sample_codes().items():
        boosted = qr_matrix(code)
        smallest = min(qr_matrix(code, ec_level=level).version for level in "LMQH")
        assert boosted.version == smallest, name
        higher = "LMQH"["LMQH".index(boosted.ec_level) + 1 :]
        assert all(qr_matrix(code, ec_level=level).version > smallest for level in higher), name


def test_a_production_unit_code_is_version_8_at_level_l() -> None:
    code = production_labels(1)[0].code
    assert len(code) == 193
    matrix = qr_matrix(code)
    assert (matrix.version, matrix.ec_level) == (8, "L")
    assert qr_matrix(code, ec_level="M").version == 9


def test_the_symbol_does_not_depend_on_what_was_encoded_before() -> None:
    code = production_labels(1)[0].code
    first = qr_matrix(code)
    for other in sample_codes().values():
        qr_matrix(other)
    assert qr_matrix(code) == first


@pytest.mark.parametrize(
    ("name", "module_range", "is_ok", "suggestion"),
    [
        ("roll-50x30", (0.52, 0.53), True, None),
        ("a4-3x8", (0.6, 0.62), True, None),
        ("roll-40x25", (0.43, 0.45), False, "roll-50x30"),
        ("a4-4x10", (0.46, 0.47), False, "a4-3x8"),
    ],
)
def test_each_layout_says_whether_phones_read_a_production_code(
    name: str, module_range: tuple[float, float], is_ok: bool, suggestion: str | None
) -> None:
    legibility = assess(LAYOUTS[name], qr_matrix(production_labels(1)[0].code), True)
    assert module_range[0] <= legibility.module_mm <= module_range[1]
    assert legibility.is_ok is is_ok
    assert (legibility.module_mm >= MIN_MODULE_MM) is is_ok
    assert legibility.suggestion == suggestion


def test_a_page_reports_its_largest_symbol_and_the_lines_it_dropped() -> None:
    layout = LAYOUTS["roll-40x25"]
    lines = ("HTX Nông nghiệp Cà Mau", "Xã Tân Thành, Cà Mau", "Lô: ST25", "HSD: 15/01/2027")
    label = LabelContent(
        code=production_labels(1)[0].code,
        title="Gạo ST25 Cà Mau",
        lines=lines,
        footer="Quét mã để truy xuất nguồn gốc",
        ocop_stars=4,
        serial="K7Q2M9X4TB",
    )
    report = inspect_page([label], layout)
    assert report.largest is not None
    assert report.largest.version == 8
    assert next(iter(report.dropped)) == "Quét mã để truy xuất nguồn gốc"
    drawn = RunReport()
    render_pdf([label], layout, io.BytesIO(), report=drawn)
    assert drawn.dropped == report.dropped
    assert drawn.legibility(layout) == report.legibility(layout)


@pytest.mark.parametrize("name", ["a4-3x8", "a4-4x10"])
def test_nothing_is_drawn_in_a_sheets_printable_margin(name: str, tmp_path: Path) -> None:
    layout = LAYOUTS[name]
    assert layout.printable_margin_mm == 5
    out = io.BytesIO()
    render_pdf(unit_labels(layout.per_page), layout, out)
    dpi = 150
    image = rasterise(out.getvalue(), tmp_path, dpi, page=first_label_page(layout)).convert("L")
    margin = round(5 * dpi / 25.4) - 1  # a pixel's allowance for the rasteriser's rounding
    width, height = image.size
    for strip in (
        (0, 0, width, margin),
        (0, height - margin, width, height),
        (0, 0, margin, height),
        (width - margin, 0, width, height),
    ):
        assert image.crop(strip).getextrema() == (255, 255), f"ink in the margin {strip}"
    # Inside it the labels are drawn (the test could fail).
    assert image.getextrema() == (0, 255)


def test_the_calibration_page_has_a_bar_of_50_mm(tmp_path: Path) -> None:
    layout = LAYOUTS["a4-3x8"]
    assert calibration_place(layout) is None  # the stickers cover the sheet
    out = io.BytesIO()
    render_pdf(unit_labels(2), layout, out, calibration_note=("Kiểm tra tỉ lệ in", "In 100%"))
    dpi = 600
    pixels = numpy.asarray(rasterise(out.getvalue(), tmp_path, dpi, page=1).convert("L")) < 128
    # The ruler's line is the row with the longest dark run; "50 mm" is written after its end.
    row = int(numpy.argmax(pixels.sum(axis=1)))
    dark = numpy.flatnonzero(pixels[row])
    gaps = numpy.flatnonzero(numpy.diff(dark) > 1)
    bar_end = dark[gaps[0]] if len(gaps) else dark[-1]
    assert (bar_end - dark[0] + 1) / dpi * 25.4 == pytest.approx(BAR_MM, abs=0.1)
    assert dark[0] / dpi * 25.4 >= layout.printable_margin_mm
    assert row / dpi * 25.4 >= layout.printable_margin_mm


def test_a_sheet_with_room_gets_the_bar_between_its_labels_not_on_them(tmp_path: Path) -> None:
    layout = custom_layout(60, 40, columns=3, rows=5)
    place = calibration_place(layout)
    assert place is not None
    assert place.y >= layout.printable_margin_mm
    for index in range(layout.per_page):
        top = layout.label_origin_mm(index)[1]
        assert place.bottom <= top or place.y >= top + layout.label_height_mm
    out = io.BytesIO()
    render_pdf(unit_labels(2), layout, out)
    assert out.getvalue().count(b"/Type /Page ") == 1  # no calibration page of its own
    dpi = 300
    pixels = numpy.asarray(rasterise(out.getvalue(), tmp_path, dpi).convert("L")) < 128
    scale = dpi / 25.4
    strip = pixels[
        round(place.y * scale) : round(place.bottom * scale),
        round(place.x * scale) : round(place.right * scale),
    ]
    row = int(numpy.argmax(strip.sum(axis=1)))
    dark = numpy.flatnonzero(strip[row])
    gaps = numpy.flatnonzero(numpy.diff(dark) > 1)
    bar_end = dark[gaps[0]] if len(gaps) else dark[-1]
    assert (bar_end - dark[0] + 1) / scale == pytest.approx(BAR_MM, abs=0.2)


def test_rolls_have_no_printable_margin_and_no_calibration() -> None:
    layout = LAYOUTS["roll-50x30"]
    assert layout.printable_margin_mm == 0
    assert not layout.is_sheet
    out = io.BytesIO()
    render_pdf(unit_labels(1), layout, out)
    assert out.getvalue().count(b"/Type /Page ") == 1


def test_a_printable_margin_that_leaves_a_label_no_room_is_refused() -> None:
    with pytest.raises(LayoutError, match="printable margin of 12 mm leaves label 1"):
        custom_layout(20, 20, columns=10, rows=14, margin_left_mm=0, printable_margin_mm=12)
    with pytest.raises(LayoutError, match="printable margin must be zero or more"):
        custom_layout(50, 30, columns=2, rows=2, printable_margin_mm=-1)
