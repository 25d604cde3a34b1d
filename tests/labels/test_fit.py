"""Geometry and text fitting: text wraps and shrinks, drops lines last first, never overflows,
and never touches the QR code or its quiet zone, on every layout and on awkward custom sizes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labels import LAYOUTS, Layout, custom_layout
from labels.fit import ELLIPSIS, MIN_PT, TITLE_PT, TextBlock, fit_serial, fit_text, measure
from labels.fonts import Weight
from labels.geometry import MM_PER_PT, SAFE_MARGIN_MM, Box, LabelGeometry, label_geometry
from tests.labels.helpers import FOOTER, LINES, LONG_TITLE, ink_boxes, intersects

AWKWARD = [
    custom_layout(15, 15),
    custom_layout(25, 25),
    custom_layout(15, 60),
    custom_layout(60, 15),
    custom_layout(100, 20),
    custom_layout(30, 50),
    custom_layout(17.3, 41.9),
    custom_layout(200, 150),
]
ALL_LAYOUTS = list(LAYOUTS.values()) + AWKWARD


def geometry_of(layout: Layout, has_serial: bool) -> LabelGeometry:
    return label_geometry(layout.label_width_mm, layout.label_height_mm, has_serial)


def assert_clear_of_the_code(block: TextBlock, geometry: LabelGeometry) -> None:
    for box in ink_boxes(block):
        assert geometry.text.contains(box), f"{box} leaves the text box {geometry.text}"
        assert not intersects(box, geometry.qr_zone), f"{box} touches the QR zone"


@pytest.mark.parametrize("layout", ALL_LAYOUTS, ids=lambda layout: layout.name)
@pytest.mark.parametrize("has_serial", [False, True], ids=["batch", "serial"])
def test_boxes_stay_apart_and_inside_the_label(layout: Layout, has_serial: bool) -> None:
    geometry = geometry_of(layout, has_serial)
    label = Box(0, 0, layout.label_width_mm, layout.label_height_mm)
    safe = Box(
        SAFE_MARGIN_MM,
        SAFE_MARGIN_MM,
        layout.label_width_mm - 2 * SAFE_MARGIN_MM,
        layout.label_height_mm - 2 * SAFE_MARGIN_MM,
    )
    # The quiet zone may use the label's blank edge; ink (symbol, text, serial) may not.
    assert label.contains(geometry.qr_zone)
    assert all(safe.contains(box) for box in [geometry.text, geometry.serial] if box)
    assert not intersects(geometry.text, geometry.qr_zone)
    if geometry.serial is not None:
        assert not intersects(geometry.serial, geometry.qr_zone)
        assert not intersects(geometry.serial, geometry.text)
    for modules in (45, 49, 53, 57):
        symbol = geometry.qr_symbol(modules)
        quiet = 4 * geometry.qr_module_mm(modules)
        assert safe.contains(symbol)
        with_quiet_zone = Box(
            symbol.x - quiet, symbol.y - quiet, symbol.width + 2 * quiet, symbol.height + 2 * quiet
        )
        assert geometry.qr_zone.contains(with_quiet_zone, tolerance=1e-6)


@pytest.mark.parametrize("layout", ALL_LAYOUTS, ids=lambda layout: layout.name)
@pytest.mark.parametrize("has_serial", [False, True], ids=["batch", "serial"])
def test_the_longest_text_never_touches_the_code(layout: Layout, has_serial: bool) -> None:
    geometry = geometry_of(layout, has_serial)
    block = fit_text(geometry.text, LONG_TITLE, LINES, FOOTER, 5)
    assert_clear_of_the_code(block, geometry)
    assert all(line.size_pt >= MIN_PT for line in block.lines)
    if has_serial:
        serial = fit_serial(geometry.serial, "K7Q2M00042") if geometry.serial else None
        assert serial is not None
        assert geometry.serial is not None
        assert geometry.serial.contains(serial.ink)
        assert not intersects(serial.ink, geometry.qr_zone)


@pytest.mark.parametrize("has_serial", [False, True], ids=["batch", "serial"])
def test_the_code_is_as_large_as_a_wide_label_allows(has_serial: bool) -> None:
    geometry = geometry_of(LAYOUTS["roll-50x30"], has_serial)
    assert geometry.text_beside
    # Version 8 with its quiet zone takes the label's full height, blank edge included;
    # the serial goes to the text column, so it costs the code nothing.
    assert geometry.qr_zone == Box(0, 0, 30, 30)
    assert geometry.qr_module_mm(49) == pytest.approx(30 / 57)
    assert geometry.qr_symbol(49).x == pytest.approx(4 * 30 / 57)
    assert geometry.text.x == pytest.approx(30)
    assert geometry.text.right == pytest.approx(49)
    if has_serial:
        assert geometry.serial is not None
        assert geometry.serial.bottom == pytest.approx(29)
        assert geometry.text.bottom < geometry.serial.y


def test_on_a_tall_label_the_text_goes_under_the_code() -> None:
    geometry = geometry_of(custom_layout(30, 50), True)
    assert not geometry.text_beside
    assert geometry.serial is not None
    assert geometry.text.y >= geometry.serial.bottom


def test_a_long_vietnamese_title_wraps_and_shrinks_but_stays_whole() -> None:
    geometry = geometry_of(LAYOUTS["roll-40x25"], False)
    block = fit_text(geometry.text, LONG_TITLE)
    assert len(block.lines) > 3
    assert " ".join(line.text for line in block.lines) == LONG_TITLE
    assert MIN_PT <= block.lines[0].size_pt < TITLE_PT
    assert block.dropped == ()
    assert_clear_of_the_code(block, geometry)


def test_a_short_title_keeps_its_full_size_on_one_line() -> None:
    geometry = geometry_of(LAYOUTS["a4-3x8"], False)
    block = fit_text(geometry.text, "Gạo ST25", ("Lô: ST25-261118-01",))
    assert [(line.text, line.size_pt) for line in block.lines] == [
        ("Gạo ST25", TITLE_PT),
        ("Lô: ST25-261118-01", 7.5),
    ]


def test_lines_that_do_not_fit_are_dropped_last_first_the_title_kept() -> None:
    geometry = geometry_of(LAYOUTS["roll-40x25"], True)
    lines = tuple(f"Dòng số {number}" for number in range(1, 13))
    block = fit_text(geometry.text, "Gạo ST25", lines, FOOTER, 3)
    shown = [line.text for line in block.lines]
    assert shown[0] == "Gạo ST25"
    kept = [text for text in lines if text in shown]
    assert kept == list(lines[: len(kept)])
    assert 0 < len(kept) < len(lines)
    assert block.dropped[:2] == (FOOTER, "OCOP 3")
    assert block.dropped[2:] == tuple(reversed(lines[len(kept) :]))
    assert all(line.size_pt == MIN_PT for line in block.lines[1:])
    assert block.lines[0].size_pt >= MIN_PT
    assert_clear_of_the_code(block, geometry)


def test_a_title_too_long_for_a_tiny_box_is_cut_with_an_ellipsis() -> None:
    box = Box(0, 0, 12, 5)
    block = fit_text(box, LONG_TITLE * 3, LINES)
    assert block.lines
    assert block.lines[-1].text.endswith(ELLIPSIS)
    assert all(box.contains(ink) for ink in ink_boxes(block))
    assert block.dropped == tuple(reversed(LINES))


def test_a_box_with_no_room_draws_nothing() -> None:
    block = fit_text(Box(0, 0, 20, 0.5), "Gạo ST25")
    assert block.lines == ()
    assert block.dropped == ("Gạo ST25",)


def test_decomposed_input_is_drawn_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Gạo thơm Trần Đề")
    assert decomposed != "Gạo thơm Trần Đề"
    block = fit_text(Box(0, 0, 60, 20), decomposed, (unicodedata.normalize("NFD", "Lô: Sóc"),))
    assert [line.text for line in block.lines] == ["Gạo thơm Trần Đề", "Lô: Sóc"]
    serial = fit_serial(Box(0, 0, 30, 3), unicodedata.normalize("NFD", "Ấ-01"))
    assert serial is not None
    assert serial.text == "Ấ-01"


def test_ocop_stars_are_placed_after_the_word_inside_the_box() -> None:
    geometry = geometry_of(LAYOUTS["a4-3x8"], False)
    block = fit_text(geometry.text, "Mật ong", (), None, 5)
    assert len(block.stars) == 5
    ocop = next(line for line in block.lines if line.text == "OCOP")
    word_end = ocop.x_mm + measure(Weight.BOLD, "OCOP").advance * ocop.size_pt * MM_PER_PT
    assert all(star.ink.x > word_end for star in block.stars)
    assert all(ocop.ink.contains(star.ink) for star in block.stars)
    assert_clear_of_the_code(block, geometry)


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(15, 120),
    height=st.floats(15, 90),
    has_serial=st.booleans(),
    title=st.text(
        st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠẤẦẪỮỰ -–.,0123456789"),
        min_size=1,
        max_size=120,
    ).filter(str.strip),
    lines=st.lists(st.text(st.sampled_from("Lô:ST25-ẫỹ ợ/0189"), max_size=60), max_size=8),
    stars=st.none() | st.integers(1, 5),
)
def test_any_text_on_any_size_stays_in_its_box(
    width: float, height: float, has_serial: bool, title: str, lines: list[str], stars: int | None
) -> None:
    geometry = label_geometry(width, height, has_serial)
    block = fit_text(geometry.text, title, tuple(lines), FOOTER, stars)
    assert_clear_of_the_code(block, geometry)
