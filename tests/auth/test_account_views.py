"""My account through the test client: details and language, tokens shown once, revoking."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, log_in
from trace.auth.models import ApiToken, User
from trace.auth.token_handoff import HANDOFF_KEY
from trace.db import db

TOKEN_IN_PAGE = re.compile(r'id="new-token-value"[^>]*value="(trc_[^"]+)"')


def _form_token(client, path="/account"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def _create(client, name="Bảng tính kho"):
    return client.post("/account/tokens", data={"name": name, "csrf_token": _form_token(client)})


def _fresh(user: User) -> User:
    db.session.refresh(user)
    return user


def _api_me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_everyone_signed_in_has_an_account_page(client, tenants):
    log_in(client, tenants.officer_a.email)
    page = client.get("/account")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tài khoản của tôi" in html
    assert tenants.officer_a.email in html
    assert 'href="/account/password"' in html
    assert "no-store" in page.headers["Cache-Control"]
    assert 'href="/account"' in client.get("/dashboard").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert "/login" in client.get("/account").headers["Location"]


def test_saving_details_puts_the_language_in_force(client, tenants):
    log_in(client, tenants.staff_a.email)
    response = client.post(
        "/account",
        data={
            "display_name": "Trần Văn Bình",
            "preferred_language": "en",
            "csrf_token": _form_token(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lang/en?next=/account")
    back = client.get(response.headers["Location"])
    assert back.headers["Location"] == "/account"
    html = client.get("/account").get_data(as_text=True)
    assert "My account" in html
    assert "Your details are saved." in html
    user = _fresh(tenants.staff_a)
    assert (user.display_name, user.preferred_language) == ("Trần Văn Bình", "en")


def test_bad_details_are_named_and_nothing_is_saved(client, tenants):
    log_in(client, tenants.staff_a.email)
    response = client.post(
        "/account",
        data={
            "display_name": "x" * 130,
            "preferred_language": "fr",
            "csrf_token": _form_token(client),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tối đa 120 ký tự." in html
    assert "Hãy chọn tiếng Việt hoặc tiếng Anh." in html
    user = _fresh(tenants.staff_a)
    assert (user.display_name, user.preferred_language) == ("", None)


def test_details_without_a_csrf_token_are_refused(client, tenants):
    log_in(client, tenants.staff_a.email)
    response = client.post("/account", data={"display_name": "X", "preferred_language": "en"})
    assert response.status_code == 400
    assert _fresh(tenants.staff_a).preferred_language is None


def test_the_preferred_language_is_put_in_force_at_sign_in(client, tenants):
    tenants.inspector.preferred_language = "en"
    db.session.flush()
    response = log_in(client, tenants.inspector.email)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("lang=en;") for cookie in cookies)
    assert '<html lang="en">' in client.get("/dashboard").get_data(as_text=True)
    # The language switch still works afterwards.
    client.get("/lang/vi?next=/dashboard")
    assert '<html lang="vi">' in client.get("/dashboard").get_data(as_text=True)


def test_no_preference_leaves_the_language_alone(client, tenants):
    response = log_in(client, tenants.inspector.email)
    assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))


def test_a_new_token_is_shown_once_then_never_again(client, tenants):
    log_in(client, tenants.staff_a.email)
    response = _create(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account#new-token"
    first = client.get("/account")
    assert "no-store" in first.headers["Cache-Control"]
    token = TOKEN_IN_PAGE.search(first.get_data(as_text=True)).group(1)
    assert _api_me(client, token).get_json()["email"] == tenants.staff_a.email
    again = client.get("/account").get_data(as_text=True)
    assert token not in again
    assert "Bảng tính kho" in again
    assert token[:12] in again
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == tenants.staff_a.id))
    assert stored.token_hash != token


def test_the_token_rides_encrypted_in_the_cookie(client, tenants):
    log_in(client, tenants.staff_a.email)
    _create(client)
    with client.session_transaction() as browser_session:
        sealed = browser_session[HANDOFF_KEY]
        browser_session[HANDOFF_KEY] = sealed[:-4] + "AAAA"
    assert "trc_" not in sealed
    assert "new-token-value" not in client.get("/account").get_data(as_text=True)


def test_a_token_without_a_name_is_refused_and_none_is_made(client, tenants):
    log_in(client, tenants.staff_a.email)
    response = _create(client, name="  ")
    assert response.status_code == 422
    assert "Hãy ghi mã dùng vào việc gì." in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def _own_token_id(user_id):
    return db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    )


def test_revoking_asks_first_then_stops_the_token_at_once(client, tenants):
    log_in(client, tenants.staff_a.email)
    _create(client, "Kịch bản")
    token = TOKEN_IN_PAGE.search(client.get("/account").get_data(as_text=True)).group(1)
    token_id = _own_token_id(tenants.staff_a.id)
    assert _api_me(client, token).status_code == 200

    confirm = client.get(f"/account/tokens/revoke?token={token_id}")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Thu hồi mã “Kịch bản”?" in html
    assert _api_me(client, token).status_code == 200  # asking changed nothing

    response = client.post(
        "/account/tokens/revoke",
        data={"token_id": str(token_id), "csrf_token": csrf_token_from(html)},
    )
    assert response.status_code == 302
    assert _api_me(client, token).status_code == 401
    assert "Kịch bản" in client.get("/account").get_data(as_text=True)  # the flash message
    assert _own_token_id(tenants.staff_a.id) is None


def test_another_persons_token_cannot_be_revoked(client, tenants):
    log_in(client, tenants.staff_b.email)
    _create(client, "B's")
    token = TOKEN_IN_PAGE.search(client.get("/account").get_data(as_text=True)).group(1)
    token_id = _own_token_id(tenants.staff_b.id)
    client.post("/logout", data={"csrf_token": _form_token(client, "/dashboard")})
    log_in(client, tenants.staff_a.email)
    assert client.get(f"/account/tokens/revoke?token={token_id}").status_code == 404
    response = client.post(
        "/account/tokens/revoke",
        data={"token_id": str(token_id), "csrf_token": _form_token(client)},
    )
    assert response.status_code == 404
    assert _api_me(client, token).status_code == 200


@pytest.mark.parametrize("asked", ["", "abc", "-1", "99999999999"])
def test_revoking_without_a_token_goes_back_to_the_list(client, tenants, asked):
    log_in(client, tenants.staff_a.email)
    response = client.get(f"/account/tokens/revoke?token={asked}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


def test_revoking_needs_a_csrf_token(client, tenants):
    log_in(client, tenants.staff_a.email)
    _create(client)
    token_id = _own_token_id(tenants.staff_a.id)
    response = client.post("/account/tokens/revoke", data={"token_id": str(token_id)})
    assert response.status_code == 400
    assert _own_token_id(tenants.staff_a.id) == token_id
