"""``POST /api/v1/verify``: public, the same answer as the service, bad input, rate limit."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.batches.conftest import batch_values
from trace.audit.models import AuditRecord
from trace.batches.models import LabelCode
from trace.batches.services import batches, codes
from trace.verification.answers import verification_json
from trace.verification.services import verify_code

URL = "/api/v1/verify"


@pytest.fixture
def code_text(session, tenants):
    tenants.product_a.gtin = "08934567000017"
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    batch = batches.create_batch(session, tenants.staff_a, values)
    session.commit()
    return codes.batch_code(session, tenants.staff_a, batch.id).text


def test_anyone_verifies_a_code_without_a_token(client, session, code_text):
    response = client.post(URL, json={"code": code_text}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert (answer["valid"], answer["reason"]) == (True, "valid")
    assert answer["batch"]["product"]["gtin"] == "08934567000017"
    with force_locale("en"):
        assert answer == verification_json(verify_code(session, code_text))


def test_a_tampered_code_is_not_valid_and_says_why(client, code_text):
    tampered = code_text.replace("?17=270519", "?17=270619")
    answer = client.post(URL, json={"code": tampered}).get_json()
    assert (answer["valid"], answer["reason"], answer["batch"]) == (False, "bad signature", None)


@pytest.mark.parametrize(
    "text", ["", "x" * 5000, "https://a.vn/01/\x00", "\ud800", "javascript:alert(1)", "😀"]
)
def test_any_text_gets_a_verdict_never_an_error(client, text):
    response = client.post(URL, json={"code": text})
    assert response.status_code == 200
    assert response.get_json()["reason"] == "malformed code"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": 12},
        {"code": None},
        {"code": ["https://a.vn"]},
        {"code": "https://a.vn", "extra": 1},
        [],
        "a code",
    ],
)
def test_a_body_without_a_code_string_is_refused_clearly(client, session, body):
    before = session.scalar(select(func.count()).select_from(AuditRecord))
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]
    assert session.scalar(select(func.count()).select_from(AuditRecord)) == before


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post(URL, data="code=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code in (415, 422)
    assert response.get_json()["code"] == response.status_code


def test_verifying_writes_nothing(client, session, code_text):
    before = session.scalar(select(func.count()).select_from(LabelCode))
    client.post(URL, json={"code": code_text})
    assert session.scalar(select(func.count()).select_from(LabelCode)) == before


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


def test_checks_from_one_address_are_rate_limited(app, client, code_text):
    app.config["TRACE_VERIFY_RATE_LIMIT"] = "3 per minute"
    statuses = [client.post(URL, json={"code": code_text}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post(URL, json={"code": code_text})
    assert refused.get_json()["code"] == 429
    assert "Retry-After" in refused.headers
    other = client.post(URL, json={"code": code_text}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_the_openapi_document_describes_verify_as_public(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/verify"]["post"]
    assert operation["security"] == []
    assert {"200", "422", "429"} <= set(operation["responses"])
