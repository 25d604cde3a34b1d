"""API: /api/v1/certificates — list, get, create, update, revoke, archive; status and warning."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.api.registry_helpers import caller, count, field_errors, ids
from tests.factories import make_certificate, make_farming_area, make_product
from trace.common import clock
from trace.common.clock import local_today
from trace.registry.models import Certificate, CertificateScheme

URL = "/api/v1/certificates"


def _new_certificate(**values):
    return {
        "scheme": "vietgap",
        "number": "VietGAP-TT-13-0101",
        "issuer": "Trung tâm Chứng nhận Phù hợp (Quacert)",
        "valid_from": "2025-06-01",
        "valid_to": "2027-05-31",
        **values,
    }


def _days(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).isoformat()


def test_certificates_are_listed_with_status_and_scope(client, session, tenants):
    tenants.certificate_a.products.append(tenants.product_a)
    session.flush()
    body = caller(client, session, tenants.staff_a).get(URL).get_json()
    assert body["total"] == 1
    certificate = body["items"][0]
    assert certificate["id"] == tenants.certificate_a.id
    assert certificate["scheme"] == "vietgap"
    assert certificate["product_ids"] == [tenants.product_a.id]
    assert certificate["farming_area_ids"] == []
    assert certificate["status"] in {"valid", "expiring", "expired"}
    assert certificate["warning"] is None
    assert (certificate["revoked_at"], certificate["revocation_reason"]) == (None, "")


def test_lists_filter_by_scheme_and_search(client, session, tenants):
    ocop = make_certificate(
        session, tenants.cooperative_a, scheme=CertificateScheme.OCOP, number="OCOP-ST-2025-17"
    )
    api = caller(client, session, tenants.staff_a)
    assert ids(api.get(URL, scheme="ocop")) == [ocop.id]
    assert ids(api.get(URL, q="ocop-st")) == [ocop.id]
    assert ids(api.get(URL, q="quacert", scheme="vietgap")) == [tenants.certificate_a.id]
    assert "scheme" in field_errors(api.get(URL, scheme="iso9001"))


def test_lists_put_the_latest_expiry_first_and_page(client, session, tenants):
    later = make_certificate(session, tenants.cooperative_a, valid_to=date(2028, 1, 1))
    api = caller(client, session, tenants.staff_a)
    assert ids(api.get(URL, per_page=1)) == [later.id]
    assert ids(api.get(URL, per_page=1, page=2)) == [tenants.certificate_a.id]


@pytest.mark.parametrize(
    ("user", "sees_a", "sees_b"),
    [
        ("operator", True, True),
        ("inspector", True, True),
        ("staff_a", True, False),
        ("staff_b", False, True),
        ("officer_a", True, False),
        ("officer_b", False, True),
    ],
)
def test_each_role_lists_what_it_may_read(client, session, tenants, user, sees_a, sees_b):
    certificate_b = make_certificate(session, tenants.cooperative_b)
    listed = set(ids(caller(client, session, tenants.user(user)).get(URL)))
    assert (tenants.certificate_a.id in listed, certificate_b.id in listed) == (sees_a, sees_b)


def test_get_hides_other_tenants_certificates(client, session, tenants):
    path = f"{URL}/{tenants.certificate_a.id}"
    assert caller(client, session, tenants.inspector).get(path).status_code == 200
    assert caller(client, session, tenants.staff_b).get(path).status_code == 404


def test_staff_record_a_certificate_with_its_scope(client, session, tenants):
    payload = _new_certificate(
        product_ids=[tenants.product_a.id], farming_area_ids=[tenants.farming_area_a.id]
    )
    response = caller(client, session, tenants.staff_a).post(URL, payload)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["product_ids"], body["farming_area_ids"]) == (
        [tenants.product_a.id],
        [tenants.farming_area_a.id],
    )
    stored = session.get(Certificate, body["id"])
    assert stored.cooperative_id == tenants.cooperative_a.id
    assert stored.valid_to == date(2027, 5, 31)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "status"),
    [
        (-400, 400, "valid"),
        (-400, 30, "expiring"),
        (-400, -1, "expired"),
        (5, 400, "not_yet_valid"),
    ],
)
def test_status_is_computed_for_today(client, session, tenants, valid_from, valid_to, status):
    payload = _new_certificate(valid_from=_days(valid_from), valid_to=_days(valid_to))
    response = caller(client, session, tenants.staff_a).post(URL, payload)
    assert response.get_json()["status"] == status


def test_status_uses_the_date_in_vietnam(client, session, tenants, monkeypatch):
    class EveningInUtc(datetime):
        @classmethod
        def now(cls, tz=None):
            # 20:00 UTC on 31 May 2027 is already 1 June in Hà Nội.
            return datetime(2027, 5, 31, 20, 0, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", EveningInUtc)
    path = f"{URL}/{tenants.certificate_a.id}"
    assert caller(client, session, tenants.staff_a).get(path).get_json()["status"] == "expired"


def test_a_validity_beyond_the_schemes_maximum_is_saved_with_a_warning(client, session, tenants):
    payload = _new_certificate(valid_from="2025-01-01", valid_to="2027-06-30")
    response = caller(client, session, tenants.staff_a).post(URL, payload)
    assert response.status_code == 201
    assert response.get_json()["warning"] == {"scheme": "vietgap", "maximum_months": 24}


def test_far_future_dates_are_answered_not_crashed_on(client, session, tenants):
    payload = _new_certificate(valid_from="9999-01-01", valid_to="9999-12-31")
    response = caller(client, session, tenants.staff_a).post(URL, payload)
    assert response.status_code == 201
    assert response.get_json()["status"] == "not_yet_valid"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scheme": "iso9001"}, "scheme"),
        ({"scheme": "VietGAP"}, "scheme"),
        ({"number": ""}, "number"),
        ({"number": "n" * 81}, "number"),
        ({"issuer": ""}, "issuer"),
        ({"valid_from": "2025-02-30"}, "valid_from"),
        ({"valid_to": None}, "valid_to"),
        ({"valid_from": "2027-01-01", "valid_to": "2026-01-01"}, "valid_to"),
        ({"product_ids": "1"}, "product_ids"),
        ({"product_ids": [1.5]}, "product_ids"),
        ({"product_ids": [0]}, "product_ids"),
        ({"farming_area_ids": [2147483648]}, "farming_area_ids"),
        ({"scan_upload_id": 1}, "scan_upload_id"),
        ({"status": "valid"}, "status"),
    ],
)
def test_invalid_certificates_are_refused_naming_the_field(
    client, session, tenants, changes, field
):
    before = count(session, Certificate)
    response = caller(client, session, tenants.staff_a).post(URL, _new_certificate(**changes))
    assert field in field_errors(response)
    assert count(session, Certificate) == before


def test_the_scope_names_only_the_cooperatives_own_records(client, session, tenants):
    product_b = make_product(session, tenants.cooperative_b)
    area_b = make_farming_area(session, tenants.cooperative_b)
    response = caller(client, session, tenants.staff_a).post(
        URL, _new_certificate(product_ids=[product_b.id], farming_area_ids=[area_b.id])
    )
    assert set(field_errors(response)) == {"product_ids", "farming_area_ids"}


def test_a_number_is_unique_within_its_scheme(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    taken = _new_certificate(number=tenants.certificate_a.number)
    assert "number" in field_errors(api.post(URL, taken))
    assert api.post(URL, {**taken, "scheme": "globalgap"}).status_code == 201


@pytest.mark.parametrize("user", ["inspector", "officer_a"])
def test_read_only_roles_cannot_create(client, session, tenants, user):
    response = caller(client, session, tenants.user(user)).post(URL, _new_certificate())
    assert response.status_code == 403


def test_staff_of_another_cooperative_cannot_record_for_it(client, session, tenants):
    response = caller(client, session, tenants.staff_b).post(
        URL, _new_certificate(cooperative_id=tenants.cooperative_a.id)
    )
    assert response.status_code == 404


def test_update_changes_only_the_given_fields(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    path = f"{URL}/{tenants.certificate_a.id}"
    response = api.patch(path, {"issuer": "Cục Trồng trọt", "product_ids": [tenants.product_a.id]})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["issuer"], body["number"]) == ("Cục Trồng trọt", tenants.certificate_a.number)
    assert body["product_ids"] == [tenants.product_a.id]
    assert api.patch(path, {"product_ids": []}).get_json()["product_ids"] == []


def test_an_invalid_update_changes_nothing(client, session, tenants):
    path = f"{URL}/{tenants.certificate_a.id}"
    response = caller(client, session, tenants.staff_a).patch(
        path, {"issuer": "Khác", "valid_to": "2020-01-01"}
    )
    assert set(field_errors(response)) == {"valid_to"}
    session.expire_all()
    assert session.get(Certificate, tenants.certificate_a.id).issuer.startswith("Trung tâm")


def test_revoking_marks_the_certificate_revoked(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    path = f"{URL}/{tenants.certificate_a.id}"
    response = api.post(f"{path}/revoke", {"reason": "Thu hồi sau kiểm tra giám sát"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "revoked"
    assert body["revocation_reason"] == "Thu hồi sau kiểm tra giám sát"
    assert datetime.fromisoformat(body["revoked_at"]).tzinfo is not None
    assert api.get(path).get_json()["status"] == "revoked"


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": "r" * 301}])
def test_a_revocation_needs_a_reason(client, session, tenants, body):
    path = f"{URL}/{tenants.certificate_a.id}/revoke"
    response = caller(client, session, tenants.staff_a).post(path, body)
    assert set(field_errors(response)) == {"reason"}
    session.expire_all()
    assert session.get(Certificate, tenants.certificate_a.id).revoked_at is None


@pytest.mark.parametrize(("user", "status"), [("staff_b", 404), ("inspector", 403)])
def test_others_cannot_revoke_update_or_archive(client, session, tenants, user, status):
    api = caller(client, session, tenants.user(user))
    path = f"{URL}/{tenants.certificate_a.id}"
    assert api.post(f"{path}/revoke", {"reason": "Không hợp lệ"}).status_code == status
    assert api.patch(path, {"issuer": "X"}).status_code == status
    assert api.post(f"{path}/archive").status_code == status
    session.expire_all()
    assert session.get(Certificate, tenants.certificate_a.id).revoked_at is None


def test_archived_certificates_leave_the_default_list(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    response = api.post(f"{URL}/{tenants.certificate_a.id}/archive")
    assert response.status_code == 200
    assert response.get_json()["archived_at"] is not None
    assert ids(api.get(URL)) == []
    assert ids(api.get(URL, include_archived="true")) == [tenants.certificate_a.id]


@pytest.mark.parametrize("field", ["number", "issuer"])
def test_a_change_cannot_blank_a_required_field(client, session, tenants, field):
    path = f"{URL}/{tenants.certificate_a.id}"
    response = caller(client, session, tenants.staff_a).patch(path, {field: " "})
    assert field in field_errors(response)


def test_the_routes_are_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"][URL]) >= {"get", "post"}
    assert set(document["paths"][URL + "/{certificate_id}"]) >= {"get", "patch"}
    for action in ("revoke", "archive"):
        assert "post" in document["paths"][URL + "/{certificate_id}/" + action]
    parameters = {p["name"] for p in document["paths"][URL]["get"]["parameters"]}
    assert "scheme" in parameters
    status = document["components"]["schemas"]["CertificateOut"]["properties"]["status"]
    assert set(status["enum"]) == {"valid", "expiring", "expired", "revoked", "not_yet_valid"}
