from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.factories import TEST_PASSWORD, make_user
from trace.auth.models import ApiToken, Role, User


def _count_users(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    ("role", "extra"),
    [
        ("operator", []),
        ("inspector", []),
        ("commune_officer", ["--commune", "31507"]),
    ],
)
def test_users_create_prints_the_user_as_json(runner, session, role, extra):
    result = runner.invoke(
        args=[
            "users",
            "create",
            f"{role}@example.vn",
            "--role",
            role,
            "--password",
            TEST_PASSWORD,
            "--json",
            *extra,
        ]
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["role"] == role
    assert session.get(User, created["id"]).email == f"{role}@example.vn"


def test_users_create_binds_staff_to_their_cooperative(runner, session, tenants):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ketoan@htx.vn",
            "--role",
            "cooperative",
            "--cooperative",
            tenants.cooperative_b.tax_code,
            "--password",
            TEST_PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "ketoan@htx.vn"))
    assert user.cooperative_id == tenants.cooperative_b.id


@pytest.mark.parametrize(
    "args",
    [
        ["bad-email", "--role", "operator"],
        ["x@example.vn", "--role", "cooperative", "--cooperative", "0000000000"],
        ["x@example.vn", "--role", "commune_officer", "--commune", "99999"],
        ["x@example.vn", "--role", "king"],
    ],
)
def test_users_create_refuses_bad_input_with_a_reason_and_creates_nothing(runner, session, args):
    before = _count_users(session)
    result = runner.invoke(args=["users", "create", *args, "--password", TEST_PASSWORD])
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    assert _count_users(session) == before


def test_users_token_prints_the_token_alone_on_its_last_line(runner, session, client):
    user = make_user(session, Role.INSPECTOR)
    result = runner.invoke(args=["users", "token", user.email, "--name", "laptop"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("trc_")
    assert " " not in token
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json["email"] == user.email


def test_users_token_for_unknown_email_fails(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.vn"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_revoked_token_no_longer_works(runner, session, client):
    user = make_user(session, Role.OPERATOR)
    token = runner.invoke(args=["users", "token", user.email]).output.strip().splitlines()[-1]
    prefix = session.scalar(select(ApiToken.prefix).where(ApiToken.user_id == user.id))
    result = runner.invoke(args=["users", "revoke-token", prefix, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["revoked_at"]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.parametrize("command", [[], ["create"], ["token"], ["revoke-token"]])
def test_users_commands_have_help(runner, command):
    result = runner.invoke(args=["users", *command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
