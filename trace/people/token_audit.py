"""Audit records of API tokens created and revoked (subject: the holder's account).

Accounts announce the changes (``trace/auth/token_events.py``); this layer, above the
audit records, writes them in the same transaction. The record names the token by its id,
name and the prefix that lists show, never by the token itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import record_audit
from trace.auth.models import ApiToken, User
from trace.auth.token_events import token_created, token_revoked


def listen() -> None:
    """Start auditing token changes (connecting again changes nothing)."""
    token_created.connect(_audit_created)
    token_revoked.connect(_audit_revoked)


def _audit_created(token: ApiToken, *, session: Session, actor: User | None, **_: Any) -> None:
    described = {"token_id": token.id, "name": token.name, "prefix": token.prefix}
    changes = {field: [None, value] for field, value in described.items()}
    _record(session, actor, token, AuditAction.TOKEN_CREATED, changes)


def _audit_revoked(token: ApiToken, *, session: Session, actor: User | None, **_: Any) -> None:
    changes = {
        "token_id": [token.id, token.id],
        "name": [token.name, token.name],
        "prefix": [token.prefix, token.prefix],
        "revoked_at": [None, token.revoked_at.isoformat() if token.revoked_at else None],
    }
    _record(session, actor, token, AuditAction.TOKEN_REVOKED, changes)


def _record(
    session: Session,
    actor: User | None,
    token: ApiToken,
    action: AuditAction,
    changes: Mapping[str, Any],
) -> None:
    record_audit(
        session,
        actor,
        cooperative_id=token.user.cooperative_id,
        subject=AuditSubject.USER,
        subject_id=token.user_id,
        action=action,
        changes=changes,
    )
