"""The certificate form, and the form to record that one was revoked."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from trace.common.forms import (
    IMAGE_TYPES,
    CheckboxListField,
    DateTextField,
    RegistryForm,
    TextSelectField,
    chosen_id,
    photo_field,
    read_date,
    read_ids,
)
from trace.registry.models import Certificate, CertificateScheme

SCHEME_LABELS = {
    CertificateScheme.VIETGAP: _l("VietGAP"),
    CertificateScheme.GLOBALGAP: _l("GlobalGAP"),
    CertificateScheme.ORGANIC: _l("Organic"),
    CertificateScheme.OCOP: _l("OCOP"),
    CertificateScheme.FOOD_SAFETY: _l("Food safety"),
    CertificateScheme.OTHER: _l("Other"),
}


class CertificateForm(RegistryForm):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"scan_upload_id": "scan"}
    REQUIRED = ("scheme", "number", "issuer", "valid_from", "valid_to")

    cooperative_id = TextSelectField(_l("Cooperative"))
    scheme = TextSelectField(
        _l("Kind of certificate"),
        choices=[("", _l("Choose the kind"))]
        + [(scheme.value, label) for scheme, label in SCHEME_LABELS.items()],
    )
    number = StringField(_l("Certificate number"), description=_l("As printed on the certificate."))
    issuer = StringField(
        _l("Issued by"), description=_l("The organisation that signed it, such as Quacert.")
    )
    valid_from = DateTextField(_l("Valid from"))
    valid_to = DateTextField(
        _l("Valid until"),
        description=_l("VietGAP lasts at most 2 years; OCOP 36 months."),
    )
    scan = photo_field(
        _l("Scan or photo of the certificate"),
        _l("A PDF, or a photo of the paper (JPEG, PNG or WebP), up to 5 MB."),
        accept=f"{IMAGE_TYPES},application/pdf",
    )
    product_ids = CheckboxListField(_l("Products it covers"))
    farming_area_ids = CheckboxListField(_l("Farming areas it covers"))

    def load(self, certificate: Certificate) -> None:
        self.process(obj=certificate)
        self.scheme.data = certificate.scheme.value
        self.valid_from.data = certificate.valid_from.isoformat()
        self.valid_to.data = certificate.valid_to.isoformat()
        self.product_ids.data = [str(product.id) for product in certificate.products]
        self.farming_area_ids.data = [str(area.id) for area in certificate.farming_areas]

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "scheme": self.scheme.data or "",
            "number": self.number.data,
            "issuer": self.issuer.data,
            "valid_from": read_date(self.valid_from.data),
            "valid_to": read_date(self.valid_to.data),
            "product_ids": read_ids(self.product_ids.data),
            "farming_area_ids": read_ids(self.farming_area_ids.data),
        }
        if "cooperative_id" in self:
            values["cooperative_id"] = chosen_id(self.cooperative_id)
        return values


class RevokeForm(RegistryForm):
    revocation_reason = TextAreaField(
        _l("Why was it revoked?"),
        description=_l("Such as: withdrawn by the issuer after the inspection of March 2026."),
    )
