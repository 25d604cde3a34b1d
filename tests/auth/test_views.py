from __future__ import annotations

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
