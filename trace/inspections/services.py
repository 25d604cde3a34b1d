"""Inspections: record one, list them for whoever may read them, export them as CSV.

Inspectors and operators record inspections of any batch; a cooperative's staff read the
inspections of their own batches; inspectors and operators read all of them; commune
officers read none. Every inspection recorded leaves an audit record in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from trace.alerts.marks import mark_unit
from trace.alerts.signals import MarkKind
from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import differences, record_audit, snapshot
from trace.auth.access import get_for_caller, scope_to_caller
from trace.auth.models import Role, User
from trace.batches.models import Batch
from trace.batches.services.common import check_ids
from trace.common.clock import LOCAL_TIMEZONE, local_day_bounds, within_filter_days
from trace.common.communes import find_commune
from trace.common.excel_csv import excel_csv
from trace.common.field_errors import FieldErrors, present
from trace.common.pagination import MAX_PER_PAGE, Page
from trace.db import utcnow
from trace.errors import AccessDenied
from trace.inspections.inspected_labels import InspectedLabel, find_inspected_label
from trace.inspections.models import (
    NOTES_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    Inspection,
    InspectionOutcome,
)
from trace.signing.codes import MAX_CODE_LENGTH
from trace.uploads.models import Upload, UploadPurpose

RECORDERS = frozenset({Role.OPERATOR, Role.INSPECTOR})
READERS = RECORDERS | {Role.COOPERATIVE}
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_PHOTOS = 6
# An inspection is an EPCIS "inspecting" event: its photos are private like other events'.
PHOTO_PURPOSE = UploadPurpose.EVENT_PHOTO
OUTCOME_LABELS = {
    InspectionOutcome.CONFORMING: _l("Conforming"),
    InspectionOutcome.NON_CONFORMING: _l("Non-conforming"),
    InspectionOutcome.SUSPECTED_COUNTERFEIT: _l("Suspected counterfeit"),
}
AUDITED_FIELDS = (
    "batch",
    "inspected_at",
    "place",
    "commune_code",
    "outcome",
    "notes",
    "code_text",
)
CSV_HEADER = (
    _l("Time (Vietnam)"),
    _l("Place"),
    _l("Commune"),
    _l("Cooperative"),
    _l("Product"),
    _l("Batch code"),
    _l("Serial"),
    _l("Outcome"),
    _l("Notes"),
    _l("Inspector"),
)
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"
# A cell a spreadsheet would read as a formula is written as text (OWASP, CSV injection).


@dataclass
class InspectionFilters:
    """What a reader may ask of the list: a cooperative, an outcome, local days, a page."""

    cooperative_id: int | None = None
    outcome: InspectionOutcome | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 20


def ensure_can_record(user: User) -> None:
    if user.role not in RECORDERS:
        raise AccessDenied()


def ensure_can_read(user: User) -> None:
    if user.role not in READERS:
        raise AccessDenied()


def find_subject(session: Session, user: User, values: Mapping[str, Any]) -> InspectedLabel | None:
    """The batch (and unit) an inspection's values name, or None where recording would
    refuse them; the web form uses it to file the photos under the batch's cooperative."""
    ensure_can_record(user)
    return _subject(session, FieldErrors(), user, values)


def record_inspection(
    session: Session, user: User, values: Mapping[str, Any], now: datetime | None = None
) -> Inspection:
    """Record an inspection of the batch (or unit) named by ``code`` or ``batch_id``.

    Refused with ``AccessDenied`` unless the caller is an inspector or an operator, and with
    ``InvalidInput`` naming every field to fix (nothing stored) for bad values.
    """
    ensure_can_record(user)
    now = now or utcnow()
    errors = FieldErrors()
    subject = _subject(session, errors, user, values)
    inspected_at = _inspected_at(errors, values.get("inspected_at"), now)
    place = errors.text("place", values.get("place"), PLACE_MAX_LENGTH)
    if not place:
        errors.add("place", _l("Enter the market, shop or address where you inspected."))
    commune_code = _commune_code(errors, values.get("commune_code"))
    outcome = _outcome(errors, values.get("outcome"))
    notes = errors.text("notes", values.get("notes"), NOTES_MAX_LENGTH)
    photos = _photos(session, errors, subject, values.get("photo_upload_ids"))
    withdraws_unit = values.get("withdraws_unit") is True
    if withdraws_unit and subject is not None and subject.unit is None:
        errors.add(
            "withdraws_unit",
            _l("Only an item's own code can be withdrawn: scan the code on the item."),
        )
    errors.raise_if_any()
    subject, inspected_at, outcome = present(subject), present(inspected_at), present(outcome)
    inspection = Inspection(
        inspector=user,
        batch=subject.batch,
        label_code=subject.unit,
        cooperative_id=subject.batch.cooperative_id,
        inspected_at=inspected_at,
        place=place,
        commune_code=commune_code,
        outcome=outcome,
        notes=notes,
        code_text=subject.code_text,
        created_at=now,
        photos=photos,
    )
    session.add(inspection)
    session.flush()
    if withdraws_unit and subject.unit is not None:
        mark_unit(session, subject.unit.id, MarkKind.INSPECTED, user, inspected_at, place)
    _audit(session, user, inspection, withdraws_unit)
    return inspection


def list_inspections(session: Session, user: User, filters: InspectionFilters) -> Page[Inspection]:
    """One page of the inspections the caller may read, newest first."""
    statement = _readable(user, filters)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    per_page = max(1, min(filters.per_page, MAX_PER_PAGE))
    page = max(1, filters.page)
    items = session.scalars(
        _with_details(_newest_first(statement)).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def inspections_for_export(
    session: Session, user: User, filters: InspectionFilters
) -> Sequence[Inspection]:
    """Every inspection the caller may read that matches ``filters`` (the page ignored)."""
    return session.scalars(_with_details(_newest_first(_readable(user, filters)))).all()


def get_inspection(session: Session, user: User, inspection_id: int) -> Inspection:
    """One inspection; another cooperative's is reported as missing."""
    ensure_can_read(user)
    return get_for_caller(session, Inspection, inspection_id, user)


def outcome_totals(rows: Iterable[Inspection]) -> dict[InspectionOutcome, int]:
    """How many of ``rows`` have each outcome, every outcome listed (zero included)."""
    totals = dict.fromkeys(InspectionOutcome, 0)
    for row in rows:
        totals[row.outcome] += 1
    return totals


def inspections_csv(rows: Iterable[Inspection]) -> str:
    """The rows as CSV for Excel: UTF-8 with a BOM, a header, times in Vietnam time."""
    return excel_csv(CSV_HEADER, (_csv_values(row) for row in rows))


def _subject(
    session: Session, errors: FieldErrors, user: User, values: Mapping[str, Any]
) -> InspectedLabel | None:
    """The label named by ``code``, else the batch named by ``batch_id``; both must agree."""
    code = errors.text("code", values.get("code"), MAX_CODE_LENGTH)
    chosen = _chosen_batch(session, errors, user, values.get("batch_id"))
    if "code" in errors.errors or "batch_id" in errors.errors:
        return None
    if not code:
        if chosen is None:
            errors.add("code", _l("Scan or paste the code on the label, or choose the batch."))
            return None
        return InspectedLabel(chosen, None, "")
    found = find_inspected_label(session, code)
    if found is None:
        errors.add("code", _l("No batch on the platform has this code: check it."))
        return None
    if chosen is not None and chosen.id != found.batch.id:
        errors.add("code", _l("This code names another batch than the one chosen."))
        return None
    return found


def _chosen_batch(session: Session, errors: FieldErrors, user: User, raw: Any) -> Batch | None:
    if raw in (None, ""):
        return None
    batch = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        batch = session.scalar(scope_to_caller(select(Batch).where(Batch.id == raw), Batch, user))
    if batch is None:
        errors.add("batch_id", _l("Choose a batch registered on the platform."))
    return batch


def _inspected_at(errors: FieldErrors, raw: Any, now: datetime) -> datetime | None:
    if raw in (None, ""):
        return now
    if not isinstance(raw, datetime) or raw.tzinfo is None:
        errors.add("inspected_at", _l("Enter the date and time of the inspection."))
        return None
    if raw > now + CLOCK_SKEW:
        errors.add("inspected_at", _l("This time is in the future."))
        return None
    if raw < EARLIEST:
        errors.add("inspected_at", _l("Enter a time after the year 2000."))
        return None
    return raw.astimezone(UTC)


def _commune_code(errors: FieldErrors, raw: Any) -> str | None:
    """The official code of the commune given, or None when none is given."""
    if raw in (None, ""):
        return None
    commune = find_commune(str(raw)) if isinstance(raw, str | int) else None
    if commune is None:
        errors.add("commune_code", _l("Choose a commune from the official 2025 list."))
        return None
    return commune.code


def _outcome(errors: FieldErrors, raw: Any) -> InspectionOutcome | None:
    try:
        return InspectionOutcome(raw)
    except ValueError:
        errors.add("outcome", _l("Choose what you found."))
        return None


def _photos(
    session: Session, errors: FieldErrors, subject: InspectedLabel | None, raw: Any
) -> list[Upload]:
    """Photos uploaded for this inspection: filed under the inspected batch's cooperative."""
    ids = check_ids(errors, "photo_upload_ids", raw)
    if len(ids) > MAX_PHOTOS:
        errors.add("photo_upload_ids", _l("Attach at most %(count)d photos.", count=MAX_PHOTOS))
        return []
    if not ids or subject is None:
        return []
    photos = session.scalars(select(Upload).where(Upload.id.in_(ids))).all()
    if len(photos) != len(ids) or any(
        photo.cooperative_id != subject.batch.cooperative_id or photo.purpose != PHOTO_PURPOSE
        for photo in photos
    ):
        errors.add("photo_upload_ids", _l("Upload the photos again."))
        return []
    # In the order the relationship loads them, so the record reads the same after a reload.
    return sorted(photos, key=lambda photo: photo.id)


def _readable(user: User, filters: InspectionFilters) -> Select[tuple[Inspection]]:
    ensure_can_read(user)
    statement = scope_to_caller(select(Inspection), Inspection, user)
    if filters.cooperative_id is not None:
        statement = statement.where(Inspection.cooperative_id == filters.cooperative_id)
    if filters.outcome is not None:
        statement = statement.where(Inspection.outcome == filters.outcome)
    if filters.date_from is not None:
        start, _ = local_day_bounds(within_filter_days(filters.date_from))
        statement = statement.where(Inspection.inspected_at >= start)
    if filters.date_to is not None:
        _, end = local_day_bounds(within_filter_days(filters.date_to))
        statement = statement.where(Inspection.inspected_at < end)
    return statement


def _newest_first(statement: Select[tuple[Inspection]]) -> Select[tuple[Inspection]]:
    return statement.order_by(Inspection.inspected_at.desc(), Inspection.id.desc())


def _with_details(statement: Select[tuple[Inspection]]) -> Select[tuple[Inspection]]:
    """What lists, the report and the CSV show of each row, loaded with it."""
    return statement.options(
        joinedload(Inspection.batch).joinedload(Batch.product),
        joinedload(Inspection.cooperative),
        joinedload(Inspection.inspector),
        joinedload(Inspection.label_code),
        selectinload(Inspection.photos),
    )


def _csv_values(row: Inspection) -> list[str]:
    commune = find_commune(row.commune_code) if row.commune_code else None
    return [
        row.inspected_at.astimezone(LOCAL_TIMEZONE).strftime(CSV_TIME_FORMAT),
        row.place,
        commune.full_name if commune else (row.commune_code or ""),
        row.cooperative.name,
        row.batch.product.name,
        row.batch.code,
        row.serial or "",
        str(OUTCOME_LABELS[row.outcome]),
        row.notes,
        row.inspector.email,
    ]


def _snapshot(inspection: Inspection) -> dict[str, Any]:
    values = snapshot(inspection, AUDITED_FIELDS)
    values["serial"] = inspection.serial
    values["photo_ids"] = [photo.id for photo in inspection.photos]
    return values


def _audit(session: Session, user: User, inspection: Inspection, withdraws_unit: bool) -> None:
    changes = differences({}, _snapshot(inspection))
    if withdraws_unit:
        changes["withdrawn_from_sale"] = [None, True]
    record_audit(
        session,
        user,
        cooperative_id=inspection.cooperative_id,
        subject=AuditSubject.INSPECTION,
        subject_id=inspection.id,
        action=AuditAction.CREATED,
        changes=changes,
    )
