"""Bearer-token authentication for API routes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from trace.auth.models import Role, User
from trace.auth.services import user_for_token
from trace.db import db
from trace.errors import AccessDenied, AuthenticationRequired

View = TypeVar("View", bound=Callable[..., Any])


def api_caller() -> User:
    """The user whose token authenticated this request."""
    user: User = g.api_caller
    return user


def token_required(*roles: Role) -> Callable[[View], View]:
    """API routes: 401 without a valid token, 403 when the token's role may not do this."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            user = None
            if scheme.lower() == "bearer" and token.strip():
                user = user_for_token(db.session, token.strip())
            if user is None:
                raise AuthenticationRequired()
            if roles and user.role not in roles:
                raise AccessDenied()
            g.api_caller = user
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
