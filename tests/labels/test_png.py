"""The PNG: every code decodes in order (1-bit and greyscale, also at 2 pixels a module), the
page's exact size in pixels, dpi metadata, and the same geometry as the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp

from labels import LAYOUTS, ContentError, LabelError, custom_layout, render_pdf, render_png
from labels.fit import fit_text
from labels.geometry import label_geometry
from labels.qr import qr_matrix
from tests.labels.helpers import (
    FOOTER,
    decode_by_label,
    first_label_page,
    geometry_at,
    png_image,
    rasterise,
    unit_labels,
)

LAYOUT_IDS = list(LAYOUTS)


@pytest.mark.parametrize("mode", ["1", "L"])
@pytest.mark.parametrize("name", LAYOUT_IDS)
def test_every_code_decodes_in_label_order(name: str, mode: str) -> None:
    layout = LAYOUTS[name]
    labels = unit_labels(layout.per_page)
    image = png_image(render_png(labels, layout, mode=mode))  # type: ignore[arg-type]
    assert image.mode == mode
    assert decode_by_label(image, layout, 300) == [label.code for label in labels]


@pytest.mark.parametrize("name", LAYOUT_IDS)
def test_codes_still_decode_at_two_pixels_a_module(name: str) -> None:
    layout = LAYOUTS[name]
    labels = unit_labels(layout.per_page)
    modules = qr_matrix(labels[0].code).size
    module_mm = min(
        geometry_at(layout, index).qr_module_mm(modules) for index in range(layout.per_page)
    )
    dpi = round(2 * 25.4 / module_mm)
    image = png_image(render_png(labels, layout, dpi=dpi))
    assert decode_by_label(image, layout, dpi) == [label.code for label in labels]


@pytest.mark.parametrize("dpi", [300, 203, 600])
@pytest.mark.parametrize("name", ["roll-40x25", "a4-4x10"])
def test_size_in_pixels_is_the_page_in_mm_at_that_dpi(name: str, dpi: int) -> None:
    layout = LAYOUTS[name]
    image = png_image(render_png(unit_labels(1), layout, dpi=dpi, mode="L"))
    assert image.size == (
        round(layout.page_width_mm / 25.4 * dpi),
        round(layout.page_height_mm / 25.4 * dpi),
    )
    assert tuple(round(value) for value in image.info["dpi"]) == (dpi, dpi)


def test_one_bit_pixels_are_black_or_white_and_modules_whole_pixels() -> None:
    layout = LAYOUTS["roll-50x30"]
    label = unit_labels(1)[0]
    image = png_image(render_png([label], layout)).convert("L")
    assert set(image.histogram()[1:255]) == {0}  # nothing between black and white
    geometry = label_geometry(layout.label_width_mm, layout.label_height_mm, True)
    matrix = qr_matrix(label.code)
    symbol = geometry.qr_symbol(matrix.size)
    scale = 300 / 25.4
    left, top = round(symbol.x * scale), round(symbol.y * scale)
    side = round(symbol.right * scale) - left
    # Sampled at each module's centre, the image holds exactly the matrix.
    for row in range(matrix.size):
        for column in range(matrix.size):
            pixel = image.getpixel(
                (
                    left + int((column + 0.5) * side / matrix.size),
                    top + int((row + 0.5) * side / matrix.size),
                )
            )
            assert (pixel == 0) == matrix.is_dark(column, row)


def test_png_and_pdf_put_each_code_in_the_same_place(tmp_path: Path) -> None:
    layout = LAYOUTS["a4-4x10"]
    labels = unit_labels(layout.per_page)
    out = io.BytesIO()
    render_pdf(labels, layout, out)
    from_pdf = rasterise(out.getvalue(), tmp_path, 300, page=first_label_page(layout))
    from_png = png_image(render_png(labels, layout))

    def corners(image: object) -> dict[str, tuple[int, int]]:
        return {
            code.text: (code.position.top_left.x, code.position.top_left.y)
            for code in zxingcpp.read_barcodes(image)
        }

    pdf_corners, png_corners = corners(from_pdf), corners(from_png)
    assert pdf_corners.keys() == png_corners.keys() == {label.code for label in labels}
    for code, (x, y) in pdf_corners.items():
        assert abs(x - png_corners[code][0]) <= 2
        assert abs(y - png_corners[code][1]) <= 2


def test_the_serial_and_the_stars_are_drawn() -> None:
    layout = LAYOUTS["roll-50x30"]
    image = png_image(render_png(unit_labels(1, ocop_stars=5, lines=()), layout, mode="L"))
    geometry = label_geometry(layout.label_width_mm, layout.label_height_mm, True)
    scale = 300 / 25.4
    assert geometry.serial is not None
    serial_box = tuple(
        round(value * scale)
        for value in (
            geometry.serial.x,
            geometry.serial.y,
            geometry.serial.right,
            geometry.serial.bottom,
        )
    )
    assert image.crop(serial_box).getextrema()[0] == 0
    block = fit_text(geometry.text, "Gạo ST25 Sóc Trăng", (), FOOTER, 5)
    assert len(block.stars) == 5
    for star in block.stars:
        assert (
            image.getpixel((round(star.centre_x_mm * scale), round(star.centre_y_mm * scale))) == 0
        )


def test_later_pages_take_the_next_labels() -> None:
    layout = LAYOUTS["a4-3x8"]
    labels = unit_labels(30)
    image = png_image(render_png(iter(labels), layout, page=2))
    expected = [label.code for label in labels[24:]] + [None] * 18
    assert decode_by_label(image, layout, 300) == expected
    with pytest.raises(ContentError, match="there are no labels for page 3 of layout 'a4-3x8'"):
        render_png(labels, layout, page=3)


def test_a_custom_layout_renders_too() -> None:
    layout = custom_layout(
        30, 50, columns=2, rows=1, gap_x_mm=3, page_width_mm=70, page_height_mm=55
    )
    labels = unit_labels(2)
    image = png_image(render_png(labels, layout))
    assert decode_by_label(image, layout, 300) == [label.code for label in labels]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dpi": 0}, "dpi must be a whole number from 72 to 2400, not 0"),
        ({"dpi": 300.5}, "dpi must be a whole number"),
        ({"mode": "RGB"}, 'mode must be "1" \\(1-bit\\) or "L" \\(greyscale\\), not \'RGB\''),
        ({"page": 0}, "page must be a whole number from 1, not 0"),
    ],
)
def test_bad_options_are_our_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(LabelError, match=message):
        render_png(unit_labels(1), LAYOUTS["roll-50x30"], **options)  # type: ignore[arg-type]
