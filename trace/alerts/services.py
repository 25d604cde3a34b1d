"""Clone alerts: running the clone rules over new scans, and listing what fired.

``refresh_alerts`` keeps a watermark (the single ``alert_watermarks`` row): the highest scan
id it has evaluated, and the latest shared position it has seen. When neither moved it
costs one query. Otherwise it re-reads the whole history of every code that has a new
scan (or a newly positioned one) and stores the alerts not stored yet; the rules fire the
same (rule, scan) pairs for the same history, and the unique key refuses a second copy.

The rules run when scans arrive, never while a page is read: a request that records scans
or positions calls ``refresh_soon``, which runs ``refresh_alerts`` once the request is done,
in a short transaction of its own, at most every few seconds in a worker process;
``flask --app trace alerts refresh`` runs it from a command.

A scan whose transaction commits after a refresh has passed its id (ids are handed out
before commit) is caught by the next refresh that has any news: each re-reads the codes of
the last ``RECHECK_SCANS`` scans below the watermark too.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from trace.alerts.models import WATERMARK_ROW_ID, Alert, AlertWatermark, UnitMark
from trace.alerts.signals import (
    BOT_FAMILY,
    BatchSize,
    Fired,
    MarkRecord,
    ScanRecord,
    evaluate,
    render_reason,
)
from trace.batches.models import Batch, LabelCode
from trace.common.communes import find_commune
from trace.common.field_errors import present
from trace.common.pagination import Page
from trace.db import utcnow, write_apart
from trace.registry.models import Cooperative
from trace.scans.models import Scan
from trace.scans.services import POSITION_WINDOW
from trace.signing.codes import Verdict

RECHECK_SCANS = 100
# Codes read per query: well under SQLite's limit on bound parameters.
KEYS_PER_QUERY = 500
MAX_ALERTS_LISTED = 1000

KeyT = TypeVar("KeyT")

# When this worker process last asked for a refresh (time.monotonic()): busy label pages
# must not run the rules on every visit.
_last_refresh_asked: list[float] = [float("-inf")]


@dataclass(frozen=True)
class _Progress:
    """The watermark as stored, and the newest scan id and position in the database now."""

    last_scan_id: int
    last_positioned_at: datetime | None
    positions_checked_from: datetime | None
    newest_scan_id: int
    newest_positioned_at: datetime | None

    @property
    def has_news(self) -> bool:
        if self.newest_scan_id > self.last_scan_id:
            return True
        newest, last = self.newest_positioned_at, self.last_positioned_at
        return newest is not None and (last is None or newest > last)


@dataclass
class _Codes:
    """What to re-evaluate: unit codes, batches (for their batch codes), unknown code texts."""

    unit_code_ids: set[int]
    batch_ids: set[int]
    unknown_texts: set[str]


def refresh_alerts(session: Session, now: datetime | None = None) -> int:
    """Evaluate the clone rules for every code with news since the last refresh, store the
    alerts that fired and were not stored yet, and return how many were stored.

    ``now`` is the rules' clock and defaults to the current time: scans stamped later are
    not judged yet, and the watermark stops below them. On PostgreSQL the watermark row is
    locked, so concurrent refreshes run one after the other.
    """
    now = now or utcnow()
    progress = _progress(session, lock=False)
    if progress is not None and not progress.has_news:
        return 0
    progress = _progress(session, lock=True) or _create_watermark(session)
    if not progress.has_news:
        return 0
    codes = _codes_with_news(session, progress)
    stored = 0
    for chunk in _chunks(codes.unit_code_ids):
        stored += _store(session, _fire_for_units(session, chunk, now))
    for chunk in _chunks(codes.batch_ids):
        stored += _store(session, _fire_for_batches(session, chunk, now))
    for text_chunk in _chunks(codes.unknown_texts):
        stored += _store(session, _fire_for_unknown_texts(session, text_chunk, now))
    _advance(session, progress, now)
    return stored


def refresh_soon(session: Session, every_seconds: float) -> None:
    """After new scans or positions: run ``refresh_alerts`` once this request is done, unless
    this worker asked for it less than ``every_seconds`` ago."""
    asked_at = time.monotonic()
    if asked_at - _last_refresh_asked[0] < every_seconds:
        return
    _last_refresh_asked[0] = asked_at
    write_apart(session, refresh_alerts)


def list_alerts(
    session: Session,
    *,
    province_code: str | None = None,
    cooperative_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Alert]:
    """Alerts newest first, of one province and/or cooperative, at most ``limit`` (1 to
    1,000) from ``offset``."""
    query = (
        select(Alert)
        .where(*_alert_filters(province_code, cooperative_id))
        .order_by(Alert.fired_at.desc(), Alert.id.desc())
        .limit(max(1, min(limit, MAX_ALERTS_LISTED)))
        .offset(max(0, offset))
    )
    return session.scalars(query).all()


def alerts_page(
    session: Session,
    *,
    province_code: str | None = None,
    cooperative_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Alert]:
    """One page of ``list_alerts``, with how many alerts match in all."""
    total = session.scalar(
        select(func.count(Alert.id)).where(*_alert_filters(province_code, cooperative_id))
    )
    items = list_alerts(
        session,
        province_code=province_code,
        cooperative_id=cooperative_id,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    return Page(items=items, total=total or 0, page=page, per_page=per_page)


def _alert_filters(
    province_code: str | None, cooperative_id: int | None
) -> list[ColumnElement[bool]]:
    filters = []
    if province_code is not None:
        filters.append(Alert.province_code == province_code)
    if cooperative_id is not None:
        filters.append(Alert.cooperative_id == cooperative_id)
    return filters


def alert_message(alert: Alert) -> str:
    """Why the alert fired, in the language in force."""
    return render_reason(alert.rule, alert.reason_params)


def _progress(session: Session, *, lock: bool) -> _Progress | None:
    """The watermark and the newest scan id and position: one query. None without a row."""
    newest_scan_id = select(func.max(Scan.id)).scalar_subquery()
    # Only scans recent enough to still gain a position: a short range of an index.
    newest_positioned_at = (
        select(func.max(Scan.positioned_at))
        .where(Scan.scanned_at >= AlertWatermark.positions_checked_from)
        .scalar_subquery()
    )
    query = select(
        AlertWatermark.last_scan_id,
        AlertWatermark.last_positioned_at,
        AlertWatermark.positions_checked_from,
        newest_scan_id,
        newest_positioned_at,
    ).where(AlertWatermark.id == WATERMARK_ROW_ID)
    if lock:
        query = query.with_for_update(of=AlertWatermark)
    row = session.execute(query).first()
    if row is None:
        return None
    last_scan_id, last_positioned_at, checked_from, newest_id, newest_position = row
    return _Progress(
        last_scan_id, last_positioned_at, checked_from, newest_id or 0, newest_position
    )


def _create_watermark(session: Session) -> _Progress:
    """The migration makes the row; a database built another way gets it on first use."""
    session.add(AlertWatermark(id=WATERMARK_ROW_ID, last_scan_id=0))
    session.flush()
    newest_scan_id = session.scalar(select(func.max(Scan.id))) or 0
    return _Progress(0, None, None, newest_scan_id, None)


def _codes_with_news(session: Session, progress: _Progress) -> _Codes:
    news: ColumnElement[bool] = Scan.id > progress.last_scan_id - RECHECK_SCANS
    if progress.positions_checked_from is not None:
        news = or_(
            news,
            and_(
                Scan.scanned_at >= progress.positions_checked_from,
                Scan.positioned_at.is_not(None),
            ),
        )
    query = (
        select(Scan.label_code_id, Scan.batch_id, Scan.code_text, Scan.verdict, LabelCode.serial)
        .outerjoin(LabelCode, LabelCode.id == Scan.label_code_id)
        .where(
            news,
            Scan.user_agent_family != BOT_FAMILY,
            or_(Scan.label_code_id.is_not(None), Scan.verdict == Verdict.UNKNOWN_BATCH),
        )
        .distinct()
    )
    codes = _Codes(set(), set(), set())
    for label_code_id, batch_id, code_text, verdict, serial in session.execute(query):
        if label_code_id is not None and serial is not None:
            codes.unit_code_ids.add(label_code_id)
        elif label_code_id is not None and batch_id is not None:
            codes.batch_ids.add(batch_id)
        elif verdict is Verdict.UNKNOWN_BATCH:
            codes.unknown_texts.add(code_text)
    return codes


def _fire_for_units(session: Session, label_code_ids: list[int], now: datetime) -> list[Fired]:
    scans = _scan_records(session, Scan.label_code_id.in_(label_code_ids))
    query = select(UnitMark.label_code_id, UnitMark.kind, UnitMark.marked_at).where(
        UnitMark.label_code_id.in_(label_code_ids)
    )
    marks: dict[int, list[MarkRecord]] = {}
    for label_code_id, kind, marked_at in session.execute(query):
        marks.setdefault(label_code_id, []).append(MarkRecord(label_code_id, kind, marked_at))
    return evaluate(scans, now=now, marks=marks)


def _fire_for_batches(session: Session, batch_ids: list[int], now: datetime) -> list[Fired]:
    scans = _scan_records(
        session,
        and_(
            Scan.batch_id.in_(batch_ids),
            Scan.label_code_id.is_not(None),
            LabelCode.serial.is_(None),
        ),
    )
    unit_codes = (
        select(func.count())
        .where(LabelCode.batch_id == Batch.id, LabelCode.serial.is_not(None))
        .scalar_subquery()
    )
    query = select(Batch.id, unit_codes, Batch.quantity, Batch.unit).where(Batch.id.in_(batch_ids))
    sizes = {
        batch_id: BatchSize(unit_codes=count, quantity=quantity, unit=unit)
        for batch_id, count, quantity, unit in session.execute(query)
    }
    return evaluate(scans, now=now, sizes=sizes)


def _fire_for_unknown_texts(session: Session, texts: list[str], now: datetime) -> list[Fired]:
    scans = _scan_records(
        session, and_(Scan.verdict == Verdict.UNKNOWN_BATCH, Scan.code_text.in_(texts))
    )
    return evaluate(scans, now=now)


def _scan_records(session: Session, condition: ColumnElement[bool]) -> list[ScanRecord]:
    """The scans matching ``condition`` (bots left out) as the rules read them."""
    query = (
        select(
            Scan.id,
            Scan.scanned_at,
            Scan.code_text,
            Scan.verdict,
            Scan.is_signature_valid,
            Scan.label_code_id,
            Scan.batch_id,
            LabelCode.serial,
            Scan.latitude,
            Scan.longitude,
            Scan.user_agent_family,
            Scan.is_inspection,
        )
        .outerjoin(LabelCode, LabelCode.id == Scan.label_code_id)
        .where(condition, Scan.user_agent_family != BOT_FAMILY)
    )
    return [
        ScanRecord(
            id=row.id,
            scanned_at=row.scanned_at,
            code_text=row.code_text,
            verdict=row.verdict,
            is_signature_valid=row.is_signature_valid,
            label_code_id=row.label_code_id,
            batch_id=row.batch_id,
            is_unit=row.serial is not None,
            latitude=None if row.latitude is None else float(row.latitude),
            longitude=None if row.longitude is None else float(row.longitude),
            user_agent_family=row.user_agent_family,
            is_inspection=row.is_inspection,
        )
        for row in session.execute(query)
    ]


def _store(session: Session, fired: list[Fired]) -> int:
    """Insert the alerts not stored yet; how many were inserted."""
    if not fired:
        return 0
    scan_ids = {alert.scan.id for alert in fired}
    stored = set(
        session.execute(
            select(Alert.rule, Alert.scan_id).where(Alert.scan_id.in_(scan_ids))
        ).tuples()
    )
    new = [alert for alert in fired if (alert.rule, alert.scan.id) not in stored]
    owners = _cooperatives_of(session, {alert.scan.batch_id for alert in new})
    for alert in new:
        cooperative_id, cooperative_province = owners.get(alert.scan.batch_id, (None, None))
        province = alert.scan.province
        session.add(
            Alert(
                fired_at=alert.scan.scanned_at,
                rule=alert.rule,
                reason_params=alert.params,
                scan_id=alert.scan.id,
                label_code_id=alert.scan.label_code_id,
                code_text=alert.scan.code_text,
                batch_id=alert.scan.batch_id,
                cooperative_id=cooperative_id,
                province_code=province.code if province is not None else cooperative_province,
            )
        )
    session.flush()
    return len(new)


def _cooperatives_of(
    session: Session, batch_ids: set[int | None]
) -> dict[int | None, tuple[int, str | None]]:
    """Each batch's cooperative and the cooperative's province code."""
    known = [batch_id for batch_id in batch_ids if batch_id is not None]
    if not known:
        return {}
    query = (
        select(Batch.id, Cooperative.id, Cooperative.commune_code)
        .join(Cooperative, Cooperative.id == Batch.cooperative_id)
        .where(Batch.id.in_(known))
    )
    owners: dict[int | None, tuple[int, str | None]] = {}
    for batch_id, cooperative_id, commune_code in session.execute(query):
        commune = find_commune(commune_code)
        owners[batch_id] = (cooperative_id, commune.province_code if commune else None)
    return owners


def _advance(session: Session, progress: _Progress, now: datetime) -> None:
    # Locked above, created if it was missing.
    watermark = present(session.get(AlertWatermark, WATERMARK_ROW_ID))
    # Scans stamped after the rules' clock were not judged: stop below the first of them.
    first_unseen = session.scalar(
        select(func.min(Scan.id)).where(Scan.id > progress.last_scan_id, Scan.scanned_at > now)
    )
    newest = progress.newest_scan_id if first_unseen is None else first_unseen - 1
    watermark.last_scan_id = max(progress.last_scan_id, min(newest, progress.newest_scan_id))
    positions = [
        moment
        for moment in (progress.last_positioned_at, progress.newest_positioned_at)
        if moment is not None
    ]
    watermark.last_positioned_at = max(positions, default=None)
    watermark.positions_checked_from = now - POSITION_WINDOW
    watermark.refreshed_at = now
    session.flush()


def _chunks(keys: Iterable[KeyT]) -> Iterator[list[KeyT]]:
    ordered = list(keys)
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        yield ordered[start : start + KEYS_PER_QUERY]
