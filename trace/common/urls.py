"""Addresses: only redirects to a path on this site."""

from __future__ import annotations

import string
import unicodedata
from urllib.parse import quote, unquote, urlsplit

# Characters a path may keep as they are; anything else (non-ASCII) is percent-encoded, so a
# Location header never holds a byte a server could refuse.
_KEPT_AS_IS = string.ascii_letters + string.digits + string.punctuation


def safe_next_path(target: str | None, fallback: str = "/") -> str:
    """``target`` when it is a path on this site, else ``fallback``: the one check of a ``next``.

    Browsers drop tabs and newlines from a URL and read ``\\`` as ``/``, so ``/\\t/evil`` and
    ``/\\evil`` lead to another host; a newline would also break the Location header. The
    check is applied to the text as it arrived and once more percent-decoded.
    """
    if not target or len(target) > 2000:
        return fallback
    if not all(_is_local_path(form) for form in (target, unquote(target))):
        return fallback
    return quote(target, safe=_KEPT_AS_IS)


def _is_local_path(text: str) -> bool:
    if not text.startswith("/") or text[1:2] in ("/", "\\") or "\\" in text:
        return False
    if any(character.isspace() or _is_control(character) for character in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def _is_control(character: str) -> bool:
    # Cc: C0/C1 controls; Cf: invisible formatting (bidi overrides, zero-width spaces).
    return unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp", "Zs")
