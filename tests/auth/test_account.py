"""My account's rules: name and language, a person's own tokens (trace/auth/account.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trace.auth import account
from trace.auth.models import ApiToken
from trace.auth.services import issue_api_token, user_for_token
from trace.errors import InvalidInput, NotFound


def test_profile_keeps_a_tidy_name_and_the_language(session, tenants):
    user = tenants.staff_a
    account.update_profile(session, user, "  Nguyễn \x07 Thị   Lan ", "en")
    assert user.display_name == "Nguyễn Thị Lan"
    assert user.preferred_language == "en"


@pytest.mark.parametrize(
    ("name", "language", "field"),
    [
        ("x" * 121, "vi", "display_name"),
        ("Lan", "fr", "preferred_language"),
        ("Lan", "", "preferred_language"),
    ],
)
def test_profile_refuses_bad_values_and_changes_nothing(session, tenants, name, language, field):
    user = tenants.staff_a
    with pytest.raises(InvalidInput) as raised:
        account.update_profile(session, user, name, language)
    assert set(raised.value.errors) == {field}
    assert user.display_name == ""
    assert user.preferred_language is None


def test_a_new_token_is_named_and_works(session, tenants):
    token = account.create_token(session, tenants.inspector, "  Bảng tính kho ")
    assert token.startswith("trc_")
    assert user_for_token(session, token) is tenants.inspector
    [listed] = account.active_tokens(session, tenants.inspector)
    assert listed.name == "Bảng tính kho"
    assert token.startswith(listed.prefix)
    assert token not in (listed.token_hash, listed.prefix)


@pytest.mark.parametrize("name", ["", "   ", "\x00\x01", "x" * 101])
def test_a_token_needs_a_name_of_sensible_length(session, tenants, name):
    with pytest.raises(InvalidInput) as raised:
        account.create_token(session, tenants.inspector, name)
    assert set(raised.value.errors) == {"name"}
    assert session.scalars(select(ApiToken)).all() == []


def test_a_person_holds_at_most_twenty_tokens(session, tenants):
    for number in range(account.MAX_ACTIVE_TOKENS):
        account.create_token(session, tenants.operator, f"token {number}")
    with pytest.raises(InvalidInput):
        account.create_token(session, tenants.operator, "one too many")
    first = account.active_tokens(session, tenants.operator)[-1]
    account.revoke_own_token(session, tenants.operator, first.id)
    assert account.create_token(session, tenants.operator, "room again")


def test_tokens_are_listed_newest_first_without_revoked_or_others(session, tenants):
    old = account.create_token(session, tenants.staff_a, "old")
    account.create_token(session, tenants.staff_a, "new")
    account.create_token(session, tenants.staff_b, "someone else's")
    gone = account.create_token(session, tenants.staff_a, "revoked")
    gone_id = next(
        t.id for t in account.active_tokens(session, tenants.staff_a) if t.name == "revoked"
    )
    account.revoke_own_token(session, tenants.staff_a, gone_id)
    names = [token.name for token in account.active_tokens(session, tenants.staff_a)]
    assert names == ["new", "old"]
    assert user_for_token(session, gone) is None
    assert user_for_token(session, old) is tenants.staff_a


def test_revoking_stops_the_token_at_once(session, tenants):
    token = account.create_token(session, tenants.staff_a, "script")
    token_id = account.active_tokens(session, tenants.staff_a)[0].id
    revoked = account.revoke_own_token(session, tenants.staff_a, token_id)
    assert revoked.revoked_at is not None
    assert user_for_token(session, token) is None
    with pytest.raises(NotFound):
        account.revoke_own_token(session, tenants.staff_a, token_id)


def test_another_persons_token_is_missing_not_forbidden(session, tenants):
    token = issue_api_token(session, tenants.staff_b, "B's")
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == tenants.staff_b.id))
    with pytest.raises(NotFound):
        account.own_active_token(session, tenants.staff_a, token_id)
    with pytest.raises(NotFound):
        account.revoke_own_token(session, tenants.staff_a, token_id)
    assert user_for_token(session, token) is tenants.staff_b
