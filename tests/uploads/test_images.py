from __future__ import annotations

import warnings

import pytest

from tests.uploads import samples
from tests.uploads.storing import LOGO, refusal, store, stored_image
from trace.uploads.services import upload_path


@pytest.mark.parametrize(
    ("image_format", "mode", "content_type"),
    [
        ("JPEG", "RGB", "image/jpeg"),
        ("PNG", "RGB", "image/png"),
        ("PNG", "RGBA", "image/png"),
        ("PNG", "P", "image/png"),
        ("WEBP", "RGB", "image/jpeg"),
        ("WEBP", "RGBA", "image/png"),
    ],
)
def test_images_are_accepted_and_re_encoded(session, tenants, image_format, mode, content_type):
    data = samples.image_bytes(image_format, (64, 48), mode)
    upload = store(session, tenants, data, purpose=LOGO)
    stored = upload_path(upload).read_bytes()
    assert (upload.content_type, upload.width, upload.height) == (content_type, 64, 48)
    assert upload.byte_size == len(stored)
    assert upload.cooperative_id == tenants.cooperative_a.id
    image = stored_image(upload)
    assert image.get_format_mimetype() == content_type
    assert image.size == (64, 48)
    assert ("A" in image.mode) == (mode == "RGBA")


def test_metadata_is_dropped_and_orientation_applied(session, tenants):
    upload = store(session, tenants, samples.jpeg_with_metadata(size=(64, 48), orientation=6))
    image = stored_image(upload)
    # Rotated upright: the sides swap and the red corner moves to the top right.
    assert (upload.width, upload.height) == image.size == (48, 64)
    red, green, _ = image.getpixel((44, 3))
    assert red > 200
    assert green < 60
    assert not image.getexif()
    assert "icc_profile" not in image.info
    assert "comment" not in image.info
    stored = upload_path(upload).read_bytes()
    assert b"PhoneMaker" not in stored
    assert b"<script" not in stored


def test_large_images_are_scaled_down_to_2000_pixels(session, tenants):
    upload = store(session, tenants, samples.image_bytes("JPEG", (4000, 1000)))
    assert (upload.width, upload.height) == (2000, 500)
    assert stored_image(upload).size == (2000, 500)


def test_grayscale_stays_grayscale(session, tenants):
    upload = store(session, tenants, samples.image_bytes("PNG", (10, 10), "L"))
    assert stored_image(upload).mode == "L"


@pytest.mark.parametrize(
    "data",
    [
        samples.image_bytes("PNG")[:60],
        samples.image_bytes("JPEG")[:200],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
    ],
)
def test_damaged_images_are_refused(session, tenants, nothing_stored, data):
    assert "could not be read" in refusal(session, tenants, data)


# Pixel bombs


@pytest.mark.parametrize(
    "data",
    [
        samples.png_declaring(30_000, 30_000),
        samples.png_declaring(7_000, 7_000),
        samples.png_declaring(10_001, 10),
        samples.jpeg_declaring(60_000, 60_000),
        samples.jpeg_declaring(8_000, 8_000),
    ],
    ids=["png-900-mpx", "png-49-mpx", "png-wide", "jpeg-3600-mpx", "jpeg-64-mpx"],
)
def test_pixel_bombs_are_refused_before_decoding(
    session, tenants, nothing_stored, never_decoded, data
):
    assert len(data) < 2000
    assert "too large" in refusal(session, tenants, data, "bomb.png", LOGO)


def test_a_real_decompression_bomb_is_refused(session, tenants, nothing_stored, never_decoded):
    bomb = samples.png_bomb(12_000)
    # 144 million pixels (Pillow itself only warns at this size) in a few hundred kilobytes.
    assert len(bomb) < 200_000
    assert "too large" in refusal(session, tenants, bomb, "bomb.png", LOGO)


@pytest.mark.parametrize("side", [7_000, 12_000])
def test_bombs_are_refused_where_pillow_only_warns(
    session, tenants, nothing_stored, never_decoded, side
):
    # Production does not turn warnings into errors: our own limit must do the work.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = refusal(session, tenants, samples.png_declaring(side, side), "b.png", LOGO)
    assert "too large" in message


@pytest.mark.parametrize(
    ("payload", "marker"),
    [(samples.HTML_PAYLOAD, b"<script"), (samples.zip_archive(), b"PK\x03\x04")],
    ids=["html", "zip"],
)
@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_image_polyglots_lose_their_payload(session, tenants, image_format, payload, marker):
    data = samples.image_bytes(image_format) + payload
    upload = store(session, tenants, data)
    stored = upload_path(upload).read_bytes()
    assert marker not in stored
    assert stored_image(upload).size == (64, 48)


def test_html_in_front_of_an_image_is_refused(session, tenants, nothing_stored):
    assert "JPEG, PNG" in refusal(session, tenants, samples.HTML_PAYLOAD + samples.image_bytes())
