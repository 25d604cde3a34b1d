"""A phone photo of a label, imitated, and read back by two independent decoders.

The imitation (issue 21): each label cut from a 300 dpi rendering, scaled to about 150 dpi,
blurred (Gaussian, radius 1 pixel) and saved as JPEG at quality 60, on a grey surround as a
package would be. Decoders: zxing-cpp (the platform's own) and OpenCV's QRCodeDetector.

OpenCV's detector wants about four pixels a module; at 150 dpi a 0.53 mm module is 3.1, and
given the photo as it is OpenCV read none of the codes under 0.6 mm. Enlarged three times
with OpenCV's own cubic resize first (what opencv_contrib's WeChat detector does with its
super-resolution step, and what a phone camera's higher resolution gives for free) it reads
them. Both are counted: "OpenCV" as-is, "OpenCV x3" as-is or else enlarged.
Codes are production-shaped: the base URL ``https://truyxuat.ca-mau.gov.vn``, a GTIN unit code
with its expiry date, each with its own serial, signed with Ed25519 (``tests/bench/code_sizes.py``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import cv2
import numpy
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageFilter, ImageOps

from labels import LabelContent, Layout, render_png
from labels.legibility import smallest_module_mm
from labels.qr import qr_matrix
from trace.signing.codes import LabelData, issue_code

BASE_URL = "https://truyxuat.ca-mau.gov.vn"
GTIN = "08934567000017"
LOT = "ST25-260115-01"
KID = "Zm9vYmFyYmF"
SERIAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RENDER_DPI = 300
PHOTO_DPI = 150
SURROUND_PX = 24
DECODERS = ("zxing-cpp", "OpenCV", "OpenCV x3")
OPENCV_ENLARGE = 3


def production_labels(count: int) -> list[LabelContent]:
    """Serialised labels with production-shaped unit codes (193 characters)."""
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    labels = []
    for number in range(count):
        serial = "".join(SERIAL_ALPHABET[(number * 7 + place * 13) % 32] for place in range(10))
        data = LabelData(BASE_URL, gtin=GTIN, lot=LOT, serial=serial, expires_on=date(2027, 1, 15))
        labels.append(
            LabelContent(
                code=issue_code(data, KID, key),
                title="Gạo ST25 Cà Mau",
                lines=("HTX Nông nghiệp Cà Mau", f"Lô: {LOT}", "HSD: 15/01/2027"),
                footer="Quét mã để truy xuất nguồn gốc",
                serial=serial,
            )
        )
    return labels


def phone_photo(label_image: Image.Image) -> Image.Image:
    """The label as a phone would photograph it (see the module)."""
    grey = label_image.convert("L")
    scale = PHOTO_DPI / RENDER_DPI
    small = grey.resize(
        (round(grey.width * scale), round(grey.height * scale)), Image.Resampling.BILINEAR
    )
    framed = ImageOps.expand(small, border=SURROUND_PX, fill=128)
    blurred = framed.filter(ImageFilter.GaussianBlur(radius=1))
    buffer = io.BytesIO()
    blurred.save(buffer, format="JPEG", quality=60)
    buffer.seek(0)
    photo = Image.open(buffer)
    photo.load()
    return photo


def read_zxing(photo: Image.Image) -> set[str]:
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return {found.text for found in zxingcpp.read_barcodes(photo, formats=formats)}


def read_opencv(photo: Image.Image, *, enlarge: bool = False) -> set[str]:
    pixels = numpy.asarray(photo)
    if enlarge:
        pixels = cv2.resize(
            pixels, None, fx=OPENCV_ENLARGE, fy=OPENCV_ENLARGE, interpolation=cv2.INTER_CUBIC
        )
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    return {text} if text else set()


@dataclass(frozen=True)
class PhotoResult:
    """One layout's run through the imitated phone: the module size and what each decoder read."""

    layout: str
    module_mm: float
    version: int
    ec_level: str
    labels: int
    read: dict[str, int]


def photograph_layout(layout: Layout, pages: int = 1) -> PhotoResult:
    """Render ``pages`` sheets of production labels at 300 dpi, photograph each label, decode."""
    labels = production_labels(layout.per_page * pages)
    read = dict.fromkeys(DECODERS, 0)
    scale = RENDER_DPI / 25.4
    for page in range(1, pages + 1):
        image = Image.open(io.BytesIO(render_png(labels, layout, dpi=RENDER_DPI, page=page)))
        on_page = labels[(page - 1) * layout.per_page : page * layout.per_page]
        for index, label in enumerate(on_page):
            left, top = layout.label_origin_mm(index)
            crop = image.crop(
                (
                    round(left * scale),
                    round(top * scale),
                    round((left + layout.label_width_mm) * scale),
                    round((top + layout.label_height_mm) * scale),
                )
            )
            photo = phone_photo(crop)
            read["zxing-cpp"] += label.code in read_zxing(photo)
            as_is = label.code in read_opencv(photo)
            read["OpenCV"] += as_is
            read["OpenCV x3"] += as_is or label.code in read_opencv(photo, enlarge=True)
    symbol = max((qr_matrix(label.code) for label in labels[:4]), key=lambda found: found.size)
    return PhotoResult(
        layout.name,
        smallest_module_mm(layout, symbol.size, True),
        symbol.version,
        symbol.ec_level,
        len(labels),
        read,
    )
