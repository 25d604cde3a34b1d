"""Renders labels: QR + text -> PNG, print-ready PDF sheets, and TSPL or ZPL jobs for thermal
printers; knows nothing of the database."""

from labels.content import LabelContent
from labels.errors import ContentError, LabelError
from labels.layouts import LAYOUTS, Layout, LayoutError, custom_layout
from labels.pdf import render_pdf
from labels.png import render_png
from labels.qr import QrMatrix, qr_matrix
from labels.tspl import render_tspl
from labels.zpl import render_zpl

__all__ = [
    "LAYOUTS",
    "ContentError",
    "LabelContent",
    "LabelError",
    "Layout",
    "LayoutError",
    "QrMatrix",
    "custom_layout",
    "qr_matrix",
    "render_pdf",
    "render_png",
    "render_tspl",
    "render_zpl",
]
