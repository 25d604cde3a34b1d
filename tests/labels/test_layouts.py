"""Layouts: page sizes and every label position in millimetres; custom layouts and their errors."""

from __future__ import annotations

import math
from typing import Any

import pytest

from labels import LAYOUTS, Layout, LayoutError, custom_layout


def positions(layout: Layout) -> list[tuple[float, float]]:
    return [layout.label_origin_mm(index) for index in range(layout.per_page)]


def test_the_four_layouts_are_the_ones_the_app_names() -> None:
    assert list(LAYOUTS) == ["roll-50x30", "roll-40x25", "a4-3x8", "a4-4x10"]
    assert all(name == layout.name for name, layout in LAYOUTS.items())


@pytest.mark.parametrize(
    ("name", "page", "label", "grid"),
    [
        ("roll-50x30", (50, 30), (50, 30), (1, 1)),
        ("roll-40x25", (40, 25), (40, 25), (1, 1)),
        ("a4-3x8", (210, 297), (70, 37), (3, 8)),
        ("a4-4x10", (210, 297), (52.5, 29.7), (4, 10)),
    ],
)
def test_page_and_label_sizes(
    name: str, page: tuple[float, float], label: tuple[float, float], grid: tuple[int, int]
) -> None:
    layout = LAYOUTS[name]
    assert (layout.page_width_mm, layout.page_height_mm) == page
    assert (layout.label_width_mm, layout.label_height_mm) == label
    assert (layout.columns, layout.rows) == grid
    assert layout.per_page == grid[0] * grid[1]


@pytest.mark.parametrize("name", ["roll-50x30", "roll-40x25"])
def test_a_roll_label_is_its_page(name: str) -> None:
    assert positions(LAYOUTS[name]) == [(0.0, 0.0)]


def test_every_position_on_the_3x8_sheet() -> None:
    # 8 x 37 mm = 296 mm: the half millimetre left over above and below, no gaps.
    expected = [(70.0 * column, 0.5 + 37.0 * row) for row in range(8) for column in range(3)]
    assert positions(LAYOUTS["a4-3x8"]) == pytest.approx(expected, abs=1e-9)


def test_every_position_on_the_4x10_sheet() -> None:
    # 4 x 52.5 = 210 and 10 x 29.7 = 297: edge to edge.
    expected = [(52.5 * column, 29.7 * row) for row in range(10) for column in range(4)]
    assert positions(LAYOUTS["a4-4x10"]) == pytest.approx(expected, abs=1e-9)
    last_x, last_y = positions(LAYOUTS["a4-4x10"])[-1]
    assert last_x + 52.5 == pytest.approx(210)
    assert last_y + 29.7 == pytest.approx(297)


def test_a_position_off_the_page_is_refused() -> None:
    with pytest.raises(LayoutError, match="label 24 is not on a page of layout 'a4-3x8'"):
        LAYOUTS["a4-3x8"].label_origin_mm(24)


def test_a_custom_single_label_is_a_roll() -> None:
    layout = custom_layout(60, 40)
    assert (layout.page_width_mm, layout.page_height_mm) == (60, 40)
    assert positions(layout) == [(0, 0)]


def test_a_custom_roll_with_margins_keeps_them_on_both_sides() -> None:
    layout = custom_layout(60, 40, margin_left_mm=2, margin_top_mm=1.5)
    assert (layout.page_width_mm, layout.page_height_mm) == (64, 43)
    assert positions(layout) == [(2, 1.5)]


def test_a_custom_grid_is_centred_on_a4() -> None:
    layout = custom_layout(63.5, 38.1, columns=3, rows=7, gap_x_mm=2.5)
    assert (layout.page_width_mm, layout.page_height_mm) == (210, 297)
    grid_width = 3 * 63.5 + 2 * 2.5
    assert layout.margin_left_mm == pytest.approx((210 - grid_width) / 2)
    assert layout.margin_top_mm == pytest.approx((297 - 7 * 38.1) / 2)
    assert positions(layout)[4] == pytest.approx(
        (layout.margin_left_mm + 66.0, layout.margin_top_mm + 38.1)
    )


def test_custom_margins_given_are_kept() -> None:
    layout = custom_layout(
        50,
        30,
        columns=2,
        rows=2,
        margin_left_mm=0,
        margin_top_mm=10,
        gap_x_mm=5,
        gap_y_mm=3,
        page_width_mm=105,
        page_height_mm=80,
    )
    assert positions(layout) == pytest.approx([(0, 10), (55, 10), (0, 43), (55, 43)])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"width_mm": -50, "height_mm": 30},
            "the label width must be a positive number of millimetres, not -50",
        ),
        ({"width_mm": 50, "height_mm": 0}, "the label height must be a positive number"),
        ({"width_mm": math.nan, "height_mm": 30}, "the label width must be a positive number"),
        (
            {"width_mm": 50, "height_mm": 30, "columns": 0},
            "the number of columns must be a whole number of 1 or more, not 0",
        ),
        ({"width_mm": 50, "height_mm": 30, "rows": 2.5}, "the number of rows must be a whole"),
        (
            {"width_mm": 14, "height_mm": 30},
            "a label of 14 x 30 mm is too small for a readable "
            "QR code: labels must be at least 15 x 15 mm",
        ),
        (
            {"width_mm": 50, "height_mm": 30, "gap_x_mm": -1},
            "the horizontal gap must be zero or more millimetres, not -1",
        ),
        ({"width_mm": 50, "height_mm": 30, "margin_top_mm": -2}, "the top margin must be zero"),
        (
            {"width_mm": 50, "height_mm": 30, "page_width_mm": 210},
            "give both the page width and the page height, or neither",
        ),
        (
            {"width_mm": 70, "height_mm": 37, "columns": 3, "rows": 8, "margin_left_mm": 5},
            "3 columns of 70 mm labels (with 0 mm gaps and a 5 mm left margin) need 215 mm, but "
            "the page is only 210 mm wide",
        ),
        (
            {"width_mm": 52.5, "height_mm": 29.7, "columns": 4, "rows": 11},
            "11 rows of 29.7 mm labels (with 0 mm gaps and a 0 mm top margin) need 326.7 mm, but "
            "the page is only 297 mm high",
        ),
        (
            {"width_mm": 50, "height_mm": 30, "page_width_mm": 40, "page_height_mm": 30},
            "need 50 mm, but the page is only 40 mm wide",
        ),
    ],
)
def test_custom_layout_errors_say_what_is_wrong(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(LayoutError) as raised:
        custom_layout(**arguments)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_layout_made_directly_is_checked_too() -> None:
    with pytest.raises(LayoutError, match="page height must be a positive number"):
        Layout("bad", 210, 0, 50, 30, 1, 1, 0, 0, 0, 0)
