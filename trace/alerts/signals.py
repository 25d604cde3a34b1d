"""Clone signals: the rules that flag a label code which looks copied.

Plain functions over plain records (no database), evaluated as of a clock passed in: a
scan later than ``now`` is not seen yet. Each rule returns what it fires, with
the scan that fired it and the facts that explain why as JSON values, so the reason can be
stored and rendered later in either language. Every rule is a function of a code's whole
history, so evaluating the same history twice fires the same (rule, scan) pairs.

Scans by bots (link previews, crawlers) never count for any rule. An inspector's check
counts only as a sign of a copied key (``unknown_batch``): in the rules about buyers' scans
it would be the inspector's own visit to the shelf.
"""

from __future__ import annotations

import enum
import itertools
import math
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from trace.common.formats import local_moment
from trace.scans.places import Province, distance_km, province_near
from trace.signing.codes import Verdict

BOT_FAMILY = "Bot"
# Faster than a car on Vietnam's roads over any distance that matters here.
MAX_TRAVEL_KMH = 80
# Shared positions are rounded to 0.01 degree (about 1 km) and phones place themselves by
# Wi-Fi or cell towers, often a few km off: distances this short never prove travel.
POSITION_SLACK_KM = 10.0
# A buyer scans what they bought at home, in the days after the sale.
SOLD_GRACE = timedelta(days=2)
# Units that count pieces (compared after NFC and case folding); kg, g, tấn, l, ml do not.
COUNT_UNITS = frozenset(
    unicodedata.normalize("NFC", unit).casefold()
    for unit in (
        "hộp", "túi", "chai", "quả", "cái", "gói", "bao", "thùng",
        "box", "boxes", "bag", "bags", "bottle", "bottles", "piece", "pieces", "pcs",
    )
)  # fmt: skip

KeyT = TypeVar("KeyT", bound=Hashable)


class AlertRule(enum.StrEnum):
    IMPOSSIBLE_TRAVEL = "impossible_travel"
    SCANNED_AFTER_MARK = "scanned_after_mark"
    BATCH_OVERSCANNED = "batch_overscanned"
    UNKNOWN_BATCH = "unknown_batch"


class MarkKind(enum.StrEnum):
    """Why a unit should not be scanned again: a shop reported it sold, or an inspector
    marked it (checked or seized)."""

    SOLD = "sold"
    INSPECTED = "inspected"


@dataclass(frozen=True)
class ScanRecord:
    """One scan as the rules read it; ``is_unit`` tells a unit code from a batch code."""

    id: int
    scanned_at: datetime
    code_text: str
    verdict: Verdict = Verdict.VALID
    is_signature_valid: bool = True
    label_code_id: int | None = None
    batch_id: int | None = None
    is_unit: bool = False
    latitude: float | None = None
    longitude: float | None = None
    user_agent_family: str = "Android Chrome"
    is_inspection: bool = False

    @property
    def is_bot(self) -> bool:
        return self.user_agent_family == BOT_FAMILY

    @property
    def position(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude

    @property
    def province(self) -> Province | None:
        """The province of the shared position, if any and inside Vietnam."""
        position = self.position
        return None if position is None else province_near(*position)


@dataclass(frozen=True)
class MarkRecord:
    """A unit code reported sold or marked by an inspector, at a time."""

    label_code_id: int
    kind: MarkKind
    marked_at: datetime


@dataclass(frozen=True)
class BatchSize:
    """What a batch says about how many units it has."""

    unit_codes: int
    quantity: Decimal | None
    unit: str

    @property
    def counted_from(self) -> str | None:
        """ "unit_codes", "quantity" (a count unit) or None when the batch cannot say."""
        if self.unit_codes > 0:
            return "unit_codes"
        if self.quantity is not None and self.quantity > 0 and is_count_unit(self.unit):
            return "quantity"
        return None

    @property
    def units(self) -> int | None:
        """How many units the batch has; None when it is weighed or measured, not counted."""
        counted_from = self.counted_from
        if counted_from == "unit_codes":
            return self.unit_codes
        if counted_from == "quantity" and self.quantity is not None:
            # Rounded up: a part-filled box is still a box someone may scan.
            return math.ceil(self.quantity)
        return None


@dataclass(frozen=True)
class Fired:
    """A rule that fired on a scan, and the facts (JSON values) behind it."""

    rule: AlertRule
    scan: ScanRecord
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> LazyString:
        """The reason in the language in force when it is shown."""
        return LazyString(render_reason, self.rule, self.params)


def is_count_unit(unit: str) -> bool:
    """Whether a batch's unit counts pieces ("hộp", "bottle") rather than weighs them."""
    return unicodedata.normalize("NFC", unit).strip().casefold() in COUNT_UNITS


def evaluate(
    scans: Iterable[ScanRecord],
    *,
    now: datetime,
    marks: Mapping[int, Sequence[MarkRecord]] | None = None,
    sizes: Mapping[int, BatchSize] | None = None,
) -> list[Fired]:
    """Every rule over the scans: ``marks`` by label code id, ``sizes`` by batch id."""
    seen = list(scans)
    return [
        *impossible_travel(seen, now=now),
        *scanned_after_mark(seen, marks or {}, now=now),
        *batch_overscanned(seen, sizes or {}, now=now),
        *unknown_batch(seen, now=now),
    ]


def impossible_travel(scans: Iterable[ScanRecord], *, now: datetime) -> list[Fired]:
    """A unit code scanned in one province, then in another too soon to have got there.

    Each scan with a position is compared with the code's previous one: if every step of a
    route is possible, so is the whole route. Scans without a position, or outside
    Vietnam, say nothing.
    """
    fired = []
    for history in _grouped(_buyers(scans, now), _unit_code_of).values():
        placed = [place for place in map(_place_of, history) if place is not None]
        for before, after in itertools.pairwise(placed):
            if before.province.code == after.province.code:
                continue
            params = _travel_facts(before, after)
            if params is not None:
                fired.append(Fired(AlertRule.IMPOSSIBLE_TRAVEL, after.scan, params))
    return fired


def scanned_after_mark(
    scans: Iterable[ScanRecord], marks: Mapping[int, Sequence[MarkRecord]], *, now: datetime
) -> list[Fired]:
    """A unit code scanned after an inspector marked it, or well after it was sold.

    Scans up to ``SOLD_GRACE`` after the sale are the buyer's. A scan after both kinds of
    mark is reported once, as after the inspector's.
    """
    fired = []
    for label_code_id, history in _grouped(_buyers(scans, now), _unit_code_of).items():
        known = marks.get(label_code_id, ())
        inspected = _earliest(known, MarkKind.INSPECTED)
        sold = _earliest(known, MarkKind.SOLD)
        for scan in history:
            if inspected is not None and scan.scanned_at > inspected.marked_at:
                mark = inspected
            elif sold is not None and scan.scanned_at > sold.marked_at + SOLD_GRACE:
                mark = sold
            else:
                continue
            params = {
                "kind": mark.kind.value,
                "scanned_at": scan.scanned_at.isoformat(),
                "marked_at": mark.marked_at.isoformat(),
                "grace_days": SOLD_GRACE.days,
            }
            fired.append(Fired(AlertRule.SCANNED_AFTER_MARK, scan, params))
    return fired


def batch_overscanned(
    scans: Iterable[ScanRecord], sizes: Mapping[int, BatchSize], *, now: datetime
) -> list[Fired]:
    """A batch's batch codes scanned more times than the batch has units.

    Every batch code of the batch counts (a batch gets a new code when a fact on it
    changes; labels with the old one are still on the shelf). Fires once, on the scan that
    goes over.
    """
    fired = []
    for batch_id, history in _grouped(_buyers(scans, now), _batch_code_batch_of).items():
        size = sizes.get(batch_id)
        units = None if size is None else size.units
        if size is None or units is None or len(history) <= units:
            continue
        over = history[units]
        params = {
            "scanned_at": over.scanned_at.isoformat(),
            "count": units + 1,
            "units": units,
            "counted_from": size.counted_from,
            "unit": size.unit,
        }
        fired.append(Fired(AlertRule.BATCH_OVERSCANNED, over, params))
    return fired


def unknown_batch(scans: Iterable[ScanRecord], *, now: datetime) -> list[Fired]:
    """A code whose signature is valid but whose batch we do not know: signed outside the
    platform, perhaps with a copied key. Fires once per code text, on its first scan."""
    fired = []
    for history in _grouped(_counted(scans, now), _unknown_batch_text_of).values():
        first = history[0]
        params = {"scanned_at": first.scanned_at.isoformat()}
        fired.append(Fired(AlertRule.UNKNOWN_BATCH, first, params))
    return fired


def render_reason(rule: AlertRule | str, params: Mapping[str, Any]) -> str:
    """The reason a rule fired, from its stored facts, in the language in force."""
    values = dict(params)
    for name in ("scanned_at", "previous_scanned_at", "marked_at"):
        if name in values:
            values[name] = local_moment(datetime.fromisoformat(values[name]))
    if "elapsed_minutes" in values:
        values["elapsed"] = _duration(int(values["elapsed_minutes"]))
    return str(_reason_template(AlertRule(rule), values) % values)


def _reason_template(rule: AlertRule, values: Mapping[str, Any]) -> LazyString:
    if rule is AlertRule.IMPOSSIBLE_TRAVEL:
        return _l(
            "Scanned in %(province)s at %(scanned_at)s, %(elapsed)s after a scan in"
            " %(previous_province)s at %(previous_scanned_at)s, %(distance_km)d km away:"
            " nobody travels that far that fast (%(speed_kmh)d km/h at most)."
        )
    if rule is AlertRule.SCANNED_AFTER_MARK and values.get("kind") == MarkKind.INSPECTED:
        return _l("Scanned at %(scanned_at)s, after an inspector marked it at %(marked_at)s.")
    if rule is AlertRule.SCANNED_AFTER_MARK:
        return _l(
            "Scanned at %(scanned_at)s, more than %(grace_days)d days after it was reported"
            " sold at %(marked_at)s."
        )
    if rule is AlertRule.BATCH_OVERSCANNED and values.get("counted_from") == "unit_codes":
        return _l(
            "The batch code was scanned %(count)d times by %(scanned_at)s, more than the"
            " %(units)d unit labels issued for the batch."
        )
    if rule is AlertRule.BATCH_OVERSCANNED:
        return _l(
            "The batch code was scanned %(count)d times by %(scanned_at)s, more than the"
            " batch's %(units)d %(unit)s."
        )
    return _l(
        "Scanned at %(scanned_at)s: the signature is valid but no batch has this code, so"
        " it may have been signed with a copied key."
    )


def _duration(minutes: int) -> str:
    if minutes < 60:
        return str(_l("%(minutes)d min", minutes=minutes))
    return str(_l("%(hours)d h %(minutes)d min", hours=minutes // 60, minutes=minutes % 60))


@dataclass(frozen=True)
class _Place:
    scan: ScanRecord
    position: tuple[float, float]
    province: Province


def _place_of(scan: ScanRecord) -> _Place | None:
    """Where the scan was, when it shared a position inside Vietnam."""
    position = scan.position
    province = None if position is None else province_near(*position)
    if position is None or province is None:
        return None
    return _Place(scan, position, province)


def _travel_facts(before: _Place, after: _Place) -> dict[str, Any] | None:
    """The facts of an impossible step from ``before`` to ``after``; None if it was possible."""
    distance = distance_km(before.position, after.position)
    needed = timedelta(hours=max(0.0, distance - POSITION_SLACK_KM) / MAX_TRAVEL_KMH)
    elapsed = after.scan.scanned_at - before.scan.scanned_at
    if elapsed >= needed:
        return None
    return {
        "scanned_at": after.scan.scanned_at.isoformat(),
        "province_code": after.province.code,
        "province": after.province.name,
        "previous_scan_id": before.scan.id,
        "previous_scanned_at": before.scan.scanned_at.isoformat(),
        "previous_province_code": before.province.code,
        "previous_province": before.province.name,
        "distance_km": round(distance),
        "elapsed_minutes": int(elapsed.total_seconds() // 60),
        "speed_kmh": MAX_TRAVEL_KMH,
    }


def _counted(scans: Iterable[ScanRecord], now: datetime) -> list[ScanRecord]:
    """The scans a rule may count, oldest first: not by a bot, not after ``now``."""
    return sorted(
        (scan for scan in scans if not scan.is_bot and scan.scanned_at <= now),
        key=lambda scan: (scan.scanned_at, scan.id),
    )


def _buyers(scans: Iterable[ScanRecord], now: datetime) -> list[ScanRecord]:
    """The counted scans that are not an inspector's checks."""
    return [scan for scan in _counted(scans, now) if not scan.is_inspection]


def _grouped(
    scans: Iterable[ScanRecord], key_of: Callable[[ScanRecord], KeyT | None]
) -> dict[KeyT, list[ScanRecord]]:
    """The scans under each key, in their order; scans whose key is None are left out."""
    groups: dict[KeyT, list[ScanRecord]] = defaultdict(list)
    for scan in scans:
        key = key_of(scan)
        if key is not None:
            groups[key].append(scan)
    return groups


def _unit_code_of(scan: ScanRecord) -> int | None:
    return scan.label_code_id if scan.is_unit else None


def _batch_code_batch_of(scan: ScanRecord) -> int | None:
    if scan.is_unit or scan.label_code_id is None:
        return None
    return scan.batch_id


def _unknown_batch_text_of(scan: ScanRecord) -> str | None:
    if scan.verdict is not Verdict.UNKNOWN_BATCH or not scan.is_signature_valid:
        return None
    return scan.code_text


def _earliest(marks: Iterable[MarkRecord], kind: MarkKind) -> MarkRecord | None:
    return min(
        (mark for mark in marks if mark.kind is kind),
        key=lambda mark: mark.marked_at,
        default=None,
    )
