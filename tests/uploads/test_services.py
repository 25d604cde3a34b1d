from __future__ import annotations

import io

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from tests.uploads import samples
from tests.uploads.storing import LOGO, PRODUCT_IMAGE, SCAN, refusal, store
from trace.uploads.services import (
    can_fetch,
    display_filename,
    store_upload,
    upload_path,
)


def test_scans_may_also_be_images(session, tenants):
    upload = store(session, tenants, samples.image_bytes("JPEG"), purpose=SCAN)
    assert upload.content_type == "image/jpeg"


def test_file_storage_and_streams_are_read(session, tenants):
    data = samples.image_bytes("PNG")
    field = FileStorage(io.BytesIO(data), filename="Ảnh sản phẩm.png", content_type="text/html")
    upload = store_upload(
        session, data=field, purpose=PRODUCT_IMAGE, cooperative_id=tenants.cooperative_a.id
    )
    assert upload.original_filename == "Ảnh sản phẩm.png"
    assert upload.content_type == "image/png"
    assert store(session, tenants, io.BytesIO(data)).content_type == "image/png"


# Oversized


def test_oversized_files_are_refused_without_reading_them_whole(
    app, session, tenants, nothing_stored
):
    app.config["TRACE_UPLOAD_MAX_BYTES"] = 2048
    data = io.BytesIO(samples.image_bytes("PNG", (10, 10)) + b"\x00" * 10_000)
    message = refusal(session, tenants, data)
    assert "2 KB" in message
    assert data.tell() == 2049


def test_the_default_limit_is_5_mb_and_named_in_the_message(session, tenants, nothing_stored):
    assert "5 MB" in refusal(session, tenants, b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024))


def test_a_file_at_the_limit_is_accepted(app, session, tenants):
    data = samples.image_bytes("PNG", (10, 10))
    app.config["TRACE_UPLOAD_MAX_BYTES"] = len(data)
    assert store(session, tenants, data).byte_size > 0


# Wrong type, whatever the name says


@pytest.mark.parametrize(
    ("data", "filename", "purpose"),
    [
        (samples.HTML_PAYLOAD, "photo.jpg", PRODUCT_IMAGE),
        (samples.HTML_PAYLOAD, "scan.pdf", SCAN),
        (b"MZ\x90\x00" + b"\x00" * 200, "photo.jpg", PRODUCT_IMAGE),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.png", LOGO),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "scan.pdf", SCAN),
        (samples.pdf(), "photo.jpg", PRODUCT_IMAGE),
        (samples.pdf(), "logo.pdf", LOGO),
        (samples.zip_archive(), "photo.jpg", PRODUCT_IMAGE),
        (samples.image_bytes("GIF"), "photo.gif", PRODUCT_IMAGE),
        (samples.image_bytes("BMP"), "photo.jpg", PRODUCT_IMAGE),
        (samples.image_bytes("TIFF"), "scan.pdf", SCAN),
        (b"", "photo.jpg", PRODUCT_IMAGE),
    ],
)
def test_wrong_types_are_refused_whatever_their_name(
    session, tenants, nothing_stored, data, filename, purpose
):
    message = refusal(session, tenants, data, filename, purpose)
    assert "JPEG, PNG" in message or "empty" in message
    assert ("PDF" in message) == (purpose is SCAN and data != b"")


# Names and storage


def test_files_are_stored_under_a_random_key_only(session, tenants, upload_dir):
    first = store(session, tenants, samples.image_bytes(), filename="photo.jpg")
    second = store(session, tenants, samples.image_bytes(), filename="photo.jpg")
    assert first.storage_key != second.storage_key
    assert len(first.storage_key) == 32
    assert sorted(path.name for path in upload_dir.iterdir()) == sorted(
        [first.storage_key, second.storage_key]
    )
    assert upload_path(first) == upload_dir.resolve() / first.storage_key
    assert "photo" not in first.storage_key


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("../../etc/passwd", "passwd.png"),
        ("..\\..\\windows\\win.ini", "win.png"),
        ("/var/www/static/x.html", "x.png"),
        ("<script>alert(1)</script>.png", "script.png"),
        ('a"; filename="evil.exe', "a_ filename_evil.png"),
        ("..", "file.png"),
        ("", "file.png"),
        ("x" * 300 + ".jpg", "x" * 96 + ".png"),
        ("Ga\u0323o ST25 \u202egnp.exe", "Gạo ST25 _gnp.png"),
    ],
)
def test_client_file_names_are_made_harmless(session, tenants, upload_dir, filename, shown):
    upload = store(session, tenants, samples.image_bytes("PNG"), filename=filename)
    assert upload.original_filename == shown
    assert [path.name for path in upload_dir.iterdir()] == [upload.storage_key]
    assert upload.storage_key not in filename


def test_display_names_take_the_extension_of_the_stored_content():
    assert display_filename("ảnh.webp", ".jpg") == "ảnh.jpg"


def test_an_upload_dir_inside_the_static_folder_is_refused(app, session, tenants):
    app.config["TRACE_UPLOAD_DIR"] = str(app.static_folder) + "/uploads"
    with pytest.raises(RuntimeError, match="static"):
        store(session, tenants, samples.image_bytes())


# Files follow the transaction


def test_a_failed_flush_leaves_no_file(session, tenants, upload_dir):
    with pytest.raises(IntegrityError):
        store_upload(
            session,
            data=samples.image_bytes(),
            filename="x.png",
            purpose=LOGO,
            cooperative_id=tenants.cooperative_b.id + 1000,
        )
    assert not any(upload_dir.iterdir())
    session.rollback()
    assert not any(upload_dir.iterdir())


def test_a_rolled_back_upload_takes_its_file_with_it(session, tenants, upload_dir):
    upload = store(session, tenants, samples.image_bytes())
    path = upload_path(upload)
    assert path.is_file()
    session.rollback()
    assert not path.exists()


# Who may fetch


@pytest.mark.parametrize("purpose", [LOGO, PRODUCT_IMAGE])
def test_logos_and_product_images_are_public(session, tenants, purpose):
    upload = store(session, tenants, samples.image_bytes(), purpose=purpose)
    callers = [None, tenants.staff_b, tenants.officer_b, tenants.operator]
    assert all(can_fetch(upload, user) for user in callers)


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [
        ("operator", True),
        ("inspector", True),
        ("staff_a", True),
        ("staff_b", False),
        ("officer_a", False),
        ("officer_b", False),
        ("anonymous", False),
    ],
)
def test_certificate_scans_are_private(session, tenants, caller, allowed):
    upload = store(session, tenants, samples.pdf(), purpose=SCAN)
    user = None if caller == "anonymous" else tenants.user(caller)
    assert can_fetch(upload, user) is allowed
