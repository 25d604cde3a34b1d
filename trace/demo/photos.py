"""The demo's product photo: Circular 02/2024 asks a traced product to show its image.

One key product of Xã Trần Đề (rice ST25 grown with shrimp) gets a photo, drawn here, so
that indicator 13.4 finds it traced; the commune's other key product (organic ST25) keeps
no photo and no recorded harvest, to show what a product that is not traced still lacks.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from trace.demo.data import RICE_ST25
from trace.registry.models import Product
from trace.uploads.models import UploadPurpose
from trace.uploads.services import store_upload

PHOTOGRAPHED = frozenset({RICE_ST25})
SIZE = (640, 480)


def ensure_product_photo(session: Session, product: Product) -> None:
    """Give the product its demo photo if it is one of those photographed and has none."""
    if product.name not in PHOTOGRAPHED or product.image_upload_id is not None:
        return
    upload = store_upload(
        session,
        data=rice_picture(),
        filename="gao-st25.png",
        purpose=UploadPurpose.PRODUCT_IMAGE,
        cooperative_id=product.cooperative_id,
    )
    product.image_upload_id = upload.id
    session.flush()


def rice_picture() -> bytes:
    """Grains of rice on a woven tray, drawn the same way every time (a fixed seed)."""
    picture = Image.new("RGB", SIZE, (196, 160, 104))
    draw = ImageDraw.Draw(picture)
    for row in range(0, SIZE[1], 24):  # the tray's weave
        draw.line([(0, row), (SIZE[0], row)], fill=(170, 134, 82), width=3)
    grains = random.Random(25)  # noqa: S311 (a drawing, not a secret)
    for _ in range(900):
        x, y = grains.uniform(0, SIZE[0]), grains.uniform(0, SIZE[1])
        length, width = grains.uniform(18, 26), grains.uniform(5, 7)
        shade = grains.randint(236, 252)
        draw.ellipse(
            [(x, y), (x + length, y + width)], fill=(shade, shade - 6, shade - 24), outline=None
        )
    output = io.BytesIO()
    picture.save(output, "PNG")
    return output.getvalue()
