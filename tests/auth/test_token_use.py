"""A token's last use: written at most every 5 minutes, apart from the request's work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.api.registry_helpers import caller
from trace.auth.models import ApiToken
from trace.auth.services import TOKEN_USE_GRANULARITY
from trace.db import utcnow


def _stored_last_use(session, api_token):
    session.expire_all()
    return session.get(ApiToken, api_token.id).last_used_at


def _store_last_use(session, api_token, last_used_at):
    """Shift time the honest way: the stored value, not our clock."""
    session.execute(
        update(ApiToken).where(ApiToken.id == api_token.id).values(last_used_at=last_used_at)
    )


def test_the_use_is_written_once_within_five_minutes_and_again_after(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    api_token = tenants.staff_a.api_tokens[0]
    assert api_token.last_used_at is None

    assert api.get("/api/v1/me").status_code == 200
    first = _stored_last_use(session, api_token)
    assert first is not None
    assert utcnow() - first < timedelta(minutes=1)
    assert api.get("/api/v1/me").status_code == 200
    assert _stored_last_use(session, api_token) == first

    almost = utcnow() - TOKEN_USE_GRANULARITY + timedelta(seconds=30)
    _store_last_use(session, api_token, almost)
    assert api.get("/api/v1/batches").status_code == 200
    assert _stored_last_use(session, api_token) == almost

    long_ago = utcnow() - TOKEN_USE_GRANULARITY - timedelta(seconds=1)
    _store_last_use(session, api_token, long_ago)
    assert api.get("/api/v1/batches").status_code == 200
    again = _stored_last_use(session, api_token)
    assert again > long_ago + TOKEN_USE_GRANULARITY
    assert utcnow() - again < timedelta(minutes=1)


def test_the_use_is_written_whatever_the_answer(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    api_token = tenants.staff_a.api_tokens[0]

    assert api.get("/api/v1/batches/2147483647").status_code == 404

    assert _stored_last_use(session, api_token) is not None


def test_a_writing_request_records_the_use_too(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    api_token = tenants.staff_a.api_tokens[0]

    created = api.post(
        "/api/v1/batches",
        {
            "product_id": tenants.product_a.id,
            "farming_area_ids": [tenants.farming_area_a.id],
            "harvested_on": "2026-11-18",
            "quantity": 10,
            "unit": "kg",
        },
    )

    assert created.status_code == 201, created.get_json()
    assert _stored_last_use(session, api_token) is not None


def test_an_unknown_or_revoked_token_records_nothing(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    api_token = tenants.staff_a.api_tokens[0]
    _store_last_use(session, api_token, None)
    session.execute(update(ApiToken).values(revoked_at=utcnow()))

    assert api.get("/api/v1/me").status_code == 401

    assert _stored_last_use(session, api_token) is None
