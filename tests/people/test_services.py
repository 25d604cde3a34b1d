"""Account services on SQLite and PostgreSQL: inviting, links, roles, disabling, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import TEST_PASSWORD, make_user
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.auth import services as accounts
from trace.auth.models import Role
from trace.auth.passwords import UNUSABLE_PASSWORD_HASH
from trace.errors import AccessDenied, Conflict, InvalidInput
from trace.people import links, services
from trace.people.links import LinkGone
from trace.people.models import AccountLink, LinkPurpose

NEW_PASSWORD = "rice paddies under monsoon clouds"


def _audits(session, person, action: AuditAction) -> list[AuditRecord]:
    return list(
        session.scalars(
            select(AuditRecord).where(
                AuditRecord.subject == AuditSubject.USER,
                AuditRecord.subject_id == person.id,
                AuditRecord.action == action,
            )
        )
    )


def _invite(session, actor, **values):
    defaults = {
        "email": "lan@example.vn",
        "display_name": "Nguyễn Thị Lan",
        "role": Role.INSPECTOR,
    }
    return services.invite_person(session, actor, **{**defaults, **values})


def test_an_invitation_makes_an_account_without_a_password_and_a_72_hour_link(session, tenants):
    issued = _invite(
        session,
        tenants.operator,
        role="cooperative",
        cooperative_tax_code=tenants.cooperative_a.tax_code,
    )
    person = issued.user
    assert person.password_hash == UNUSABLE_PASSWORD_HASH
    assert services.account_status(person) == "invited"
    assert person.cooperative_id == tenants.cooperative_a.id
    assert accounts.authenticate(session, person.email, "") is None
    link = issued.link
    assert link.purpose is LinkPurpose.INVITE
    assert link.expires_at - link.created_at == timedelta(hours=72)
    # Only the hash is kept: the token itself is nowhere in the table.
    stored = session.scalars(select(AccountLink.token_hash)).all()
    assert issued.token not in stored
    assert links.token_hash(issued.token) in stored
    [record] = _audits(session, person, AuditAction.INVITED)
    assert record.actor == tenants.operator.email
    assert record.changes["role"] == [None, "cooperative"]
    assert record.cooperative_id == tenants.cooperative_a.id


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"role": "king"}, "role"),
        ({"role": "cooperative"}, "cooperative"),
        ({"role": "cooperative", "cooperative_tax_code": "999"}, "cooperative"),
        ({"role": "commune_officer", "commune_code": "00000"}, "commune"),
        ({"role": "inspector", "commune_code": "31660"}, "commune"),
    ],
)
def test_an_invitation_is_checked_like_users_create(session, tenants, values, field):
    with pytest.raises(InvalidInput) as refused:
        _invite(session, tenants.operator, **values)
    assert field in refused.value.errors


def test_an_existing_email_is_refused(session, tenants):
    with pytest.raises(Conflict):
        _invite(session, tenants.operator, email=tenants.staff_a.email.upper())


def test_staff_invite_only_colleagues_into_their_own_cooperative(session, tenants):
    staff_b = tenants.staff_b
    issued = _invite(session, staff_b, role="cooperative")
    assert issued.user.role is Role.COOPERATIVE
    assert issued.user.cooperative_id == tenants.cooperative_b.id
    with pytest.raises(AccessDenied):
        _invite(
            session,
            staff_b,
            email="x@example.vn",
            role="cooperative",
            cooperative_tax_code=tenants.cooperative_a.tax_code,
        )
    with pytest.raises(AccessDenied):
        _invite(session, staff_b, email="y@example.vn", role="operator")
    with pytest.raises(AccessDenied):
        _invite(session, tenants.inspector, email="z@example.vn")


def test_a_link_sets_the_password_once_and_is_then_gone(session, tenants):
    issued = _invite(session, tenants.operator)
    person = services.set_password_with_link(session, issued.token, NEW_PASSWORD)
    assert person.id == issued.user.id
    assert services.account_status(person) == "active"
    assert accounts.authenticate(session, person.email, NEW_PASSWORD) is not None
    with pytest.raises(LinkGone):
        services.set_password_with_link(session, issued.token, "another long passphrase here")
    [record] = _audits(session, person, AuditAction.PASSWORD_SET)
    assert record.actor == person.email
    assert record.changes == {"through": [None, "invite"]}


def test_the_password_policy_applies_and_leaves_the_link_usable(session, tenants):
    issued = _invite(session, tenants.operator)
    with session.begin_nested() as attempt:
        with pytest.raises(InvalidInput) as refused:
            services.set_password_with_link(session, issued.token, "123456789012")
        attempt.rollback()
    assert "password" in refused.value.errors
    assert links.live_link(session, issued.token).user_id == issued.user.id


def test_an_expired_link_is_gone(session, tenants):
    issued = _invite(session, tenants.operator)
    issued.link.expires_at = issued.link.created_at - timedelta(seconds=1)
    session.flush()
    with pytest.raises(LinkGone):
        services.set_password_with_link(session, issued.token, NEW_PASSWORD)
    with pytest.raises(LinkGone):
        links.live_link(session, "made-up")


def test_a_new_link_replaces_the_last(session, tenants):
    first = _invite(session, tenants.operator)
    second = services.reissue_invitation(session, tenants.operator, first.user)
    with pytest.raises(LinkGone):
        links.live_link(session, first.token)
    assert links.live_link(session, second.token).id == second.link.id
    assert len(_audits(session, first.user, AuditAction.INVITED)) == 2


def test_a_person_with_a_password_gets_a_reset_link_not_an_invitation(session, tenants):
    person = tenants.inspector
    with pytest.raises(InvalidInput):
        services.reissue_invitation(session, tenants.operator, person)
    token = accounts.issue_api_token(session, person)
    issued = services.issue_reset_link(session, tenants.operator, person)
    assert issued.link.expires_at - issued.link.created_at == timedelta(hours=24)
    version = person.session_version
    services.set_password_with_link(session, issued.token, NEW_PASSWORD)
    assert person.session_version > version
    assert accounts.user_for_token(session, token) is None
    [record] = _audits(session, person, AuditAction.LINK_ISSUED)
    assert record.changes["purpose"] == [None, "reset"]


def test_disabling_ends_sessions_tokens_and_links_and_is_audited(session, tenants):
    person = tenants.inspector
    token = accounts.issue_api_token(session, person)
    issued = services.issue_reset_link(session, tenants.operator, person)
    version = person.session_version
    assert services.disable_person(session, tenants.operator, person)
    assert not person.is_active
    assert person.session_version > version
    assert accounts.user_for_token(session, token) is None
    with pytest.raises(LinkGone):
        links.live_link(session, issued.token)
    with pytest.raises(InvalidInput):
        services.issue_reset_link(session, tenants.operator, person)
    assert not services.disable_person(session, tenants.operator, person)  # already
    assert services.enable_person(session, tenants.operator, person)
    assert accounts.user_for_token(session, token) is None  # old tokens stay revoked
    assert [r.changes for r in _audits(session, person, AuditAction.DISABLED)] == [
        {"is_active": [True, False]}
    ]
    assert len(_audits(session, person, AuditAction.ENABLED)) == 1


def test_an_operator_cannot_disable_themself_or_lose_the_last_operator(session, tenants):
    operator = tenants.operator
    with pytest.raises(InvalidInput):
        services.disable_person(session, operator, operator)
    with pytest.raises(InvalidInput):
        services.change_binding(
            session,
            operator,
            operator,
            role="inspector",
            cooperative_tax_code=None,
            commune_code=None,
        )
    # The command line, which has no operator of its own, is held to the same rule.
    with pytest.raises(InvalidInput):
        services.disable_person(session, None, operator)
    other = make_user(session, Role.OPERATOR)
    assert services.change_binding(
        session, other, operator, role="inspector", cooperative_tax_code=None, commune_code=None
    )
    with pytest.raises(InvalidInput):
        services.disable_person(session, None, other)


def test_a_new_role_ends_sessions_and_is_audited(session, tenants):
    person = tenants.officer_a
    version = person.session_version
    changed = services.change_binding(
        session,
        tenants.operator,
        person,
        role="cooperative",
        cooperative_tax_code=tenants.cooperative_b.tax_code,
        commune_code=None,
    )
    assert changed
    assert person.session_version == version + 1
    assert person.role is Role.COOPERATIVE
    assert person.commune_code is None
    [record] = _audits(session, person, AuditAction.CHANGED)
    assert record.changes["role"] == ["commune_officer", "cooperative"]
    assert record.changes["cooperative_id"] == [None, tenants.cooperative_b.id]
    assert record.changes["commune_code"][1] is None
    # The same again changes nothing and ends no session.
    assert not services.change_binding(
        session,
        tenants.operator,
        person,
        role="cooperative",
        cooperative_tax_code=tenants.cooperative_b.tax_code,
        commune_code=None,
    )
    assert person.session_version == version + 1


def test_a_role_change_must_keep_the_binding_rules(session, tenants):
    with pytest.raises(InvalidInput) as refused:
        services.change_binding(
            session,
            tenants.operator,
            tenants.inspector,
            role="commune_officer",
            cooperative_tax_code=tenants.cooperative_a.tax_code,
            commune_code=None,
        )
    assert set(refused.value.errors) == {"cooperative", "commune"}
    with pytest.raises(AccessDenied):
        services.change_binding(
            session,
            tenants.staff_a,
            tenants.inspector,
            role="operator",
            cooperative_tax_code=None,
            commune_code=None,
        )


def test_the_command_line_disables_enables_and_sets_passwords_audited(runner, session, tenants):
    person = tenants.inspector
    assert runner.invoke(args=["users", "disable", person.email]).exit_code == 0
    assert runner.invoke(args=["users", "enable", person.email]).exit_code == 0
    result = runner.invoke(args=["users", "set-password", person.email, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    for action in (AuditAction.DISABLED, AuditAction.ENABLED, AuditAction.PASSWORD_SET):
        [record] = _audits(session, person, action)
        assert record.actor == "command line"
        assert record.user_id is None
    result = runner.invoke(args=["users", "disable", tenants.operator.email])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")


def test_an_invited_account_cannot_sign_in_with_any_password(session, tenants):
    issued = _invite(session, tenants.operator)
    assert accounts.authenticate(session, issued.user.email, "!") is None
    assert accounts.authenticate(session, issued.user.email, TEST_PASSWORD) is None
