"""Certificates (VietGAP, OCOP, organic...), their scope and their status on a given day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trace.auth.access import get_for_caller, get_for_writing, list_for_caller
from trace.auth.models import User
from trace.common.field_errors import FieldErrors
from trace.common.pagination import ListQuery, Page
from trace.db import utcnow
from trace.registry import validation
from trace.registry.models import Certificate, CertificateScheme, FarmingArea, Product
from trace.registry.services.records import archive, owning_cooperative_id
from trace.registry.validation import CertificateStatus, ValidityWarning
from trace.uploads.models import UploadPurpose
from trace.uploads.services import chosen_upload_id

FIELDS = (
    "scheme",
    "number",
    "issuer",
    "valid_from",
    "valid_to",
    "product_ids",
    "farming_area_ids",
    "scan_upload_id",
)
REQUIRED_FIELDS = ("scheme", "number", "issuer", "valid_from", "valid_to")
TEXT_LIMITS = {"number": 80, "issuer": 200}


@dataclass(frozen=True)
class CertificateFacts:
    """A certificate with what is computed from it: its status today and any warning."""

    certificate: Certificate
    status: CertificateStatus
    warning: ValidityWarning | None


def describe(certificate: Certificate, on: date) -> CertificateFacts:
    return CertificateFacts(
        certificate=certificate,
        status=status_on(certificate, on),
        warning=validation.validity_warning(
            certificate.scheme, certificate.valid_from, certificate.valid_to
        ),
    )


def status_on(certificate: Certificate, on: date) -> CertificateStatus:
    return validation.certificate_status(
        certificate.valid_from, certificate.valid_to, certificate.revoked_at is not None, on
    )


def list_certificates(
    session: Session,
    user: User,
    query: ListQuery,
    scheme: CertificateScheme | None = None,
) -> Page[Certificate]:
    filters = [Certificate.scheme == scheme] if scheme is not None else []
    return list_for_caller(
        session,
        Certificate,
        user,
        query,
        search_columns=(Certificate.number, Certificate.issuer),
        order_by=(Certificate.valid_to.desc(), Certificate.id),
        filters=filters,
        options=(selectinload(Certificate.products), selectinload(Certificate.farming_areas)),
    )


def get_certificate(session: Session, user: User, certificate_id: int) -> Certificate:
    return get_for_caller(session, Certificate, certificate_id, user)


def create_certificate(session: Session, user: User, values: Mapping[str, Any]) -> Certificate:
    certificate = Certificate(
        cooperative_id=owning_cooperative_id(session, user, values.get("cooperative_id"))
    )
    _apply(session, certificate, values, is_new=True)
    session.add(certificate)
    session.flush()
    return certificate


def update_certificate(
    session: Session, user: User, certificate_id: int, changes: Mapping[str, Any]
) -> Certificate:
    certificate = get_for_writing(session, Certificate, certificate_id, user)
    _apply(session, certificate, changes, is_new=False)
    session.flush()
    return certificate


def revoke_certificate(
    session: Session, user: User, certificate_id: int, reason: str
) -> Certificate:
    """Mark a certificate withdrawn by its issuer; it then shows as revoked everywhere."""
    certificate = get_for_writing(session, Certificate, certificate_id, user)
    reason = reason.strip()
    if not reason or len(reason) > 300:
        errors = FieldErrors()
        errors.add(
            "revocation_reason",
            _l("Say why the certificate was revoked (300 characters at most)."),
        )
        errors.raise_if_any()
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
    certificate.revocation_reason = reason
    session.flush()
    return certificate


def archive_certificate(session: Session, user: User, certificate_id: int) -> Certificate:
    certificate = get_for_writing(session, Certificate, certificate_id, user)
    archive(session, certificate)
    return certificate


def _apply(
    session: Session, certificate: Certificate, values: Mapping[str, Any], is_new: bool
) -> None:
    errors = FieldErrors()
    given = {name: values[name] for name in FIELDS if name in values}
    cleaned: dict[str, Any] = {}
    for name in ("number", "issuer"):
        if name in given:
            cleaned[name] = errors.text(name, given[name], TEXT_LIMITS[name])
    if "scheme" in given:
        try:
            cleaned["scheme"] = CertificateScheme(given["scheme"])
        except ValueError:
            errors.add("scheme", _l("Choose one of the options."))
        else:
            _keep_ocop_awarding_stars(session, errors, certificate, cleaned["scheme"])
    for name in ("valid_from", "valid_to"):
        if name in given:
            if not isinstance(given[name], date):
                errors.add(name, _l("Enter a date."))
            else:
                cleaned[name] = given[name]
    start = cleaned.get("valid_from", certificate.valid_from)
    end = cleaned.get("valid_to", certificate.valid_to)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.add("valid_to", _l("The end date is before the start date."))
    if "product_ids" in given:
        cleaned["products"] = _owned(
            session, errors, "product_ids", Product, given["product_ids"], certificate
        )
    if "farming_area_ids" in given:
        cleaned["farming_areas"] = _owned(
            session, errors, "farming_area_ids", FarmingArea, given["farming_area_ids"], certificate
        )
    if "scan_upload_id" in given:
        cleaned["scan_upload_id"] = chosen_upload_id(
            session,
            errors,
            "scan_upload_id",
            given["scan_upload_id"],
            certificate.cooperative_id,
            UploadPurpose.CERTIFICATE_SCAN,
        )
    # A change may not blank a required field either.
    for name in REQUIRED_FIELDS:
        is_blank = cleaned.get(name) in (None, "")
        if (is_new or name in given) and is_blank and name not in errors.errors:
            errors.add(name, _l("This field is required."))
    _unique_number(session, errors, certificate, cleaned)
    errors.raise_if_any()
    for name, value in cleaned.items():
        setattr(certificate, name, value)


def _owned(
    session: Session,
    errors: FieldErrors,
    field: str,
    model: type[Product] | type[FarmingArea],
    ids: Sequence[int],
    certificate: Certificate,
) -> list[Any]:
    """The scope may only name the same cooperative's products or farming areas."""
    wanted = set(ids or [])
    rows = session.scalars(
        select(model).where(
            model.id.in_(wanted), model.cooperative_id == certificate.cooperative_id
        )
    ).all()
    if len(rows) != len(wanted):
        errors.add(field, _l("Choose only your cooperative's own records."))
    return list(rows)


def _keep_ocop_awarding_stars(
    session: Session, errors: FieldErrors, certificate: Certificate, scheme: CertificateScheme
) -> None:
    """Products' OCOP stars must keep coming from an OCOP certificate."""
    if certificate.id is None or scheme is CertificateScheme.OCOP:
        return
    awarding = session.scalar(
        select(Product.id).where(Product.ocop_certificate_id == certificate.id).limit(1)
    )
    if awarding is not None:
        errors.add("scheme", _l("Products' OCOP stars come from this certificate: it stays OCOP."))


def _unique_number(
    session: Session, errors: FieldErrors, certificate: Certificate, cleaned: Mapping[str, Any]
) -> None:
    scheme = cleaned.get("scheme", certificate.scheme)
    number = cleaned.get("number", certificate.number)
    if not scheme or not number or "number" in errors.errors:
        return
    taken = session.scalar(
        select(Certificate.id).where(
            Certificate.scheme == scheme,
            Certificate.number == number,
            Certificate.id != certificate.id,
        )
    )
    if taken is not None:
        errors.add("number", _l("A certificate of this scheme with this number already exists."))
