"""Readiness: whether this worker should be sent traffic (``/readyz``), as opposed to being
alive (``/healthz``).

Three things make a worker unready: a database it cannot reach, a schema that is not at the
migrations' head (code and tables disagree: writes may fail), and no current signing key
(no label can be signed). Each call costs a few small queries; the head revision is read
once per process from the migrations folder, never through an Alembic environment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from trace.config import PROJECT_ROOT
from trace.signing.models import IssuingKey

log = logging.getLogger(__name__)

MIGRATIONS = PROJECT_ROOT / "migrations"

# The reasons, as /readyz names them.
DATABASE_UNREACHABLE = "database_unreachable"
SCHEMA_NOT_AT_HEAD = "schema_not_at_head"
NO_CURRENT_SIGNING_KEY = "no_current_signing_key"

_ALEMBIC_VERSIONS = text("SELECT version_num FROM alembic_version")
# Only the two columns every revision has had: a schema behind still answers this.
_CURRENT_KEY = select(IssuingKey.id).where(IssuingKey.is_current).limit(1)


@dataclass(frozen=True)
class Readiness:
    """What ``/readyz`` answers: the reasons not to send traffic, none when ready."""

    reasons: tuple[str, ...]

    @property
    def is_ready(self) -> bool:
        return not self.reasons


@cache
def head_revisions(migrations: Path = MIGRATIONS) -> tuple[str, ...]:
    """The revisions at the head of the migrations, read once per process (parsing every
    revision file takes tens of milliseconds)."""
    return tuple(sorted(ScriptDirectory(str(migrations)).get_heads()))


def check_readiness(session: Session, heads: tuple[str, ...] | None = None) -> Readiness:
    """Check the database, its schema revision and the signing key, in that order.

    Nothing is cached: a worker that was unready is checked afresh on the next call, and
    one that was ready is too. A check that fails on a missing table rolls the transaction
    back (on PostgreSQL a failed statement spoils it), so that the next runs in a new one:
    a rare case, cheaper than a savepoint around each check on every call.
    """
    heads = head_revisions() if heads is None else heads
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("Not ready: the database cannot be reached: %s", _first_line(error))
        session.rollback()
        return Readiness((DATABASE_UNREACHABLE,))
    reasons: list[str] = []
    if _database_revisions(session) != heads:
        reasons.append(SCHEMA_NOT_AT_HEAD)
    if not _has_current_key(session):
        reasons.append(NO_CURRENT_SIGNING_KEY)
    return Readiness(tuple(reasons))


def _database_revisions(session: Session) -> tuple[str, ...]:
    """The revisions the database was migrated to; none when it never was."""
    try:
        return tuple(sorted(session.execute(_ALEMBIC_VERSIONS).scalars()))
    except SQLAlchemyError:
        session.rollback()
        return ()


def _has_current_key(session: Session) -> bool:
    """Whether a key signs new labels; False when the keys' table cannot be read either."""
    try:
        return session.execute(_CURRENT_KEY).first() is not None
    except SQLAlchemyError:
        session.rollback()
        return False


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
