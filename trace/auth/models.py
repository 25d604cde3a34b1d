"""Accounts: users with one role each, and the API tokens they hold."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trace.db import Base, utcnow, value_enum

if TYPE_CHECKING:
    from trace.registry.models import Cooperative


class Role(enum.StrEnum):
    OPERATOR = "operator"
    COOPERATIVE = "cooperative"
    INSPECTOR = "inspector"
    COMMUNE_OFFICER = "commune_officer"


class User(Base):
    """A person who signs in; cooperative staff belong to one cooperative, officers to a commune."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'cooperative') = (cooperative_id IS NOT NULL)", name="cooperative_binding"
        ),
        CheckConstraint(
            "(role = 'commune_officer') = (commune_code IS NOT NULL)", name="commune_binding"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    cooperative_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    commune_code: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Held by each signed-in session; raising it ends them all (sign-out, password, disabling).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # "vi" or "en", set on My account; null follows the browser and the language switch.
    preferred_language: Mapped[str | None] = mapped_column(String(2))

    cooperative: Mapped[Cooperative | None] = relationship()
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    # What Flask-Login asks of a user object.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored, never the token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, shown in lists so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
