"""Images: opened by content, sized up before decoding, then re-encoded from their pixels.

Re-encoding is what makes an image safe to serve: only pixels survive, so metadata
(EXIF with GPS, comments) and anything appended or hidden in the file (HTML, ZIP
archives: polyglots) are gone.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from trace.uploads.checked import CheckedFile, refuse

# Formats Pillow may open: anything else (GIF, BMP, TIFF, SVG...) is not even tried.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Declared sizes over these are refused before a single pixel is decoded: a small
# compressed file can declare billions of pixels (a decompression bomb).
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000
# Stored images are scaled down to fit this box; that is plenty for a page or a label.
STORED_MAX_SIDE = 2000
JPEG_QUALITY = 85

# What Pillow raises on files it cannot read, truncated data included.
_UNREADABLE = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, IndexError)
_SRGB = ImageCms.createProfile("sRGB")


def reencode_image(data: bytes) -> CheckedFile:
    """Check an image's declared size, decode it and re-encode it as PNG or JPEG."""
    with opened_within_limits(io.BytesIO(data)) as image:
        return _reencode(image)


@contextmanager
def opened_within_limits(
    source: Path | IO[bytes],
    formats: tuple[str, ...] = ACCEPTED_FORMATS,
    max_pixels: int = MAX_PIXELS,
) -> Iterator[Image.Image]:
    """An image opened by its header, refused (``InvalidInput``) before a pixel is decoded
    when it declares too many; what fails while the block decodes it is refused too."""
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit (higher than ours) and raises at twice it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=formats) as image:
                _refuse_oversized(*image.size, max_pixels=max_pixels)
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse_bomb(max_pixels)
    except _UNREADABLE:
        _refuse_unreadable()


def _refuse_oversized(width: int, height: int, max_pixels: int) -> None:
    if width < 1 or height < 1:
        _refuse_unreadable()
    if width > MAX_SIDE or height > MAX_SIDE or width * height > max_pixels:
        _refuse_bomb(max_pixels)


def _refuse_unreadable() -> NoReturn:
    refuse(_l("The image could not be read. It may be damaged or incomplete."))


def _refuse_bomb(max_pixels: int) -> NoReturn:
    refuse(
        _l(
            "The image is too large: at most %(megapixels)s megapixels and %(side)s pixels"
            " on each side.",
            megapixels=max_pixels // 1_000_000,
            side=MAX_SIDE,
        )
    )


def _reencode(image: Image.Image) -> CheckedFile:
    """Decode (scaled down early where the format allows), orient, convert, save afresh."""
    is_png = image.format == "PNG"
    # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 40-megapixel photo never fills memory.
    image.draft(None, (STORED_MAX_SIDE, STORED_MAX_SIDE))
    image.load()
    pixels = ImageOps.exif_transpose(image)
    pixels = _to_srgb(pixels)
    has_alpha = pixels.has_transparency_data
    pixels = pixels.convert("RGBA" if has_alpha else "L" if pixels.mode in ("1", "L") else "RGB")
    pixels.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    # Pillow copies ``info`` (EXIF, ICC, comments) into derived images and reuses some of
    # it when saving: drop it all so only pixels are written.
    pixels.info = {}
    output = io.BytesIO()
    if is_png or has_alpha:
        pixels.save(output, "PNG")
        content_type, extension = "image/png", ".png"
    else:
        pixels.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    return CheckedFile(
        data=output.getvalue(),
        content_type=content_type,
        extension=extension,
        width=pixels.width,
        height=pixels.height,
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert from an embedded colour profile (phones use Display P3) to sRGB, if any."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile only costs colour accuracy; the pixels are still fine.
        return image
    return converted if converted is not None else image
