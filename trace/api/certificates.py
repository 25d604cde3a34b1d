"""API: certificates of the cooperatives the caller may read, with their status today."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.api.pagination import list_query
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.db import db
from trace.errors import InvalidInput
from trace.registry.models import Certificate
from trace.registry.schemas.certificates import (
    CERTIFICATE_EXAMPLE,
    CertificateCreate,
    CertificateListArgs,
    CertificateOut,
    CertificatePage,
    CertificateRevoke,
    CertificateUpdate,
)
from trace.registry.services import certificates as service

blueprint = Blueprint(
    "api_certificates", __name__, description="Certificates, scoped to the caller"
)

ID = "<id:certificate_id>"
WRITERS = (Role.OPERATOR, Role.COOPERATIVE)


@blueprint.get("/certificates")
@blueprint.response(200, CertificatePage)
@token_required()
@blueprint.arguments(CertificateListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_certificates(**args: Any) -> Page[Certificate]:
    """The certificates the caller may read, latest expiry first; filter by scheme."""
    return service.list_certificates(
        db.session, api_caller(), list_query(args), scheme=args.get("scheme")
    )


@blueprint.post("/certificates")
@blueprint.response(201, CertificateOut)
@token_required(*WRITERS)
@blueprint.arguments(CertificateCreate, example=CERTIFICATE_EXAMPLE)
def create_certificate(values: dict[str, Any]) -> Certificate:
    """Record a certificate for the caller's cooperative (operators name the cooperative)."""
    return service.create_certificate(db.session, api_caller(), values)


@blueprint.get(f"/certificates/{ID}")
@blueprint.response(200, CertificateOut)
@token_required()
def get_certificate(certificate_id: int) -> Certificate:
    """One certificate; another tenant's answers 404."""
    return service.get_certificate(db.session, api_caller(), certificate_id)


@blueprint.patch(f"/certificates/{ID}")
@blueprint.response(200, CertificateOut)
@token_required(*WRITERS)
@blueprint.arguments(CertificateUpdate)
def update_certificate(changes: dict[str, Any], certificate_id: int) -> Certificate:
    """Change the given fields; ``product_ids`` and ``farming_area_ids`` replace the scope."""
    return service.update_certificate(db.session, api_caller(), certificate_id, changes)


@blueprint.post(f"/certificates/{ID}/revoke")
@blueprint.response(200, CertificateOut)
@token_required(*WRITERS)
@blueprint.arguments(CertificateRevoke)
def revoke_certificate(body: dict[str, Any], certificate_id: int) -> Certificate:
    """Mark a certificate withdrawn by its issuer; it then shows as revoked everywhere."""
    try:
        return service.revoke_certificate(db.session, api_caller(), certificate_id, body["reason"])
    except InvalidInput as error:
        # The service names the stored field; callers sent it as ``reason``.
        errors = dict(error.errors)
        if "revocation_reason" in errors:
            errors["reason"] = errors.pop("revocation_reason")
        raise InvalidInput(errors=errors) from error


@blueprint.post(f"/certificates/{ID}/archive")
@blueprint.response(200, CertificateOut)
@token_required(*WRITERS)
def archive_certificate(certificate_id: int) -> Certificate:
    """Hide a certificate from lists; batches and labels that cite it keep it."""
    return service.archive_certificate(db.session, api_caller(), certificate_id)
