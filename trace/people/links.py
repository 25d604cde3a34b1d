"""One-time links with which a person sets their own password: issued, found, used once.

A link carries 256 random bits; only their SHA-256 is stored, so the token is seen once,
by whoever issues it. A person holds at most one live link: a new one replaces the last.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.db import utcnow
from trace.errors import TraceError
from trace.people.models import AccountLink, LinkPurpose

LIFETIMES = {
    LinkPurpose.INVITE: timedelta(hours=72),
    LinkPurpose.RESET: timedelta(hours=24),
}


class LinkGone(TraceError):
    """Raised when a link is unknown, expired, used, replaced, or its account disabled."""

    status = 410
    message = _l("This link has expired or was already used. Ask your operator for a new one.")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    session: Session, user: User, purpose: LinkPurpose, created_by: User | None
) -> tuple[str, AccountLink]:
    """A new link for ``user``, replacing any still live; the token is returned only here."""
    now = utcnow()
    end_links(session, user, now)
    token, link = new_link(user, purpose, created_by, now)
    session.add(link)
    session.flush()
    return token, link


def new_link(
    user: User, purpose: LinkPurpose, created_by: User | None, now: datetime
) -> tuple[str, AccountLink]:
    """A link for a person who has no live one (just invited), not yet added to a session."""
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        token_hash=token_hash(token),
        user=user,
        purpose=purpose,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
        created_by_id=created_by.id if created_by is not None else None,
    )
    return token, link


def end_links(session: Session, user: User, now: datetime | None = None) -> None:
    """Replace every live link of ``user`` (a newer link, a disabled account)."""
    session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.used_at.is_(None),
            AccountLink.replaced_at.is_(None),
        )
        .values(replaced_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )


def live_link(session: Session, token: str) -> AccountLink:
    """The live link this token opens, whose account is enabled; else ``LinkGone``."""
    if not token or len(token) > 100:
        raise LinkGone()
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == token_hash(token)))
    if link is None or not link.is_live(utcnow()) or not link.user.is_active:
        raise LinkGone()
    return link


def current_link(session: Session, user: User) -> AccountLink | None:
    """The person's newest link not yet used or replaced (live or expired), for their page."""
    return session.scalar(
        select(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.used_at.is_(None),
            AccountLink.replaced_at.is_(None),
        )
        .order_by(AccountLink.created_at.desc(), AccountLink.id.desc())
        .limit(1)
    )


def mark_used(session: Session, link: AccountLink) -> None:
    """Use the link up, once: of two requests racing with the same token, one wins."""
    now = utcnow()
    result = session.execute(
        update(AccountLink)
        .where(
            AccountLink.id == link.id,
            AccountLink.used_at.is_(None),
            AccountLink.replaced_at.is_(None),
            AccountLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkGone()
