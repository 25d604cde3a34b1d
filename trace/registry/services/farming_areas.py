"""Farming areas (vùng trồng, vùng nuôi) with their official planting-area codes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.auth.access import get_for_caller, get_for_writing, list_for_caller
from trace.auth.models import User
from trace.common.field_errors import FieldErrors
from trace.common.pagination import ListQuery, Page
from trace.registry import validation
from trace.registry.models import FarmingArea, FarmingAreaKind, FarmingAreaStatus
from trace.registry.services.records import archive, owning_cooperative_id

FIELDS = (
    "code",
    "name",
    "kind",
    "commune_code",
    "latitude",
    "longitude",
    "polygon",
    "area_hectares",
    "crops",
    "status",
    "valid_from",
    "valid_to",
)
REQUIRED_FIELDS = ("code", "name", "kind", "commune_code", "latitude", "longitude")
TEXT_LIMITS = {"name": 200, "crops": 200}


def list_farming_areas(
    session: Session,
    user: User,
    query: ListQuery,
    kind: FarmingAreaKind | None = None,
    status: FarmingAreaStatus | None = None,
) -> Page[FarmingArea]:
    filters = []
    if kind is not None:
        filters.append(FarmingArea.kind == kind)
    if status is not None:
        filters.append(FarmingArea.status == status)
    return list_for_caller(
        session,
        FarmingArea,
        user,
        query,
        search_columns=(FarmingArea.code, FarmingArea.name, FarmingArea.crops),
        order_by=(FarmingArea.code, FarmingArea.id),
        filters=filters,
    )


def get_farming_area(session: Session, user: User, farming_area_id: int) -> FarmingArea:
    return get_for_caller(session, FarmingArea, farming_area_id, user)


def create_farming_area(session: Session, user: User, values: Mapping[str, Any]) -> FarmingArea:
    cooperative_id = owning_cooperative_id(session, user, values.get("cooperative_id"))
    area = FarmingArea(cooperative_id=cooperative_id)
    _apply(session, area, {"status": FarmingAreaStatus.ACTIVE, **values}, is_new=True)
    session.add(area)
    session.flush()
    return area


def update_farming_area(
    session: Session, user: User, farming_area_id: int, changes: Mapping[str, Any]
) -> FarmingArea:
    area = get_for_writing(session, FarmingArea, farming_area_id, user)
    _apply(session, area, changes, is_new=False)
    session.flush()
    return area


def archive_farming_area(session: Session, user: User, farming_area_id: int) -> FarmingArea:
    area = get_for_writing(session, FarmingArea, farming_area_id, user)
    archive(session, area)
    return area


def _apply(session: Session, area: FarmingArea, values: Mapping[str, Any], is_new: bool) -> None:
    errors = FieldErrors()
    given = {name: values[name] for name in FIELDS if name in values}
    cleaned: dict[str, Any] = {}
    for name in ("name", "crops"):
        if name in given:
            cleaned[name] = errors.text(name, given[name], TEXT_LIMITS[name])
    if "code" in given:
        cleaned["code"] = _code(session, errors, area, given["code"])
    if "kind" in given:
        cleaned["kind"] = _choice(errors, "kind", FarmingAreaKind, given["kind"])
    if "status" in given:
        cleaned["status"] = _choice(errors, "status", FarmingAreaStatus, given["status"])
    if "commune_code" in given:
        commune = errors.check("commune_code", validation.commune, str(given["commune_code"]))
        cleaned["commune_code"] = commune.code if commune else None
    for name, rule in (("latitude", validation.latitude), ("longitude", validation.longitude)):
        if name in given:
            cleaned[name] = errors.check(name, rule, given[name])
    if given.get("polygon") not in (None, "", {}):
        cleaned["polygon"] = errors.check("polygon", validation.polygon, given["polygon"])
    elif "polygon" in given:
        cleaned["polygon"] = None
    if "area_hectares" in given:
        cleaned["area_hectares"] = _hectares(errors, given["area_hectares"])
    _validity(errors, area, given, cleaned)
    # A change may not blank a required field either.
    for name in REQUIRED_FIELDS:
        is_blank = cleaned.get(name) in (None, "")
        if (is_new or name in given) and is_blank and name not in errors.errors:
            errors.add(name, _l("This field is required."))
    errors.raise_if_any()
    for name, value in cleaned.items():
        setattr(area, name, value)


def _code(session: Session, errors: FieldErrors, area: FarmingArea, raw: Any) -> str | None:
    pattern = current_app.config["TRACE_PLANTING_AREA_CODE_PATTERN"]
    code = errors.check("code", validation.planting_area_code, str(raw or ""), pattern)
    if code is None:
        return None
    taken = session.scalar(
        select(FarmingArea.id).where(FarmingArea.code == code, FarmingArea.id != area.id)
    )
    if taken is not None:
        errors.add("code", _l("This planting-area code is already registered."))
    return code


def _choice(errors: FieldErrors, name: str, choices: type[Any], raw: Any) -> Any:
    try:
        return choices(raw)
    except ValueError:
        errors.add(name, _l("Choose one of the options."))
        return None


def _hectares(errors: FieldErrors, raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        hectares = Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        hectares = Decimal(-1)
    if not hectares.is_finite() or not Decimal("0.01") <= hectares <= Decimal("99999999"):
        errors.add("area_hectares", _l("Enter the area in hectares, such as 12.5."))
        return None
    return hectares.quantize(Decimal("0.01"))


def _validity(
    errors: FieldErrors, area: FarmingArea, given: Mapping[str, Any], cleaned: dict[str, Any]
) -> None:
    for name in ("valid_from", "valid_to"):
        if name in given:
            value = given[name]
            if value not in (None, "") and not isinstance(value, date):
                errors.add(name, _l("Enter a date."))
            cleaned[name] = value or None
    start = cleaned.get("valid_from", area.valid_from)
    end = cleaned.get("valid_to", area.valid_to)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.add("valid_to", _l("The end date is before the start date."))
