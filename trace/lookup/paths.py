"""Label URLs as the public page reads them: which batch (and unit) a path names, and the
exact text a label's signature covers.

The path is read from the raw request URI, before any percent-decoding, so a lot holding
``%2F`` stays one segment. The code a URL carries is the URL exactly as requested (the
configured base, then the raw path and query), judged by the one parser of label codes,
``trace.signing.codes.parse_code``, as the verify API and the command judge a scanned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from trace.signing.codes import VALUE_MAX_LENGTH, is_gtin14

# GS1 AI encodable character set 82: what a lot or serial may hold once decoded.
_AI82 = re.compile(r"[A-Za-z0-9!\"%&'()*+,\-./:;<=>?_]+")
_BATCH_CODE_MAX = 30
_PREFIX = re.compile(r"[A-Z0-9]{2,8}")
DISPLAY_PARAMETERS = ("lang", "linkType")


class MalformedPath(ValueError):
    """Raised for a path under /01/ or /b/ that no label could carry; says what is wrong."""


@dataclass(frozen=True)
class LabelPath:
    """What a label URL names: a GTIN and lot, or a platform batch code; a serial for a unit;
    a GTIN alone names the product."""

    gtin: str | None = None
    lot: str | None = None
    batch_code: str | None = None
    serial: str | None = None
    # A pre-printed code under a cooperative's prefix: /b/{prefix}/{serial}.
    prefix: str | None = None

    @property
    def is_preprinted(self) -> bool:
        """A roll code: a serial under a GTIN (no lot) or under a prefix (trace.rolls)."""
        return self.serial is not None and self.lot is None and self.batch_code is None


def read_path(raw_path: str) -> LabelPath:
    """The label a raw path (``/01/...`` or ``/b/...``, still percent-encoded) names."""
    segments = [unquote(segment) for segment in raw_path.split("/")[1:]]
    if segments[:1] == ["01"]:
        return _gs1(segments[1:])
    if segments[:1] == ["b"]:
        return _platform(segments[1:])
    raise MalformedPath(_l("the path must start with /01/ or /b/"))


# A language chosen after the signature: ``...&s={signature}&lang=en``, at the very end.
_LANGUAGE_AFTER_SIGNATURE = re.compile(r"((?:^|&)s=[^&]*)&lang=(?:vi|en)$")


def code_text(base_url: str, raw_path: str, raw_query: str | None) -> str | None:
    """The label code a URL carries, exactly as requested, or None when it carries none.

    A URL carries none when it has no query, or only our display parameters (``?lang=en``,
    ``?linkType=all``): a typed-in address, or a link to the page. Any other query is the
    code, judged whole by ``parse_code`` as the API judges it: nothing is dropped, reordered
    or decoded, so a trailing ``&``, an empty or repeated parameter, or a ``lang`` among the
    code's parameters makes the same malformed code here as there. One exception is the
    page's own: a single ``&lang=vi`` or ``&lang=en`` after the signature chooses the page's
    language (the public contract: "English with ?lang=en") and is not part of the code.
    """
    if raw_query is None:
        return None
    pairs = raw_query.split("&")
    if raw_query and all(pair.partition("=")[0] in DISPLAY_PARAMETERS for pair in pairs):
        return None
    code_query = _LANGUAGE_AFTER_SIGNATURE.sub(r"\1", raw_query)
    return f"{base_url}{raw_path}?{code_query}"


def _gs1(segments: list[str]) -> LabelPath:
    if len(segments) == 3 and segments[1] == "21":
        return _preprinted(segments[0], None, segments[2])
    if len(segments) == 1:  # a GTIN alone names the product (resolvers walk up to it)
        if not is_gtin14(segments[0]):
            raise MalformedPath(_l("the GTIN must be 14 digits with a right check digit"))
        return LabelPath(gtin=segments[0])
    if len(segments) not in (3, 5) or segments[1] != "10" or segments[3:4] not in ([], ["21"]):
        raise MalformedPath(_l("a GS1 path here is /01/{GTIN}/10/{lot}, then /21/{serial}"))
    gtin, lot = segments[0], segments[2]
    if not is_gtin14(gtin):
        raise MalformedPath(_l("the GTIN must be 14 digits with a right check digit"))
    serial = segments[4] if len(segments) == 5 else None
    _check_value(_l("lot"), lot, VALUE_MAX_LENGTH)
    if serial is not None:
        _check_value(_l("serial"), serial, VALUE_MAX_LENGTH)
    return LabelPath(gtin=gtin, lot=lot, serial=serial)


def _platform(segments: list[str]) -> LabelPath:
    if len(segments) not in (1, 2):
        raise MalformedPath(_l("a batch path is /b/{batch code}, then /{serial}"))
    if len(segments) == 2 and "-" not in segments[0]:
        # A batch code always holds a hyphen: without one, it is a cooperative's prefix.
        return _preprinted(None, segments[0], segments[1])
    _check_value(_l("batch code"), segments[0], _BATCH_CODE_MAX)
    serial = segments[1] if len(segments) == 2 else None
    if serial is not None:
        _check_value(_l("serial"), serial, VALUE_MAX_LENGTH)
    return LabelPath(batch_code=segments[0], serial=serial)


def _preprinted(gtin: str | None, prefix: str | None, serial: str) -> LabelPath:
    if gtin is not None and not is_gtin14(gtin):
        raise MalformedPath(_l("the GTIN must be 14 digits with a right check digit"))
    if prefix is not None and not _PREFIX.fullmatch(prefix):
        raise MalformedPath(_l("a cooperative prefix is 2 to 8 capital letters or digits"))
    _check_value(_l("serial"), serial, VALUE_MAX_LENGTH)
    return LabelPath(gtin=gtin, serial=serial, prefix=prefix)


def _check_value(name: LazyString, value: str, most: int) -> None:
    if not 1 <= len(value) <= most or not _AI82.fullmatch(value):
        message = _l("the %(name)s must be 1 to %(most)d letters or digits", name=name, most=most)
        raise MalformedPath(message)
