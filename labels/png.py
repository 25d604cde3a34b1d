"""One page of labels as a PNG (1-bit or greyscale) at a chosen dpi, with Pillow.

The boxes are ``labels.geometry``'s and ``labels.fit``'s, the ones the PDF draws. The QR
symbol is scaled by whole pixels (nearest neighbour), so its modules stay crisp in 1-bit.
Each glyph is placed where the font's own advances put it, not where FreeType's hinted
advances would: hinting shifts a line by up to 2%, which could push text past its box.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from itertools import islice
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from labels.content import LabelContent
from labels.errors import ContentError, LabelError
from labels.fit import TextLine, fit_serial, fit_text, measure
from labels.fonts import Weight, font_face
from labels.geometry import MM_PER_PT, LabelGeometry, label_geometry, star_points
from labels.layouts import Layout
from labels.legibility import RunReport
from labels.qr import QrMatrix, qr_matrix

MIN_DPI = 72
MAX_DPI = 2400  # an A4 page at 2400 dpi is already 560 million pixels

Draw = ImageDraw.ImageDraw


def render_png(
    labels: Iterable[LabelContent],
    layout: Layout,
    *,
    dpi: int = 300,
    mode: Literal["1", "L"] = "1",
    page: int = 1,
    report: RunReport | None = None,
) -> bytes:
    """One page (counted from 1) of the labels as a PNG of the page's exact size at ``dpi``;
    ``report``, when given, collects the largest symbol and the dropped lines.

    Labels before the page are skipped without being drawn; labels after it are not read.
    """
    _check_options(dpi, mode, page)
    iterator = iter(labels)
    on_page = list(islice(iterator, (page - 1) * layout.per_page, page * layout.per_page))
    if not on_page:
        raise ContentError(f"there are no labels for page {page} of layout {layout.name!r}")
    scale = dpi / 25.4  # pixels per millimetre
    size = (round(layout.page_width_mm * scale), round(layout.page_height_mm * scale))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    if mode == "1":
        draw.fontmode = "1"  # FreeType's own 1-bit glyphs: crisper than thresholded grey
    report = report if report is not None else RunReport()
    for index, label in enumerate(on_page):
        geometry = label_geometry(
            layout.label_width_mm,
            layout.label_height_mm,
            label.serial is not None,
            insets=layout.label_insets(index),
        )
        _draw_label(image, draw, label, geometry, layout.label_origin_mm(index), scale, report)
    if mode == "1":
        image = image.convert("1", dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _check_options(dpi: int, mode: str, page: int) -> None:
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise LabelError(f"dpi must be a whole number from {MIN_DPI} to {MAX_DPI}, not {dpi!r}")
    if mode not in ("1", "L"):
        raise LabelError(f'mode must be "1" (1-bit) or "L" (greyscale), not {mode!r}')
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise LabelError(f"page must be a whole number from 1, not {page!r}")


def _draw_label(
    image: Image.Image,
    draw: Draw,
    label: LabelContent,
    geometry: LabelGeometry,
    origin: tuple[float, float],
    scale: float,
    report: RunReport,
) -> None:
    report.has_serial |= label.serial is not None
    matrix = qr_matrix(label.code)
    report.saw_symbol(matrix)
    _draw_qr(image, matrix, geometry, origin, scale)
    block = fit_text(geometry.text, label.title, label.lines, label.footer, label.ocop_stars)
    report.saw_text(block)
    for line in block.lines:
        draw_line(draw, line, origin, scale)
    for star in block.stars:
        points = star_points(
            origin[0] + star.centre_x_mm, origin[1] + star.centre_y_mm, star.radius_mm
        )
        draw.polygon([(x * scale, y * scale) for x, y in points], fill=0)
    if label.serial is not None and geometry.serial is not None:
        serial = fit_serial(geometry.serial, label.serial)
        if serial is not None:
            draw_line(draw, serial, origin, scale)


def _draw_qr(
    image: Image.Image,
    matrix: QrMatrix,
    geometry: LabelGeometry,
    origin: tuple[float, float],
    scale: float,
) -> None:
    symbol = geometry.qr_symbol(matrix.size).moved(*origin)
    left, top = round(symbol.x * scale), round(symbol.y * scale)
    side = round(symbol.right * scale) - left
    modules = Image.frombytes("L", (matrix.size, matrix.size), matrix.pixels)
    image.paste(modules.resize((side, side), Image.Resampling.NEAREST), (left, top))


def draw_line(draw: Draw, line: TextLine, origin: tuple[float, float], scale: float) -> None:
    """Each glyph where the font's own advances put it (see the module); also the thermal
    printers' bitmaps' text (``labels.raster``)."""
    size_mm = line.size_pt * MM_PER_PT
    font = _pillow_font(line.weight, round(size_mm * scale, 2))
    pen_mm = origin[0] + line.x_mm
    baseline = (origin[1] + line.baseline_mm) * scale
    for char in line.text:
        if not char.isspace():
            draw.text((pen_mm * scale, baseline), char, font=font, fill=0, anchor="ls")
        pen_mm += measure(line.weight, char).advance * size_mm


@functools.lru_cache(maxsize=32)
def _pillow_font(weight: Weight, size_px: float) -> ImageFont.FreeTypeFont:
    """The same font file as the PDF's, at a size in pixels; basic layout, as the PDF does no
    shaping or kerning either."""
    return ImageFont.truetype(
        io.BytesIO(font_face(weight).data), size_px, layout_engine=ImageFont.Layout.BASIC
    )
