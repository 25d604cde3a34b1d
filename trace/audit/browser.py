"""Reading the audit records: filtered, newest first, a page at a time or all in chunks.

Operators only: audit records name people and every cooperative's changes, and a
cooperative's staff already see their own batches' history on each batch's page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Row, Select, column, func, or_, select, table
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.auth.models import Role, User
from trace.common.clock import local_day_bounds, within_filter_days
from trace.common.pagination import Page
from trace.errors import AccessDenied

PER_PAGE = 50
# The export reads this many records at a time, each chunk after the last one's key, so a
# large export never holds more than a chunk in memory and never re-reads with OFFSET.
EXPORT_CHUNK = 500
PERSON_MAX = 254
# The most records one export holds. It writes about 13,000 records a second (SQLite, one
# core): this many take about 15 s, within gunicorn's 30 s request timeout, past which the
# worker would be killed and the file end short without saying so. Larger sets are
# exported a date range at a time.
EXPORT_MAX = 200_000

# The cooperatives' names, read from their table: the registry is a layer above.
_COOPERATIVES = table("cooperatives", column("id"), column("name"))

SelectT = TypeVar("SelectT", bound=Select[Any])


@dataclass(frozen=True)
class AuditFilters:
    """What the operator asked for; every part optional. ``person`` is part of an email."""

    person: str = ""
    subject: AuditSubject | None = None
    subject_id: int | None = None
    action: AuditAction | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @property
    def is_filtered(self) -> bool:
        return any(
            value not in ("", None)
            for value in (
                self.person,
                self.subject,
                self.subject_id,
                self.action,
                self.date_from,
                self.date_to,
            )
        )


def ensure_can_browse(user: User) -> None:
    if user.role is not Role.OPERATOR:
        raise AccessDenied()


def list_records(session: Session, user: User, filters: AuditFilters) -> Page[AuditRecord]:
    """One page of the matching records, newest first."""
    ensure_can_browse(user)
    statement = _matching(filters)
    total = count_records(session, user, filters)
    page = max(1, filters.page)
    items = session.scalars(
        _newest_first(statement).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return Page(items=items, total=total, page=page, per_page=PER_PAGE)


# What the export writes of each record: plain rows, which load in a fraction of the time
# ORM objects take and need not be forgotten by the session once written.
_EXPORTED = (
    AuditRecord.id,
    AuditRecord.recorded_at,
    AuditRecord.actor,
    AuditRecord.cooperative_id,
    AuditRecord.subject,
    AuditRecord.subject_id,
    AuditRecord.batch_id,
    AuditRecord.action,
    AuditRecord.changes,
)


def count_records(session: Session, user: User, filters: AuditFilters) -> int:
    """How many records match: an export is refused above ``EXPORT_MAX``."""
    ensure_can_browse(user)
    return session.scalar(select(func.count()).select_from(_matching(filters).subquery())) or 0


def export_records(
    session: Session, user: User, filters: AuditFilters, chunk: int = EXPORT_CHUNK
) -> Iterator[Row[Any]]:
    """Every matching record, newest first, read a chunk at a time as they are consumed;
    each row has the record's attributes (``recorded_at``, ``actor``, ``changes``...).

    The caller is checked now, not when the first record is read: a streamed answer that
    has begun cannot turn into a refusal.
    """
    ensure_can_browse(user)
    statement = _matching(filters).with_only_columns(*_EXPORTED)
    return _in_chunks(session, _newest_first(statement).limit(chunk), chunk)


def _in_chunks(session: Session, statement: Select[Any], chunk: int) -> Iterator[Row[Any]]:
    last: Row[Any] | None = None
    while True:
        page = statement
        if last is not None:
            # The first condition alone selects nothing new: it lets the database start
            # from the last record in the time index, where the OR alone had SQLite scan
            # the index from the newest record for every chunk.
            page = page.where(
                AuditRecord.recorded_at <= last.recorded_at,
                or_(AuditRecord.recorded_at < last.recorded_at, AuditRecord.id < last.id),
            )
        rows = session.execute(page).all()
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1]


def cooperative_names(session: Session, records: Iterable[AuditRecord]) -> Mapping[int, str]:
    """The names of the cooperatives these records belong to."""
    ids = {record.cooperative_id for record in records if record.cooperative_id is not None}
    if not ids:
        return {}
    rows = session.execute(
        select(_COOPERATIVES.c.id, _COOPERATIVES.c.name).where(_COOPERATIVES.c.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


def all_cooperative_names(session: Session) -> Mapping[int, str]:
    """Every cooperative's name, for an export that may name any of them."""
    rows = session.execute(select(_COOPERATIVES.c.id, _COOPERATIVES.c.name))
    return {row.id: row.name for row in rows}


def _matching(filters: AuditFilters) -> Select[tuple[AuditRecord]]:
    statement = select(AuditRecord)
    person = filters.person.strip().lower()
    if person:
        # autoescape: a % or _ typed is looked for, not a wildcard.
        statement = statement.where(func.lower(AuditRecord.actor).contains(person, autoescape=True))
    conditions: list[Any] = []
    if filters.subject is not None:
        conditions.append(AuditRecord.subject == filters.subject)
    if filters.subject_id is not None:
        conditions.append(AuditRecord.subject_id == filters.subject_id)
    if filters.action is not None:
        conditions.append(AuditRecord.action == filters.action)
    if filters.date_from is not None:
        start, _ = local_day_bounds(within_filter_days(filters.date_from))
        conditions.append(AuditRecord.recorded_at >= start)
    if filters.date_to is not None:
        _, end = local_day_bounds(within_filter_days(filters.date_to))
        conditions.append(AuditRecord.recorded_at < end)
    return statement.where(*conditions)


def _newest_first(statement: SelectT) -> SelectT:
    return statement.order_by(AuditRecord.recorded_at.desc(), AuditRecord.id.desc())
