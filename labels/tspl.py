"""Labels as a TSPL job for TSC, Xprinter, Gprinter and the many printers that speak it.

The job sets the label once (``SIZE``, ``GAP``, ``DIRECTION``, ``REFERENCE``), then for each
label clears the image buffer (``CLS``), sends the whole label as one ``BITMAP`` (mode 0,
overwrite: one bit a dot, rows of whole bytes, a 0 bit printed black) and prints it
(``PRINT 1,N``, N the copies of an unchanged label). Commands end in CR LF; the bitmap's bytes
are binary, their count given by the command, so the file must be sent raw.

The QR code is part of the bitmap rather than the printer's ``QRCODE`` command, for the
reasons given in ``labels.zpl``: the PDF's exact symbol, snapped to whole dots, and no
dependence on a firmware's QR options; the text must be a bitmap anyway (no printer font has
Vietnamese diacritics). TSPL has no compression every clone reads, so a label travels as its
raw bitmap: 12 KB at 203 dpi and 26 KB at 300 dpi for 50 x 30 mm.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from PIL import Image

from labels.content import LabelContent
from labels.layouts import Layout
from labels.thermal import OnLabel, check_dpi, roll_label, write_labels


def render_tspl(
    labels: Iterable[LabelContent],
    layout: Layout,
    out: BinaryIO,
    *,
    dpi: int,
    on_label: OnLabel | None = None,
) -> int:
    """Writes the labels to ``out`` as one TSPL job and returns how many labels it prints."""
    check_dpi(dpi)
    roll = roll_label(layout)
    # "GAP 0 mm,0 mm" is TSPL for continuous media.
    out.write(
        f"SIZE {_mm(roll.width_mm)} mm,{_mm(roll.height_mm)} mm\r\n"
        f"GAP {_mm(roll.gap_mm)} mm,0 mm\r\n"
        "DIRECTION 1,0\r\nREFERENCE 0,0\r\n".encode("ascii")
    )

    def write(image: Image.Image, copies: int) -> None:
        width, height = image.size
        out.write(f"CLS\r\nBITMAP 0,0,{(width + 7) // 8},{height},0,".encode("ascii"))
        out.write(image.tobytes())
        out.write(f"\r\nPRINT 1,{copies}\r\n".encode("ascii"))

    return write_labels(labels, roll, dpi, write, on_label)


def _mm(value: float) -> str:
    """A size as TSPL takes it: 50, 52.5 (no float noise)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
