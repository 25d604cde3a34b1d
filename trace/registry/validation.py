"""The rules registry data must follow: tax codes, GTINs, planting-area codes, places, dates.

Each check returns the normalised value or raises ``ValueError`` with a message for people;
services collect those into ``InvalidInput`` so a form can show every field to fix.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from trace.common.communes import Commune, find_commune
from trace.registry.models import CertificateScheme

# Vietnam's bounding box, islands included (Trường Sa, Hoàng Sa).
LATITUDE_RANGE = (Decimal("8.0"), Decimal("23.5"))
LONGITUDE_RANGE = (Decimal("102.0"), Decimal("117.9"))
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
GTIN_LENGTHS = (8, 12, 13, 14)
EXPIRING_WITHIN = timedelta(days=60)
SCHEME_MAXIMUM_MONTHS = {CertificateScheme.VIETGAP: 24, CertificateScheme.OCOP: 36}


def tax_code(raw: str) -> str:
    """A Vietnamese tax code: 10 digits, or 13 as ``0123456789-001`` or without the dash."""
    digits = raw.strip().replace("-", "").replace(" ", "")
    # isascii: str.isdigit also accepts full-width and other scripts' digits.
    is_digits = digits.isascii() and digits.isdigit()
    # Branch numbers run from 001 to 999.
    if not is_digits or len(digits) not in (10, 13) or digits[10:] == "000":
        raise ValueError(_l("A tax code has 10 digits, or 13 for a branch."))
    weighted = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], TAX_CODE_WEIGHTS, strict=True)
    )
    check = 10 - weighted % 11
    if check == 10 or check != int(digits[9]):
        raise ValueError(_l("This tax code's check digit is wrong: please check it."))
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"


def gtin(raw: str) -> str:
    """A GTIN-8, -12, -13 or -14 with a valid check digit, returned as GTIN-14."""
    digits = raw.strip().replace(" ", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in GTIN_LENGTHS:
        raise ValueError(_l("A GTIN (barcode number) has 8, 12, 13 or 14 digits."))
    padded = digits.zfill(14)
    if gtin_check_digit(padded[:13]) != int(padded[13]):
        raise ValueError(_l("This barcode number's check digit is wrong: please check it."))
    return padded


def gtin_check_digit(first_thirteen: str) -> int:
    """The GS1 mod-10 check digit: weights 3 and 1 alternating from the right."""
    total = sum(
        int(digit) * (3 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(first_thirteen))
    )
    return (10 - total % 10) % 10


def planting_area_code(raw: str, pattern: str) -> str:
    """The official code, upper-cased, matching the configured pattern."""
    code = raw.strip().upper()
    if not re.fullmatch(pattern, code):
        raise ValueError(
            _l("Enter the code as issued, letters and digits joined by dashes (VN-STRG-0012).")
        )
    return code


def commune(raw: str) -> Commune:
    found = find_commune(raw)
    if found is None:
        raise ValueError(_l("Choose a commune from the official 2025 list."))
    return found


def coordinate(raw: Any, bounds: tuple[Decimal, Decimal]) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_l("Enter a number, such as 9.6031.")) from None
    if not value.is_finite() or not bounds[0] <= value <= bounds[1]:
        raise ValueError(_l("This place is outside Vietnam."))
    return value.quantize(Decimal("0.000001"))


def latitude(raw: Any) -> Decimal:
    return coordinate(raw, LATITUDE_RANGE)


def longitude(raw: Any) -> Decimal:
    return coordinate(raw, LONGITUDE_RANGE)


def polygon(raw: Any) -> dict[str, Any]:
    """A GeoJSON Polygon whose rings are closed and lie inside Vietnam."""
    if not isinstance(raw, dict) or raw.get("type") != "Polygon":
        raise ValueError(_l("The outline must be a GeoJSON Polygon."))
    rings = raw.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise ValueError(_l("The outline has no coordinates."))
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            raise ValueError(_l("Each outline ring needs 4 or more points and must be closed."))
        for point in ring:
            if not isinstance(point, list) or len(point) < 2 or not all(map(_is_number, point)):
                raise ValueError(_l("Each point is [longitude, latitude]."))
            longitude(point[0])
            latitude(point[1])
    return {"type": "Polygon", "coordinates": rings}


def _is_number(value: Any) -> bool:
    """GeoJSON positions are JSON numbers; the outline is stored as given, so no text."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_YET_VALID = "not_yet_valid"


def certificate_status(
    valid_from: date, valid_to: date, is_revoked: bool, on: date
) -> CertificateStatus:
    """A certificate's status on a given day, from its dates and whether it was revoked."""
    if is_revoked:
        return CertificateStatus.REVOKED
    if on < valid_from:
        return CertificateStatus.NOT_YET_VALID
    if on > valid_to:
        return CertificateStatus.EXPIRED
    if valid_to - on <= EXPIRING_WITHIN:
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


@dataclass(frozen=True)
class ValidityWarning:
    """A certificate that lasts longer than its scheme allows: saved, but flagged."""

    scheme: CertificateScheme
    maximum_months: int


def validity_warning(
    scheme: CertificateScheme, valid_from: date, valid_to: date
) -> ValidityWarning | None:
    maximum = SCHEME_MAXIMUM_MONTHS.get(scheme)
    if maximum is None:
        return None
    if valid_to >= add_months(valid_from, maximum):
        return ValidityWarning(scheme=scheme, maximum_months=maximum)
    return None


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the last day of the month when that day is missing)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        # Past the calendar's end (a certificate dated 9999): no later day exists.
        return date.max
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


PRODUCT_CODE_PATTERN = re.compile(r"[0-9A-Z]{1,12}")


def product_code(raw: str) -> str:
    """A product's short code: capital letters and digits, at most 12 (ST25, CHE01)."""
    text = raw.strip().upper()
    if not PRODUCT_CODE_PATTERN.fullmatch(text):
        raise ValueError(str(_l("Use at most 12 letters (no accents) and digits, as in ST25.")))
    return text
