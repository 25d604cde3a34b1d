from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from, log_in
from tests.factories import TEST_PASSWORD


def test_sign_in_leads_to_the_dashboard(client, tenants):
    response = log_in(client, tenants.staff_a.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert tenants.cooperative_a.name in page
    assert tenants.cooperative_b.name not in page


def test_wrong_password_is_refused_with_a_message(client, tenants):
    response = log_in(client, tenants.staff_a.email, "not the password")
    assert response.status_code == 422
    assert client.get("/dashboard").status_code == 302


def test_sign_in_follows_only_local_next_paths(client, tenants):
    page = client.get("/login?next=//evil.example/x").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "email": tenants.operator.email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_from(page),
            "next": "//evil.example/x",
        },
    )
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_without_csrf_token_is_refused(client, tenants):
    response = client.post(
        "/login", data={"email": tenants.operator.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, tenants):
    response = log_in(client, tenants.operator.email)
    cookie = next(
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith("trace_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development over http; production adds it (test_config)


def test_sign_in_attempts_are_rate_limited(client, tenants):
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token_from(page)
    statuses = [
        client.post(
            "/login",
            data={
                "email": tenants.operator.email,
                "password": f"guess number {attempt}",
                "csrf_token": token,
            },
        ).status_code
        for attempt in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    limited = client.post(
        "/login",
        data={
            "email": tenants.operator.email,
            "password": TEST_PASSWORD,
            "csrf_token": token,
        },
    )
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers


def test_sign_out_needs_a_post_with_csrf(client, tenants):
    log_in(client, tenants.operator.email)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/dashboard").status_code == 200
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    signed_out = client.post("/logout", data={"csrf_token": token})
    # The offline verify page's copy, lists and queue leave a shared phone with the person.
    assert signed_out.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/dashboard").status_code == 302


# Sign-in throttling: per address, and per email from an address; never per email alone.


def _attempt(client, email: str, password: str, address: str):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
        environ_base={"REMOTE_ADDR": address},
    )


def test_no_one_can_lock_a_person_out_by_failing_on_their_email(app, tenants):
    victim = tenants.inspector.email
    attacker = app.test_client()
    statuses = [
        _attempt(attacker, victim, f"guess {number}", "203.0.113.7").status_code
        for number in range(12)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10:] == [429, 429]
    assert _attempt(app.test_client(), victim, TEST_PASSWORD, "198.51.100.20").status_code == 302


def test_an_address_trying_many_emails_is_slowed(app, tenants):
    attacker = app.test_client()
    statuses = [
        _attempt(attacker, f"person{number}@example.vn", "a guess", "203.0.113.8").status_code
        for number in range(31)
    ]
    assert statuses[:30] == [422] * 30
    assert statuses[30] == 429
    assert (
        _attempt(
            app.test_client(), tenants.operator.email, TEST_PASSWORD, "203.0.113.9"
        ).status_code
        == 302
    )


def test_signing_in_uses_up_no_attempts(app, tenants):
    for _ in range(12):
        assert (
            _attempt(
                app.test_client(), tenants.operator.email, TEST_PASSWORD, "192.0.2.1"
            ).status_code
            == 302
        )
    assert (
        _attempt(app.test_client(), tenants.operator.email, "a wrong one", "192.0.2.1").status_code
        == 422
    )


# Changing one's own password


def _change_password(client, current: str, new: str, again: str | None = None, lang: str = "vi"):
    page = client.get(f"/account/password?lang={lang}")
    assert page.status_code == 200
    return client.post(
        f"/account/password?lang={lang}",
        data={
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )


NEW_PASSWORD = "rice paddies under monsoon clouds"


def test_password_page_needs_sign_in_and_works_without_javascript(client, tenants):
    assert client.get("/account/password").headers["Location"].startswith("/login")
    log_in(client, tenants.staff_a.email)
    markup = client.get("/account/password").get_data(as_text=True)
    assert "Đổi mật khẩu" in markup
    assert 'method="post"' in markup
    assert 'action="/account/password"' in markup
    for name in ("current_password", "new_password", "new_password_again", "csrf_token"):
        assert f'name="{name}"' in markup
    assert 'autocomplete="new-password"' in markup
    # Reached from My account, which the header's email links to.
    assert 'href="/account"' in client.get("/dashboard").get_data(as_text=True)
    assert 'href="/account/password"' in client.get("/account").get_data(as_text=True)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, tenants):
    email = tenants.staff_a.email
    log_in(client, email)
    other = app.test_client()
    log_in(other, email)
    response = _change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert log_in(app.test_client(), email, TEST_PASSWORD).status_code == 422
    assert log_in(app.test_client(), email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "again", "lang", "message"),
    [
        ("not my password", NEW_PASSWORD, None, "vi", "Mật khẩu hiện tại không đúng."),
        (TEST_PASSWORD, NEW_PASSWORD, "something else", "vi", "Hai mật khẩu mới không giống nhau."),
        (TEST_PASSWORD, "123456789012", None, "vi", "Mật khẩu này quá phổ biến"),
        (TEST_PASSWORD, "123456789012", None, "en", "This password is too common"),
        (TEST_PASSWORD, "short", None, "en", "Use at least 12 characters."),
        (TEST_PASSWORD, "", None, "vi", "Nhập mật khẩu mới."),
    ],
)
def test_a_refused_change_says_why_in_the_users_language_and_changes_nothing(
    app, client, tenants, current, new, again, lang, message
):
    email = tenants.staff_a.email
    log_in(client, email)
    other = app.test_client()
    log_in(other, email)
    response = _change_password(client, current, new, again, lang)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert other.get("/dashboard").status_code == 200
    assert log_in(app.test_client(), email, TEST_PASSWORD).status_code == 302


def test_a_password_change_needs_its_csrf_token(client, tenants):
    log_in(client, tenants.staff_a.email)
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code in (400, 422)
    assert log_in(client.application.test_client(), tenants.staff_a.email).status_code == 302
