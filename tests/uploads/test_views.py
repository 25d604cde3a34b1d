from __future__ import annotations

import pytest

from tests.factories import make_upload
from tests.uploads import samples
from trace.uploads.models import UploadPurpose
from trace.uploads.services import upload_path

SCAN = UploadPurpose.CERTIFICATE_SCAN


def fetch(client, upload_or_key, user=None, **request):
    key = getattr(upload_or_key, "storage_key", upload_or_key)
    if user is not None:
        with client.session_transaction() as browser_session:
            browser_session["_user_id"] = str(user.id)
            browser_session["_fresh"] = True
    response = client.get(f"/files/{key}", **request)
    response.close()
    return response


@pytest.fixture
def scan(session, tenants):
    return make_upload(
        session,
        tenants.cooperative_a,
        purpose=SCAN,
        data=samples.pdf(),
        filename="Giấy chứng nhận VietGAP.pdf",
    )


@pytest.mark.parametrize("purpose", [UploadPurpose.PRODUCT_IMAGE, UploadPurpose.COOPERATIVE_LOGO])
def test_public_images_are_served_to_anyone_with_safe_headers(client, session, tenants, purpose):
    upload = make_upload(session, tenants.cooperative_a, purpose=purpose, filename="Gạo ST25.webp")
    response = client.get(f"/files/{upload.storage_key}")
    body = response.get_data()
    response.close()
    assert response.status_code == 200
    assert body == upload_path(upload).read_bytes()
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"Gao ST25.png\"; filename*=UTF-8''G%E1%BA%A1o%20ST25.png"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["ETag"]


def test_public_images_answer_conditional_requests(client, session, tenants):
    upload = make_upload(session, tenants.cooperative_a)
    etag = fetch(client, upload).headers["ETag"]
    response = fetch(client, upload, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_scans_are_attachments_never_cached(client, tenants, scan):
    response = client.get(f"/files/{scan.storage_key}")
    assert response.status_code == 302
    response.close()
    response = fetch(client, scan, tenants.staff_a)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=\"Giay chung nhan VietGAP.pdf\"; filename*=UTF-8''Gi%E1%BA%A5y"
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_image_scans_are_private_too(client, session, tenants):
    upload = make_upload(session, tenants.cooperative_a, purpose=SCAN)
    response = fetch(client, upload, tenants.inspector)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert fetch(client, upload, tenants.staff_b).status_code == 404


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("operator", 200),
        ("inspector", 200),
        ("staff_a", 200),
        ("staff_b", 404),
        ("officer_a", 403),
        ("officer_b", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_fetch_a_certificate_scan(client, tenants, scan, caller, status):
    user = None if caller == "anonymous" else tenants.user(caller)
    response = fetch(client, scan, user)
    assert response.status_code == status
    if caller == "anonymous":
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "key",
    [
        "A" * 32,
        "short",
        "..%2F..%2Fetc%2Fpasswd",
        "%2E%2E",
        "a" * 31 + ".",
        "a" * 65,
    ],
)
def test_unknown_and_malformed_keys_are_not_found(client, session, tenants, key):
    make_upload(session, tenants.cooperative_a)
    assert fetch(client, key).status_code == 404


def test_a_record_whose_file_is_gone_is_not_found(client, session, tenants):
    upload = make_upload(session, tenants.cooperative_a)
    upload_path(upload).unlink()
    assert fetch(client, upload).status_code == 404


def test_files_are_not_reachable_as_static_files(client, session, tenants):
    upload = make_upload(session, tenants.cooperative_a)
    for path in (f"/static/{upload.storage_key}", f"/static/uploads/{upload.storage_key}"):
        response = client.get(path)
        response.close()
        assert response.status_code == 404
