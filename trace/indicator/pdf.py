"""Indicator 13.4 evidence as an A4 PDF: the verdict, the rule and its period, a block per
key product with a QR code of its latest public page, totals, indicator 13.7's part
(``trace.indicator.pdf_online``), and the print view's signature block (who prepared it,
the commune's People's Committee certifying it).

Drawn with the label library's own pieces (``labels.pdf_writer``, ``labels.pdf_font``,
``labels.qr``): Be Vietnam Pro embedded as a subset with a ToUnicode map, so every
Vietnamese letter shows and the text can be searched and copied; QR modules as filled
rectangles, so the codes stay sharp at any zoom or printer. Words are in the language in
force (call it inside ``force_locale`` or a request).
"""

from __future__ import annotations

import io
import unicodedata
from typing import BinaryIO

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from labels.fonts import Weight, font_face
from labels.pdf_font import EmbeddedFont
from labels.pdf_ops import FONT_RESOURCES, PT_PER_MM, num
from labels.pdf_writer import PdfWriter, pdf_text_string
from labels.qr import qr_matrix
from trace.indicator.exports import (
    certificates_in_words,
    missing_in_words,
    rule_lines,
    share_percent,
    yes_no,
)
from trace.indicator.pdf_online import online_part
from trace.indicator.services import CommuneEvidence, ProductEvidence

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
MARGIN_MM = 18.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
QR_SIZE_MM = 26.0
QR_GAP_MM = 6.0
LEADING = 1.35  # line height as a multiple of the font size
TITLE = _l("Indicator 13.4: digital traceability of the commune's key products")
SIGNATURES = (
    (_l("Prepared by"), _l("(Signature and full name)")),
    (_l("Certified by the commune's People's Committee"), _l("(Signature, full name and seal)")),
)
SIGNING_SPACE_MM = 28.0


def render_commune_pdf(evidence: CommuneEvidence) -> bytes:
    """The commune's evidence as a PDF file's bytes."""
    out = io.BytesIO()
    document = ReportDocument(out, str(TITLE))
    _heading(document, evidence)
    for product in evidence.products:
        _product_block(document, product)
    _totals(document, evidence)
    online_part(document, evidence)
    _signatures(document)
    document.close()
    return out.getvalue()


def _heading(document: ReportDocument, evidence: CommuneEvidence) -> None:
    commune = evidence.commune
    document.paragraph(str(TITLE), Weight.BOLD, 15)
    document.paragraph(
        str(
            _l(
                "%(commune)s, %(province)s (commune code %(code)s)",
                commune=commune.name,
                province=commune.province_name,
                code=commune.code,
            )
        ),
        Weight.BOLD,
        11,
    )
    document.paragraph(
        str(_l("As of %(day)s", day=format_date(evidence.as_of, "long"))), Weight.REGULAR, 10
    )
    document.space(3)
    document.paragraph(_verdict(evidence), Weight.BOLD, 11)
    for line in rule_lines(evidence.as_of):
        document.paragraph(line, Weight.REGULAR, 9)
    document.space(4)
    document.rule_line()


def _verdict(evidence: CommuneEvidence) -> str:
    if not evidence.products:
        return str(
            _l("The commune has no key product registered: it does not meet indicator 13.4.")
        )
    counts = str(
        _l(
            "%(traced)d of %(count)d key products traced (%(share)s%%).",
            traced=evidence.traced_count,
            count=len(evidence.products),
            share=share_percent(evidence.share),
        )
    )
    if evidence.meets_indicator:
        return f"{_l('The commune meets indicator 13.4')}. {counts}"
    return f"{_l('The commune does not meet indicator 13.4 yet')}. {counts}"


def _product_block(document: ReportDocument, product: ProductEvidence) -> None:
    """The product's facts on the left, its QR code on the right."""
    width = TEXT_WIDTH_MM - QR_SIZE_MM - QR_GAP_MM
    lines = _product_lines(product)
    height = max(QR_SIZE_MM, document.height_of(lines, width)) + 6
    document.ensure_room(height)
    top = document.y_mm
    if product.latest_code_url:
        document.qr(
            product.latest_code_url, PAGE_WIDTH_MM - MARGIN_MM - QR_SIZE_MM, top, QR_SIZE_MM
        )
    for text, weight, size in lines:
        document.paragraph(text, weight, size, width)
    document.y_mm = top + height - 3
    document.rule_line()


def _product_lines(product: ProductEvidence) -> list[tuple[str, Weight, float]]:
    stars = ""
    if product.ocop_stars:
        stars = f" ({_l('OCOP %(stars)d stars', stars=product.ocop_stars)})"
    if product.is_traced:
        verdict = str(_l("Traced"))
    else:
        verdict = f"{_l('Not traced')}: {'; '.join(missing_in_words(product))}"
    certificates = "; ".join(certificates_in_words(product)) or str(_l("none"))
    page = product.latest_code_url or str(_l("no label code issued yet"))
    return [
        (product.product_name + stars, Weight.BOLD, 11),
        (product.cooperative_name, Weight.REGULAR, 9.5),
        (verdict, Weight.BOLD, 9.5),
        (
            str(
                _l(
                    "Batches in the period: %(batches)d · Complete: %(complete)d · Labels "
                    "issued: %(labels)d · Consumer scans: %(scans)d · Inspections: "
                    "%(inspections)d",
                    batches=product.batch_count,
                    complete=product.complete_batches,
                    labels=product.labels_issued,
                    scans=product.consumer_scans,
                    inspections=product.inspections,
                )
            ),
            Weight.REGULAR,
            9,
        ),
        (f"{_l('Certificates')}: {certificates}", Weight.REGULAR, 9),
        (f"{_l('Latest public page')}: {page}", Weight.REGULAR, 7.5),
    ]


def _totals(document: ReportDocument, evidence: CommuneEvidence) -> None:
    document.ensure_room(20)
    document.space(2)
    document.paragraph(str(_l("Totals")), Weight.BOLD, 11)
    document.paragraph(
        str(
            _l(
                "Key products: %(count)d · Traced: %(traced)d · Batches in the period: "
                "%(batches)d · Complete: %(complete)d · Labels issued: %(labels)d · Consumer "
                "scans: %(scans)d · Inspections: %(inspections)d",
                count=len(evidence.products),
                traced=evidence.traced_count,
                batches=evidence.batch_count,
                complete=evidence.complete_batches,
                labels=evidence.labels_issued,
                scans=evidence.consumer_scans,
                inspections=evidence.inspections,
            )
        ),
        Weight.REGULAR,
        9.5,
    )
    document.paragraph(
        f"{_l('Meets indicator 13.4')}: {yes_no(evidence.meets_indicator)}", Weight.BOLD, 9.5
    )


def _signatures(document: ReportDocument) -> None:
    """The print view's signature block: one column per signer, room to sign under each."""
    document.ensure_room(12 + SIGNING_SPACE_MM)
    document.space(8)
    column = TEXT_WIDTH_MM / len(SIGNATURES)
    top = document.y_mm
    for index, (title, hint) in enumerate(SIGNATURES):
        centre = MARGIN_MM + column * (index + 0.5)
        document.y_mm = top
        document.centred(str(title), Weight.BOLD, 9, centre, column - 2)
        document.centred(str(hint), Weight.REGULAR, 8.5, centre, column - 2)
    document.y_mm += SIGNING_SPACE_MM


class ReportDocument:
    """An A4 document written top to bottom: wrapped text, rules and QR codes, new pages as
    the text reaches the bottom margin. ``y_mm`` is the next line's top, from the page's top."""

    def __init__(self, out: BinaryIO, title: str) -> None:
        self.writer = PdfWriter(out)
        self.title = title
        self.pages_number = self.writer.reserve()
        self.fonts = {weight: EmbeddedFont(font_face(weight)) for weight in Weight}
        self.font_numbers = {weight: self.writer.reserve() for weight in Weight}
        self.page_numbers: list[int] = []
        self.ops: list[bytes] = []
        self.y_mm = MARGIN_MM
        self.text_width_mm = TEXT_WIDTH_MM  # for parts drawn by other modules

    def paragraph(
        self, text: str, weight: Weight, size_pt: float, width_mm: float = TEXT_WIDTH_MM
    ) -> None:
        """The text wrapped to the width, a new page whenever a line does not fit."""
        line_mm = size_pt * LEADING / PT_PER_MM
        for line in self.wrap(text, weight, size_pt, width_mm):
            self.ensure_room(line_mm)
            self._text(line, weight, size_pt, MARGIN_MM)
            self.y_mm += line_mm

    def centred(
        self, text: str, weight: Weight, size_pt: float, centre_mm: float, width_mm: float
    ) -> None:
        """The text wrapped to the width, each line centred on ``centre_mm``."""
        face = font_face(weight)
        line_mm = size_pt * LEADING / PT_PER_MM
        for line in self.wrap(text, weight, size_pt, width_mm):
            line_width = face.measure(line).advance * size_pt / PT_PER_MM
            self._text(line, weight, size_pt, centre_mm - line_width / 2)
            self.y_mm += line_mm

    def _text(self, line: str, weight: Weight, size_pt: float, x_mm: float) -> None:
        baseline = self.y_mm + size_pt / PT_PER_MM
        self.ops.append(
            b"BT /%b %b Tf 1 0 0 1 %b %b Tm %b Tj ET\n"
            % (
                FONT_RESOURCES[weight],
                num(size_pt),
                num(x_mm * PT_PER_MM),
                num((PAGE_HEIGHT_MM - baseline) * PT_PER_MM),
                self.fonts[weight].encode(line),
            )
        )

    def height_of(self, lines: list[tuple[str, Weight, float]], width_mm: float) -> float:
        """How tall these paragraphs will be, to keep a block on one page."""
        return sum(
            len(self.wrap(text, weight, size, width_mm)) * size * LEADING / PT_PER_MM
            for text, weight, size in lines
        )

    def wrap(self, text: str, weight: Weight, size_pt: float, width_mm: float) -> list[str]:
        """Lines that fit the width, broken at spaces (a longer word, a URL, at any letter)."""
        face = font_face(weight)

        def fits(candidate: str) -> bool:
            return face.measure(candidate).advance * size_pt / PT_PER_MM <= width_mm

        lines: list[str] = []
        current = ""
        for word in unicodedata.normalize("NFC", text).split():
            candidate = f"{current} {word}" if current else word
            if fits(candidate):
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while not fits(current):
                cut = max(
                    1, max(n for n in range(1, len(current) + 1) if n == 1 or fits(current[:n]))
                )
                lines.append(current[:cut])
                current = current[cut:]
        return [*lines, current] if current else lines

    def space(self, height_mm: float) -> None:
        self.y_mm += height_mm

    def rule_line(self) -> None:
        """A thin grey line across the text width, then a little space."""
        y = num((PAGE_HEIGHT_MM - self.y_mm) * PT_PER_MM)
        self.ops.append(
            b"q 0.6 G 0.5 w %b %b m %b %b l S Q\n"
            % (num(MARGIN_MM * PT_PER_MM), y, num((PAGE_WIDTH_MM - MARGIN_MM) * PT_PER_MM), y)
        )
        self.y_mm += 3

    def qr(self, text: str, x_mm: float, top_mm: float, size_mm: float) -> None:
        """The QR symbol for the text, its quiet zone inside the square, as one filled path."""
        matrix = qr_matrix(text)
        modules = matrix.size + 8  # four light modules each side
        module = size_mm / modules * PT_PER_MM
        origin_x = x_mm * PT_PER_MM + 4 * module
        origin_y = (PAGE_HEIGHT_MM - top_mm) * PT_PER_MM - 4 * module
        ops = [
            b"q 0 g %b 0 0 %b %b %b cm\n"
            % (num(module), num(-module), num(origin_x), num(origin_y))
        ]
        for row in range(matrix.size):
            column = 0
            while column < matrix.size:
                if not matrix.is_dark(column, row):
                    column += 1
                    continue
                start = column
                while column < matrix.size and matrix.is_dark(column, row):
                    column += 1
                ops.append(b"%d %d %d 1 re\n" % (start, row, column - start))
        ops.append(b"f Q\n")
        self.ops.append(b"".join(ops))

    def ensure_room(self, height_mm: float) -> None:
        """A new page unless ``height_mm`` more fits above the bottom margin."""
        if self.y_mm + height_mm > PAGE_HEIGHT_MM - MARGIN_MM and self.y_mm > MARGIN_MM:
            self._finish_page()

    def close(self) -> None:
        self._finish_page()
        writer = self.writer
        for weight, font in self.fonts.items():
            font.write(writer, self.font_numbers[weight])
        fonts = b" ".join(
            b"/%b %d 0 R" % (FONT_RESOURCES[weight], number)
            for weight, number in self.font_numbers.items()
        )
        kids = b" ".join(b"%d 0 R" % number for number in self.page_numbers)
        writer.write_object(
            self.pages_number,
            (
                b"<< /Type /Pages /Kids [%b] /Count %d /MediaBox [0 0 %b %b] "
                b"/Resources << /Font << %b >> /ProcSet [/PDF /Text] >> >>"
                % (
                    kids,
                    len(self.page_numbers),
                    num(PAGE_WIDTH_MM * PT_PER_MM),
                    num(PAGE_HEIGHT_MM * PT_PER_MM),
                    fonts,
                )
            ),
        )
        root = writer.add_object(b"<< /Type /Catalog /Pages %d 0 R >>" % self.pages_number)
        info = b"<< /Producer %b /Title %b >>" % (
            pdf_text_string("trace-agri reports").encode(),
            pdf_text_string(self.title).encode(),
        )
        writer.close(root, writer.add_object(info))

    def _finish_page(self) -> None:
        contents = self.writer.add_stream(b"".join(self.ops))
        self.page_numbers.append(
            self.writer.add_object(
                b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (self.pages_number, contents)
            )
        )
        self.ops = []
        self.y_mm = MARGIN_MM
