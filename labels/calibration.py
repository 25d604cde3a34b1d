"""A 50 mm calibration bar on a sheet's first page, so a clerk can check the print scale.

Office printers and PDF viewers like to "fit to page", which shrinks every code by 3 to 6%
and moves labels off their stickers. A ruler of known length tells at once whether the sheet
printed at 100%. It goes where it covers no label: the first free strip inside the printable
margin, above, between or below the rows. The built-in sheets are covered with labels to
within 0.5 mm of the paper's edge, so there the PDF starts with a calibration page of its own:
a bar printed on a sticker would waste it, and a first page can be printed alone on plain
paper before the sticker sheets go in.
"""

from __future__ import annotations

from collections.abc import Callable

from labels.fit import fit_text
from labels.fonts import Weight
from labels.geometry import Box
from labels.layouts import Layout
from labels.pdf_ops import PT_PER_MM, block_ops, num

BAR_MM = 50.0
TICK_STEP_MM = 5.0
TICK_MM = (2.5, 1.5)  # the ticks at every 10 mm, then the ones between
LINE_MM = 0.3
LABEL_PT = 7.0
# The strip the bar needs: its ticks and the "50 mm" beside its end.
STRIP_WIDTH_MM = BAR_MM + 14.0
STRIP_HEIGHT_MM = 5.0
PAGE_NOTE_MM = 40.0  # the height given to the note on a calibration page

Encoder = Callable[[Weight, str], bytes]


def calibration_place(layout: Layout) -> Box | None:
    """A free strip of the first sheet, inside the printable margin, for the bar; None if the
    labels leave no such strip."""
    margin = layout.printable_margin_mm
    left, right = margin, layout.page_width_mm - margin
    if right - left < STRIP_WIDTH_MM:
        return None
    row_pitch = layout.label_height_mm + layout.gap_y_mm
    edges = [(margin, layout.margin_top_mm)]
    row_tops = [layout.margin_top_mm + row * row_pitch for row in range(1, layout.rows)]
    edges += [(top - layout.gap_y_mm, top) for top in row_tops]
    edges.append((layout.margin_top_mm + layout.grid_height_mm, layout.page_height_mm - margin))
    for top, bottom in edges:
        top = max(top, margin)
        bottom = min(bottom, layout.page_height_mm - margin)
        if bottom - top >= STRIP_HEIGHT_MM:
            middle = (top + bottom) / 2
            return Box(left, middle - STRIP_HEIGHT_MM / 2, STRIP_WIDTH_MM, STRIP_HEIGHT_MM)
    return None


def calibration_ops(
    layout: Layout, place: Box | None, encode: Encoder, note: tuple[str, ...] = ()
) -> bytes:
    """The bar in ``place`` (page millimetres from the top-left), or with ``place`` None a
    whole calibration page: the bar at the top of the printable area, then the ``note``."""
    if place is not None:
        return _bar_ops(layout.page_height_mm, place.x, place.bottom, encode)
    margin = layout.printable_margin_mm
    top = margin + 5.0
    ops = [b"0 g\n", _bar_ops(layout.page_height_mm, margin + 5.0, top + STRIP_HEIGHT_MM, encode)]
    if note:
        width = layout.page_width_mm - 2 * margin - 10.0
        box = Box(margin + 5.0, top + STRIP_HEIGHT_MM + 5.0, width, PAGE_NOTE_MM)
        block = fit_text(box, note[0], note[1:])
        ops.append(block_ops(block, layout.page_height_mm, encode))
    return b"".join(ops)


def _bar_ops(page_height: float, x: float, baseline: float, encode: Encoder) -> bytes:
    """The ruler: a line ``BAR_MM`` long whose bottom is at ``baseline`` (mm from the top),
    ticks every 5 mm, "50 mm" after its end."""

    def point(x_mm: float, y_mm: float) -> bytes:
        return b"%b %b" % (num(x_mm * PT_PER_MM), num((page_height - y_mm) * PT_PER_MM))

    ops = [b"%b re f\n" % _rect(x, baseline - LINE_MM, BAR_MM, LINE_MM, page_height)]
    steps = round(BAR_MM / TICK_STEP_MM)
    for step in range(steps + 1):
        height = TICK_MM[0] if step % 2 == 0 else TICK_MM[1]
        tick_x = x + step * TICK_STEP_MM - LINE_MM / 2
        if step == 0:
            tick_x = x
        elif step == steps:
            tick_x = x + BAR_MM - LINE_MM
        ops.append(b"%b re f\n" % _rect(tick_x, baseline - height, LINE_MM, height, page_height))
    ops.append(
        b"BT /F1 %b Tf 1 0 0 1 %b Tm %b Tj ET\n"
        % (num(LABEL_PT), point(x + BAR_MM + 1.5, baseline), encode(Weight.REGULAR, "50 mm"))
    )
    return b"".join(ops)


def _rect(x: float, y: float, width: float, height: float, page_height: float) -> bytes:
    """A rectangle given from its top-left in mm, as PDF ``re`` operands in points."""
    return b"%b %b %b %b" % (
        num(x * PT_PER_MM),
        num((page_height - y - height) * PT_PER_MM),
        num(width * PT_PER_MM),
        num(height * PT_PER_MM),
    )
