"""Certificate pages: status badges and warnings, scope checkboxes, revoking, who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import make_certificate, make_farming_area, make_product
from tests.registry.test_views_common import (
    OTHER_TENANT,
    READ_ONLY,
    assert_shows_error,
    control,
    field_errors,
    selected_value,
    sign_in,
    submit,
    text_of,
)
from trace.common.clock import local_today
from trace.registry.models import Certificate, CertificateScheme

GOOD = {
    "scheme": "vietgap",
    "number": "VietGAP-TT-20-01",
    "issuer": "Quacert",
    "valid_from": "2026-01-15",
    "valid_to": "2027-12-31",
}


def certificate_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Certificate))


@pytest.mark.parametrize("caller", ["operator", "staff_a", "inspector", "officer_a"])
def test_list_and_page_render_for_every_role_that_may_read(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    certificate = tenants.certificate_a
    assert certificate.number in text_of(client.get("/certificates"))
    detail = client.get(f"/certificates/{certificate.id}?lang=en")
    assert detail.status_code == 200
    assert "Quacert" in text_of(detail)
    offers_revoking = "Record that it was revoked" in text_of(detail)
    assert offers_revoking is (caller in ("operator", "staff_a"))


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "is_revoked", "badge"),
    [
        (-100, 300, False, "Valid"),
        (-100, 30, False, "Expires within 60 days"),
        (-400, -1, False, "Expired"),
        (-100, 300, True, "Revoked"),
        (10, 300, False, "Not yet valid"),
    ],
)
def test_status_is_a_coloured_badge(
    client, session, tenants, valid_from, valid_to, is_revoked, badge
):
    on = local_today()
    certificate = make_certificate(
        session,
        tenants.cooperative_a,
        valid_from=on + timedelta(days=valid_from),
        valid_to=on + timedelta(days=valid_to),
        revocation_reason="Withdrawn" if is_revoked else "",
    )
    if is_revoked:
        certificate.revoked_at = certificate.created_at
        session.flush()
    sign_in(client, tenants.staff_a)
    markup = client.get(f"/certificates/{certificate.id}?lang=en").get_data(as_text=True)
    status = {
        "Valid": "valid",
        "Expires within 60 days": "expiring",
        "Expired": "expired",
        "Revoked": "revoked",
        "Not yet valid": "not_yet_valid",
    }[badge]
    assert f'<span class="status status--{status}">' in markup
    assert badge in markup
    listing = client.get("/certificates?lang=en").get_data(as_text=True)
    assert f'<span class="status status--{status}">' in listing


@pytest.mark.parametrize(
    ("scheme", "months", "label"),
    [(CertificateScheme.VIETGAP, 24, "VietGAP"), (CertificateScheme.OCOP, 36, "OCOP")],
)
def test_a_certificate_longer_than_its_scheme_allows_is_flagged(
    client, session, tenants, scheme, months, label
):
    certificate = make_certificate(
        session,
        tenants.cooperative_a,
        scheme=scheme,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026 + months // 12, 1, 1),
    )
    sign_in(client, tenants.staff_a)
    text = text_of(client.get(f"/certificates/{certificate.id}?lang=en"))
    assert f"{label} certificates last at most {months} months" in text
    assert f"Longer than {label} allows" in text_of(client.get("/certificates?lang=en"))


def test_page_lists_what_the_certificate_covers(client, session, tenants):
    certificate = tenants.certificate_a
    certificate.products = [tenants.product_a]
    certificate.farming_areas = [tenants.farming_area_a]
    session.flush()
    sign_in(client, tenants.officer_a)
    markup = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert f'href="/products/{tenants.product_a.id}"' in markup
    assert f'href="/farming-areas/{tenants.farming_area_a.id}"' in markup


def test_new_form_offers_the_cooperatives_own_records_as_checkboxes(client, session, tenants):
    make_product(session, tenants.cooperative_b, name="Chè Đại Từ")
    archived = make_product(session, tenants.cooperative_a, name="Sản phẩm cũ")
    archived.archived_at = archived.created_at
    session.flush()
    sign_in(client, tenants.staff_a)
    response = client.get("/certificates/new?lang=en")
    markup = response.get_data(as_text=True)
    assert csrf_token_from(markup)
    assert control(response, "product_ids")["type"] == "checkbox"
    assert tenants.product_a.name in markup
    assert tenants.farming_area_a.code in markup
    assert "Chè Đại Từ" not in markup
    assert "Sản phẩm cũ" not in markup
    assert control(response, "valid_from")["type"] == "date"


def test_staff_add_a_certificate_with_its_scope(client, session, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/certificates/new?lang=en",
        {
            **GOOD,
            "product_ids": [str(tenants.product_a.id)],
            "farming_area_ids": [str(tenants.farming_area_a.id)],
        },
    )
    assert response.status_code == 302
    certificate = session.scalar(select(Certificate).where(Certificate.number == GOOD["number"]))
    assert certificate.cooperative_id == tenants.cooperative_a.id
    assert certificate.scheme is CertificateScheme.VIETGAP
    assert certificate.valid_from == date(2026, 1, 15)
    assert [p.id for p in certificate.products] == [tenants.product_a.id]
    assert [a.id for a in certificate.farming_areas] == [tenants.farming_area_a.id]


def test_mistakes_are_shown_at_their_fields_and_nothing_is_saved(client, session, tenants):
    other = make_product(session, tenants.cooperative_b, name="Chè Đại Từ")
    before = certificate_count(session)
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/certificates/new?lang=en",
        {
            "scheme": "gold-star",
            "number": "",
            "issuer": "x" * 201,
            "valid_from": "15/01/2026",
            "valid_to": "",
            "product_ids": [str(other.id)],
            "farming_area_ids": ["abc"],
        },
    )
    assert response.status_code == 422
    assert_shows_error(response, "scheme", "Choose one of the options.")
    assert_shows_error(response, "number", "This field is required.")
    assert_shows_error(response, "issuer", "Use at most 200 characters.")
    assert_shows_error(response, "valid_from", "Enter a date.")
    assert_shows_error(response, "valid_to", "Enter a date.")
    assert "Choose only your cooperative's own records." in field_errors(response, "product_ids")
    assert "Choose only your cooperative's own records." in field_errors(
        response, "farming_area_ids"
    )
    assert certificate_count(session) == before


def test_edit_shows_the_stored_values_and_saves(client, session, tenants):
    certificate = tenants.certificate_a
    certificate.products = [tenants.product_a]
    session.flush()
    sign_in(client, tenants.staff_a)
    page = client.get(f"/certificates/{certificate.id}/edit")
    assert selected_value(page, "scheme") == "vietgap"
    assert control(page, "valid_to")["value"] == certificate.valid_to.isoformat()
    assert "checked" in control(page, "product_ids")
    response = submit(
        client,
        f"/certificates/{certificate.id}/edit",
        {**GOOD, "number": certificate.number, "issuer": "Cục Trồng trọt"},
    )
    assert response.status_code == 302
    session.refresh(certificate)
    assert certificate.issuer == "Cục Trồng trọt"
    assert certificate.products == []


def test_revoking_needs_a_reason_then_shows_the_certificate_as_revoked(client, session, tenants):
    certificate = tenants.certificate_a
    sign_in(client, tenants.staff_a)
    path = f"/certificates/{certificate.id}"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    refused = client.post(
        f"{path}/revoke?lang=en", data={"csrf_token": token, "revocation_reason": "  "}
    )
    assert refused.status_code == 422
    assert_shows_error(refused, "revocation_reason", "Say why the certificate was revoked")
    assert '<details class="more revoke" open>' in refused.get_data(as_text=True)
    session.refresh(certificate)
    assert certificate.revoked_at is None

    done = client.post(
        f"{path}/revoke", data={"csrf_token": token, "revocation_reason": "Thu hồi tháng 3"}
    )
    assert done.status_code == 302
    session.refresh(certificate)
    assert certificate.revoked_at is not None
    text = text_of(client.get(f"{path}?lang=en"))
    assert "Thu hồi tháng 3" in text
    assert "Record that it was revoked" not in text


def test_archive_hides_the_certificate(client, session, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(client, f"/certificates/{tenants.certificate_a.id}/archive", {})
    assert response.status_code == 302
    session.refresh(tenants.certificate_a)
    assert tenants.certificate_a.archived_at is not None


def test_operator_adds_a_certificate_for_a_cooperative(client, session, tenants):
    area_b = make_farming_area(session, tenants.cooperative_b)
    sign_in(client, tenants.operator)
    page = client.get(f"/certificates/new?cooperative={tenants.cooperative_b.id}")
    assert area_b.code in page.get_data(as_text=True)
    assert tenants.farming_area_a.code not in page.get_data(as_text=True)
    response = submit(
        client,
        "/certificates/new",
        {
            **GOOD,
            "cooperative_id": str(tenants.cooperative_b.id),
            "farming_area_ids": [str(area_b.id)],
        },
    )
    assert response.status_code == 302
    certificate = session.scalar(select(Certificate).where(Certificate.number == GOOD["number"]))
    assert certificate.cooperative_id == tenants.cooperative_b.id


def test_text_people_typed_is_escaped(client, session, tenants):
    certificate = make_certificate(session, tenants.cooperative_a, issuer="<i>Quacert</i>")
    sign_in(client, tenants.staff_a)
    markup = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "<i>Quacert</i>" not in markup
    assert "&lt;i&gt;Quacert&lt;/i&gt;" in markup


WRITE_PATHS = [
    "/certificates/new",
    "/certificates/{id}/edit",
    "/certificates/{id}/archive",
    "/certificates/{id}/revoke",
]


@pytest.mark.parametrize("caller", READ_ONLY)
@pytest.mark.parametrize("path", WRITE_PATHS)
def test_read_only_roles_may_not_write(client, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.certificate_a.id)
    if not url.endswith("/revoke"):
        assert client.get(url).status_code == 403
    assert client.post(url, data={"revocation_reason": "x"}).status_code in (400, 403)


@pytest.mark.parametrize("caller", OTHER_TENANT)
@pytest.mark.parametrize("path", ["/certificates/{id}", *WRITE_PATHS[1:]])
def test_another_cooperative_gets_not_found(client, session, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.certificate_a.id)
    if not url.endswith("/revoke"):
        assert client.get(url).status_code == 404
    if path != "/certificates/{id}":
        token = csrf_token_from(client.get("/certificates/new").get_data(as_text=True))
        data = {"csrf_token": token, "revocation_reason": "x", **GOOD}
        assert client.post(url, data=data).status_code == 404
    session.refresh(tenants.certificate_a)
    assert tenants.certificate_a.revoked_at is None
    assert tenants.certificate_a.archived_at is None
