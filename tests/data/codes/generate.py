"""Write the label-code conformance corpus: one JSON file per case, next to this script.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/data/codes/generate.py

Deterministic: the Ed25519 keys come from fixed 32-byte seeds and Ed25519 signatures are
deterministic, so running it again writes the same bytes (a test checks). Each case is
``{"description", "code", "jwks", "now", "expected": {"valid", "reason"}}``; ``reason`` is
one of the offline verdicts of ``trace.signing.codes.Verdict``.

Decisions the cases pin down:
- a code moved to another host fails the signature (the host is in the signed bytes);
  a code from another platform, signed by a key not in our set, is an unknown key;
- the syntax is compared with the text as issued: reordered parameters, ``/B/``, an upper
  case scheme or host, lower-case or needless percent-encoding are malformed, while a
  case change inside a value (the lot) is a different, unsigned value: bad signature;
- a revoked key's verdict is given only when the signature checks; a forgery that names
  a revoked key is a bad signature;
- one canonical spelling, wherever the text is judged (the verify API, the command, the
  public page, which judges the URL as requested, and the browser's verifier): a trailing
  ``&`` or ``?``, a fragment, an empty or repeated parameter, the public page's own ``lang``
  next to the code, a percent-encoded separator or ``/b/`` are malformed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from trace.signing.codes import LabelData, b64url_encode, build_unsigned, issue_code

HERE = Path(__file__).resolve().parent
NOW = "2026-11-24T03:00:00Z"
BASE = "https://truyxuat.ca-mau.gov.vn"
GTIN = "08934567000017"
OTHER_GTIN = "08934567000024"
LOT = "ST25-260115-01"
SERIAL = "K7Q2M9X4TB"
BATCH_CODE = "HTXCM-ST25-260115-01"


def seeded_key(name: str) -> Ed25519PrivateKey:
    """An Ed25519 key from a fixed seed: SHA-256 of its name."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def kid_of(key: Ed25519PrivateKey) -> str:
    """The key id as the platform derives it: 8 bytes of the public key's SHA-256."""
    return b64url_encode(hashlib.sha256(public_raw(key)).digest()[:8])


CURRENT = seeded_key("corpus current key")
OLDER = seeded_key("corpus older key")
REVOKED = seeded_key("corpus revoked key")
STRANGER = seeded_key("corpus key of nobody")


def jwk(key: Ed25519PrivateKey, **extra: str) -> dict[str, str]:
    x = b64url_encode(public_raw(key))
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid_of(key), **extra}


JWKS = {
    "keys": [
        jwk(OLDER),
        jwk(REVOKED, revoked_at="2026-06-01T00:00:00Z"),
        jwk(CURRENT),
    ]
}

BATCH = LabelData(BASE, gtin=GTIN, lot=LOT)
DATED = LabelData(
    BASE,
    gtin=GTIN,
    lot=LOT,
    produced_on=date(2026, 1, 15),
    packed_on=date(2026, 1, 16),
    expires_on=date(2027, 1, 15),
    harvested_on=date(2026, 1, 10),
)
UNIT = LabelData(BASE, gtin=GTIN, lot=LOT, serial=SERIAL, expires_on=date(2027, 1, 15))
PLAIN_BATCH = LabelData(BASE, batch_code=BATCH_CODE)
PLAIN_UNIT = LabelData(BASE, batch_code=BATCH_CODE, serial=SERIAL)
ENCODED = LabelData(BASE, gtin=GTIN, lot="LOT+1/A")
ROLL_GTIN = LabelData(BASE, gtin=GTIN, serial="R0001-00001")
ROLL_PREFIX = LabelData(BASE, prefix="HTXCM", serial="R0001-00001")


def issue(data: LabelData, key: Ed25519PrivateKey = CURRENT) -> str:
    return issue_code(data, kid_of(key), key)


def sign_raw(unsigned: str, key: Ed25519PrivateKey = CURRENT) -> str:
    """Sign any text the way the contract says, even one the builder would refuse."""
    return f"{unsigned}&s={b64url_encode(key.sign(unsigned.encode()))}"


def resign(code: str, key: Ed25519PrivateKey = CURRENT) -> str:
    """Sign the text before ``&s=`` again with another key."""
    return sign_raw(code.rpartition("&s=")[0], key)


def swap(code: str, old: str, new: str) -> str:
    if code.count(old) != 1:
        raise ValueError(f"{old!r} occurs {code.count(old)} times in {code!r}")
    return code.replace(old, new)


def with_signature(code: str, change: Callable[[str], str]) -> str:
    signed, _, signature = code.rpartition("&s=")
    return f"{signed}&s={change(signature)}"


def flip_middle(signature: str) -> str:
    middle = len(signature) // 2
    return signature[:middle] + ("B" if signature[middle] == "A" else "A") + signature[middle + 1 :]


def standard_alphabet(signature: str) -> str:
    changed = signature.replace("-", "+").replace("_", "/")
    return changed if changed != signature else signature[:40] + "+" + signature[41:]


def corpus() -> dict[str, dict[str, Any]]:
    """Every case by file name (without ``.json``): description, code, expected reason."""
    batch, dated, unit = issue(BATCH), issue(DATED), issue(UNIT)
    plain_batch, plain_unit, encoded = issue(PLAIN_BATCH), issue(PLAIN_UNIT), issue(ENCODED)
    kid = kid_of(CURRENT)
    long_base = "https://truyxuat.ca-mau.gov.vn/" + "/".join(["nong-san"] * 50)
    cases: list[tuple[str, str, str, str]] = [
        ("valid-gtin-batch", "GTIN batch code, no dates", batch, "valid"),
        ("valid-gtin-batch-dated", "GTIN batch code with all four dates", dated, "valid"),
        ("valid-gtin-unit", "GTIN unit code (serial, expiry date)", unit, "valid"),
        ("valid-b-batch", "batch code of a product without GTIN", plain_batch, "valid"),
        ("valid-b-unit", "unit code of a product without GTIN", plain_unit, "valid"),
        (
            "valid-preprinted-gtin",
            "pre-printed roll code: a serial under the GTIN, no lot, no date",
            issue(ROLL_GTIN),
            "valid",
        ),
        (
            "valid-preprinted-prefix",
            "pre-printed roll code: a serial under the cooperative's prefix (no hyphen)",
            issue(ROLL_PREFIX),
            "valid",
        ),
        (
            "preprinted-dated",
            "pre-printed roll code with a date added: rolls are printed undated",
            resign(swap(issue(ROLL_GTIN), "?k=", "?17=270115&k=")),
            "malformed code",
        ),
        (
            "batch-code-without-hyphen",
            "a batch code with no hyphen and no serial: neither a batch nor a roll",
            resign(swap(plain_batch, f"/b/{BATCH_CODE}", "/b/HTXCMST25")),
            "malformed code",
        ),
        (
            "valid-older-key",
            "signed by an older key that is not revoked",
            issue(BATCH, OLDER),
            "valid",
        ),
        ("valid-percent-encoded-lot", "lot LOT+1/A percent-encoded as GS1 asks", encoded, "valid"),
        (
            "valid-local-base-with-path",
            "base URL with a port and a path prefix",
            issue(LabelData("http://127.0.0.1:5000/qr", batch_code=BATCH_CODE)),
            "valid",
        ),
        (
            "tamper-lot",
            "one character of the lot changed",
            swap(batch, "/10/ST25-260115-01", "/10/ST25-260115-02"),
            "bad signature",
        ),
        (
            "tamper-gtin",
            "another GTIN with a right check digit",
            swap(batch, GTIN, OTHER_GTIN),
            "bad signature",
        ),
        (
            "tamper-gtin-check-digit",
            "GTIN digit changed, check digit now wrong",
            swap(batch, GTIN, "08934567000018"),
            "malformed code",
        ),
        (
            "tamper-serial",
            "one character of the serial changed",
            swap(unit, SERIAL, "K7Q2M9X4TC"),
            "bad signature",
        ),
        (
            "tamper-batch-code",
            "one character of the /b/ batch code changed",
            swap(plain_batch, BATCH_CODE, "HTXCM-ST25-260115-02"),
            "bad signature",
        ),
        (
            "tamper-b-serial",
            "one character of a /b/ unit serial changed",
            swap(plain_unit, SERIAL, "K7Q2M9X4TC"),
            "bad signature",
        ),
        (
            "tamper-production-date",
            "date 11 changed",
            swap(dated, "11=260115", "11=260114"),
            "bad signature",
        ),
        (
            "tamper-packing-date",
            "date 13 changed",
            swap(dated, "13=260116", "13=260117"),
            "bad signature",
        ),
        (
            "tamper-expiry-date",
            "date 17 moved a year later",
            swap(dated, "17=270115", "17=280115"),
            "bad signature",
        ),
        (
            "tamper-harvest-date",
            "date 7007 changed",
            swap(dated, "7007=260110", "7007=260111"),
            "bad signature",
        ),
        (
            "tamper-date-removed",
            "the expiry date left out",
            swap(dated, "&17=270115", ""),
            "bad signature",
        ),
        (
            "tamper-key-id-unknown",
            "key id changed to one not in the set",
            swap(batch, f"k={kid}", "k=AAAAAAAAAAA"),
            "unknown key",
        ),
        (
            "tamper-key-id-other-key",
            "key id changed to another valid key's",
            swap(batch, f"k={kid}", f"k={kid_of(OLDER)}"),
            "bad signature",
        ),
        (
            "tamper-signature",
            "one character of the signature changed",
            with_signature(batch, flip_middle),
            "bad signature",
        ),
        (
            "signature-truncated",
            "last character of the signature cut",
            with_signature(batch, lambda s: s[:-1]),
            "malformed code",
        ),
        (
            "signature-padded",
            "signature with base64 padding",
            with_signature(batch, lambda s: s + "=="),
            "malformed code",
        ),
        (
            "signature-standard-alphabet",
            "signature in + / base64 instead of base64url",
            with_signature(batch, standard_alphabet),
            "malformed code",
        ),
        ("signature-missing", "no s parameter", batch.rpartition("&s=")[0], "malformed code"),
        (
            "signature-after-question-mark",
            "?s= where the contract puts &s= (k comes first)",
            swap(batch, "&s=", "?s="),
            "malformed code",
        ),
        (
            "signature-another-key",
            "signed by a key not in the set, under our key id",
            resign(batch, STRANGER),
            "bad signature",
        ),
        ("revoked-key", "signed by a key revoked since", issue(BATCH, REVOKED), "revoked key"),
        (
            "revoked-key-forged",
            "names the revoked key, signed by another",
            resign(issue(BATCH, REVOKED), STRANGER),
            "bad signature",
        ),
        (
            "unknown-key",
            "signed by a key the set does not hold",
            issue(BATCH, STRANGER),
            "unknown key",
        ),
        (
            "another-host",
            "a genuine code moved to a look-alike host",
            swap(batch, "truyxuat.ca-mau.gov.vn", "truyxuat.ca-mau.gov.vn.example"),
            "bad signature",
        ),
        (
            "another-platform",
            "a code of another platform, signed with its own key",
            issue(LabelData("https://trace.example.org", gtin=GTIN, lot=LOT), STRANGER),
            "unknown key",
        ),
        (
            "percent-plain-form",
            "the encoded lot written plain (+ for %2B)",
            swap(encoded, "LOT%2B1", "LOT+1"),
            "malformed code",
        ),
        (
            "percent-lower-case",
            "the encoded lot with lower-case hex",
            swap(encoded, "%2F", "%2f"),
            "malformed code",
        ),
        (
            "percent-needless",
            "an unreserved character of the lot percent-encoded",
            swap(batch, "ST25-", "ST25%2D"),
            "malformed code",
        ),
        (
            "percent-needless-resigned",
            "needless percent-encoding, even when signed",
            sign_raw(swap(build_unsigned(BATCH, kid), "ST25-", "ST25%2D")),
            "malformed code",
        ),
        ("case-lot", "the lot in lower case", swap(batch, "ST25-", "st25-"), "bad signature"),
        ("case-path-key", "/B/ for /b/", swap(plain_batch, "/b/", "/B/"), "malformed code"),
        ("case-host", "host in upper case", swap(batch, "truyxuat", "TRUYXUAT"), "malformed code"),
        (
            "case-scheme",
            "scheme in upper case",
            swap(batch, "https://", "HTTPS://"),
            "malformed code",
        ),
        (
            "case-key-id",
            "key id in another case",
            swap(batch, f"k={kid}", f"k={kid.swapcase()}"),
            "unknown key",
        ),
        (
            "reordered-dates",
            "dates 17 and 11 swapped",
            swap(dated, "11=260115&13=260116&17=270115", "17=270115&13=260116&11=260115"),
            "malformed code",
        ),
        (
            "reordered-key-id",
            "k before the dates",
            sign_raw(f"{BASE}/01/{GTIN}/10/{LOT}?k={kid}&17=270115"),
            "malformed code",
        ),
        (
            "duplicate-parameter",
            "date 17 twice",
            swap(unit, "17=270115", "17=270115&17=270115"),
            "malformed code",
        ),
        (
            "unknown-parameter",
            "an extra linkType parameter",
            swap(batch, "?k=", "?linkType=all&k="),
            "malformed code",
        ),
        (
            "lot-too-long",
            "a 21-character lot, validly signed",
            sign_raw(f"{BASE}/01/{GTIN}/10/{'A' * 21}?k={kid}"),
            "malformed code",
        ),
        (
            "date-not-a-day",
            "production date 30 February, validly signed",
            sign_raw(f"{BASE}/01/{GTIN}/10/{LOT}?11=260230&k={kid}"),
            "malformed code",
        ),
        (
            "over-long",
            "a validly signed code longer than 512 characters",
            issue(LabelData(long_base, batch_code=BATCH_CODE)),
            "malformed code",
        ),
        ("trailing-newline", "a scanner's newline after the code", batch + "\n", "malformed code"),
        (
            "not-a-label",
            "a web address that is no label",
            "https://truyxuat.ca-mau.gov.vn/",
            "malformed code",
        ),
        ("trailing-ampersand", "a genuine code with a trailing &", batch + "&", "malformed code"),
        (
            "trailing-question-mark",
            "a genuine code with a trailing ?",
            batch + "?",
            "malformed code",
        ),
        ("fragment", "a genuine code with a #fragment", batch + "#top", "malformed code"),
        (
            "empty-parameter",
            "an empty parameter between two dates (&&)",
            swap(dated, "&13=", "&&13="),
            "malformed code",
        ),
        (
            "empty-first-parameter",
            "an empty parameter first (?&k=)",
            swap(batch, "?k=", "?&k="),
            "malformed code",
        ),
        (
            "empty-value",
            "date 17 with no value, validly signed",
            sign_raw(f"{BASE}/01/{GTIN}/10/{LOT}?17=&k={kid}"),
            "malformed code",
        ),
        ("repeated-key-id", "k twice", swap(batch, "?k=", f"?k={kid}&k="), "malformed code"),
        (
            "repeated-signature",
            "s twice",
            batch + "&s=" + batch.rpartition("&s=")[2],
            "malformed code",
        ),
        (
            "display-parameter-after-signature",
            "the public page's ?lang=en after the signature",
            batch + "&lang=en",
            "malformed code",
        ),
        (
            "display-parameter-first",
            "the public page's lang=en before the dates",
            swap(unit, "?17=", "?lang=en&17="),
            "malformed code",
        ),
        (
            "percent-encoded-path-key",
            "/%62/ for /b/",
            swap(plain_batch, "/b/", "/%62/"),
            "malformed code",
        ),
        (
            "percent-encoded-separator",
            "&s= written %26s=",
            swap(batch, "&s=", "%26s="),
            "malformed code",
        ),
    ]
    return {
        name: {
            "description": description,
            "code": code,
            "jwks": JWKS,
            "now": NOW,
            "expected": {"valid": reason == "valid", "reason": reason},
        }
        for name, description, code, reason in cases
    }


def render(case: dict[str, Any]) -> str:
    """The exact text of a case file."""
    return json.dumps(case, ensure_ascii=False, indent=2) + "\n"


def write(directory: Path) -> list[Path]:
    """Write every case into ``directory`` and return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, case in corpus().items():
        path = directory / f"{name}.json"
        path.write_text(render(case), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    paths = write(HERE)
    print(f"wrote {len(paths)} cases to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
