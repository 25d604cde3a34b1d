"""TSPL and ZPL jobs: rendered by an independent ZPL renderer or parsed, every code decoded back,
at both printer resolutions; QR modules in whole dots; sheets and other resolutions refused."""

from __future__ import annotations

import io
import random
import re

import pytest
from PIL import Image

from labels import LAYOUTS, ContentError, LabelContent, LayoutError, custom_layout
from labels.geometry import Box, LabelGeometry, label_geometry
from labels.qr import qr_matrix
from labels.raster import label_dots, module_dots, render_label
from labels.tspl import render_tspl
from labels.zpl import compress, render_zpl
from tests.labels.helpers import unit_labels, unit_url
from tests.labels.thermal import (
    decompress_zpl,
    parse_tspl,
    qr_texts,
    zpl_copies,
)
from tests.labels.thermal import (
    render_zpl as renderer,
)

ROLLS = ["roll-50x30", "roll-40x25"]
DPIS = [203, 300]


def job(render, labels, layout, dpi, **kwargs) -> bytes:
    out = io.BytesIO()
    assert render(labels, layout, out, dpi=dpi, **kwargs) == len(labels)
    return out.getvalue()


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("name", ROLLS)
def test_a_serialised_zpl_job_renders_and_every_code_decodes(name, dpi):
    layout = LAYOUTS[name]
    labels = unit_labels(3)
    written = []
    data = job(render_zpl, labels, layout, dpi, on_label=written.append)
    assert written == [1, 2, 3]
    assert data.count(b"^XA") == 3
    assert zpl_copies(data) == [1, 1, 1]
    width, height = label_dots(layout.label_width_mm, layout.label_height_mm, dpi)
    assert f"^PW{width}^LL{height}".encode() in data
    images = renderer(data, layout.label_width_mm, layout.label_height_mm, dpi)
    assert [qr_texts(image) for image in images] == [[label.code] for label in labels]


@pytest.mark.parametrize("dpi", DPIS)
def test_batch_copies_are_one_zpl_label_printed_n_times(dpi):
    layout = LAYOUTS["roll-50x30"]
    [label] = unit_labels(1, serial=False)
    data = job(render_zpl, [label] * 5, layout, dpi)
    assert zpl_copies(data) == [5]
    assert b"^MNY" in data  # a die-cut roll: the printer finds each label by its gap
    [image] = renderer(data, layout.label_width_mm, layout.label_height_mm, dpi)
    assert qr_texts(image) == [label.code]


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("name", ROLLS)
def test_a_tspl_job_parses_and_every_bitmap_decodes(name, dpi):
    layout = LAYOUTS[name]
    labels = [*unit_labels(3), *unit_labels(1, start=9, serial=False) * 4]
    parsed = parse_tspl(job(render_tspl, labels, layout, dpi))
    assert parsed.size_mm == (layout.label_width_mm, layout.label_height_mm)
    assert parsed.gap_mm == 2.0
    assert [label.copies for label in parsed.labels] == [1, 1, 1, 4]
    width, height = label_dots(layout.label_width_mm, layout.label_height_mm, dpi)
    codes = [label.code for label in labels[:4]]
    for printed, code in zip(parsed.labels, codes, strict=True):
        assert printed.image.height == height
        assert 0 <= printed.image.width - width < 8
        assert qr_texts(printed.image) == [code]


def test_a_custom_roll_keeps_its_gap_and_continuous_media_says_so():
    labels = unit_labels(1)
    gapped = custom_layout(60, 40, gap_y_mm=3)
    assert parse_tspl(job(render_tspl, labels, gapped, 203)).gap_mm == 3.0
    continuous = custom_layout(60, 40)
    assert parse_tspl(job(render_tspl, labels, continuous, 203)).gap_mm == 0.0
    assert b"^MNN" in job(render_zpl, labels, continuous, 203)


@pytest.mark.parametrize(("dpi", "dots"), [(203, 4), (300, 6)])
def test_half_millimetre_modules_are_whole_dots(dpi, dots):
    modules = qr_matrix(unit_url(0)).size
    zone = 0.5 * (modules + 8)
    label = Box(0, 0, 80, zone + 2)
    geometry = LabelGeometry(
        80, zone + 2, Box(1, 1, zone, zone), None, Box(zone, 1, 5, 5), True, label
    )
    assert module_dots(geometry, modules, dpi) == dots


@pytest.mark.parametrize("dpi", DPIS)
@pytest.mark.parametrize("name", ROLLS)
def test_the_printed_code_has_modules_of_equal_whole_dots(name, dpi):
    layout = LAYOUTS[name]
    [label] = unit_labels(1)
    image = render_label(label, layout.label_width_mm, layout.label_height_mm, dpi)
    modules = qr_matrix(label.code).size
    geometry = label_geometry(layout.label_width_mm, layout.label_height_mm, True)
    dots = module_dots(geometry, modules, dpi)
    # The nearest whole dot, or the one below when the quiet zone would get too thin.
    assert abs(dots - geometry.qr_module_mm(modules) * dpi / 25.4) < 1
    # The finder pattern's top edge is 7 modules of black: 7 x dots, not 7 x 3.6.
    pixels = image.load()
    zone_right = round(geometry.qr_zone.right * dpi / 25.4)
    top, left = next(
        (y, x) for y in range(image.height) for x in range(zone_right) if pixels[x, y] == 0
    )
    run = 0
    while pixels[left + run, top] == 0:
        run += 1
    assert run == 7 * dots
    assert modules * dots <= geometry.qr_zone.width * dpi / 25.4


@pytest.mark.parametrize("render", [render_tspl, render_zpl])
def test_sheets_other_resolutions_and_empty_runs_are_refused(render):
    labels = unit_labels(1)
    with pytest.raises(LayoutError, match="sheet of 24 labels"):
        job(render, labels, LAYOUTS["a4-3x8"], 203)
    with pytest.raises(LayoutError, match="203 or 300 dpi"):
        job(render, labels, LAYOUTS["roll-50x30"], 600)
    with pytest.raises(ContentError):
        render([], LAYOUTS["roll-50x30"], io.BytesIO(), dpi=203)


def test_zpl_ascii_compression_round_trips():
    generator = random.Random(21)
    row_bytes = 600  # runs past 400, the longest one count letter gives
    rows = [
        bytes(row_bytes),
        bytes([255]) * row_bytes,
        bytes([255]) * row_bytes,
        bytes([0xF0]) * 10 + bytes(row_bytes - 10),
        bytes(generator.randrange(256) for _ in range(row_bytes)),
        bytes([0x0F]) * (row_bytes - 1) + bytes([0xFF]),
    ]
    bitmap = b"".join(rows)
    packed = compress(bitmap, row_bytes)
    assert decompress_zpl(packed, row_bytes, len(rows)) == bitmap
    assert len(packed) < len(bitmap)  # three of six rows are one or two characters


@pytest.mark.parametrize("dpi", DPIS)
def test_a_zpl_label_is_its_bitmap_compressed(dpi):
    layout = LAYOUTS["roll-50x30"]
    [label] = unit_labels(1)
    data = job(render_zpl, [label], layout, dpi).decode("ascii")
    match = re.search(r"\^GFA,(\d+),(\d+),(\d+),([^\^]*)\^FS", data)
    assert match
    total, _, row_bytes, packed = match.groups()
    image = render_label(label, layout.label_width_mm, layout.label_height_mm, dpi)
    raw = decompress_zpl(packed, int(row_bytes), image.height)
    assert len(raw) == int(total)
    printed = Image.frombytes("1", (int(row_bytes) * 8, image.height), raw)
    # ZPL's set bits are black: inverted, the bitmap is the label as drawn.
    assert printed.crop((0, 0, *image.size)).convert("L").point(lambda v: 255 - v).tobytes() == (
        image.convert("L").tobytes()
    )
    assert len(packed) < int(total)  # smaller than the raw bytes, let alone their hex


def test_vietnamese_text_is_drawn_not_left_to_printer_fonts():
    label = LabelContent(code=unit_url(1), title="Gạo ST25 Sóc Trăng", serial="K7Q2M00001")
    plain = LabelContent(code=unit_url(1), title="Gao ST25 Soc Trang", serial="K7Q2M00001")
    tspl = job(render_tspl, [label], LAYOUTS["roll-50x30"], 203)
    assert b"TEXT" not in tspl
    assert "Gạo".encode() not in tspl
    ink = [render_label(item, 50, 30, 203).convert("L").histogram()[0] for item in (label, plain)]
    assert ink[0] > ink[1]  # the diacritics are ink of their own
