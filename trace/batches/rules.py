"""The rules a batch's own values follow, free of any database: lots, stems and expiry."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

LOT_MAX_LENGTH = 20
# GS1 AI encodable character set 82, less the characters a URL path would have to escape
# or that read badly on a label: a lot must survive a GS1 Digital Link path unchanged.
LOT_PATTERN = re.compile(r"[0-9A-Za-z\-._]{1,20}")
STEM_MAX_LENGTH = LOT_MAX_LENGTH - len("-YYMMDD-01")


def lot(raw: str) -> str:
    """A lot as typed, checked: letters, digits, hyphen, dot, underscore; at most 20."""
    text = raw.strip()
    if not LOT_PATTERN.fullmatch(text):
        raise ValueError(
            str(_l("Use at most 20 letters (no accents), digits, hyphens, dots or underscores."))
        )
    return text


def lot_stem(product_code: str | None, product_name: str) -> str:
    """How a generated lot starts: the product's code, or one made from its name.

    A word of the name holding a digit is taken whole (``Gạo ST25 túi 5 kg`` gives ST25);
    otherwise the initials of the words (``Chè búp Tân Cương`` gives CBTC).
    """
    if product_code:
        return product_code[:STEM_MAX_LENGTH]
    words = re.findall(r"[0-9A-Za-z]+", _without_accents(product_name).upper())
    with_digits = [word for word in words if any(c.isdigit() for c in word) and len(word) > 1]
    if with_digits:
        return with_digits[0][:STEM_MAX_LENGTH]
    initials = "".join(word[0] for word in words)[:STEM_MAX_LENGTH]
    return initials or "LOT"


def next_lot(stem: str, day: date, taken: Container[str]) -> str:
    """The first free lot ``{stem}-{YYMMDD}-{NN}`` for that day."""
    prefix = f"{stem}-{day:%y%m%d}-"
    for sequence in range(1, 1000):
        candidate = f"{prefix}{sequence:02d}"
        if candidate not in taken:
            return candidate
    raise ValueError(str(_l("Too many lots on one day: give the lot yourself.")))


def default_expiry(
    shelf_life_days: int | None, packed_on: date | None, harvested_on: date | None
) -> date | None:
    """The product's shelf life counted from packing, or from harvest when not packed yet."""
    start = packed_on or harvested_on
    if shelf_life_days is None or start is None:
        return None
    return start + timedelta(days=shelf_life_days)


def batch_code(code_prefix: str, lot_text: str) -> str:
    """The platform-unique batch code: the cooperative's prefix and the lot."""
    return f"{code_prefix}-{lot_text}"


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
