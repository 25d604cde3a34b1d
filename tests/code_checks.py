"""Label codes as the tests and benchmarks check them: the offline verdict in one call, and
the QR version a code needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import zxingcpp

from trace.signing.codes import MalformedCode, Verdict, parse_code, verify_signature


def check_code(text: str, jwks: Mapping[str, Any]) -> Verdict:
    """Parse and verify in one step: the verdict of a program holding only the key set."""
    try:
        parsed = parse_code(text)
    except MalformedCode:
        return Verdict.MALFORMED_CODE
    return verify_signature(parsed, jwks)


def qr_version(text: str, ec: str = "M") -> int:
    """The QR version (1-40) the smallest QR code holding ``text`` needs at error level ``ec``."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ec)
    extra = barcode.extra
    if not isinstance(extra, dict) or extra.get("ECLevel") != ec:
        raise ValueError(f"zxing-cpp did not use error correction {ec!r}")
    size = barcode.to_image(scale=1, add_quiet_zones=False).shape[0]
    return int((size - 17) // 4)
