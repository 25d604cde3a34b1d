"""Scans: recording each opening of a label URL, what a code's earlier scans say, and the
position a visitor may choose to add to their own scan.

The public page calls these with values it took from the request; nothing here reads the
request. A visitor's address is cut to its network before it is stored, and a position
to 0.01 degree (about 1 km): enough to see a cloned code turn up in two provinces, too
little to find a house.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import Signer
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from trace.common.field_errors import FieldErrors
from trace.db import utcnow
from trace.errors import InvalidInput
from trace.scans.metrics import count_when_committed
from trace.scans.models import Scan
from trace.scans.places import Province, province_near
from trace.signing.codes import MAX_CODE_LENGTH, Verdict

SCANS = cast(Table, Scan.__table__)
# Built once: every visit to a public page runs them with new values.
_INSERT_SCAN = insert(SCANS).returning(SCANS.c.id)
_FIRST_SCAN = (
    select(
        SCANS.c.scanned_at,
        SCANS.c.network,
        SCANS.c.latitude,
        SCANS.c.longitude,
        # The window counts every matching row before LIMIT keeps the first.
        func.count().over(),
    )
    .where(SCANS.c.label_code_id == bindparam("label_code_id"), SCANS.c.is_inspection.is_(False))
    .order_by(SCANS.c.id)
    .limit(1)
)
_FIRST_SCAN_BEFORE = _FIRST_SCAN.where(SCANS.c.id < bindparam("before_scan_id"))
UNKNOWN_NETWORK = "unknown"
OTHER_FAMILY = "Other"
# The page asks for the position right after it loads; later, the visitor is elsewhere.
POSITION_WINDOW = timedelta(hours=1)
# Verdicts given only once the signature checked out against one of our keys.
SIGNATURE_VALID_VERDICTS = frozenset(
    {
        Verdict.VALID,
        Verdict.REVOKED_KEY,
        Verdict.UNKNOWN_BATCH,
        Verdict.RECALLED_BATCH,
        Verdict.NOT_ACTIVATED,
    }
)
_POSITION_SALT = "trace.inspection.scan-position"
_TOKEN_MAX_LENGTH = 100
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_CENTIDEGREE = Decimal("0.01")
# A dotted IPv4 address as ipaddress accepts it (ASCII digits, no leading zero, each part at
# most 255); the first group is its /24's first three parts.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"({_OCTET}\.{_OCTET}\.{_OCTET})\.{_OCTET}")
# Enough for every real user agent; bounds the work the rules below do on a hostile one.
_USER_AGENT_READ_LENGTH = 512

# First match wins: bots first, then in-app browsers (whose user agents also name the
# system browser), then each platform's browsers, most specific first.
_USER_AGENT_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), family)
    for pattern, flags, family in (
        (
            r"bot(?:[/\-_;)]|\s\(|$)|crawl|spider|slurp|facebookexternalhit|headless"
            r"|lighthouse|^(?:curl|wget|python-|go-http-client|okhttp|java/|axios|node-fetch"
            r"|httpie|libwww-perl|zgrab)",
            re.IGNORECASE,
            "Bot",
        ),
        (r"\bZalo\b", re.IGNORECASE, "Zalo"),
        (r"FBAN/|FBAV/|FB_IAB/|FB4A", 0, "Facebook"),
        (r"\bInstagram\b", 0, "Instagram"),
        (r"musical_ly|BytedanceWebview|\btrill_", 0, "TikTok"),
        (r"SamsungBrowser/", 0, "Samsung Internet"),
        (r"coc_coc_browser/", 0, "Coc Coc"),
        (r"KAIOS/", re.IGNORECASE, "KaiOS"),
        (r"Android.*; wv\)", 0, "Android WebView"),
        (r"Android.*Firefox/", 0, "Android Firefox"),
        (r"Android.*Chrome/", 0, "Android Chrome"),
        (r"Android", 0, "Android Other"),
        (r"(?:iPhone|iPod).*CriOS/", 0, "iPhone Chrome"),
        (r"(?:iPhone|iPod).*FxiOS/", 0, "iPhone Firefox"),
        (r"(?:iPhone|iPod).*Safari/", 0, "iPhone Safari"),
        (r"iPhone|iPod", 0, "iPhone Other"),
        (r"iPad.*Safari/", 0, "iPad Safari"),
        (r"iPad", 0, "iPad Other"),
        (r"Edg/", 0, "Desktop Edge"),
        (r"OPR/", 0, "Desktop Opera"),
        (r"Firefox/", 0, "Desktop Firefox"),
        (r"Chrome/", 0, "Desktop Chrome"),
        (r"Macintosh.*Safari/", 0, "Desktop Safari"),
    )
)


@dataclass(frozen=True)
class ScanSummary:
    """A code's first recorded scan and how many scans it has had (the first included)."""

    first_scanned_at: datetime
    first_network: str
    first_latitude: Decimal | None
    first_longitude: Decimal | None
    count: int

    @property
    def first_position(self) -> tuple[Decimal, Decimal] | None:
        if self.first_latitude is None or self.first_longitude is None:
            return None
        return self.first_latitude, self.first_longitude

    @property
    def first_province(self) -> Province | None:
        """The province of the first scan's shared position: all a later visitor may see of
        it, as a position (even rounded to 1 km) is a stranger's personal data."""
        position = self.first_position
        return province_near(*position) if position is not None else None


def network_of(remote_addr: str | None) -> str:
    """The visitor's network: an IPv4 address cut to its /24, an IPv6 one to its /48.

    IPv4 addresses that arrive inside IPv6 (mapped, or 6to4, whose /48 would be one IPv4
    host) are cut as IPv4. "unknown" when there is no address or it is not one.
    """
    text = (remote_addr or "").strip()
    plain_ipv4 = _IPV4.fullmatch(text)
    if plain_ipv4 is not None:  # most visits: the same answer without ipaddress's objects
        return f"{plain_ipv4[1]}.0/24"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return UNKNOWN_NETWORK
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None:
            return str(ipaddress.IPv6Network((int(address), 48), strict=False))
        address = embedded
    return str(ipaddress.IPv4Network((int(address), 24), strict=False))


def user_agent_family(user_agent: str | None) -> str:
    """A coarse name for the browser: "Android Chrome", "Zalo", "Bot", ... or "Other"."""
    return _family_of((user_agent or "")[:_USER_AGENT_READ_LENGTH])


@lru_cache(maxsize=1024)
def _family_of(text: str) -> str:
    """Remembered: a few phone models' browsers make most scans, and the rules cost about
    nine microseconds a visit."""
    for pattern, family in _USER_AGENT_RULES:
        if pattern.search(text):
            return family
    return OTHER_FAMILY


def record_scan(
    session: Session,
    *,
    code_text: str,
    verdict: Verdict,
    batch_id: int | None,
    label_code_id: int | None,
    remote_addr: str | None,
    user_agent: str | None,
    now: datetime | None = None,
    is_inspection: bool = False,
) -> int:
    """Store one scan and return its id: a single INSERT, so a busy page stays cheap.

    The session's pending changes are not flushed and nothing is loaded. A code text that
    is too long or holds control characters is stored cleaned and cut, never refused: the
    visit happened either way.
    """
    values = {
        "scanned_at": now or utcnow(),
        "batch_id": batch_id,
        "label_code_id": label_code_id,
        "code_text": stored_code_text(code_text),
        "verdict": verdict,
        "is_signature_valid": verdict in SIGNATURE_VALID_VERDICTS,
        "network": network_of(remote_addr),
        "user_agent_family": user_agent_family(user_agent),
        "is_inspection": is_inspection,
    }
    # On the session's connection: nothing is flushed, and the ORM's execution path is
    # skipped.
    scan_id: int = session.connection().execute(_INSERT_SCAN, values).scalar_one()
    count_when_committed(session, verdict)
    return scan_id


def stored_code_text(code_text: str) -> str:
    """A scanned text as it is stored: control characters removed, cut to the column."""
    return _CONTROL_CHARACTERS.sub("", code_text)[:MAX_CODE_LENGTH]


def scan_summary(
    session: Session, label_code_id: int, before_scan_id: int | None = None
) -> ScanSummary | None:
    """The code's first scan and its number of scans, in one query; None if never scanned.

    ``before_scan_id`` leaves out that scan and every later one, so the page that has just
    recorded a visit can tell the visitor about the scans before theirs.
    """
    if before_scan_id is None:
        statement, values = _FIRST_SCAN, {"label_code_id": label_code_id}
    else:
        statement = _FIRST_SCAN_BEFORE
        values = {"label_code_id": label_code_id, "before_scan_id": before_scan_id}
    row = session.connection().execute(statement, values).first()
    if row is None:
        return None
    scanned_at, network, latitude, longitude, count = row
    return ScanSummary(scanned_at, network, latitude, longitude, count)


def scan_token(scan_id: int, secret_key: str | bytes) -> str:
    """What the page gives the visitor to prove, later, that this scan is theirs."""
    return _signer(secret_key).get_signature(str(scan_id)).decode("ascii")


def check_scan_token(scan_id: int, token: Any, secret_key: str | bytes) -> bool:
    """Whether ``token`` is the one ``scan_token`` made for this scan with this key."""
    if not isinstance(token, str) or not 0 < len(token) <= _TOKEN_MAX_LENGTH:
        return False
    return _signer(secret_key).verify_signature(str(scan_id), token)


def add_position(
    session: Session,
    scan_id: int,
    token: Any,
    latitude: Any,
    longitude: Any,
    now: datetime | None = None,
    *,
    secret_key: str | bytes | None = None,
) -> None:
    """Add the position the visitor chose to share to their scan, rounded to 0.01 degree.

    Refused with ``InvalidInput`` (nothing changed) for a token not made for this scan, a
    scan older than ``POSITION_WINDOW``, a coordinate that is not a number or out of
    range, or a scan that already has a position. The key defaults to the app's.
    """
    now = now or utcnow()
    key = current_app.config["SECRET_KEY"] if secret_key is None else secret_key
    errors = FieldErrors()
    if not check_scan_token(scan_id, token, key):
        errors.add("token", _l("Scan the label again to share your position."))
    rounded_latitude = errors.check("latitude", _coordinate, latitude, 90)
    rounded_longitude = errors.check("longitude", _coordinate, longitude, 180)
    errors.raise_if_any()
    # One conditional UPDATE: two requests racing for the same scan cannot both win.
    statement = (
        update(Scan)
        .where(
            Scan.id == scan_id,
            Scan.positioned_at.is_(None),
            Scan.scanned_at >= now - POSITION_WINDOW,
        )
        .values(latitude=rounded_latitude, longitude=rounded_longitude, positioned_at=now)
        .returning(Scan.id)
    )
    if session.execute(statement).first() is None:
        raise InvalidInput(errors=_why_not_positioned(session, scan_id))


def _why_not_positioned(session: Session, scan_id: int) -> dict[str, list[str]]:
    # Read afresh: a concurrent request may have positioned it since we last loaded it.
    scan = session.get(Scan, scan_id, populate_existing=True)
    if scan is not None and scan.positioned_at is not None:
        return {"scan": [str(_l("This scan already has a position."))]}
    # Gone, or too old: either way the visitor would have to scan again.
    return {"token": [str(_l("Scan the label again to share your position."))]}


def _coordinate(raw: Any, limit: int) -> Decimal:
    """A latitude (``limit`` 90) or longitude (180) in degrees, rounded to 0.01."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise ValueError(_l("Enter a number, such as 9.6031."))
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_l("Enter a number, such as 9.6031.")) from None
    if not value.is_finite():
        raise ValueError(_l("Enter a number, such as 9.6031."))
    if not -limit <= value <= limit:
        raise ValueError(_l("Enter a number from %(low)d to %(high)d.", low=-limit, high=limit))
    return value.quantize(_CENTIDEGREE, rounding=ROUND_HALF_EVEN)


def _signer(secret_key: str | bytes) -> Signer:
    return Signer(
        secret_key, salt=_POSITION_SALT, key_derivation="hmac", digest_method=hashlib.sha256
    )
