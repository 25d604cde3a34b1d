"""Signals sent when an API token is created or revoked, by its holder or by a command.

Both are audited, but accounts sit below the audit layer and cannot write audit records
themselves: ``trace/people/token_audit.py`` listens and records each change in the same
transaction. The signal carries the token's record, never the token itself.
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy.orm import Session

from trace.auth.models import ApiToken, User

_signals = Namespace()
token_created = _signals.signal("api-token-created")
token_revoked = _signals.signal("api-token-revoked")


def announce_created(session: Session, actor: User | None, token: ApiToken) -> None:
    """``actor`` is who created it (None for a command); ``token.user`` holds it."""
    token_created.send(token, session=session, actor=actor)


def announce_revoked(session: Session, actor: User | None, token: ApiToken) -> None:
    token_revoked.send(token, session=session, actor=actor)
