"""Files on the registry forms: product photo, certificate scan, cooperative logo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.factories import DAI_TU, make_upload
from tests.registry.test_views_common import (
    assert_shows_error,
    field_errors,
    sign_in,
    submit,
    text_of,
)
from trace.registry.models import Certificate, Cooperative, Product
from trace.uploads.models import Upload, UploadPurpose


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path: Path) -> Path:
    directory = tmp_path / "uploads"
    app.config["TRACE_UPLOAD_DIR"] = str(directory)
    return directory


def picture(kind: str = "PNG") -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 160, 40)).save(data, kind)
    data.seek(0)
    return data


def upload_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Upload))


def test_forms_with_a_file_are_sent_as_multipart(client, tenants):
    sign_in(client, tenants.staff_a)
    for path in (
        "/products/new",
        "/certificates/new",
        f"/cooperatives/{tenants.cooperative_a.id}/edit",
    ):
        markup = client.get(path).get_data(as_text=True)
        assert 'enctype="multipart/form-data"' in markup, path
        assert 'type="file"' in markup, path


def test_a_product_photo_is_stored_and_shown(client, session, tenants, upload_dir):
    sign_in(client, tenants.staff_a)
    response = submit(
        client, "/products/new", {"name": "Bánh pía", "image": (picture(), "bánh pía.png")}
    )
    assert response.status_code == 302
    product = session.scalar(select(Product).where(Product.name == "Bánh pía"))
    upload = session.get(Upload, product.image_upload_id)
    assert upload.purpose is UploadPurpose.PRODUCT_IMAGE
    assert upload.cooperative_id == tenants.cooperative_a.id
    markup = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert f'src="/files/{upload.storage_key}"' in markup
    with client.get(f"/files/{upload.storage_key}") as photo:
        assert photo.status_code == 200


def test_a_refused_file_is_named_at_its_field_with_the_other_mistakes(
    client, session, tenants, upload_dir
):
    before = (upload_count(session), session.scalar(select(func.count()).select_from(Product)))
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/products/new?lang=en",
        {"name": "", "image": (io.BytesIO(b"not a picture at all"), "photo.png")},
    )
    assert response.status_code == 422
    assert_shows_error(response, "image", "Choose a JPEG, PNG or WebP image.")
    assert "If you had chosen a file, choose it again." in text_of(response)
    assert_shows_error(response, "name", "Enter the product's name.")
    after = (upload_count(session), session.scalar(select(func.count()).select_from(Product)))
    assert after == before
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_a_good_photo_with_other_mistakes_is_not_kept(client, session, tenants, upload_dir):
    sign_in(client, tenants.staff_a)
    response = submit(client, "/products/new", {"name": "", "image": (picture(), "a.png")})
    assert response.status_code == 422
    assert upload_count(session) == 0
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_a_certificate_scan_is_stored_and_linked_for_those_who_may_open_it(
    client, session, tenants
):
    sign_in(client, tenants.staff_a)
    scan = io.BytesIO()
    Image.new("RGB", (80, 100), (255, 255, 255)).save(scan, "PDF")
    scan.seek(0)
    response = submit(
        client,
        "/certificates/new?lang=en",
        {
            "scheme": "organic",
            "number": "ORG-2026-5",
            "issuer": "Control Union",
            "valid_from": "2026-01-01",
            "valid_to": "2027-01-01",
            "scan": (scan, "giấy chứng nhận.pdf"),
        },
    )
    assert response.status_code == 302
    certificate = session.scalar(select(Certificate).where(Certificate.number == "ORG-2026-5"))
    upload = session.get(Upload, certificate.scan_upload_id)
    assert upload.content_type == "application/pdf"
    link = f'href="/files/{upload.storage_key}"'
    for caller, may_open in (("staff_a", True), ("inspector", True), ("officer_a", False)):
        sign_in(client, tenants.user(caller))
        page = client.get(f"/certificates/{certificate.id}?lang=en")
        assert (link in page.get_data(as_text=True)) is may_open, caller
    assert "only the cooperative, inspectors and the platform team" in text_of(page)


def test_staff_change_their_logo(client, session, tenants):
    cooperative = tenants.cooperative_a
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        f"/cooperatives/{cooperative.id}/edit",
        {
            "name": cooperative.name,
            "province": "92",
            "commune_code": cooperative.commune_code,
            "logo": (picture("JPEG"), "logo.jpg"),
        },
    )
    assert response.status_code == 302
    session.refresh(cooperative)
    logo = session.get(Upload, cooperative.logo_upload_id)
    assert logo.purpose is UploadPurpose.COOPERATIVE_LOGO
    page = client.get(f"/cooperatives/{cooperative.id}/edit?lang=en")
    assert "A file is already saved" in text_of(page)
    detail = client.get(f"/cooperatives/{cooperative.id}").get_data(as_text=True)
    assert f'src="/files/{logo.storage_key}"' in detail


def test_a_new_cooperatives_logo_is_filed_under_it(client, session, tenants):
    sign_in(client, tenants.operator)
    response = submit(
        client,
        "/cooperatives/new",
        {
            "name": "HTX Đại Từ",
            "tax_code": "4600123459",
            "code_prefix": "DAITU",
            "province": "19",
            "commune_code": DAI_TU,
            "logo": (picture(), "logo.png"),
        },
    )
    assert response.status_code == 302
    cooperative = session.scalar(select(Cooperative).where(Cooperative.code_prefix == "DAITU"))
    logo = session.get(Upload, cooperative.logo_upload_id)
    assert logo.cooperative_id == cooperative.id


def test_without_a_new_file_the_saved_one_stays(client, session, tenants):
    product = tenants.product_a
    product.image_upload_id = make_upload(session, tenants.cooperative_a).id
    session.flush()
    kept = product.image_upload_id
    sign_in(client, tenants.staff_a)
    response = submit(client, f"/products/{product.id}/edit", {"name": "Gạo mới", "unit": "kg"})
    assert response.status_code == 302
    session.refresh(product)
    assert product.image_upload_id == kept
    assert field_errors(response, "image") == ""
