"""Account rules: creating users, signing in, issuing and revoking API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from trace.auth.access import COOPERATIVES
from trace.auth.models import ApiToken, Role, User
from trace.auth.password_policy import password_problem
from trace.auth.passwords import (
    UNUSABLE_PASSWORD_HASH,
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from trace.auth.sessions import end_every_session
from trace.auth.token_events import announce_revoked
from trace.common.communes import find_commune
from trace.db import utcnow, write_apart
from trace.errors import Conflict, InvalidInput, NotFound

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "trc_"  # noqa: S105 (a marker that makes leaked tokens easy to spot)
TOKEN_DISPLAY_LENGTH = 12
MAX_NAME_LENGTH = 120  # users.display_name
# How precisely a token's last use is kept: writing it on every call would make every API
# read a write, and on SQLite serialise all of them behind one lock.
TOKEN_USE_GRANULARITY = timedelta(minutes=5)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    password: str | None,
    role: Role | str,
    display_name: str = "",
    cooperative_tax_code: str | None = None,
    commune_code: str | None = None,
) -> User:
    """Create a user; cooperative staff name their cooperative, officers their commune.

    Without a password (an invitation) the account cannot be signed in to until its owner
    sets one through a link.
    """
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        errors["email"] = [str(_l("Enter a valid email address."))]
    if len(display_name.strip()) > MAX_NAME_LENGTH:
        errors["display_name"] = [
            str(_l("Use at most %(count)d characters.", count=MAX_NAME_LENGTH))
        ]
    if password is not None:
        problem = password_problem(password, email=email, display_name=display_name)
        if problem is not None:
            errors["password"] = [problem]
    role, cooperative_id, commune = binding_for_role(
        session, role, cooperative_tax_code, commune_code, errors
    )
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(_l("A user with this email already exists."), {"email": ["exists"]})
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=UNUSABLE_PASSWORD_HASH if password is None else hash_password(password),
        role=role,
        cooperative_id=cooperative_id,
        commune_code=commune,
    )
    session.add(user)
    session.flush()
    return user


def binding_for_role(
    session: Session,
    role: Role | str,
    cooperative_tax_code: str | None,
    commune_code: str | None,
    errors: dict[str, list[str]] | None = None,
) -> tuple[Role, int | None, str | None]:
    """The role with the cooperative or commune it binds to, as the users table requires
    (staff to a cooperative, officers to a commune, no one else to either).

    Raises ``InvalidInput`` naming every problem, with those already in ``errors``.
    """
    errors = errors if errors is not None else {}
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = [str(_l("Unknown role."))]
        raise InvalidInput(errors=errors) from None
    cooperative_id = _cooperative_for_role(session, role, cooperative_tax_code, errors)
    commune = _commune_for_role(role, commune_code, errors)
    if errors:
        raise InvalidInput(errors=errors)
    return role, cooperative_id, commune


def _cooperative_for_role(
    session: Session, role: Role, tax_code: str | None, errors: dict[str, list[str]]
) -> int | None:
    if role is not Role.COOPERATIVE:
        if tax_code:
            errors["cooperative"] = [str(_l("Only cooperative staff belong to a cooperative."))]
        return None
    if not tax_code:
        errors["cooperative"] = [str(_l("Cooperative staff need their cooperative's tax code."))]
        return None
    cooperative_id = session.scalar(
        select(COOPERATIVES.c.id).where(COOPERATIVES.c.tax_code == tax_code)
    )
    if cooperative_id is None:
        errors["cooperative"] = [str(_l("No cooperative has this tax code."))]
    return cooperative_id


def _commune_for_role(role: Role, code: str | None, errors: dict[str, list[str]]) -> str | None:
    if role is not Role.COMMUNE_OFFICER:
        if code:
            errors["commune"] = [str(_l("Only commune officers belong to a commune."))]
        return None
    commune = find_commune(code) if code else None
    if commune is None:
        errors["commune"] = [str(_l("Enter an official 2025 commune code."))]
        return None
    return commune.code


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; equally slow either way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active or user.password_hash == UNUSABLE_PASSWORD_HASH:
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def find_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_l("No user has this email."))
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Give the user a new password (an operator's reset): every session and token ends."""
    _replace_password(user, password)
    end_every_session(user)
    revoke_every_token(session, user)
    session.flush()


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """The signed-in user's own change: the current password first; other sessions end."""
    if not verify_password(user.password_hash, current):
        wrong = str(_l("The current password is wrong."))
        raise InvalidInput(errors={"current_password": [wrong]})
    _replace_password(user, new, field="new_password")
    end_every_session(user)
    session.flush()


def _replace_password(user: User, password: str, field: str = "password") -> None:
    problem = password_problem(password, email=user.email, display_name=user.display_name)
    if problem is not None:
        raise InvalidInput(errors={field: [problem]})
    user.password_hash = hash_password(password)


def disable_user(session: Session, user: User) -> None:
    """Stop the user signing in: every session and API token ends at once."""
    user.is_active = False
    end_every_session(user)
    revoke_every_token(session, user)
    session.flush()


def enable_user(session: Session, user: User) -> None:
    """Let a disabled user sign in again (their old tokens stay revoked)."""
    user.is_active = True
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out on every device (the sign-out button)."""
    end_every_session(user)
    session.flush()


def revoke_every_token(session: Session, user: User) -> int:
    """Revoke all the user's API tokens still in force; how many were."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough and lets us look them up.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, user: User, name: str = "") -> str:
    """Create a token for the user and return it; this is the only time it is ever seen."""
    token, _ = new_api_token(session, user, name)
    return token


def new_api_token(session: Session, user: User, name: str = "") -> tuple[str, ApiToken]:
    """A new token and its stored record (its hash and the prefix lists show)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        token_hash=_token_hash(token),
        prefix=token[:TOKEN_DISPLAY_LENGTH],
        name=name.strip(),
    )
    session.add(record)
    session.flush()
    return token, record


def user_for_token(session: Session, token: str) -> User | None:
    """The active user holding this unrevoked token, or None.

    The token's last use is recorded at most every ``TOKEN_USE_GRANULARITY``, in a
    transaction of its own: a request that only reads stays read-only, and on SQLite it
    cannot fail for having read before writing.
    """
    api_token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if api_token is None or api_token.is_revoked or not api_token.user.is_active:
        return None
    now = utcnow()
    if token_use_is_due(api_token.last_used_at, now):
        token_id = api_token.id
        write_apart(session, lambda own: record_token_use(own, token_id, now))
    return api_token.user


def token_use_is_due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOKEN_USE_GRANULARITY


def record_token_use(session: Session, token_id: int, used_at: datetime) -> bool:
    """Set the token's last use unless one within the granularity is recorded already (by
    another worker since it was read); True when it was written."""
    result = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= used_at - TOKEN_USE_GRANULARITY,
            ),
        )
        .values(last_used_at=used_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_api_token(session: Session, token_or_prefix: str) -> ApiToken:
    """Revoke a token given in full or by the prefix that lists show (the ``revoke-token``
    command: audited as the command line's doing)."""
    candidates = session.scalars(
        select(ApiToken).where(
            (ApiToken.token_hash == _token_hash(token_or_prefix))
            | (ApiToken.prefix == token_or_prefix)
        )
    ).all()
    active = [candidate for candidate in candidates if not candidate.is_revoked]
    if not candidates:
        raise NotFound(_l("No API token matches."))
    if len(active) > 1:
        raise InvalidInput(_l("Several tokens share this prefix: give the whole token."))
    token = active[0] if active else candidates[0]
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        announce_revoked(session, None, token)
    return token
