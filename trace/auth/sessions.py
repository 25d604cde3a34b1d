"""Signed-in sessions the server can end: a version held per user, and an idle timeout.

The session lives in a signed cookie, which a copy keeps valid until it expires. Each
session therefore carries the user's ``session_version`` from its sign-in; raising the
version (sign-out, a new password, disabling) refuses every cookie carrying an older one.
"""

from __future__ import annotations

import time

from flask import current_app, session
from sqlalchemy.orm import Session

from trace.auth.models import User

SESSION_VERSION_KEY = "_trace_version"
LAST_SEEN_KEY = "_trace_seen"
BEGAN_KEY = "_trace_began"
# The last activity is rewritten at most this often (seconds): a new cookie on every page
# would cost bandwidth and race between a page's parallel requests.
SEEN_GRANULARITY = 60
# Flask-Login's own keys, dropped with ours when a session no longer holds.
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember")


def start_session(user: User) -> None:
    """Mark the session just signed in with the user's version and the time of its use."""
    now = int(time.time())
    session[SESSION_VERSION_KEY] = user.session_version
    session[BEGAN_KEY] = now
    session[LAST_SEEN_KEY] = now


def end_every_session(user: User) -> None:
    """Refuse every session the user holds, wherever its cookie is; the caller flushes."""
    user.session_version = (user.session_version or 0) + 1


def keep_this_session(user: User) -> None:
    """After ``end_every_session``, let the current session go on (a password change)."""
    session[SESSION_VERSION_KEY] = user.session_version


def idle_seconds() -> int:
    return int(current_app.config["TRACE_SESSION_IDLE_MINUTES"]) * 60


def _has_expired(now: int) -> bool:
    """Unused for longer than the idle timeout, or older than a session may live (the cookie,
    rewritten as it is used, would otherwise keep a busy session alive for ever)."""
    seen, began = session.get(LAST_SEEN_KEY), session.get(BEGAN_KEY)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return (isinstance(seen, int) and now - seen > idle_seconds()) or (
        isinstance(began, int) and now - began > lifetime
    )


def session_user(db_session: Session, user_id: str) -> User | None:
    """The user this request's session signs in, or None when it no longer holds.

    It holds while the user is active, its version is the user's, it was used within the
    idle timeout and began less than ``PERMANENT_SESSION_LIFETIME`` ago. Sessions begun before
    versions existed carry none and count as version 0, so they hold only until the user's
    first sign-out, password change or disabling.
    """
    user = db_session.get(User, int(user_id)) if user_id.isdigit() else None
    now = int(time.time())
    if (
        user is None
        or not user.is_active
        or session.get(SESSION_VERSION_KEY, 0) != user.session_version
        or _has_expired(now)
    ):
        _forget_session()
        return None
    seen = session.get(LAST_SEEN_KEY)
    if not isinstance(seen, int) or now - seen >= SEEN_GRANULARITY:
        session[LAST_SEEN_KEY] = now
    return user


def _forget_session() -> None:
    for key in (*_FLASK_LOGIN_KEYS, SESSION_VERSION_KEY, BEGAN_KEY, LAST_SEEN_KEY):
        session.pop(key, None)
