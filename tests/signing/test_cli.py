"""``flask --app trace keys ...``: exit codes, one-line reasons, ``--json``, no secrets printed."""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from tests.signing.test_keys import secrets_of
from trace.signing import services as keys
from trace.signing.models import IssuingKey


def in_vietnamese(message: str) -> str:
    """The commands speak the platform's language: compare with the catalogue's wording."""
    with force_locale("vi"):
        return gettext(message)


PASSPHRASE = "a passphrase for the tests"


@pytest.fixture
def keys_cli(app, runner):
    app.config["TRACE_KEY_PASSPHRASE"] = PASSPHRASE

    def invoke(*args: str):
        return runner.invoke(args=["keys", *args])

    return invoke


def _count_keys(session) -> int:
    return session.scalar(select(func.count()).select_from(IssuingKey))


def _leaks(session, output: str) -> list[str]:
    found = []
    for key in keys.list_keys(session):
        private_key = keys.private_key_of(key, PASSPHRASE.encode())
        found += [secret for secret in secrets_of(private_key) if secret in output]
        if "PRIVATE KEY" in output or key.private_key_pem in output:
            found.append(key.kid)
    return found


def test_create_then_list_as_json(keys_cli, session):
    created = keys_cli("create", "--json")
    assert created.exit_code == 0, created.output
    key = json.loads(created.stdout)
    assert key["is_current"] is True
    assert key["state"] == "current"
    assert len(key["kid"]) == 11
    listed = keys_cli("list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [item["kid"] for item in json.loads(listed.stdout)] == [key["kid"]]
    assert set(key) == {
        "kid",
        "public_key",
        "created_at",
        "is_current",
        "state",
        "activated_at",
        "revoked_at",
        "revocation_reason",
    }
    assert not _leaks(session, created.output + listed.output)


def test_create_twice_is_refused_with_one_line(keys_cli, session):
    assert keys_cli("create").exit_code == 0
    again = keys_cli("create")
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        "Error: " + in_vietnamese("A key is already current: use `keys rotate` to replace it.")
    ]
    assert _count_keys(session) == 1


def test_rotate_revoke_and_list_as_text(keys_cli, session):
    first = json.loads(keys_cli("rotate", "--json").stdout)
    second = json.loads(keys_cli("rotate", "--json").stdout)
    revoked = keys_cli("revoke", first["kid"], "--reason", "lost laptop", "--json")
    assert revoked.exit_code == 0, revoked.output
    assert json.loads(revoked.stdout)["revocation_reason"] == "lost laptop"
    listed = keys_cli("list")
    lines = listed.stdout.strip().splitlines()
    assert lines[0].startswith(first["kid"])
    assert lines[0].endswith(": lost laptop")
    assert " đã thu hồi lúc " in lines[0]
    assert lines[1].startswith(second["kid"])
    assert lines[1].endswith("đang dùng")
    assert not _leaks(session, listed.output + revoked.output)


def test_revoking_the_current_key_says_to_rotate(keys_cli, session):
    kid = json.loads(keys_cli("create", "--json").stdout)["kid"]
    result = keys_cli("revoke", kid, "--reason", "compromised")
    assert result.exit_code == 0
    assert "keys rotate" in result.stderr
    assert not keys.has_current_key(session)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["revoke", "nonexistent", "--reason", "lost"], "No issuing key has this id."),
        # base64url key ids may start with a dash: still a key id, not an option
        (["revoke", "-Vnonexist1", "--reason", "lost"], "No issuing key has this id."),
        (["revoke", "KID", "--reason", "   "], "Say why the key is revoked."),
        (["revoke", "KID"], "Missing option '--reason'"),
    ],
)
def test_bad_revocations_exit_non_zero_with_one_line(keys_cli, session, args, reason):
    kid = json.loads(keys_cli("create", "--json").stdout)["kid"]
    args = [kid if arg == "KID" else arg for arg in args]
    result = keys_cli(*args)
    assert result.exit_code != 0
    assert in_vietnamese(reason) in result.output.strip().splitlines()[-1]
    assert keys.current_key(session).revoked_at is None


def test_revoking_twice_exits_non_zero(keys_cli, session):
    kid = json.loads(keys_cli("create", "--json").stdout)["kid"]
    assert keys_cli("revoke", kid, "--reason", "one").exit_code == 0
    again = keys_cli("revoke", kid, "--reason", "two")
    assert again.exit_code == 1
    expected = "Error: " + in_vietnamese("This key is already revoked.") + f" ({kid})"
    assert again.output.strip().splitlines() == [expected]


def test_an_empty_list_says_so(keys_cli):
    result = keys_cli("list")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Chưa có khóa nào."
    assert json.loads(keys_cli("list", "--json").stdout) == []


def test_production_without_a_passphrase_refuses_to_create(app, runner, session):
    app.config["TRACE_ENV"] = "production"
    app.config["TRACE_KEY_PASSPHRASE"] = None
    for command in ("create", "rotate"):
        result = runner.invoke(args=["keys", command])
        assert result.exit_code == 1
        assert "TRACE_KEY_PASSPHRASE" in result.output
        assert (
            in_vietnamese(
                "TRACE_KEY_PASSPHRASE is not set: private keys cannot be created or used."
            )
            in result.output
        )
    assert _count_keys(session) == 0


def test_development_without_a_passphrase_warns(app, runner, session):
    app.config["TRACE_KEY_PASSPHRASE"] = None
    result = runner.invoke(args=["keys", "create"])
    assert result.exit_code == 0
    assert "cụm mật khẩu dành cho phát triển" in result.stderr
    assert keys.private_key_of(keys.current_key(session), keys.DEVELOPMENT_PASSPHRASE) is not None


def test_every_command_has_help(runner):
    for command in ("create", "list", "rotate", "revoke"):
        result = runner.invoke(args=["keys", command, "--help"])
        assert result.exit_code == 0
        assert "Usage:" in result.output
