"""The people list: searched, filtered and paginated; staff see their own cooperative's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from trace.auth.models import Role, User
from trace.auth.passwords import UNUSABLE_PASSWORD_HASH
from trace.common.pagination import MAX_PER_PAGE, ListQuery, Page
from trace.errors import AccessDenied
from trace.people.services import AccountStatus


@dataclass
class PeopleFilter:
    """What the list may be narrowed to, besides the search text."""

    role: Role | None = None
    cooperative_id: int | None = None
    commune_code: str | None = None
    status: str | None = None


def list_people(
    session: Session, actor: User, query: ListQuery, wanted: PeopleFilter
) -> Page[User]:
    """Operators list everyone; cooperative staff their own cooperative's people only."""
    statement: Select[tuple[User]] = select(User)
    if actor.role is Role.COOPERATIVE:
        statement = statement.where(User.cooperative_id == actor.cooperative_id)
    elif actor.role is not Role.OPERATOR:
        raise AccessDenied()
    statement = statement.where(*_conditions(query, wanted))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    items = session.scalars(
        statement.options(joinedload(User.cooperative))
        .order_by(User.email, User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def _conditions(query: ListQuery, wanted: PeopleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    search = query.search.strip().lower()
    if search:
        # autoescape: a % or _ typed in the search box is looked for, not a wildcard.
        conditions.append(
            or_(
                func.lower(User.email).contains(search, autoescape=True),
                func.lower(User.display_name).contains(search, autoescape=True),
            )
        )
    if wanted.role is not None:
        conditions.append(User.role == wanted.role)
    if wanted.cooperative_id is not None:
        conditions.append(User.cooperative_id == wanted.cooperative_id)
    if wanted.commune_code:
        conditions.append(User.commune_code == wanted.commune_code)
    if wanted.status == AccountStatus.DISABLED:
        conditions.append(User.is_active.is_(False))
    elif wanted.status == AccountStatus.INVITED:
        conditions.append(User.is_active.is_(True))
        conditions.append(User.password_hash == UNUSABLE_PASSWORD_HASH)
    elif wanted.status == AccountStatus.ACTIVE:
        conditions.append(User.is_active.is_(True))
        conditions.append(User.password_hash != UNUSABLE_PASSWORD_HASH)
    return conditions
