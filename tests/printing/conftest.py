"""What the printing tests share: a registered batch with a GTIN product, and decoding pages."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.batches.conftest import batch_values
from trace.batches.services import batches

GTIN = "08934567000017"


@pytest.fixture
def batch(session, tenants):
    tenants.product_a.gtin = GTIN
    tenants.product_a.ocop_stars = 4
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    return batches.create_batch(session, tenants.staff_a, values)


def qr_texts_in_pdf(data: bytes, folder: Path) -> list[str]:
    """Every QR code on every page of a PDF, rasterised at 300 dpi as a printer would."""
    pdf = folder / "labels.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(folder / "page")],
        check=True,
        timeout=120,
    )
    texts = []
    for page in sorted(folder.glob("page-*.png")):
        texts += qr_texts_in_image(page.read_bytes())
    return texts


def qr_texts_in_image(data: bytes) -> list[str]:
    import io

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        qr_codes = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        return [found.text for found in zxingcpp.read_barcodes(image, formats=qr_codes)]
