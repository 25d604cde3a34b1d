"""How values are written in the export: quantities and units, numbers, times, certificates."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from trace.batches.services.batches import AppliedCertificate
from trace.batches.services.epcis.uris import Uris
from trace.common.field_errors import present
from trace.registry.models import CertificateScheme

# Vietnam keeps one offset all year.
VIETNAM_OFFSET = "+07:00"
COUNTRY_OF_ORIGIN = "VN"
# UN/CEFACT Recommendation 20 codes for the measures Vietnamese cooperatives write.
MEASURE_CODES = {
    "kg": "KGM",
    "kilogram": "KGM",
    "ki-lô-gam": "KGM",
    "kí": "KGM",
    "ký": "KGM",
    "g": "GRM",
    "gam": "GRM",
    "gram": "GRM",
    "tạ": "DTN",
    "tấn": "TNE",
    "t": "TNE",
    "l": "LTR",
    "lít": "LTR",
    "lit": "LTR",
    "ml": "MLT",
}
# Packages and pieces: EPCIS counts instances of the class when a quantity has no unit.
PACKAGES = ("túi", "bao", "gói", "hộp", "thùng", "chai", "lọ", "hũ", "can", "khay", "bịch", "bó")
PIECES = ("quả", "trái", "con", "cái", "chiếc")
COUNTED_UNITS = frozenset({*PACKAGES, *PIECES})
SCHEME_NAMES = {
    CertificateScheme.VIETGAP: "VietGAP",
    CertificateScheme.GLOBALGAP: "GLOBALG.A.P.",
    CertificateScheme.ORGANIC: "Organic",
    CertificateScheme.OCOP: "OCOP",
    CertificateScheme.FOOD_SAFETY: "Food safety",
    CertificateScheme.OTHER: "Other",
}


def quantity_element(
    epc_class: str, quantity: Decimal | None, unit: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A quantity element, and extension fields for an amount in a unit EPCIS cannot state.

    A quantity without ``uom`` counts instances, so an unknown unit (``yến``) keeps its
    amount out of the element rather than have it read as a count.
    """
    element: dict[str, Any] = {"epcClass": epc_class}
    if quantity is None:
        return element, {}
    key = unicodedata.normalize("NFC", unit.strip().lower())
    if key in MEASURE_CODES:
        return {**element, "quantity": number(quantity), "uom": MEASURE_CODES[key]}, {}
    if key in COUNTED_UNITS:
        return {**element, "quantity": number(quantity)}, {}
    return element, {"trace:quantity": number(quantity), "trace:unit": unit}


def certification(uris: Uris, applied: AppliedCertificate) -> dict[str, Any]:
    """A certificate in the GS1 Web Vocabulary's terms, with its status at harvest."""
    certificate = applied.certificate
    return {
        "type": "gs1:CertificationDetails",
        "gs1:certificationStandard": SCHEME_NAMES[certificate.scheme],
        "gs1:certificationAgency": certificate.issuer,
        "gs1:certificationIdentification": certificate.number,
        "gs1:certificationStartDate": certificate.valid_from.isoformat(),
        "gs1:certificationEndDate": certificate.valid_to.isoformat(),
        "gs1:certificationURI": uris.certificate(certificate.id),
        "trace:statusAtHarvest": applied.status_at_harvest.value,
    }


def number(amount: Decimal | None) -> float | int:
    amount = present(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, as EPCIS examples write it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
