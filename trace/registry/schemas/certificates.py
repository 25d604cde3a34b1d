"""API input and output for certificates, with their status today and any validity warning."""

from __future__ import annotations

from marshmallow import Schema, fields

from trace.common.clock import local_today
from trace.common.schemas import (
    Computed,
    InputSchema,
    OwnedListArgs,
    Text,
    id_list,
    optional_copy,
    page_schema,
    record_id,
)
from trace.registry.models import Certificate, CertificateScheme
from trace.registry.services.certificates import describe
from trace.registry.validation import CertificateStatus, ValidityWarning

CERTIFICATE_EXAMPLE = {
    "scheme": "vietgap",
    "number": "VietGAP-TT-13-0101",
    "issuer": "Trung tâm Chứng nhận Phù hợp (Quacert)",
    "valid_from": "2025-06-01",
    "valid_to": "2027-05-31",
    "product_ids": [],
    "farming_area_ids": [],
}


class CertificateCreate(InputSchema):
    """A new certificate; its scope names the same cooperative's products and farming areas."""

    cooperative_id = record_id(
        metadata={"description": "Operators only; staff always add to their own cooperative."}
    )
    scheme = fields.Enum(CertificateScheme, by_value=True, required=True)
    number = Text(required=True)
    issuer = Text(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)
    product_ids = id_list()
    farming_area_ids = id_list()


CertificateUpdate = optional_copy(
    CertificateCreate, "CertificateUpdate", exclude={"cooperative_id"}
)


class CertificateRevoke(InputSchema):
    reason = Text(
        load_default="",
        metadata={"description": "Why the issuer withdrew it (required, 300 characters at most)."},
    )


class CertificateListArgs(OwnedListArgs):
    scheme = fields.Enum(CertificateScheme, by_value=True)


class ValidityWarningOut(Schema):
    """The certificate lasts longer than its scheme allows: it was saved, but flagged."""

    scheme = fields.Enum(CertificateScheme, by_value=True, required=True)
    maximum_months = fields.Integer(required=True)


def _warning_of(certificate: Certificate) -> ValidityWarning | None:
    return describe(certificate, on=local_today()).warning


class CertificateOut(Schema):
    id = fields.Integer(required=True)
    cooperative_id = fields.Integer(required=True)
    scheme = fields.Enum(CertificateScheme, by_value=True, required=True)
    number = fields.String(required=True)
    issuer = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)
    status = fields.Method(
        "_status",
        required=True,
        metadata={
            "type": "string",
            "enum": [status.value for status in CertificateStatus],
            "description": "On today's date in Vietnam.",
        },
    )
    warning = Computed(ValidityWarningOut, _warning_of, required=True, allow_none=True)
    revoked_at = fields.DateTime(required=True, allow_none=True)
    revocation_reason = fields.String(required=True)
    product_ids = fields.Method(
        "_product_ids", required=True, metadata={"type": "array", "items": {"type": "integer"}}
    )
    farming_area_ids = fields.Method(
        "_farming_area_ids", required=True, metadata={"type": "array", "items": {"type": "integer"}}
    )
    scan_upload_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    archived_at = fields.DateTime(required=True, allow_none=True)

    def _status(self, certificate: Certificate) -> str:
        return describe(certificate, on=local_today()).status.value

    def _product_ids(self, certificate: Certificate) -> list[int]:
        return sorted(product.id for product in certificate.products)

    def _farming_area_ids(self, certificate: Certificate) -> list[int]:
        return sorted(area.id for area in certificate.farming_areas)


CertificatePage = page_schema(CertificateOut, "CertificatePage")
