"""The PDF: exact page size, every code decodes (also at 2 pixels a module), vector paths and an
embedded subset font, extractable Vietnamese text, serials and stars where they belong."""

from __future__ import annotations

import io
import math
import re
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pytest

from labels import LAYOUTS, ContentError, LabelContent, Layout, custom_layout, render_pdf
from labels.fit import fit_text
from labels.geometry import label_geometry
from labels.qr import qr_matrix
from tests.labels.helpers import (
    FOOTER,
    LINES,
    LONG_TITLE,
    decode_by_label,
    first_label_page,
    geometry_at,
    rasterise,
    unit_labels,
    unit_url,
)

PT_PER_MM = 72 / 25.4
LAYOUT_IDS = list(LAYOUTS)


def pdf_of(labels: list[LabelContent], layout: Layout) -> bytes:
    out = io.BytesIO()
    render_pdf(labels, layout, out)
    return out.getvalue()


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """Every stream object: its dictionary and its decompressed data."""
    found = []
    for match in re.finditer(rb"<<((?:(?!>>\s*stream).)*?)>>\s*stream\n", pdf, re.S):
        length = int(re.search(rb"/Length (\d+)", match.group(1)).group(1))  # type: ignore[union-attr]
        data = pdf[match.end() : match.end() + length]
        found.append((match.group(1), zlib.decompress(data)))
    return found


def page_streams(pdf: bytes) -> list[bytes]:
    """The pages' content streams (not forms, font files or CMaps), in file order."""
    return [
        data
        for entries, data in streams(pdf)
        if b"/Type" not in entries and b"/Length1" not in entries and b"begincmap" not in data
    ]


@pytest.fixture(scope="module", params=LAYOUT_IDS)
def full_page(request: pytest.FixtureRequest) -> tuple[Layout, list[LabelContent], bytes]:
    """A full first page of serialised labels and a few on a second, for each layout."""
    layout = LAYOUTS[request.param]
    labels = unit_labels(layout.per_page + 2)
    return layout, labels, pdf_of(labels, layout)


def test_the_page_is_exactly_the_layouts_millimetres(
    full_page: tuple[Layout, list[LabelContent], bytes], tmp_path: Path
) -> None:
    layout, _, pdf = full_page
    width, height = layout.page_width_mm * PT_PER_MM, layout.page_height_mm * PT_PER_MM
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box is not None
    assert float(box.group(1)) == pytest.approx(width, abs=1e-4)
    assert float(box.group(2)) == pytest.approx(height, abs=1e-4)
    (tmp_path / "labels.pdf").write_bytes(pdf)
    info = run("pdfinfo", "-box", "-f", "1", "-l", "2", str(tmp_path / "labels.pdf"))
    label_pages = 2 if layout.per_page > 1 else layout.per_page + 2
    assert f"Pages:           {label_pages + first_label_page(layout) - 1}" in info
    for page in (1, 2):
        media = re.search(rf"Page +{page} MediaBox: +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)", info)
        assert media is not None
        assert [float(value) for value in media.groups()] == pytest.approx(
            [0, 0, width, height], abs=0.01
        )


def test_every_code_decodes_to_its_url_in_label_order(
    full_page: tuple[Layout, list[LabelContent], bytes], tmp_path: Path
) -> None:
    layout, labels, pdf = full_page
    first = first_label_page(layout)
    image = rasterise(pdf, tmp_path, 300, page=first)
    # pdftoppm rounds the page up to whole pixels.
    assert image.size == (
        math.ceil(layout.page_width_mm / 25.4 * 300),
        math.ceil(layout.page_height_mm / 25.4 * 300),
    )
    assert decode_by_label(image, layout, 300) == [
        label.code for label in labels[: layout.per_page]
    ]
    if layout.per_page > 1:
        second = decode_by_label(rasterise(pdf, tmp_path, 300, page=first + 1), layout, 300)
        assert second[:2] == [labels[-2].code, labels[-1].code]
        assert second[2:] == [None] * (layout.per_page - 2)


def test_codes_still_decode_at_about_two_pixels_a_module(
    full_page: tuple[Layout, list[LabelContent], bytes], tmp_path: Path
) -> None:
    layout, labels, pdf = full_page
    modules = qr_matrix(labels[0].code).size
    module_mm = min(
        geometry_at(layout, index).qr_module_mm(modules) for index in range(layout.per_page)
    )
    # At exactly 2.0 a symbol's phase against the pixel grid decides, and sheets now place
    # their edge labels' codes at other phases than their inner ones: 2.1 reads at any phase.
    dpi = round(2.1 * 25.4 / module_mm, 2)
    image = rasterise(pdf, tmp_path, dpi, page=first_label_page(layout), mono=False)
    assert decode_by_label(image, layout, dpi) == [
        label.code for label in labels[: layout.per_page]
    ]


def test_each_code_is_where_the_geometry_puts_it(
    full_page: tuple[Layout, list[LabelContent], bytes], tmp_path: Path
) -> None:
    """Printed at 100%, the symbol's corner lands within a tenth of a millimetre."""
    import zxingcpp

    layout, labels, pdf = full_page
    dpi = 600
    image = rasterise(pdf, tmp_path, dpi, page=first_label_page(layout))
    found = {
        code.text: code.position.top_left
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    }
    for index, label in enumerate(labels[: layout.per_page]):
        left, top = layout.label_origin_mm(index)
        geometry = geometry_at(layout, index)
        symbol = geometry.qr_symbol(qr_matrix(label.code).size).moved(left, top)
        corner = found[label.code]
        assert corner.x / dpi * 25.4 == pytest.approx(symbol.x, abs=0.1)
        assert corner.y / dpi * 25.4 == pytest.approx(symbol.y, abs=0.1)


def test_the_quiet_zone_stays_white(
    full_page: tuple[Layout, list[LabelContent], bytes], tmp_path: Path
) -> None:
    layout, labels, pdf = full_page
    dpi = 300
    image = rasterise(pdf, tmp_path, dpi, page=first_label_page(layout)).convert("L")
    scale = dpi / 25.4
    for index, label in enumerate(labels[: layout.per_page]):
        left, top = layout.label_origin_mm(index)
        geometry = geometry_at(layout, index)
        zone = geometry.qr_zone.moved(left, top)
        symbol = geometry.qr_symbol(qr_matrix(label.code).size).moved(left, top)
        # One pixel inside the zone's edge and outside the symbol's, for the rasteriser's rounding.
        outer = (
            round(zone.x * scale) + 1,
            round(zone.y * scale) + 1,
            round(zone.right * scale) - 1,
            round(zone.bottom * scale) - 1,
        )
        inner = (
            round(symbol.x * scale) - 1,
            round(symbol.y * scale) - 1,
            round(symbol.right * scale) + 1,
            round(symbol.bottom * scale) + 1,
        )
        ring = image.crop(outer)
        ring.paste(
            255,
            (inner[0] - outer[0], inner[1] - outer[1], inner[2] - outer[0], inner[3] - outer[1]),
        )
        assert ring.getextrema() == (255, 255), f"something is drawn in label {index}'s quiet zone"


def test_the_font_is_embedded_as_a_subset_with_unicode(tmp_path: Path) -> None:
    (tmp_path / "labels.pdf").write_bytes(pdf_of(unit_labels(2), LAYOUTS["roll-50x30"]))
    rows = run("pdffonts", str(tmp_path / "labels.pdf")).splitlines()[2:]
    assert len(rows) == 2
    names = sorted(row.split()[0].split("+")[1] for row in rows)
    assert names == ["BeVietnamPro-Bold", "BeVietnamPro-Regular"]
    for row in rows:
        assert re.fullmatch(r"[A-Z]{6}\+\S+ +CID TrueType +Identity-H +yes yes yes +\d+ +0", row)


def test_nothing_is_an_image_and_every_stream_is_compressed(tmp_path: Path) -> None:
    layout = LAYOUTS["a4-3x8"]
    pdf = pdf_of(unit_labels(30), layout)
    (tmp_path / "labels.pdf").write_bytes(pdf)
    assert run("pdfimages", "-list", str(tmp_path / "labels.pdf")).splitlines()[2:] == []
    assert pdf.count(b">>\nstream\n") == pdf.count(b"/FlateDecode") == len(streams(pdf))
    page = page_streams(pdf)[first_label_page(layout) - 1]
    geometry = geometry_at(layout, 0)
    module_pt = geometry.qr_module_mm(qr_matrix(unit_url(0)).size) * PT_PER_MM
    # The QR code in module units under one cm: small integers for every rectangle.
    scale = re.search(rb"q ([\d.]+) 0 0 -([\d.]+) [\d.]+ [\d.]+ cm\n", page)
    assert scale is not None
    assert float(scale.group(1)) == float(scale.group(2)) == pytest.approx(module_pt, abs=1e-4)
    assert re.search(rb"\n\d+ \d+ \d+ 1 re\n\d+ \d+ \d+ 1 re\n", page)
    assert b" Tj\n" in page


def test_text_extracts_as_composed_vietnamese(tmp_path: Path) -> None:
    decomposed = [unicodedata.normalize("NFD", text) for text in (LONG_TITLE, *LINES[:2])]
    label = LabelContent(
        code=unit_url(1), title=decomposed[0], lines=tuple(decomposed[1:]), footer=FOOTER
    )
    (tmp_path / "labels.pdf").write_bytes(pdf_of([label], custom_layout(70, 50)))
    text = run("pdftotext", str(tmp_path / "labels.pdf"), "-")
    assert unicodedata.is_normalized("NFC", text)
    flat = " ".join(text.split())
    for expected in (LONG_TITLE, *LINES[:2], FOOTER):
        assert " ".join(expected.split()) in flat


def test_the_serial_is_printed_beside_its_code(tmp_path: Path) -> None:
    layout = LAYOUTS["roll-50x30"]
    (tmp_path / "labels.pdf").write_bytes(pdf_of(unit_labels(1, start=42), layout))
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
        r"([^<]*)</word>",
        run("pdftotext", "-bbox", str(tmp_path / "labels.pdf"), "-"),
    )
    (serial,) = [word for word in words if word[4] == "K7Q2M00042"]
    x_min, y_min, x_max, y_max = (float(value) / PT_PER_MM for value in serial[:4])
    geometry = label_geometry(layout.label_width_mm, layout.label_height_mm, True)
    assert geometry.serial is not None
    box = geometry.serial
    # On a wide label the serial is at the foot of the text column, beside the code.
    assert box.x - 0.1 <= x_min < x_max <= box.right + 0.1
    assert box.y <= (y_min + y_max) / 2 <= box.bottom
    assert x_min >= geometry.qr_zone.right


def test_ocop_stars_are_drawn_as_shapes_beside_the_word(tmp_path: Path) -> None:
    layout = LAYOUTS["roll-50x30"]
    pdf = pdf_of(unit_labels(1, ocop_stars=3, lines=()), layout)
    assert page_streams(pdf)[0].count(b"h f\n") == 3
    (tmp_path / "labels.pdf").write_bytes(pdf)
    assert "OCOP" in run("pdftotext", str(tmp_path / "labels.pdf"), "-")
    dpi = 300
    image = rasterise(pdf, tmp_path, dpi).convert("L")
    geometry = label_geometry(layout.label_width_mm, layout.label_height_mm, True)
    block = fit_text(geometry.text, "Gạo ST25 Sóc Trăng", (), FOOTER, 3)
    assert len(block.stars) == 3
    for star in block.stars:
        centre = (round(star.centre_x_mm * dpi / 25.4), round(star.centre_y_mm * dpi / 25.4))
        assert image.getpixel(centre) == 0


def test_batch_labels_draw_their_one_code_once(tmp_path: Path) -> None:
    layout = LAYOUTS["a4-3x8"]
    code = "https://truyxuat.soctrang.gov.vn/b/HTXTD-ST25-261118-01?k=k1&s=" + "A" * 86
    labels = [LabelContent(code=code, title="Gạo ST25", lines=LINES[:3])] * 48
    pdf = pdf_of(labels, layout)
    assert len(pdf) < 60_000
    forms = [entries for entries, _ in streams(pdf) if b"/Subtype /Form" in entries]
    distinct = len({geometry_at(layout, index, False) for index in range(layout.per_page)})
    # The code and the text, each drawn once for each geometry the page has (a label at the
    # sheet's edge keeps off the printable margin, so its code and text sit differently).
    assert len(forms) == 2 * distinct
    first = first_label_page(layout)
    for page in (first, first + 1):
        assert decode_by_label(rasterise(pdf, tmp_path, 300, page=page), layout, 300) == [code] * 24


def test_the_cross_reference_table_points_at_every_object() -> None:
    pdf = pdf_of(unit_labels(30), LAYOUTS["a4-3x8"])
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))  # type: ignore[union-attr]
    header = re.match(rb"xref\n0 (\d+)\n", pdf[start:])
    assert header is not None
    entries = pdf[start + header.end() :].split(b"trailer")[0].splitlines()
    assert len(entries) == int(header.group(1))
    for number, entry in enumerate(entries[1:], start=1):
        offset, _, kind = entry.split()
        assert kind == b"n"
        assert pdf[int(offset) :].startswith(b"%d 0 obj\n" % number)
    assert re.search(rb"/Size %d /Root \d+ 0 R" % len(entries), pdf)


def test_pages_are_counted_and_reported() -> None:
    seen: list[int] = []
    out = io.BytesIO()
    assert render_pdf(unit_labels(50), LAYOUTS["a4-3x8"], out, on_page=seen.append) == 3
    assert seen == [1, 2, 3]
    # The calibration page before the labels is not a page of labels.
    calibration = first_label_page(LAYOUTS["a4-3x8"]) - 1
    assert out.getvalue().count(b"/Type /Page ") == 3 + calibration


def test_no_labels_is_our_error() -> None:
    with pytest.raises(ContentError, match="there are no labels to render"):
        render_pdf([], LAYOUTS["a4-3x8"], io.BytesIO())


def test_a_code_too_long_for_a_qr_code_is_our_error() -> None:
    label = LabelContent(code="https://x.vn/" + "a" * 3000, title="Gạo")
    with pytest.raises(ContentError, match="cannot be made into a QR code"):
        render_pdf([label], LAYOUTS["roll-50x30"], io.BytesIO())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "", "title": "Gạo"}, "a label needs a code"),
        ({"code": "https://x.vn/b/1", "title": "  "}, "a label needs a title"),
        (
            {"code": "https://x.vn/b/1", "title": "Gạo", "ocop_stars": 6},
            "OCOP stars must be a whole number from 1 to 5, not 6",
        ),
        (
            {"code": "https://x.vn/b/1", "title": "Gạo", "lines": ("Lô", 7)},
            "every line of a label must be text",
        ),
        (
            {"code": "https://x.vn/b/1", "title": "Gạo", "serial": 12},
            "a label's serial must be text, or None for none",
        ),
    ],
)
def test_bad_content_is_refused_when_made(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ContentError, match=message):
        LabelContent(**fields)  # type: ignore[arg-type]


def test_lines_given_as_a_list_still_work() -> None:
    label = LabelContent(code=unit_url(3), title="Gạo", lines=["Lô: 1"])  # type: ignore[arg-type]
    assert label.lines == ("Lô: 1",)
