"""Label data, rasterising and decoding shared by the label tests: real tools, no mocks."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image

from labels import LabelContent, Layout
from labels.fit import TextBlock
from labels.geometry import Box, LabelGeometry, label_geometry

BASE = "https://truyxuat.soctrang.gov.vn"
LONG_TITLE = "Gạo ST25 Sóc Trăng – Hợp tác xã Lúa thơm Trần Đề, Phường Sóc Trăng, Cần Thơ"
LINES = (
    "Hợp tác xã Lúa thơm Trần Đề",
    "Xuất xứ: Xã Trần Đề, Cần Thơ",
    "Lô: ST25-261118-01",
    "Thu hoạch: 18/11/2026",
    "HSD: 24/11/2027",
    "Mã vùng trồng: VN-92-ST-0042",
)
FOOTER = "Quét mã để truy xuất nguồn gốc"


def unit_url(number: int) -> str:
    """A code shaped like an issued unit code (README, "Label codes"), different for every number;
    the signature is a stand-in of the right length (86 base64url characters)."""
    serial = f"K7Q2M{number:05d}"
    signature = base64.urlsafe_b64encode(hashlib.sha512(serial.encode()).digest())
    return (
        f"{BASE}/01/08934567000017/10/ST25-261118-01/21/{serial}?17=271124&k=k1&s="
        + signature.rstrip(b"=").decode()
    )


def unit_labels(
    count: int,
    *,
    start: int = 0,
    title: str = "Gạo ST25 Sóc Trăng",
    lines: tuple[str, ...] = LINES[:3],
    serial: bool = True,
    ocop_stars: int | None = 4,
) -> list[LabelContent]:
    """Serialised labels: one unit code each, the serial printed under the code."""
    return [
        LabelContent(
            code=unit_url(number),
            title=title,
            lines=lines,
            footer=FOOTER,
            ocop_stars=ocop_stars,
            serial=f"K7Q2M{number:05d}" if serial else None,
        )
        for number in range(start, start + count)
    ]


def rasterise(
    pdf: bytes, folder: Path, dpi: float, *, page: int = 1, mono: bool = True
) -> Image.Image:
    """One page of the PDF rasterised by poppler's pdftoppm, as a printer driver would."""
    source = folder / "labels.pdf"
    source.write_bytes(pdf)
    prefix = folder / f"page-{page}-{dpi}"
    result = subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-mono" if mono else "-gray",
            str(source),
            str(prefix),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stderr == "", f"poppler complained: {result.stderr}"
    (output,) = folder.glob(f"{prefix.name}*.p?m")
    image = Image.open(output)
    image.load()
    output.unlink()
    return image


def decode_by_label(image: Image.Image, layout: Layout, dpi: float) -> list[str | None]:
    """The text of each QR code found on a page image, in label order (None where no code
    was found); a code found twice in one label cell fails the test."""
    found: list[str | None] = [None] * layout.per_page
    scale = dpi / 25.4
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = barcode.position
        x = (corners.top_left.x + corners.bottom_right.x) / 2 / scale
        y = (corners.top_left.y + corners.bottom_right.y) / 2 / scale
        index = label_at(layout, x, y)
        assert index is not None, f"a code at {x:.1f}, {y:.1f} mm is outside every label"
        assert found[index] is None, f"two codes found in label {index}"
        found[index] = barcode.text
    return found


def label_at(layout: Layout, x_mm: float, y_mm: float) -> int | None:
    """The index of the label containing a point on the page."""
    for index in range(layout.per_page):
        left, top = layout.label_origin_mm(index)
        if (
            left <= x_mm < left + layout.label_width_mm
            and top <= y_mm < top + layout.label_height_mm
        ):
            return index
    return None


def geometry_at(layout: Layout, index: int, has_serial: bool = True) -> LabelGeometry:
    """The geometry of one label of a page: labels at a sheet's edge keep off its printable
    margin, so their boxes differ from the inner labels'."""
    return label_geometry(
        layout.label_width_mm,
        layout.label_height_mm,
        has_serial,
        insets=layout.label_insets(index),
    )


def first_label_page(layout: Layout) -> int:
    """The PDF page of the first labels: 2 where a sheet's labels leave no room for the
    calibration bar and a calibration page comes first, else 1."""
    from labels.calibration import calibration_place

    return 2 if layout.is_sheet and calibration_place(layout) is None else 1


def png_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def ink_boxes(block: TextBlock) -> list[Box]:
    """Every box something is drawn in."""
    return [line.ink for line in block.lines] + [star.ink for star in block.stars]


def intersects(box: Box, other: Box, tolerance: float = 1e-9) -> bool:
    """Whether the two share any area (touching edges, or overlapping by float rounding only,
    do not count)."""
    return (
        box.x < other.right - tolerance
        and other.x < box.right - tolerance
        and box.y < other.bottom - tolerance
        and other.y < box.bottom - tolerance
    )


def pdf_text(pdf: bytes, folder: Path, *, page: int = 1) -> str:
    """The text of one page of the PDF, as poppler's pdftotext reads it."""
    source = folder / "text.pdf"
    source.write_bytes(pdf)
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(source), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
