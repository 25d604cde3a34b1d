"""Sessions the server ends: a copied cookie dies with sign-out, disabling, a new password and
idleness; API tokens die with disabling and a new password."""

from __future__ import annotations

import time

import pytest

from tests.conftest import csrf_token_from, log_in
from tests.factories import TEST_PASSWORD
from trace.auth import services
from trace.auth.sessions import BEGAN_KEY, LAST_SEEN_KEY
from trace.config import ConfigError, build_config

COOKIE = "trace_session"
NEW_PASSWORD = "rice paddies under monsoon clouds"


def _copy_session(source, app):
    """A second browser holding a copy of ``source``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, source.get_cookie(COOKIE).value)
    return thief


def _signs_in(client, path: str = "/dashboard") -> bool:
    response = client.get(path)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _sign_out(client) -> None:
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


@pytest.mark.parametrize(
    ("who", "path"), [("staff_a", "/dashboard"), ("inspector", "/inspections")]
)
def test_a_cookie_copied_before_sign_out_no_longer_opens_pages(app, client, tenants, who, path):
    log_in(client, tenants.user(who).email)
    thief = _copy_session(client, app)
    assert _signs_in(thief, path)
    _sign_out(client)
    assert not _signs_in(thief, path)
    assert thief.get(path).headers["Location"].startswith("/login")


def test_sign_out_ends_the_persons_sessions_on_every_device(app, tenants):
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, tenants.operator.email)
    log_in(laptop, tenants.operator.email)
    _sign_out(phone)
    assert not _signs_in(laptop)
    log_in(laptop, tenants.operator.email)
    assert _signs_in(laptop)


def test_disabling_ends_sessions_and_tokens_and_refuses_sign_in(
    app, client, runner, session, tenants
):
    user = tenants.inspector
    token = services.issue_api_token(session, user, "phone")
    log_in(client, user.email)
    thief = _copy_session(client, app)
    result = runner.invoke(args=["users", "disable", user.email])
    assert result.exit_code == 0, result.output
    assert not _signs_in(client)
    assert not _signs_in(thief)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert log_in(app.test_client(), user.email).status_code == 422
    assert runner.invoke(args=["users", "enable", user.email]).exit_code == 0
    fresh = app.test_client()
    assert log_in(fresh, user.email).status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_set_password_asks_twice_hidden_and_ends_sessions_and_tokens(
    app, client, runner, session, tenants
):
    user = tenants.operator
    token = services.issue_api_token(session, user)
    log_in(client, user.email)
    result = runner.invoke(
        args=["users", "set-password", user.email], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # hidden input
    assert result.output.startswith("New password: \nRepeat for confirmation: \n")
    assert not _signs_in(client)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert log_in(app.test_client(), user.email, TEST_PASSWORD).status_code == 422
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (f"{NEW_PASSWORD}\nsomething else entirely\n", "do not match"),
        # Commands speak Vietnamese, as the app does by default.
        ("1234567890ab\n1234567890ab\n", "quá phổ biến"),
    ],
)
def test_set_password_refuses_with_a_one_line_reason_and_changes_nothing(
    app, client, runner, tenants, typed, reason
):
    log_in(client, tenants.operator.email)
    result = runner.invoke(args=["users", "set-password", tenants.operator.email], input=typed)
    if reason == "do not match":
        # click asks again until both agree; the input ran out.
        assert result.exit_code != 0
    else:
        assert result.exit_code == 1
        assert result.output.strip().splitlines()[-1].startswith("Error: ")
        assert reason in result.output
    assert "Traceback" not in result.output
    assert _signs_in(client)


def test_users_commands_refuse_an_unknown_email(runner):
    for command in (["disable"], ["enable"], ["set-password", "--password", NEW_PASSWORD]):
        result = runner.invoke(args=["users", *command, "nobody@example.vn"])
        assert result.exit_code == 1
        assert result.output.strip().startswith("Error: ")


def _last_seen_minutes_ago(client, minutes: float) -> None:
    with client.session_transaction() as browser_session:
        browser_session[LAST_SEEN_KEY] = int(time.time() - minutes * 60)


def test_an_idle_session_ends(app, client, tenants):
    assert app.config["TRACE_SESSION_IDLE_MINUTES"] == 120
    log_in(client, tenants.staff_a.email)
    _last_seen_minutes_ago(client, 119)
    assert _signs_in(client)  # and being used, it starts its idle time again
    with client.session_transaction() as browser_session:
        assert time.time() - browser_session[LAST_SEEN_KEY] < 60
    _last_seen_minutes_ago(client, 121)
    assert not _signs_in(client)


def test_the_idle_timeout_is_a_setting(app, client, tenants):
    app.config["TRACE_SESSION_IDLE_MINUTES"] = 5
    log_in(client, tenants.staff_a.email)
    _last_seen_minutes_ago(client, 6)
    assert not _signs_in(client)


@pytest.mark.parametrize("minutes", ["0", "-5", "ten", "721"])
def test_a_malformed_idle_timeout_stops_the_start(tmp_path, minutes):
    with pytest.raises(ConfigError, match="TRACE_SESSION_IDLE_MINUTES"):
        build_config({"TRACE_SESSION_IDLE_MINUTES": minutes, "TRACE_SECRET_KEY": "x"}, {}, tmp_path)


def test_a_session_in_use_still_ends_after_twelve_hours(client, tenants):
    log_in(client, tenants.staff_a.email)
    with client.session_transaction() as browser_session:
        browser_session[BEGAN_KEY] = int(time.time() - 12 * 3600 - 60)
    assert not _signs_in(client)
