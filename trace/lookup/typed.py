"""What a person typed or pasted in the code box: a label address, a GS1 element string, a
GTIN, or a batch code or lot. Pure: reading the text names no database row.

Accepted, after Unicode NFC and trimming:

- a label address, with or without scheme and host (``https://host/b/CODE?k=..&s=..``,
  ``host/01/{GTIN}/10/{lot}``, ``/b/CODE``); any host, as GS1 Digital Link paths mean the
  same on every domain, but only one on our own base URL keeps its query (the signature);
- the text printed under a GS1 barcode, ``(01)08934567000017(10)ST25-261118-01``, in any
  order of its application identifiers (dates such as ``(17)`` are ignored);
- a GTIN of 8, 12, 13 or 14 digits (spaces allowed), with a right check digit (other runs
  of digits are read as lots);
- a batch code or a lot: letters, digits, ``-``, ``.``, ``_``, up to 30.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from trace.lookup.paths import LabelPath, MalformedPath, code_text, read_path
from trace.signing.codes import MAX_CODE_LENGTH, gtin_check_digit, is_gtin14

MAX_TYPED_LENGTH = MAX_CODE_LENGTH
# GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN) and GTIN-14; other runs of digits may be lots.
GTIN_LENGTHS = (8, 12, 13, 14)
_HOST_FIRST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?/")
_ELEMENT = re.compile(r"\((\d{2,4})\)([^()]*)")
_GTIN_DIGITS = re.compile(r"[0-9][0-9 ]{6,17}[0-9]")
_CODE = re.compile(r"[0-9A-Za-z\-._]{1,30}")


class UnreadableText(ValueError):
    """Raised for a typed text that no label could carry; says what is wrong."""

    def __init__(self, reason: LazyString) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class TypedCode:
    """What a typed text names: a label path (with its ``query`` when the address is on our
    own base URL and carries a code), a GTIN and maybe a lot, or a code that may be a batch
    code or a lot."""

    path: LabelPath | None = None
    raw_path: str | None = None
    query: str | None = None
    gtin: str | None = None
    lot: str | None = None
    code: str | None = None


def cleaned(text: str) -> str:
    """The text as it will be read and shown again: NFC, trimmed, without control
    characters, cut to the longest code."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    return text.strip()[:MAX_TYPED_LENGTH]


def read_typed(text: str, base_url: str) -> TypedCode:
    """What ``text`` (already ``cleaned``) names; ``UnreadableText`` when it names nothing."""
    if "://" in text or text.startswith("/") or _HOST_FIRST.match(text):
        return _address(text, base_url)
    if text.startswith("("):
        return _element_string(text)
    digits = text.replace(" ", "")
    if _GTIN_DIGITS.fullmatch(text) and len(digits) in GTIN_LENGTHS:
        return TypedCode(gtin=_gtin14(digits))
    if _CODE.fullmatch(text):
        return TypedCode(code=text)
    raise UnreadableText(_l("A code holds only letters without accents, digits and - . _"))


def read_lot(text: str) -> str:
    """A lot typed on its own, beside a product's GTIN."""
    if not _CODE.fullmatch(text):
        raise UnreadableText(_l("A code holds only letters without accents, digits and - . _"))
    return text


def _address(text: str, base_url: str) -> TypedCode:
    url = text if "://" in text or text.startswith("/") else f"https://{text}"
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise UnreadableText(_l("This address cannot be read.")) from error
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        raise UnreadableText(_l("This address is not a web address."))
    raw_path = parts.path
    try:
        path = read_path(raw_path)
    except MalformedPath as error:
        message = _l("This is not the address of a label: %(reason)s.", reason=error)
        raise UnreadableText(message) from error
    base = base_url.rstrip("/")
    query = None
    # Only a signature made for this very address can be judged: another host's is dropped.
    is_ours = bool(parts.netloc) and f"{parts.scheme}://{parts.netloc}".lower() == base.lower()
    if is_ours and code_text(base, raw_path, parts.query if "?" in text else None) is not None:
        query = parts.query
    return TypedCode(path=path, raw_path=raw_path, query=query)


def _element_string(text: str) -> TypedCode:
    elements = _ELEMENT.findall(text)
    if not elements or "".join(f"({ai}){value}" for ai, value in elements) != text:
        raise UnreadableText(_l("Type the text under the barcode as printed: (01)…(10)…"))
    values = dict(elements)
    if "01" not in values:
        raise UnreadableText(_l("The text under the barcode has no (01) product number."))
    lot = values.get("10") or None
    if lot is not None and not _CODE.fullmatch(lot):
        raise UnreadableText(_l("A code holds only letters without accents, digits and - . _"))
    return TypedCode(gtin=_gtin14(values["01"]), lot=lot)


def _gtin14(digits: str) -> str:
    if len(digits) not in GTIN_LENGTHS or not digits.isdigit():
        raise UnreadableText(_l("A product number (GTIN) has 8, 12, 13 or 14 digits."))
    gtin = digits.zfill(14)
    if not is_gtin14(gtin):
        raise UnreadableText(
            _l(
                "The last digit of this product number is wrong (it should be %(digit)s).",
                digit=gtin_check_digit(gtin[:13]),
            )
        )
    return gtin
