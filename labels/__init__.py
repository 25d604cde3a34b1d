"""Renders labels: QR + text -> PNG and print-ready PDF sheets; knows nothing of the database."""

from labels.content import LabelContent
from labels.errors import ContentError, LabelError
from labels.layouts import LAYOUTS, Layout, LayoutError, custom_layout
from labels.pdf import render_pdf
from labels.png import render_png
from labels.qr import QrMatrix, qr_matrix

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
]
