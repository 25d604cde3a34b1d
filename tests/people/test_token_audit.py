"""Creating and revoking API tokens writes audit records (subject: the holder's account),
from the account page's services and from the ``users token`` / ``revoke-token`` commands;
the token itself is never recorded."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.audit.services import COMMAND_LINE_ACTOR
from trace.auth import account
from trace.auth.models import ApiToken
from trace.errors import InvalidInput


def token_records(session, user):
    session.expire_all()
    return session.scalars(
        select(AuditRecord)
        .where(AuditRecord.subject == AuditSubject.USER, AuditRecord.subject_id == user.id)
        .order_by(AuditRecord.id)
    ).all()


def assert_never_holds(records, token):
    for record in records:
        assert token not in json.dumps(record.changes)
        assert token[12:20] not in json.dumps(record.changes)


def test_a_person_creating_and_revoking_a_token_is_audited(session, tenants):
    user = tenants.staff_a
    token = account.create_token(session, user, "Bảng tính kho")
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    account.revoke_own_token(session, user, stored.id)
    created, revoked = token_records(session, user)
    assert (created.action, created.user_id, created.actor) == (
        AuditAction.TOKEN_CREATED,
        user.id,
        user.email,
    )
    assert created.cooperative_id == tenants.cooperative_a.id
    assert created.changes == {
        "token_id": [None, stored.id],
        "name": [None, "Bảng tính kho"],
        "prefix": [None, stored.prefix],
    }
    assert revoked.action == AuditAction.TOKEN_REVOKED
    assert revoked.changes["revoked_at"][0] is None
    assert revoked.changes["revoked_at"][1]
    assert revoked.changes["token_id"] == [stored.id, stored.id]
    assert_never_holds([created, revoked], token)


def test_a_refused_token_writes_no_record(session, tenants):
    with pytest.raises(InvalidInput):
        account.create_token(session, tenants.staff_a, "   ")
    assert token_records(session, tenants.staff_a) == []


def test_the_commands_are_audited_as_the_command_line(runner, session, tenants):
    user = tenants.inspector
    result = runner.invoke(args=["users", "token", user.email, "--name", "laptop"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    prefix = session.scalar(select(ApiToken.prefix).where(ApiToken.user_id == user.id))
    assert runner.invoke(args=["users", "revoke-token", prefix]).exit_code == 0
    # Revoking it again changes nothing and records nothing.
    assert runner.invoke(args=["users", "revoke-token", token]).exit_code == 0
    records = token_records(session, user)
    assert [r.action for r in records] == [AuditAction.TOKEN_CREATED, AuditAction.TOKEN_REVOKED]
    assert {(r.user_id, r.actor) for r in records} == {(None, COMMAND_LINE_ACTOR)}
    assert records[0].changes["name"] == [None, "laptop"]
    assert_never_holds(records, token)
