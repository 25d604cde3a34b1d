"""One label as a 1-bit image at a thermal printer's resolution, for the TSPL and ZPL jobs.

The boxes are ``labels.geometry``'s and ``labels.fit``'s, the ones the PDF and the PNG draw.
Two things differ from ``labels.png``:

- A QR module is a whole number of dots. A thermal head prints dots, nothing between them: a
  0.45 mm module at 203 dpi (3.6 dots) would print as a mix of 3- and 4-dot modules, which
  decoders misread as the symbol's timing drifts. The module is rounded to the nearest dot
  count (0.5 mm is 4 dots at 203 dpi, 6 at 300), and down when that would leave less than
  ``MIN_QUIET_MODULES`` of quiet zone inside the code's zone; the symbol is centred in it.
- What every label of a run shares (the text, the OCOP stars) is drawn once and copied; only
  the code and the serial are drawn for each label, so a serialised run costs a QR a label.

Text is drawn from the same font file and at the same places as in the PDF: printers' own
fonts have no Vietnamese diacritics, so the whole label goes to the printer as one bitmap.
"""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

from labels.content import LabelContent
from labels.errors import LabelError
from labels.fit import fit_serial, fit_text
from labels.geometry import LabelGeometry, label_geometry, star_points
from labels.png import draw_line
from labels.qr import QUIET_ZONE_MODULES, qr_matrix

THERMAL_DPIS = (203, 300)  # 8 and 12 dots a millimetre: the two heads label printers have
# ISO/IEC 18004 asks four modules of quiet zone; phone decoders read with two. Rounding a
# module up to a whole dot may take up to two modules of it on each side, no more: rounding
# down instead would cost 0.1 mm a module, a quarter of a small code's size.
MIN_QUIET_MODULES = QUIET_ZONE_MODULES - 2


def dots_per_mm(dpi: int) -> float:
    """The printer's dots in one millimetre."""
    return dpi / 25.4


def label_dots(width_mm: float, height_mm: float, dpi: int) -> tuple[int, int]:
    """The label's size in whole dots, across the head and along the feed."""
    scale = dots_per_mm(dpi)
    return round(width_mm * scale), round(height_mm * scale)


def module_dots(geometry: LabelGeometry, modules: int, dpi: int) -> int:
    """The whole number of dots one QR module takes on this label (see the module docstring)."""
    scale = dots_per_mm(dpi)
    zone = geometry.qr_zone.width * scale
    dots = max(1, round(geometry.qr_module_mm(modules) * scale))
    while dots > 1 and (modules + 2 * MIN_QUIET_MODULES) * dots > zone:
        dots -= 1
    return dots


def render_label(label: LabelContent, width_mm: float, height_mm: float, dpi: int) -> Image.Image:
    """The label as a 1-bit image (mode "1": 0 black, 1 white), one pixel a printer dot."""
    if dpi not in THERMAL_DPIS:
        raise LabelError(f"a thermal printer's dpi is 203 or 300, not {dpi!r}")
    has_serial = label.serial is not None
    shared = _shared_part(
        label.title,
        label.lines,
        label.footer,
        label.ocop_stars,
        width_mm,
        height_mm,
        has_serial,
        dpi,
    )
    image = shared.copy()
    geometry = label_geometry(width_mm, height_mm, has_serial)
    _draw_qr(image, label.code, geometry, dpi)
    if label.serial is not None and geometry.serial is not None:
        serial = fit_serial(geometry.serial, label.serial)
        if serial is not None:
            draw_line(_draw(image), serial, (0.0, 0.0), dots_per_mm(dpi))
    return image


@functools.lru_cache(maxsize=16)
def _shared_part(
    title: str,
    lines: tuple[str, ...],
    footer: str | None,
    ocop_stars: int | None,
    width_mm: float,
    height_mm: float,
    has_serial: bool,
    dpi: int,
) -> Image.Image:
    """The label without its code and serial: the part every label of a run shares."""
    image = Image.new("1", label_dots(width_mm, height_mm, dpi), 1)
    draw = _draw(image)
    scale = dots_per_mm(dpi)
    geometry = label_geometry(width_mm, height_mm, has_serial)
    block = fit_text(geometry.text, title, lines, footer, ocop_stars)
    for line in block.lines:
        draw_line(draw, line, (0.0, 0.0), scale)
    for star in block.stars:
        points = star_points(star.centre_x_mm, star.centre_y_mm, star.radius_mm)
        draw.polygon([(x * scale, y * scale) for x, y in points], fill=0)
    return image


def _draw(image: Image.Image) -> ImageDraw.ImageDraw:
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"  # FreeType's own 1-bit glyphs, crisper than thresholded grey
    return draw


def _draw_qr(image: Image.Image, code: str, geometry: LabelGeometry, dpi: int) -> None:
    matrix = qr_matrix(code)
    dots = module_dots(geometry, matrix.size, dpi)
    scale = dots_per_mm(dpi)
    zone = geometry.qr_zone
    side = matrix.size * dots
    left = round((zone.x + zone.width / 2) * scale - side / 2)
    top = round((zone.y + zone.height / 2) * scale - side / 2)
    modules = Image.frombytes("L", (matrix.size, matrix.size), matrix.pixels).convert("1")
    image.paste(modules.resize((side, side), Image.Resampling.NEAREST), (left, top))
