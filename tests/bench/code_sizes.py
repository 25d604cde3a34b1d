"""How big a QR code each kind of label code needs, at error correction M.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/bench/code_sizes.py

Worst realistic case of the contract (README, "Label codes"): a 30-character base URL, a
14-character lot, a 10-character serial, an 11-character key id; no date, the expiry date
alone, all four dates. Goals: a GTIN batch code fits version 9, a GTIN unit code version 10.
"""

from __future__ import annotations

from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.code_checks import qr_version
from trace.signing.codes import LabelData, issue_code

BASE_URL = "https://truyxuat.ca-mau.gov.vn"  # 30 characters
LOT = "ST25-260115-01"  # 14 characters
BATCH_CODE = "HTXCM-" + LOT  # a cooperative prefix and the lot
SERIAL = "K7Q2M9X4TB"  # 10 base32 characters
KID = "Zm9vYmFyYmF"  # 8 bytes of base64url: 11 characters
GTIN = "08934567000017"
DATES = {
    "produced_on": date(2026, 1, 15),
    "packed_on": date(2026, 1, 16),
    "expires_on": date(2027, 1, 15),
    "harvested_on": date(2026, 1, 10),
}


def sample_codes() -> dict[str, str]:
    """One signed code of each kind, with and without dates."""
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    kinds = {
        "GTIN batch": LabelData(BASE_URL, gtin=GTIN, lot=LOT),
        "GTIN unit": LabelData(BASE_URL, gtin=GTIN, lot=LOT, serial=SERIAL),
        "/b/ batch": LabelData(BASE_URL, batch_code=BATCH_CODE),
        "/b/ unit": LabelData(BASE_URL, batch_code=BATCH_CODE, serial=SERIAL),
    }
    codes: dict[str, str] = {}
    for name, data in kinds.items():
        codes[name] = issue_code(data, KID, key)
        fields = (data.base_url, data.gtin, data.lot, data.batch_code, data.serial)
        expiring = LabelData(*fields, expires_on=DATES["expires_on"])
        codes[f"{name}, expiry"] = issue_code(expiring, KID, key)
        codes[f"{name}, 4 dates"] = issue_code(LabelData(*fields, **DATES), KID, key)
    return codes


def main() -> None:
    """Print each code's length and QR version at error correction M (and L, for scale)."""
    print(f"{'kind':<22} {'chars':>5} {'M':>3} {'L':>3}")
    for name, code in sample_codes().items():
        print(f"{name:<22} {len(code):>5} {qr_version(code):>3} {qr_version(code, 'L'):>3}")


if __name__ == "__main__":
    main()
