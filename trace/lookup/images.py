"""Product photos for the public page: at most 800 px wide, JPEG, made once and kept."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from PIL import Image

from trace.uploads.models import Upload
from trace.uploads.services import upload_path

PAGE_WIDTH = 800
JPEG_QUALITY = 80


def page_image(upload: Upload) -> Path:
    """The page-sized copy of a stored image, written next to it the first time it is asked."""
    original = upload_path(upload)
    resized = original.with_name(f"{original.name}.w{PAGE_WIDTH}.jpg")
    if not resized.is_file():
        _write_atomically(resized, _resize(original))
    return resized


def _resize(original: Path) -> bytes:
    with Image.open(original) as image:
        image.load()
        picture = image.convert("RGB")
    if picture.width > PAGE_WIDTH:
        height = round(picture.height * PAGE_WIDTH / picture.width)
        picture = picture.resize((PAGE_WIDTH, height), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return output.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    """Two workers asking at once each write their own file; one rename wins, both whole."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".resize-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)
