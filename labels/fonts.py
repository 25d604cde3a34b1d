"""Be Vietnam Pro, read from its pip package (never a system path), and the metrics we lay out by.

The same font bytes feed the PDF embedding (``labels.pdf_font``) and Pillow (``labels.png``),
and every width here is the font's own advance, unkerned, so both outputs place each glyph
where ``labels.fit`` measured it.
"""

from __future__ import annotations

import enum
import functools
import io
from dataclasses import dataclass
from importlib import resources

from fontTools.ttLib import TTFont

FONT_PACKAGE = "fontpkg_be_vietnam_pro"


class Weight(enum.Enum):
    """The two faces a label uses: the title in bold, everything else regular."""

    REGULAR = "BeVietnamPro-Regular.ttf"
    BOLD = "BeVietnamPro-Bold.ttf"


@dataclass(frozen=True)
class Extent:
    """A text's size in em at 1 pt: pen advance and ink bounds (y up, from the baseline)."""

    advance: float
    left: float
    right: float
    bottom: float
    top: float


@dataclass(frozen=True)
class FontFace:
    """One face's bytes and metrics, indexed by glyph id; built once per process."""

    weight: Weight
    postscript_name: str
    data: bytes
    units_per_em: int
    cmap: dict[int, int]  # code point -> glyph id
    advances: tuple[int, ...]  # by glyph id, font units
    bounds: tuple[tuple[int, int, int, int], ...]  # by glyph id: xMin, yMin, xMax, yMax
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int  # negative, as the font stores it
    cap_height: int

    def measure(self, text: str) -> Extent:
        """The text's advance and ink bounds in em (font units / units per em)."""
        pen = 0
        left = top = right = bottom = 0
        advances, bounds, cmap = self.advances, self.bounds, self.cmap
        for char in text:
            glyph = cmap.get(ord(char), 0)
            x_min, y_min, x_max, y_max = bounds[glyph]
            if x_max > x_min:  # a space has no ink
                left = min(left, pen + x_min)
                right = max(right, pen + x_max)
                bottom = min(bottom, y_min)
                top = max(top, y_max)
            pen += advances[glyph]
        em = self.units_per_em
        return Extent(pen / em, left / em, right / em, bottom / em, top / em)


def font_bytes(weight: Weight) -> bytes:
    """The font file's bytes, found through the installed package (works from a wheel or a zip)."""
    return (resources.files(FONT_PACKAGE) / "files" / weight.value).read_bytes()


@functools.cache
def font_face(weight: Weight) -> FontFace:
    """The face for a weight, parsed once per process (about 50 ms each)."""
    data = font_bytes(weight)
    font = TTFont(io.BytesIO(data))
    glyph_order = font.getGlyphOrder()
    glyf = font["glyf"]
    metrics = font["hmtx"].metrics
    bounds = []
    for name in glyph_order:
        glyph = glyf[name]
        if glyph.numberOfContours == 0:
            bounds.append((0, 0, 0, 0))
        else:
            bounds.append((glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax))
    glyph_ids = {name: number for number, name in enumerate(glyph_order)}
    head, os2 = font["head"], font["OS/2"]
    return FontFace(
        weight=weight,
        postscript_name=str(font["name"].getDebugName(6)),
        data=data,
        units_per_em=int(head.unitsPerEm),
        cmap={code: glyph_ids[name] for code, name in font.getBestCmap().items()},
        advances=tuple(int(metrics[name][0]) for name in glyph_order),
        bounds=tuple(bounds),
        bbox=(int(head.xMin), int(head.yMin), int(head.xMax), int(head.yMax)),
        ascent=int(font["hhea"].ascent),
        descent=int(font["hhea"].descent),
        cap_height=int(getattr(os2, "sCapHeight", 700)),
    )
