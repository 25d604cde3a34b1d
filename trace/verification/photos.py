"""Reading the codes in a photo of a label that an inspector uploads.

The decoding is the ``verify`` command's (``decode_image``: zxing-cpp, every QR code once,
in reading order); this adds what a web upload needs first: a size limit, a look at the
image's header so a huge or foreign file is refused before it is decoded, and messages
for the inspector instead of the command line's.
"""

from __future__ import annotations

import io
import tempfile
import warnings
from pathlib import Path
from typing import NoReturn

import click
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from trace.errors import InvalidInput
from trace.verification.cli import READABLE_FORMATS, BadImage, decode_image

# A 48-megapixel phone camera's full-size photo, and some room: more is not a photo.
MAX_PIXELS = 50_000_000
FIELD = "photo"
NOT_A_PHOTO = _l("This file is not a photo that can be read. Choose a JPEG or PNG.")


def codes_in_photo(photo: FileStorage, max_bytes: int) -> list[str]:
    """The text of every QR code in the photo; ``InvalidInput`` naming ``photo`` otherwise."""
    data = photo.stream.read(max_bytes + 1)
    if not data:
        _refuse(_l("Choose a photo of a label."))
    if len(data) > max_bytes:
        _refuse(_l("The photo is larger than %(limit)s MB.", limit=f"{max_bytes / 2**20:.3g}"))
    _check_header(data)
    with tempfile.TemporaryDirectory(prefix="trace-verify-") as folder:
        path = Path(folder) / "photo"
        path.write_bytes(data)
        try:
            texts = decode_image(path, max_pixels=MAX_PIXELS)
        except BadImage:
            _refuse(NOT_A_PHOTO)
        except click.ClickException:
            _refuse(
                _l(
                    "No QR code could be read in this photo. Take it again closer, in good "
                    "light, with the whole code in the picture."
                )
            )
    return texts


def _check_header(data: bytes) -> None:
    """Refuse what is not an image, or one so large that decoding it would be the attack."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                format_name, (width, height) = image.format, image.size
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        _refuse(NOT_A_PHOTO)
    if format_name not in READABLE_FORMATS:
        _refuse(NOT_A_PHOTO)
    if width * height > MAX_PIXELS:
        _refuse(_l("The photo has too many pixels: take it with a lower resolution."))


def _refuse(message: object) -> NoReturn:
    raise InvalidInput(errors={FIELD: [str(message)]})
