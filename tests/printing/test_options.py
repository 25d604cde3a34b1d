"""Reading a print request: defaults, every field's problem named, custom sizes."""

from __future__ import annotations

import pytest

from labels import LAYOUTS
from trace.errors import InvalidInput
from trace.printing.options import LabelLine, read_options


def test_defaults_are_one_a4_sticker_sheet_label_with_every_line_in_vietnamese():
    options = read_options({})
    assert options.layout == LAYOUTS["a4-3x8"]
    assert (options.count, options.is_serialised, options.language) == (1, False, "vi")
    assert (options.format, options.dpi) == ("pdf", 300)
    assert options.lines == frozenset(LabelLine)


def test_text_values_as_a_form_or_query_string_sends_them():
    options = read_options(
        {
            "layout": "roll-40x25",
            "count": "250",
            "serialised": "true",
            "lines": "lot,expiry",
            "language": "en",
            "format": "pdf",
            "dpi": "600",
        }
    )
    assert options.layout == LAYOUTS["roll-40x25"]
    assert (options.count, options.is_serialised, options.dpi) == (250, True, 600)
    assert options.lines == {LabelLine.LOT, LabelLine.EXPIRY}
    assert read_options({"lines": ""}).lines == frozenset()
    assert read_options({"format": "png", "count": "500"}).count == 24  # one A4 sheet
    assert read_options({"lines": ["ocop", "tagline"]}).lines == {LabelLine.OCOP, LabelLine.TAGLINE}


def test_a_custom_size_becomes_a_layout():
    options = read_options(
        {
            "layout": "custom",
            "width_mm": "60",
            "height_mm": "40,5",
            "columns": "3",
            "rows": "6",
            "margin_left_mm": "15",
            "margin_top_mm": "20",
            "gap_x_mm": "0",
            "gap_y_mm": "2",
        }
    )
    layout = options.layout
    assert (layout.label_width_mm, layout.label_height_mm) == (60, 40.5)
    assert (layout.columns, layout.rows, layout.per_page) == (3, 6, 18)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"count": "0"}, "count"),
        ({"count": "10001"}, "count"),
        ({"count": "ba"}, "count"),
        ({"count": True}, "count"),
        ({"dpi": "72"}, "dpi"),
        ({"format": "svg"}, "format"),
        ({"language": "fr"}, "language"),
        ({"lines": "lot,price"}, "lines"),
        ({"serialised": "maybe"}, "serialised"),
        ({"layout": "a5"}, "layout"),
        ({"layout": "custom", "height_mm": "30"}, "width_mm"),
        ({"layout": "custom", "width_mm": "-5", "height_mm": "30"}, "width_mm"),
        ({"layout": "custom", "width_mm": "5", "height_mm": "5"}, "layout"),
        ({"layout": "custom", "width_mm": "300", "height_mm": "30", "columns": "2"}, "layout"),
        (
            {"layout": "custom", "width_mm": "60", "height_mm": "40", "printable_margin_mm": "25"},
            "printable_margin_mm",
        ),
        (
            {"layout": "custom", "width_mm": "60", "height_mm": "40", "printable_margin_mm": "-1"},
            "printable_margin_mm",
        ),
    ],
)
def test_each_problem_is_named_at_its_field(values, field):
    with pytest.raises(InvalidInput) as refused:
        read_options(values)
    assert field in refused.value.errors


def test_every_problem_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        read_options({"count": "0", "format": "svg", "language": "fr"})
    assert set(refused.value.errors) == {"count", "format", "language"}


# 15 mm stickers cut to an A4 sheet's edges: 14 across (210 mm) and 19 down (285 mm).
EDGE_TO_EDGE = {
    "layout": "custom",
    "width_mm": "15",
    "height_mm": "15",
    "columns": "14",
    "rows": "19",
    "margin_left_mm": "0",
    "margin_top_mm": "0",
}


def test_custom_stickers_at_the_sheets_edge_need_room_inside_the_printers_margin():
    with pytest.raises(InvalidInput) as raised:
        read_options(EDGE_TO_EDGE)
    [message] = raised.value.errors["layout"]
    assert "5 mm the printer cannot print" in str(message)
    roomy = read_options(
        {**EDGE_TO_EDGE, "margin_left_mm": "", "margin_top_mm": "", "columns": "12"}
    )
    assert roomy.layout.printable_margin_mm == 5


def test_a_custom_layout_takes_its_printers_margin():
    """Stickers cut to the sheet's edge print whole on a printer that prints to the edge;
    a printer with a 3.5 mm edge refuses them, naming its own margin."""
    edge_to_edge = read_options({**EDGE_TO_EDGE, "printable_margin_mm": "0"}).layout
    assert (edge_to_edge.printable_margin_mm, edge_to_edge.per_page) == (0, 14 * 19)
    with pytest.raises(InvalidInput) as raised:
        read_options({**EDGE_TO_EDGE, "printable_margin_mm": "3,5"})
    [message] = raised.value.errors["layout"]
    assert "3.5 mm the printer cannot print" in str(message)
    roll = {"layout": "custom", "width_mm": "50", "height_mm": "30"}
    assert read_options(roll).layout.printable_margin_mm == 0
    assert read_options({**roll, "printable_margin_mm": "1"}).layout.printable_margin_mm == 1
