"""Who may see what: role checks for routes and tenant scoping for queries.

Every view and API route that reads tenant data goes through ``scope_to_caller`` or
``get_for_caller``, so a cooperative only ever sees its own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.orm import Session

from trace.auth.models import Role, User
from trace.db import Base
from trace.errors import AccessDenied, NotFound
from trace.extensions import login_manager
from trace.registry.models import Cooperative

ModelT = TypeVar("ModelT", bound=Base)
RowT = TypeVar("RowT", bound=tuple[Any, ...])
View = TypeVar("View", bound=Callable[..., Any])

# Roles that read every cooperative's records (operators run the platform; inspectors check
# any label). They still cannot change another cooperative's data unless a route allows it.
ROLES_READING_ALL_TENANTS = frozenset({Role.OPERATOR, Role.INSPECTOR})


def owner_column(model: type[Base]) -> ColumnElement[int]:
    """The column naming the cooperative that owns a row of ``model``."""
    column = Cooperative.id if model is Cooperative else getattr(model, "cooperative_id")  # noqa: B009
    return cast(ColumnElement[int], column)


def scope_to_caller(statement: Select[RowT], model: type[Base], user: User) -> Select[RowT]:
    """Restrict a query on ``model`` to the rows ``user`` may read."""
    if user.role in ROLES_READING_ALL_TENANTS:
        return statement
    owner = owner_column(model)
    if user.role is Role.COOPERATIVE:
        return statement.where(owner == user.cooperative_id)
    if user.role is Role.COMMUNE_OFFICER:
        in_commune = select(Cooperative.id).where(Cooperative.commune_code == user.commune_code)
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
