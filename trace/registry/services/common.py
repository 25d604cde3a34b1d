"""What every registry service shares: listing for a caller, archiving, collecting errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql._typing import _ColumnExpressionArgument

from trace.auth.access import ensure_can_write, get_for_caller, scope_to_caller
from trace.auth.models import Role, User
from trace.db import Base, utcnow
from trace.errors import InvalidInput
from trace.registry.models import Cooperative
from trace.uploads.models import Upload, UploadPurpose

ModelT = TypeVar("ModelT", bound=Base)
ValueT = TypeVar("ValueT")
MAX_PER_PAGE = 100
# C0 controls and DEL, but not tab and line breaks, which descriptions may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Page(Generic[ModelT]):
    """One page of a list, with the total so pagers can show how many there are."""

    items: Sequence[ModelT]
    total: int
    page: int
    per_page: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class ListQuery:
    """What a caller may ask of any registry list."""

    search: str = ""
    include_archived: bool = False
    cooperative_id: int | None = None
    page: int = 1
    per_page: int = 20


def list_for_caller(
    session: Session,
    model: type[ModelT],
    user: User,
    query: ListQuery,
    search_columns: Sequence[_ColumnExpressionArgument[str]],
    order_by: Sequence[_ColumnExpressionArgument[Any]],
    filters: Sequence[_ColumnExpressionArgument[bool]] = (),
    options: Sequence[ORMOption] = (),
) -> Page[ModelT]:
    """The rows of ``model`` the caller may read, filtered, searched and paginated;
    ``options`` load with the page what its list shows of each row."""
    statement: Select[tuple[ModelT]] = scope_to_caller(select(model), model, user)
    if not query.include_archived:
        statement = statement.where(model.archived_at.is_(None))  # type: ignore[attr-defined]
    if query.cooperative_id is not None and model.__tablename__ != "cooperatives":
        statement = statement.where(
            model.cooperative_id == query.cooperative_id  # type: ignore[attr-defined]
        )
    if query.search.strip():
        search = query.search.strip().lower()
        # autoescape: a % or _ typed in the search box is looked for, not a wildcard.
        statement = statement.where(
            or_(*(func.lower(col).contains(search, autoescape=True) for col in search_columns))
        )
    statement = statement.where(*filters)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    items = session.scalars(
        statement.order_by(*order_by)
        .options(*options)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def get_for_writing(session: Session, model: type[ModelT], row_id: int, user: User) -> ModelT:
    """A row the caller may change: 404 if they cannot see it, 403 if they may only read it."""
    row = get_for_caller(session, model, row_id, user)
    owner_field = "id" if model.__tablename__ == "cooperatives" else "cooperative_id"
    ensure_can_write(user, getattr(row, owner_field))
    return row


def owning_cooperative_id(session: Session, user: User, requested: int | None) -> int:
    """The cooperative a new record belongs to: staff's own, or the one an operator names."""
    if user.role is Role.COOPERATIVE and user.cooperative_id is not None:
        ensure_can_write(user, requested or user.cooperative_id)
        return user.cooperative_id
    # Read-only roles are refused before being asked to name a cooperative.
    ensure_can_write(user, requested or 0)
    if requested is None or session.get(Cooperative, requested) is None:
        raise InvalidInput(errors={"cooperative_id": [str(_l("Choose the cooperative."))]})
    return requested


def archive(session: Session, row: Any) -> None:
    """Hide a record from lists and new use; it stays for the batches and labels that cite it."""
    if row.archived_at is None:
        row.archived_at = utcnow()
    session.flush()


def restore(session: Session, row: Any) -> None:
    row.archived_at = None
    session.flush()


class FieldErrors:
    """Collects every field's problem so one answer can list them all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str | LazyString) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def check(self, field: str, rule: Callable[..., ValueT], *args: Any) -> ValueT | None:
        """Apply a validation rule; on ``ValueError`` record its message and return None."""
        try:
            return rule(*args)
        except ValueError as error:
            self.add(field, str(error))
            return None

    def text(self, field: str, raw: Any, limit: int) -> str:
        """Trimmed text within ``limit``; control characters (NUL breaks PostgreSQL) refused."""
        text = str(raw or "").strip()
        if CONTROL_CHARACTERS.search(text):
            self.add(field, _l("Remove the characters that are not text."))
        if len(text) > limit:
            self.add(field, _l("Use at most %(count)d characters.", count=limit))
        return text

    def upload(
        self,
        session: Session,
        field: str,
        upload_id: Any,
        cooperative_id: int,
        purpose: UploadPurpose,
    ) -> int | None:
        """An upload of this cooperative made for this purpose, or None to remove it."""
        if upload_id in (None, ""):
            return None
        upload = session.get(Upload, upload_id) if isinstance(upload_id, int) else None
        if upload is None or upload.cooperative_id != cooperative_id or upload.purpose != purpose:
            self.add(field, _l("Upload the file again."))
            return None
        return upload.id

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(errors=self.errors)


@contextmanager
def collecting_errors() -> Iterator[FieldErrors]:
    errors = FieldErrors()
    yield errors
    errors.raise_if_any()
