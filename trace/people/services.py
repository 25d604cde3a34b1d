"""What operators (and staff, for colleagues) do to people's accounts, each change audited.

Disabling, enabling and new passwords go through ``trace.auth.services``, which ends the
person's sessions and tokens; this module adds who may do it, the rules that keep the
platform run (an operator stays), the links, and the audit record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import differences, json_value, record_audit, snapshot
from trace.auth import services as accounts
from trace.auth.models import Role, User
from trace.auth.passwords import UNUSABLE_PASSWORD_HASH
from trace.auth.sessions import end_every_session
from trace.db import utcnow
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.people import links
from trace.people.models import AccountLink, LinkPurpose

BINDING_FIELDS = ("role", "cooperative_id", "commune_code")


class AccountStatus:
    ACTIVE = "active"
    INVITED = "invited"  # no password set yet
    DISABLED = "disabled"


def account_status(user: User) -> str:
    if not user.is_active:
        return AccountStatus.DISABLED
    if user.password_hash == UNUSABLE_PASSWORD_HASH:
        return AccountStatus.INVITED
    return AccountStatus.ACTIVE


@dataclass(frozen=True)
class IssuedLink:
    """A person and the link just made for them: the only time its token is known."""

    user: User
    token: str
    link: AccountLink


def audit_person(
    session: Session,
    actor: User | None,
    person: User,
    action: AuditAction,
    changes: Mapping[str, Any],
) -> None:
    record_audit(
        session,
        actor,
        cooperative_id=person.cooperative_id,
        subject=AuditSubject.USER,
        subject_id=person.id,
        action=action,
        changes=changes,
    )


def ensure_operator(actor: User) -> None:
    if actor.role is not Role.OPERATOR:
        raise AccessDenied()


def person_for(session: Session, actor: User, user_id: int) -> User:
    """A person an operator manages; anyone else is refused."""
    ensure_operator(actor)
    person = session.get(User, user_id)
    if person is None:
        raise NotFound()
    return person


def invite_person(
    session: Session,
    actor: User,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    cooperative_tax_code: str | None = None,
    commune_code: str | None = None,
) -> IssuedLink:
    """Create an account without a password and the invitation link to set one.

    Operators invite anyone; cooperative staff only colleagues of their own cooperative.
    """
    errors: dict[str, list[str]] = {}
    if not display_name.strip():
        errors["display_name"] = [str(_l("Enter the person's name."))]
    if actor.role is Role.COOPERATIVE:
        own = actor.cooperative.tax_code if actor.cooperative is not None else None
        if str(role) != Role.COOPERATIVE.value or (cooperative_tax_code or own) != own:
            raise AccessDenied(_l("You may invite only colleagues of your own cooperative."))
        cooperative_tax_code = own
    elif actor.role is not Role.OPERATOR:
        raise AccessDenied()
    if errors:
        _raise_with_account_problems(
            session, errors, email, role, cooperative_tax_code, commune_code
        )
    user = accounts.create_user(
        session,
        email=email,
        password=None,
        role=role,
        display_name=display_name,
        cooperative_tax_code=cooperative_tax_code or None,
        commune_code=commune_code or None,
    )
    token, link = links.issue_link(session, user, LinkPurpose.INVITE, actor)
    audit_invitation(session, actor, user)
    return IssuedLink(user=user, token=token, link=link)


def audit_invitation(session: Session, actor: User, user: User) -> None:
    changes = {name: [None, value] for name, value in _account_facts(user).items()}
    audit_person(session, actor, user, AuditAction.INVITED, changes)


def _raise_with_account_problems(
    session: Session,
    errors: dict[str, list[str]],
    email: str,
    role: Role | str,
    tax_code: str | None,
    commune_code: str | None,
) -> None:
    """Raise the form's own problems together with the account's, so all show at once."""
    if not accounts.EMAIL_PATTERN.match(accounts.normalise_email(email)):
        errors["email"] = [str(_l("Enter a valid email address."))]
    accounts.binding_for_role(session, role, tax_code or None, commune_code or None, errors)


def _account_facts(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        **snapshot(user, BINDING_FIELDS),
    }


def change_binding(
    session: Session,
    actor: User,
    person: User,
    *,
    role: Role | str,
    cooperative_tax_code: str | None,
    commune_code: str | None,
) -> bool:
    """Give the person another role or cooperative or commune; True when anything changed.

    Their sessions end, so the new rights apply from their next request.
    """
    ensure_operator(actor)
    new_role, cooperative_id, commune = accounts.binding_for_role(
        session, role, cooperative_tax_code or None, commune_code or None
    )
    if person.role is Role.OPERATOR and new_role is not Role.OPERATOR:
        _keep_an_operator(
            session, person, _l("The last active operator cannot be given another role.")
        )
    before = snapshot(person, BINDING_FIELDS)
    person.role, person.cooperative_id, person.commune_code = new_role, cooperative_id, commune
    changes = differences(before, snapshot(person, BINDING_FIELDS))
    if not changes:
        return False
    end_every_session(person)
    session.flush()
    audit_person(session, actor, person, AuditAction.CHANGED, changes)
    return True


def _keep_an_operator(session: Session, person: User, message: Any) -> None:
    """Refuse to take ``person`` out of the active operators if no other would remain.

    Every active operator's row is locked first, always in the same order (PostgreSQL), so
    two operators demoting each other at the same moment take turns and the second finds
    itself the last; SQLite's writers take turns anyway.
    """
    if not person.is_active or person.role is not Role.OPERATOR:
        return
    active = session.scalars(
        select(User.id)
        .where(User.role == Role.OPERATOR, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not [user_id for user_id in active if user_id != person.id]:
        raise InvalidInput(message, errors={"role": [str(message)]})


def disable_person(session: Session, actor: User | None, person: User) -> bool:
    """Stop the person signing in: sessions, API tokens and links end at once.

    ``actor`` is None on the command line. False when they were disabled already.
    """
    if actor is not None:
        ensure_operator(actor)
        if actor.id == person.id:
            raise InvalidInput(_l("You cannot disable your own account."))
    if not person.is_active:
        return False
    _keep_an_operator(session, person, _l("The last active operator cannot be disabled."))
    accounts.disable_user(session, person)
    links.end_links(session, person)
    audit_person(session, actor, person, AuditAction.DISABLED, {"is_active": [True, False]})
    return True


def enable_person(session: Session, actor: User | None, person: User) -> bool:
    """Let the person sign in again (their old tokens stay revoked); False if already able."""
    if actor is not None:
        ensure_operator(actor)
    if person.is_active:
        return False
    accounts.enable_user(session, person)
    audit_person(session, actor, person, AuditAction.ENABLED, {"is_active": [False, True]})
    return True


def reissue_invitation(session: Session, actor: User, person: User) -> IssuedLink:
    """A fresh invitation for someone who has not set a password yet (the last one lapsed)."""
    ensure_operator(actor)
    if account_status(person) != AccountStatus.INVITED:
        raise InvalidInput(
            _l("This person can no longer be invited: give them a password-reset link instead.")
        )
    token, link = links.issue_link(session, person, LinkPurpose.INVITE, actor)
    audit_person(
        session,
        actor,
        person,
        AuditAction.INVITED,
        {"expires_at": [None, json_value(link.expires_at)]},
    )
    return IssuedLink(user=person, token=token, link=link)


def issue_reset_link(session: Session, actor: User | None, person: User) -> IssuedLink:
    """A one-time link with which the person sets a new password (a disabled one cannot)."""
    if actor is not None:
        ensure_operator(actor)
    if not person.is_active:
        raise InvalidInput(_l("Enable this account before giving it a password-reset link."))
    token, link = links.issue_link(session, person, LinkPurpose.RESET, actor)
    changes = {
        "purpose": [None, link.purpose.value],
        "expires_at": [None, json_value(link.expires_at)],
    }
    audit_person(session, actor, person, AuditAction.LINK_ISSUED, changes)
    return IssuedLink(user=person, token=token, link=link)


def set_password_with_link(session: Session, token: str, password: str) -> User:
    """The link's owner sets their password: the link is used up, every session and token
    of theirs ends (a reset means someone else may have known the old one)."""
    link = links.live_link(session, token)
    links.mark_used(session, link)
    person = link.user
    accounts.set_password(session, person, password)
    person.last_login_at = utcnow()
    audit_person(
        session, person, person, AuditAction.PASSWORD_SET, {"through": [None, link.purpose.value]}
    )
    return person


def set_password_by_command(session: Session, person: User, password: str) -> None:
    """The command line's ``users set-password``: audited, and any link of theirs ends."""
    accounts.set_password(session, person, password)
    links.end_links(session, person)
    audit_person(
        session, None, person, AuditAction.PASSWORD_SET, {"through": [None, "command line"]}
    )
