"""Label codes: build, sign, parse and verify the signed URL a label's QR code holds.

Pure: no database, no Flask, only the standard library and ``cryptography``, so the same
check runs in the API, the CLI and offline with nothing but a key set (README, "Label codes").

The code is one canonical text. ``build_unsigned`` writes it; ``parse_code`` accepts only a
text that ``build_unsigned`` could have written (it rebuilds the text from what it read
and compares), because the signature covers the text as issued:

- scheme and host are lower case; the base URL may carry a path prefix made of unreserved
  characters whose segments are not ``01`` or ``b`` (the first such segment starts the key);
- GTIN products: ``/01/{gtin14}/10/{lot}[/21/{serial}]``; others ``/b/{batch code}[/{serial}]``,
  where a batch code always holds a hyphen (the cooperative's prefix, ``-``, the lot);
- pre-printed codes, printed on rolls before the batch exists, name no lot and carry no date:
  ``/01/{gtin14}/21/{serial}`` (GS1 Digital Link allows the serial right under the GTIN) and,
  for a product without a GTIN, ``/b/{PREFIX}/{serial}`` with the cooperative's prefix
  (2 to 8 upper-case letters or digits, never a hyphen: so it is no batch code);
- values are percent-encoded as GS1 Digital Link 1.6 asks: unreserved characters
  (``A-Z a-z 0-9 - . _``) stay, every other character of the GS1 AI 82 set becomes ``%XX``
  in upper case; ``%2f``, ``%41`` or a raw ``!`` are other spellings and are malformed;
- the query holds the known dates in the fixed order ``11`` (production), ``13`` (packing),
  ``17`` (expiry), ``7007`` (harvest), each ``YYMMDD`` read as 20YY (day ``00`` is refused),
  then ``k``, then ``s`` last; any other order, a repeated or unknown parameter is malformed.

A case change inside a value (lot ``st25`` for ``ST25``, another key id) still parses and
fails the signature (or the key look-up); a case change in the syntax (``/B/``, ``%2f``,
``HTTPS://``) is malformed. The host is not checked here: it is part of the signed bytes,
so a code moved to another host fails the signature; a code one of our keys signed for
another base URL (before the base URL changed) stays valid, and ``ParsedCode.base_url``
lets the online service compare it with the configured one if it wants to.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

MAX_CODE_LENGTH = 512
VALUE_MAX_LENGTH = 20
# A cooperative prefix (at most 8), a hyphen and a lot (at most 20): trace.batches.rules.
BATCH_CODE_MAX_LENGTH = 29
SIGNATURE_LENGTH = 86  # unpadded base64url of 64 bytes
DATE_KEYS = ("11", "13", "17", "7007")
DATE_FIELDS = {"11": "produced_on", "13": "packed_on", "17": "expires_on", "7007": "harvested_on"}

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._")
# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
_AI82 = _UNRESERVED | frozenset("!\"%&'()*+,/:;<=>?")
_BASE = re.compile(r"(https?)://([a-z0-9.-]+(?::[0-9]{1,5})?)((?:/[A-Za-z0-9._~-]+)*)")
_KID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_URL_CHARS = re.compile(r"[\x21-\x7e]*")
_PREFIX = re.compile(r"[A-Z0-9]{2,8}")


class CodeError(Exception):
    """Base of the errors of this module; nothing else leaves it."""


class MalformedCode(CodeError):
    """Raised by ``parse_code`` when a text is not a label code exactly as issued."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidLabelData(CodeError):
    """Raised when label data (or a key) cannot make a code that ``parse_code`` accepts."""


class InvalidKeySet(CodeError):
    """Raised when a key set is not a JWKS object with a ``keys`` list, or repeats a key id."""


class Verdict(enum.StrEnum):
    """The answer of a check; the last three are given only by the online service."""

    VALID = "valid"
    MALFORMED_CODE = "malformed code"
    UNKNOWN_KEY = "unknown key"
    BAD_SIGNATURE = "bad signature"
    REVOKED_KEY = "revoked key"
    UNKNOWN_BATCH = "unknown batch"
    RECALLED_BATCH = "recalled batch"
    NOT_ACTIVATED = "not activated"

    @property
    def is_valid(self) -> bool:
        """Whether the label checked out."""
        return self is Verdict.VALID


@dataclass(frozen=True)
class LabelData:
    """What a label code says: a GTIN product's lot, or a platform batch code, and dates."""

    base_url: str
    gtin: str | None = None
    lot: str | None = None
    batch_code: str | None = None
    serial: str | None = None
    produced_on: date | None = None
    packed_on: date | None = None
    expires_on: date | None = None
    harvested_on: date | None = None
    # A pre-printed prefix code's cooperative prefix (``/b/{prefix}/{serial}``).
    prefix: str | None = None

    @property
    def is_preprinted(self) -> bool:
        """A code printed on a roll ahead of packing: a serial under a GTIN or a prefix alone."""
        return self.serial is not None and self.lot is None and self.batch_code is None


@dataclass(frozen=True)
class ParsedCode:
    """A code read strictly: the bytes its signature covers, the key id and the signature."""

    text: str
    signed_text: str
    kid: str
    signature: bytes
    data: LabelData

    @property
    def signed_bytes(self) -> bytes:
        """The exact bytes the Ed25519 signature is over."""
        return self.signed_text.encode("utf-8")

    @property
    def base_url(self) -> str:
        """Scheme, host and path prefix the code was issued for."""
        return self.data.base_url


def gtin_check_digit(first_13: str) -> str:
    """The GS1 mod-10 check digit of the first 13 digits of a GTIN-14."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(first_13))
    return str((10 - total % 10) % 10)


def is_gtin14(text: str) -> bool:
    """Whether ``text`` is 14 ASCII digits with a right check digit."""
    return (
        len(text) == 14
        and text.isascii()
        and text.isdigit()
        and gtin_check_digit(text[:13]) == text[13]
    )


def encode_value(value: str) -> str:
    """Percent-encode a lot, serial or batch code as GS1 Digital Link asks."""
    return "".join(char if char in _UNRESERVED else f"%{ord(char):02X}" for char in value)


def is_base_url(text: str) -> bool:
    """Whether codes can start with ``text``: http(s), a lower-case host, a plain path prefix."""
    match = _BASE.fullmatch(text.rstrip("/"))
    return match is not None and not _reserved_segment(match)


def build_unsigned(data: LabelData, kid: str) -> str:
    """The code's text up to and including ``k={kid}``: the bytes ``sign_code`` signs."""
    base = data.base_url.rstrip("/")
    if not is_base_url(base):
        raise InvalidLabelData(f"base URL {data.base_url!r} is not http(s)://host[/path]")
    if not _KID.fullmatch(kid):
        raise InvalidLabelData("key id must be 1 to 64 base64url characters")
    query = [f"{key}={_yymmdd(getattr(data, DATE_FIELDS[key]))}" for key in _dates_of(data)]
    query.append(f"k={kid}")
    return f"{base}{_path(data)}?{'&'.join(query)}"


def sign_code(unsigned: str, kid: str, private_key: Ed25519PrivateKey) -> str:
    """Append ``s=``: unpadded base64url of the Ed25519 signature over the text before it.

    The design signs the text before ``&s=``, or ``?s=`` when ``s`` is the only parameter;
    ``k`` is required and precedes ``s``, so codes issued here always use ``&s=``.
    """
    if not isinstance(private_key, Ed25519PrivateKey):
        raise InvalidLabelData("the signing key is not an Ed25519 private key")
    if not re.search(rf"[?&]k={re.escape(kid)}\Z", unsigned):
        raise InvalidLabelData("the unsigned code must end with its k parameter")
    signature = private_key.sign(unsigned.encode("utf-8"))
    separator = "&" if "?" in unsigned else "?"
    return f"{unsigned}{separator}s={b64url_encode(signature)}"


def issue_code(data: LabelData, kid: str, private_key: Ed25519PrivateKey) -> str:
    """Build and sign a label code in one step."""
    return sign_code(build_unsigned(data, kid), kid, private_key)


def parse_code(text: str) -> ParsedCode:
    """Read a scanned code strictly; anything not exactly as issued raises ``MalformedCode``."""
    if not isinstance(text, str):
        raise MalformedCode("not text")
    if len(text) > MAX_CODE_LENGTH:
        raise MalformedCode(f"longer than {MAX_CODE_LENGTH} characters")
    if not _URL_CHARS.fullmatch(text):
        raise MalformedCode("holds spaces or characters outside printable ASCII")
    if "#" in text:
        raise MalformedCode("holds a fragment")
    signed_text, separator, signature_text = text.rpartition("s=")
    signed_text, joiner = signed_text[:-1], signed_text[-1:]
    if not separator or joiner != ("&" if "?" in signed_text else "?"):
        raise MalformedCode("no signature: s must be the last parameter, after &")
    signature = _decode_signature(signature_text)
    address, _, query = signed_text.partition("?")
    params = _query_params(query)
    kid = params.pop("k", None)
    if kid is None:
        raise MalformedCode("no key id: k must come just before s")
    if not _KID.fullmatch(kid):
        raise MalformedCode("key id is not base64url")
    data = _label_data(address, params)
    try:
        canonical = build_unsigned(data, kid)
    except InvalidLabelData as exc:
        raise MalformedCode(str(exc)) from exc
    if canonical != signed_text:
        raise MalformedCode("not written as issued (order, case or percent-encoding)")
    return ParsedCode(text, signed_text, kid, signature, data)


def verify_signature(parsed: ParsedCode, jwks: Mapping[str, Any]) -> Verdict:
    """Check a parsed code's signature against a key set as served at /.well-known/jwks.json.

    The key is chosen by key id; the signature is checked before revocation, so "revoked
    key" means the label really was signed by a key that has since been revoked. Any
    ``revoked_at`` counts, whatever the clock: a code carries no signing time, so a label
    signed before the revocation cannot be told from one forged with the lost key.
    """
    jwk = _find_key(jwks, parsed.kid)
    if jwk is None:
        return Verdict.UNKNOWN_KEY
    public_key = _public_key(jwk)
    if public_key is None:
        return Verdict.UNKNOWN_KEY
    try:
        public_key.verify(parsed.signature, parsed.signed_bytes)
    except (InvalidSignature, ValueError, TypeError):
        return Verdict.BAD_SIGNATURE
    if jwk.get("revoked_at") is not None:
        return Verdict.REVOKED_KEY
    return Verdict.VALID


def b64url_encode(raw: bytes) -> str:
    """Unpadded base64url (RFC 4648 §5), as JWK and the ``s`` parameter use."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; only the canonical spelling of some bytes is accepted."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(raw) != text:
        raise ValueError("not the canonical base64url of its bytes")
    return raw


def _reserved_segment(match: re.Match[str]) -> bool:
    return any(segment in ("01", "b") for segment in match.group(3).split("/"))


def _dates_of(data: LabelData) -> list[str]:
    return [key for key in DATE_KEYS if getattr(data, DATE_FIELDS[key]) is not None]


def _yymmdd(day: date) -> str:
    if not 2000 <= day.year <= 2099:
        raise InvalidLabelData("label dates must fall in 2000-2099")
    return f"{day:%y%m%d}"


def _path(data: LabelData) -> str:
    serial = data.serial
    if serial is not None:
        _check_value("serial", serial, VALUE_MAX_LENGTH)
    if data.is_preprinted:
        return _preprinted_path(data)
    if data.prefix is not None:
        raise InvalidLabelData("a cooperative prefix goes with a serial alone")
    if data.gtin is not None:
        if not is_gtin14(data.gtin):
            raise InvalidLabelData("GTIN must be 14 digits with a right check digit")
        if data.lot is None:
            raise InvalidLabelData("a GTIN code needs a lot")
        _check_value("lot", data.lot, VALUE_MAX_LENGTH)
        unit = f"/21/{encode_value(serial)}" if serial is not None else ""
        return f"/01/{data.gtin}/10/{encode_value(data.lot)}{unit}"
    if data.batch_code is None:
        raise InvalidLabelData("a code without a GTIN needs a batch code")
    _check_value("batch code", data.batch_code, BATCH_CODE_MAX_LENGTH)
    if "-" not in data.batch_code:
        raise InvalidLabelData("a batch code holds a hyphen (prefix-lot)")
    unit = f"/{encode_value(serial)}" if serial is not None else ""
    return f"/b/{encode_value(data.batch_code)}{unit}"


def _preprinted_path(data: LabelData) -> str:
    """``/01/{gtin}/21/{serial}`` or ``/b/{prefix}/{serial}``; a roll is printed undated."""
    if _dates_of(data):
        raise InvalidLabelData("a pre-printed code carries no date")
    serial = encode_value(data.serial or "")
    if data.gtin is not None:
        if data.prefix is not None:
            raise InvalidLabelData("a pre-printed code names a GTIN or a prefix, not both")
        if not is_gtin14(data.gtin):
            raise InvalidLabelData("GTIN must be 14 digits with a right check digit")
        return f"/01/{data.gtin}/21/{serial}"
    if data.prefix is None or not _PREFIX.fullmatch(data.prefix):
        raise InvalidLabelData("a pre-printed code needs a GTIN or a prefix of 2-8 A-Z or 0-9")
    return f"/b/{data.prefix}/{serial}"


def _check_value(name: str, value: str, max_length: int) -> None:
    if not 1 <= len(value) <= max_length:
        raise InvalidLabelData(f"{name} must be 1 to {max_length} characters")
    if not set(value) <= _AI82:
        raise InvalidLabelData(f"{name} holds a character outside the GS1 AI 82 set")


def _decode_signature(text: str) -> bytes:
    if len(text) != SIGNATURE_LENGTH:
        raise MalformedCode(f"signature must be {SIGNATURE_LENGTH} base64url characters")
    try:
        return b64url_decode(text)
    except (ValueError, binascii.Error) as exc:
        raise MalformedCode("signature is not unpadded base64url") from exc


def _query_params(query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in query.split("&") if query else []:
        name, equals, value = pair.partition("=")
        if not equals or not value:
            raise MalformedCode(f"parameter {name!r} has no value")
        if name not in DATE_FIELDS and name != "k":
            raise MalformedCode(f"unknown parameter {name!r}")
        if name in params:
            raise MalformedCode(f"parameter {name!r} is repeated")
        params[name] = value
    return params


def _label_data(address: str, dates: dict[str, str]) -> LabelData:
    match = re.fullmatch(r"(https?://[^/?]+(?:/[^/?]*)*?)/(01|b)(/[^?]*)", address)
    if match is None:
        raise MalformedCode("not an http(s) URL with a /01/ or /b/ path")
    base, kind, rest = match.groups()
    segments = [_decode_value(segment) for segment in rest.split("/")[1:]]
    days = {key: _parse_date(key, value) for key, value in dates.items()}
    if kind == "01":
        if len(segments) == 3 and segments[1] == "21":
            if not is_gtin14(segments[0]):
                raise MalformedCode("GTIN is not 14 digits with a right check digit")
            return _dated(LabelData(base, gtin=segments[0], serial=segments[2]), days)
        if len(segments) not in (3, 5) or segments[1] != "10" or segments[3:4] not in ([], ["21"]):
            raise MalformedCode(
                "a GS1 path is /01/{gtin}/10/{lot}[/21/{serial}] or /01/{gtin}/21/{serial}"
            )
        if not is_gtin14(segments[0]):
            raise MalformedCode("GTIN is not 14 digits with a right check digit")
        serial = segments[4] if len(segments) == 5 else None
        return _dated(LabelData(base, segments[0], segments[2], None, serial), days)
    if len(segments) not in (1, 2):
        raise MalformedCode("a batch path is /b/{batch code}[/{serial}] or /b/{prefix}/{serial}")
    serial = segments[1] if len(segments) == 2 else None
    if "-" not in segments[0]:
        # No batch code lacks a hyphen: a first segment without one is a cooperative prefix.
        if serial is None:
            raise MalformedCode("a batch code holds a hyphen; a prefix needs a serial")
        return _dated(LabelData(base, serial=serial, prefix=segments[0]), days)
    return _dated(LabelData(base, batch_code=segments[0], serial=serial), days)


def _dated(data: LabelData, days: dict[str, date]) -> LabelData:
    return replace(
        data,
        produced_on=days.get("11"),
        packed_on=days.get("13"),
        expires_on=days.get("17"),
        harvested_on=days.get("7007"),
    )


def _decode_value(segment: str) -> str:
    decoded = re.sub(r"%([0-9A-Fa-f]{2})", lambda hit: chr(int(hit.group(1), 16)), segment)
    if not decoded or not set(decoded) <= _AI82:
        raise MalformedCode("a path value is empty or outside the GS1 AI 82 set")
    return decoded


def _parse_date(key: str, value: str) -> date:
    if not re.fullmatch(r"[0-9]{6}", value):
        raise MalformedCode(f"date {key} is not YYMMDD")
    try:
        return date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError as exc:
        raise MalformedCode(f"date {key} is not a calendar day") from exc


def _find_key(jwks: Mapping[str, Any], kid: str) -> Mapping[str, Any] | None:
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        raise InvalidKeySet("a key set is an object with a list of keys")
    matches = [jwk for jwk in keys if isinstance(jwk, Mapping) and jwk.get("kid") == kid]
    if len(matches) > 1:
        raise InvalidKeySet(f"key id {kid!r} appears more than once")
    return matches[0] if matches else None


def _public_key(jwk: Mapping[str, Any]) -> Ed25519PublicKey | None:
    """The Ed25519 key a JWK holds, or None when it is not a well-formed OKP/Ed25519 key."""
    x = jwk.get("x")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(x, str):
        return None
    return _ed25519_key(x)


@lru_cache(maxsize=64)
def _ed25519_key(x: str) -> Ed25519PublicKey | None:
    """A key loaded once: every public page checks a code against one of a few keys."""
    try:
        raw = b64url_decode(x)
        return Ed25519PublicKey.from_public_bytes(raw) if len(raw) == 32 else None
    except (ValueError, binascii.Error):
        return None
