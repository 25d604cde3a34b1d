"""Storing in one line, and reading back what was stored."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from PIL import Image

from trace.errors import InvalidInput
from trace.uploads.models import Upload, UploadPurpose
from trace.uploads.services import store_upload, upload_path

LOGO = UploadPurpose.COOPERATIVE_LOGO
PRODUCT_IMAGE = UploadPurpose.PRODUCT_IMAGE
SCAN = UploadPurpose.CERTIFICATE_SCAN


def store(session, tenants, data, filename="photo.jpg", purpose=PRODUCT_IMAGE):
    return store_upload(
        session,
        data=data,
        filename=filename,
        purpose=purpose,
        cooperative_id=tenants.cooperative_a.id,
    )


def refusal(session, tenants, data, filename="photo.jpg", purpose=PRODUCT_IMAGE) -> str:
    # Messages are worded when raised: refuse in English to compare with English text.
    with force_locale("en"), pytest.raises(InvalidInput) as refused:
        store(session, tenants, data, filename, purpose)
    assert list(refused.value.errors) == ["file"]
    return refused.value.errors["file"][0]


def stored_image(upload: Upload) -> Image.Image:
    return Image.open(io.BytesIO(upload_path(upload).read_bytes()))
