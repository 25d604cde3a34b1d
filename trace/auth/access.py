"""Who may see what: role checks for routes and tenant scoping for queries.

Every view and API route that reads tenant data goes through ``scope_to_caller`` or
``get_for_caller``, so a cooperative only ever sees its own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

from flask_login import current_user
from sqlalchemy import ColumnElement, Select, column, false, func, or_, select, table
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql._typing import _ColumnExpressionArgument

from trace.auth.models import Role, User
from trace.common.pagination import MAX_PER_PAGE, ListQuery, Page
from trace.db import Base
from trace.errors import AccessDenied, NotFound
from trace.extensions import login_manager

ModelT = TypeVar("ModelT", bound=Base)
RowT = TypeVar("RowT", bound=tuple[Any, ...])
View = TypeVar("View", bound=Callable[..., Any])

# Roles that read every cooperative's records (operators run the platform; inspectors check
# any label). They still cannot change another cooperative's data unless a route allows it.
ROLES_READING_ALL_TENANTS = frozenset({Role.OPERATOR, Role.INSPECTOR})

# The tenants are the registry's cooperatives, a layer above: scoping reads only these
# columns of their table, so accounts need not import the registry's models.
COOPERATIVES = table("cooperatives", column("id"), column("commune_code"), column("tax_code"))


def owner_column(model: type[Base]) -> ColumnElement[int]:
    """The column naming the cooperative that owns a row of ``model``."""
    owner_name = "id" if model.__tablename__ == "cooperatives" else "cooperative_id"
    column = getattr(model, owner_name)
    return cast(ColumnElement[int], column)


def scope_to_caller(statement: Select[RowT], model: type[Base], user: User) -> Select[RowT]:
    """Restrict a query on ``model`` to the rows ``user`` may read."""
    if user.role in ROLES_READING_ALL_TENANTS:
        return statement
    owner = owner_column(model)
    if user.role is Role.COOPERATIVE:
        return statement.where(owner == user.cooperative_id)
    if user.role is Role.COMMUNE_OFFICER:
        in_commune = select(COOPERATIVES.c.id).where(
            COOPERATIVES.c.commune_code == user.commune_code
        )
        return statement.where(owner.in_(in_commune))
    return statement.where(false())


def get_for_caller(session: Session, model: type[ModelT], row_id: int, user: User) -> ModelT:
    """One row the caller may read; another tenant's row is reported as missing, not forbidden."""
    primary_key = model.__mapper__.primary_key[0]
    statement = scope_to_caller(select(model).where(primary_key == row_id), model, user)
    row = session.scalar(statement)
    if row is None:
        raise NotFound()
    return row


# Roles that may change a cooperative's records: its own staff, and operators for any.
ROLES_WRITING = frozenset({Role.OPERATOR, Role.COOPERATIVE})


def ensure_can_write(user: User, cooperative_id: int) -> None:
    """Refuse unless ``user`` may change records of this cooperative.

    Read-only roles get 403; staff of another cooperative get 404, as if it did not exist.
    """
    if user.role not in ROLES_WRITING:
        raise AccessDenied()
    if user.role is Role.COOPERATIVE and user.cooperative_id != cooperative_id:
        raise NotFound()


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Pages: anonymous visitors go to the sign-in page, other roles get a 403 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                raise AccessDenied()
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


login_required = roles_required()


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


WRITERS = tuple(ROLES_WRITING)


# Everyone signed in may read the registry, each within their own scope.
READERS = tuple(Role)


def can_write(user: User) -> bool:
    return user.role in ROLES_WRITING
