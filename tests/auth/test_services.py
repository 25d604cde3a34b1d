from __future__ import annotations

import pytest

from tests.factories import DAI_TU, TEST_PASSWORD, make_cooperative, make_user
from trace.auth import services
from trace.auth.models import Role
from trace.errors import Conflict, InvalidInput, NotFound


def test_password_is_stored_as_argon2id_hash(session):
    user = make_user(session, Role.OPERATOR)
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_authenticate_accepts_right_password_only(session):
    user = make_user(session, Role.INSPECTOR, email="Thanh.Tra@Example.vn")
    assert services.authenticate(session, "thanh.tra@example.vn", TEST_PASSWORD) is user
    assert user.last_login_at is not None
    assert services.authenticate(session, user.email, "wrong password!") is None
    assert services.authenticate(session, "nobody@example.vn", TEST_PASSWORD) is None


def test_inactive_user_cannot_sign_in(session):
    user = make_user(session, Role.INSPECTOR)
    user.is_active = False
    assert services.authenticate(session, user.email, TEST_PASSWORD) is None


def test_cooperative_staff_need_a_known_cooperative(session):
    with pytest.raises(InvalidInput) as error:
        make_user(session, Role.COOPERATIVE)
    assert "cooperative" in error.value.errors
    with pytest.raises(InvalidInput):
        services.create_user(
            session,
            email="a@b.vn",
            password=TEST_PASSWORD,
            role="cooperative",
            cooperative_tax_code="0000000000",
        )


def test_commune_officer_needs_an_official_2025_commune(session):
    officer = make_user(session, Role.COMMUNE_OFFICER, commune_code="5830")
    assert officer.commune_code == DAI_TU
    with pytest.raises(InvalidInput) as error:
        make_user(session, Role.COMMUNE_OFFICER, commune_code="99999")
    assert "commune" in error.value.errors


def test_bad_input_lists_every_field_and_creates_nothing(session):
    cooperative = make_cooperative(session)
    with pytest.raises(InvalidInput) as error:
        services.create_user(
            session,
            email="not-an-email",
            password="short",
            role="operator",
            cooperative_tax_code=cooperative.tax_code,
        )
    assert set(error.value.errors) == {"email", "password", "cooperative"}
    with pytest.raises(InvalidInput) as error:
        services.create_user(session, email="x@y.vn", password=TEST_PASSWORD, role="boss")
    assert "role" in error.value.errors


def test_duplicate_email_is_a_conflict(session):
    make_user(session, Role.OPERATOR, email="dup@example.vn")
    with pytest.raises(Conflict):
        make_user(session, Role.INSPECTOR, email="DUP@example.vn")


def test_api_token_is_stored_hashed_and_revocable(session):
    user = make_user(session, Role.INSPECTOR)
    token = services.issue_api_token(session, user, "phone app")
    assert token.startswith("trc_")
    assert len(token) > 40
    stored = user.api_tokens[0]
    assert token not in (stored.token_hash, stored.prefix)
    assert services.user_for_token(session, token) is user
    assert services.user_for_token(session, token + "x") is None
    services.revoke_api_token(session, stored.prefix)
    assert services.user_for_token(session, token) is None


def test_revoking_an_unknown_token_says_so(session):
    with pytest.raises(NotFound):
        services.revoke_api_token(session, "trc_nothing")
