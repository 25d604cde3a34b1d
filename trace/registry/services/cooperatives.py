"""Cooperatives: operators create and archive them; their own staff keep them up to date."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.auth.access import get_for_caller, get_for_writing, list_for_caller
from trace.auth.models import Role, User
from trace.common.field_errors import FieldErrors
from trace.common.pagination import ListQuery, Page
from trace.errors import AccessDenied
from trace.registry import validation
from trace.registry.models import Cooperative
from trace.registry.services.records import archive
from trace.uploads.models import UploadPurpose
from trace.uploads.services import chosen_upload_id

FIELDS = (
    "name",
    "tax_code",
    "code_prefix",
    "commune_code",
    "street_address",
    "phone",
    "email",
    "logo_upload_id",
)
# Staff may not change what identifies the cooperative to the platform and its labels.
OPERATOR_ONLY_FIELDS = frozenset({"tax_code", "code_prefix"})
REQUIRED_FIELDS = ("name", "tax_code", "code_prefix", "commune_code")
TEXT_LIMITS = {"name": 200, "street_address": 300}
# 8 to 20 characters in all, the "+" included: the column holds 20.
PHONE = re.compile(r"^(?=.{8,20}$)\+?[0-9 .()-]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX_LENGTH = 254
CODE_PREFIX = re.compile(r"^[A-Z0-9]{2,8}$")


def list_cooperatives(session: Session, user: User, query: ListQuery) -> Page[Cooperative]:
    return list_for_caller(
        session,
        Cooperative,
        user,
        query,
        search_columns=(Cooperative.name, Cooperative.tax_code),
        order_by=(Cooperative.name, Cooperative.id),
    )


def get_cooperative(session: Session, user: User, cooperative_id: int) -> Cooperative:
    return get_for_caller(session, Cooperative, cooperative_id, user)


def create_cooperative(session: Session, user: User, values: Mapping[str, Any]) -> Cooperative:
    """Register a cooperative on the platform: operators only."""
    if user.role is not Role.OPERATOR:
        raise AccessDenied()
    cooperative = Cooperative(name="", tax_code="", code_prefix="", commune_code="")
    _apply(session, cooperative, values, is_new=True, user=user)
    session.add(cooperative)
    session.flush()
    return cooperative


def update_cooperative(
    session: Session, user: User, cooperative_id: int, changes: Mapping[str, Any]
) -> Cooperative:
    cooperative = get_for_writing(session, Cooperative, cooperative_id, user)
    _apply(session, cooperative, changes, is_new=False, user=user)
    session.flush()
    return cooperative


def archive_cooperative(session: Session, user: User, cooperative_id: int) -> Cooperative:
    if user.role is not Role.OPERATOR:
        raise AccessDenied()
    cooperative = get_for_writing(session, Cooperative, cooperative_id, user)
    archive(session, cooperative)
    return cooperative


def _apply(
    session: Session,
    cooperative: Cooperative,
    values: Mapping[str, Any],
    is_new: bool,
    user: User,
) -> None:
    errors = FieldErrors()
    given = {name: values[name] for name in FIELDS if name in values}
    cleaned: dict[str, Any] = {}
    for name in given.keys() & OPERATOR_ONLY_FIELDS:
        changed = str(given[name] or "").strip().upper() != getattr(cooperative, name)
        if user.role is not Role.OPERATOR and changed and not is_new:
            errors.add(name, _l("Only an operator can change this."))
    if "name" in given:
        cleaned["name"] = errors.text("name", given["name"], TEXT_LIMITS["name"])
    if "street_address" in given:
        cleaned["street_address"] = errors.text(
            "street_address", given["street_address"], TEXT_LIMITS["street_address"]
        )
    if "tax_code" in given:
        cleaned["tax_code"] = _tax_code(session, errors, cooperative, given["tax_code"])
    if "code_prefix" in given:
        cleaned["code_prefix"] = _code_prefix(session, errors, cooperative, given["code_prefix"])
    if "commune_code" in given:
        commune = errors.check("commune_code", validation.commune, str(given["commune_code"]))
        cleaned["commune_code"] = commune.code if commune else None
    if "phone" in given:
        cleaned["phone"] = _matching(errors, "phone", given["phone"], PHONE)
    if "email" in given:
        cleaned["email"] = _matching(errors, "email", given["email"], EMAIL).lower()
    if "logo_upload_id" in given:
        cleaned["logo_upload_id"] = chosen_upload_id(
            session,
            errors,
            "logo_upload_id",
            given["logo_upload_id"],
            cooperative.id,
            UploadPurpose.COOPERATIVE_LOGO,
        )
    # A change may not blank a required field either.
    for name in REQUIRED_FIELDS:
        if (is_new or name in given) and not cleaned.get(name) and name not in errors.errors:
            errors.add(name, _l("This field is required."))
    errors.raise_if_any()
    for name, value in cleaned.items():
        setattr(cooperative, name, value)


def _matching(errors: FieldErrors, name: str, raw: Any, pattern: re.Pattern[str]) -> str:
    text = str(raw or "").strip()
    # The pattern bounds a phone's length; an address is bounded here, as its column is.
    if text and (not pattern.match(text) or len(text) > EMAIL_MAX_LENGTH):
        message = (
            _l("Enter a phone number, such as 0299 3851 234.")
            if name == "phone"
            else _l("Enter a valid email address.")
        )
        errors.add(name, message)
    return text


def _tax_code(
    session: Session, errors: FieldErrors, cooperative: Cooperative, raw: Any
) -> str | None:
    tax_code = errors.check("tax_code", validation.tax_code, str(raw or ""))
    if tax_code is None:
        return None
    taken = session.scalar(
        select(Cooperative.id).where(
            Cooperative.tax_code == tax_code, Cooperative.id != cooperative.id
        )
    )
    if taken is not None:
        errors.add("tax_code", _l("Another cooperative already has this tax code."))
    return tax_code


def _code_prefix(
    session: Session, errors: FieldErrors, cooperative: Cooperative, raw: Any
) -> str | None:
    prefix = str(raw or "").strip().upper()
    if not CODE_PREFIX.match(prefix):
        errors.add("code_prefix", _l("Use 2 to 8 letters or digits, such as TRANDE."))
        return None
    taken = session.scalar(
        select(Cooperative.id).where(
            Cooperative.code_prefix == prefix, Cooperative.id != cooperative.id
        )
    )
    if taken is not None:
        errors.add("code_prefix", _l("Another cooperative already uses this prefix."))
    return prefix
