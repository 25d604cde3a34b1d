"""A TrueType face embedded in a PDF as a subset Type0 font (CIDFontType2, Identity-H).

Text is written as glyph ids (two bytes each), so any Vietnamese letter the font has can be
shown without an encoding table; a ToUnicode CMap maps the ids back to text so the PDF can be
searched and copied (``pdftotext``). The font file is subset at the end, to the glyphs the
document used, keeping their ids (``retain_gids``) so the ids already written stay right.
"""

from __future__ import annotations

import hashlib
import io
import string

from fontTools import subset
from fontTools.ttLib import TTFont

from labels.fonts import FontFace
from labels.pdf_writer import PdfWriter, pdf_number

_CMAP_HEADER = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
"""
_CMAP_FOOTER = b"""endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""
_BFCHAR_BLOCK = 100  # the CMap syntax allows at most 100 mappings per block


class EmbeddedFont:
    """One face in one document: records the glyphs text used, then writes the font objects."""

    def __init__(self, face: FontFace) -> None:
        self.face = face
        self._text_of_glyph: dict[int, str] = {0: ""}

    def encode(self, text: str) -> bytes:
        """The text as a PDF hex string of glyph ids, for ``Tj``."""
        cmap, seen = self.face.cmap, self._text_of_glyph
        hex_ids = []
        for char in text:
            glyph = cmap.get(ord(char), 0)
            if glyph not in seen:
                seen[glyph] = char
            hex_ids.append(f"{glyph:04X}")
        return ("<" + "".join(hex_ids) + ">").encode("ascii")

    def write(self, writer: PdfWriter, number: int) -> None:
        """Writes the subset font and its dictionaries, the Type0 font as the reserved object."""
        glyphs = sorted(self._text_of_glyph)
        program = self._subset_program(glyphs)
        base_font = f"/{self._subset_tag(glyphs)}+{self.face.postscript_name}".encode("ascii")
        font_file = writer.add_stream(program, b"/Length1 %d" % len(program))
        descriptor = writer.add_object(self._descriptor(base_font, font_file))
        scale = 1000 / self.face.units_per_em
        widths = " ".join(
            f"{glyph} [{pdf_number(self.face.advances[glyph] * scale)}]" for glyph in glyphs
        ).encode("ascii")
        cid_font = writer.add_object(
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont %b "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor %d 0 R /CIDToGIDMap /Identity /W [%b] >>"
            % (base_font, descriptor, widths)
        )
        to_unicode = writer.add_stream(self._to_unicode(glyphs))
        writer.write_object(
            number,
            b"<< /Type /Font /Subtype /Type0 /BaseFont %b /Encoding /Identity-H "
            b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (base_font, cid_font, to_unicode),
        )

    def _descriptor(self, base_font: bytes, font_file: int) -> bytes:
        face = self.face
        scale = 1000 / face.units_per_em
        bbox = " ".join(pdf_number(value * scale) for value in face.bbox)
        return (
            b"<< /Type /FontDescriptor /FontName %b /Flags 32 /FontBBox [%b] /ItalicAngle 0 "
            b"/Ascent %b /Descent %b /CapHeight %b /StemV %d /FontFile2 %d 0 R >>"
            % (
                base_font,
                bbox.encode(),
                pdf_number(face.ascent * scale).encode(),
                pdf_number(face.descent * scale).encode(),
                pdf_number(face.cap_height * scale).encode(),
                # StemV is only a hint for substitution; the font is embedded, so any sane value.
                120 if face.postscript_name.endswith("Bold") else 80,
                font_file,
            )
        )

    def _subset_program(self, glyphs: list[int]) -> bytes:
        """The font file cut to the used glyphs, ids kept, without layout tables or hinting
        (a PDF reader does neither shaping nor TrueType hinting for us)."""
        options = subset.Options()
        options.retain_gids = True
        options.notdef_outline = True
        options.hinting = False
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "DSIG"]
        font = TTFont(io.BytesIO(self.face.data))
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=glyphs)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        return buffer.getvalue()

    def _subset_tag(self, glyphs: list[int]) -> str:
        """Six capitals naming this subset (PDF 32000 §9.6.4), the same for the same glyphs."""
        digest = hashlib.sha256(",".join(map(str, glyphs)).encode()).digest()
        return "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])

    def _to_unicode(self, glyphs: list[int]) -> bytes:
        pairs = [
            f"<{glyph:04X}> <{self._text_of_glyph[glyph].encode('utf-16-be').hex().upper()}>"
            for glyph in glyphs
            if self._text_of_glyph[glyph]
        ]
        blocks = [_CMAP_HEADER]
        for start in range(0, len(pairs), _BFCHAR_BLOCK):
            chunk = pairs[start : start + _BFCHAR_BLOCK]
            blocks.append(
                b"%d beginbfchar\n%b\nendbfchar\n" % (len(chunk), "\n".join(chunk).encode("ascii"))
            )
        blocks.append(_CMAP_FOOTER)
        return b"".join(blocks)
