"""Labels to a vector PDF, streamed page by page: QR modules as filled paths, text as embedded,
subset Be Vietnam Pro, every size exact in millimetres at 100% print scale.

Each page is written to the output as soon as its labels are drawn; the fonts, the page tree
and the cross-reference table follow at the end (``labels.pdf_writer``). The boxes come from
``labels.geometry`` and ``labels.fit``, the same ones the PNG renderer draws.

A part that repeats (the text of a run, the code of batch labels printed N times) becomes a
Form XObject the second time it is seen, and each label then only names it: a run of 10,000
labels writes its text once. Parts seen once are drawn inline.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import BinaryIO

from labels.calibration import calibration_ops, calibration_place
from labels.content import LabelContent, pages_of
from labels.errors import ContentError
from labels.fit import fit_serial, fit_text
from labels.fonts import Weight, font_face
from labels.geometry import LabelGeometry, label_geometry
from labels.layouts import Layout
from labels.legibility import RunReport
from labels.pdf_font import EmbeddedFont
from labels.pdf_ops import FONT_RESOURCES, PT_PER_MM, block_ops, line_ops, num, qr_ops
from labels.pdf_writer import PdfWriter, pdf_text_string
from labels.qr import qr_matrix

# How many recent parts are remembered to spot a repeat; forms stay named for the whole file.
_RECENT_PARTS = 256


def render_pdf(
    labels: Iterable[LabelContent],
    layout: Layout,
    out: BinaryIO,
    on_page: Callable[[int], None] | None = None,
    *,
    title: str | None = None,
    report: RunReport | None = None,
    calibration_note: tuple[str, ...] = (),
) -> int:
    """Writes the labels to ``out`` as a PDF, ``layout.per_page`` to a page, and returns the
    number of pages of labels. ``on_page`` is called with the count of those pages written
    after each one. ``report``, when given, collects the largest symbol and the dropped lines.

    A sheet layout gets a 50 mm calibration bar on its first sheet (``labels.calibration``),
    or, when the labels leave no room for it, a calibration page before the labels, headed by
    ``calibration_note`` (a title, then lines; the caller's language).

    Labels are taken from the iterable only as each page needs them, so a generator of 10,000
    labels never sits in memory. On an error the output holds a partial file: discard it.
    """
    iterator = iter(labels)
    first = next(iterator, None)
    if first is None:
        raise ContentError("there are no labels to render: a PDF needs at least one")
    document = _Document(out, layout, title, report or RunReport(), calibration_note)
    for page in pages_of(chain([first], iterator), layout.per_page):
        document.add_page(page)
        if on_page is not None:
            on_page(document.page_count)
    document.close()
    return document.page_count


class _Document:
    """One PDF being written: its writer, fonts, pages so far and the repeated parts."""

    def __init__(
        self,
        out: BinaryIO,
        layout: Layout,
        title: str | None,
        report: RunReport,
        calibration_note: tuple[str, ...],
    ) -> None:
        self.layout = layout
        self.calibration_note = calibration_note
        self.title = title
        self.report = report
        self.label_pages = 0
        self.writer = PdfWriter(out)
        self.pages_number = self.writer.reserve()
        self.fonts = {weight: EmbeddedFont(font_face(weight)) for weight in Weight}
        # Reserved now: forms written mid-file name the fonts, which are written at the end.
        self.font_numbers = {weight: self.writer.reserve() for weight in Weight}
        self.page_numbers: list[int] = []
        self.forms: dict[tuple[object, ...], bytes] = {}  # part -> its form's name
        self._form_numbers: list[tuple[bytes, int]] = []
        self._recent: OrderedDict[tuple[object, ...], None] = OrderedDict()

    @property
    def page_count(self) -> int:
        """The pages of labels written so far (a calibration page is not counted)."""
        return self.label_pages

    def add_page(self, labels: list[LabelContent]) -> None:
        """Draws one page of labels and writes it out at once."""
        parts = [b"0 g\n"]
        if self.label_pages == 0 and self.layout.is_sheet:
            place = calibration_place(self.layout)
            if place is None:
                self._add_contents(
                    calibration_ops(self.layout, None, self._encode, self.calibration_note)
                )
            else:
                parts.append(calibration_ops(self.layout, place, self._encode))
        height = self.layout.label_height_mm
        for index, label in enumerate(labels):
            x, y = self.layout.label_origin_mm(index)
            bottom = self.layout.page_height_mm - y - height
            parts.append(b"q 1 0 0 1 %b %b cm\n" % (num(x * PT_PER_MM), num(bottom * PT_PER_MM)))
            parts.append(self._label_ops(label, index))
            parts.append(b"Q\n")
        self._add_contents(b"".join(parts))
        self.label_pages += 1

    def _add_contents(self, ops: bytes) -> None:
        contents = self.writer.add_stream(ops)
        self.page_numbers.append(
            self.writer.add_object(
                b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (self.pages_number, contents)
            )
        )

    def close(self) -> None:
        """Writes the fonts, the page tree, the catalogue and the cross-reference table."""
        writer = self.writer
        for weight, font in self.fonts.items():
            font.write(writer, self.font_numbers[weight])
        kids = b" ".join(b"%d 0 R" % number for number in self.page_numbers)
        media_box = b"[0 0 %b %b]" % (
            num(self.layout.page_width_mm * PT_PER_MM),
            num(self.layout.page_height_mm * PT_PER_MM),
        )
        forms = b" ".join(b"/%b %d 0 R" % pair for pair in self._form_numbers)
        writer.write_object(
            self.pages_number,
            (
                b"<< /Type /Pages /Kids [%b] /Count %d /MediaBox %b /Resources << %b "
                b"/XObject << %b >> /ProcSet [/PDF /Text] >> >>"
                % (kids, len(self.page_numbers), media_box, self._font_resources(), forms)
            ),
        )
        # PrintScaling /None asks the viewer's print dialog for 100%, so millimetres stay exact.
        root = writer.add_object(
            b"<< /Type /Catalog /Pages %d 0 R /ViewerPreferences << /PrintScaling /None >> >>"
            % self.pages_number
        )
        info = b"<< /Producer %b" % pdf_text_string("trace-agri labels").encode()
        if self.title:
            info += b" /Title %b" % pdf_text_string(self.title).encode()
        writer.close(root, writer.add_object(info + b" >>"))

    def _font_resources(self) -> bytes:
        fonts = b" ".join(
            b"/%b %d 0 R" % (FONT_RESOURCES[weight], number)
            for weight, number in self.font_numbers.items()
        )
        return b"/Font << %b >>" % fonts

    def _encode(self, weight: Weight, text: str) -> bytes:
        return self.fonts[weight].encode(text)

    def _label_ops(self, label: LabelContent, index: int) -> bytes:
        """One label's drawing, in points from its bottom-left corner."""
        height = self.layout.label_height_mm
        has_serial = label.serial is not None
        self.report.has_serial |= has_serial
        geometry = label_geometry(
            self.layout.label_width_mm,
            height,
            has_serial,
            insets=self.layout.label_insets(index),
        )
        ops = [
            self._part(
                ("qr", label.code, geometry),
                lambda: self._qr_ops(label.code, geometry),
                geometry,
            ),
            self._part(
                ("text", label.title, label.lines, label.footer, label.ocop_stars, geometry),
                lambda: self._text_ops(label, geometry),
                geometry,
            ),
        ]
        if label.serial is not None and geometry.serial is not None:
            line = fit_serial(geometry.serial, label.serial)
            if line is not None:
                ops.append(b"BT\n%bET\n" % line_ops(line, height, self._encode))
        return b"".join(ops)

    def _qr_ops(self, code: str, geometry: LabelGeometry) -> bytes:
        matrix = qr_matrix(code)
        self.report.saw_symbol(matrix)
        return qr_ops(matrix, geometry)

    def _text_ops(self, label: LabelContent, geometry: LabelGeometry) -> bytes:
        block = fit_text(geometry.text, label.title, label.lines, label.footer, label.ocop_stars)
        self.report.saw_text(block)
        return block_ops(block, geometry.height_mm, self._encode)

    def _part(
        self, key: tuple[object, ...], draw: Callable[[], bytes], geometry: LabelGeometry
    ) -> bytes:
        """A part's operators: inline the first time, then a named form drawn once."""
        name = self.forms.get(key)
        if name is not None:
            return b"/%b Do\n" % name
        if key not in self._recent:
            self._recent[key] = None
            if len(self._recent) > _RECENT_PARTS:
                self._recent.popitem(last=False)
            return draw()
        del self._recent[key]
        name = b"P%d" % (len(self.forms) + 1)
        bbox = b"[0 0 %b %b]" % (
            num(geometry.width_mm * PT_PER_MM),
            num(geometry.height_mm * PT_PER_MM),
        )
        number = self.writer.add_stream(
            draw(),
            (
                b"/Type /XObject /Subtype /Form /BBox %b /Resources << %b >>"
                % (bbox, self._font_resources())
            ),
        )
        self.forms[key] = name
        self._form_numbers.append((name, number))
        return b"/%b Do\n" % name
