"""Checks an inspector made with no network, sent later from the verify page's queue.

Each is checked again here and the server's verdict is the one stored, as a scan at the
time the inspector made the check. A check is recorded once: the page resends what it did
not hear back about, so a check already stored (same code, same time) is not stored again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.common.schemas import InputSchema
from trace.scans.models import Scan
from trace.signing.codes import MAX_CODE_LENGTH, Verdict
from trace.signing.services import rfc3339
from trace.verification.answers import MESSAGES
from trace.verification.checks import JudgedCode, judge_codes, record_checks

MAX_CHECKS_PER_REQUEST = 500
OLDEST_CHECK = timedelta(days=30)
# Phones' clocks run a little ahead; a check up to this far in the future is taken as now.
CLOCK_SKEW = timedelta(minutes=5)


class QueuedCheckIn(InputSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=MAX_CODE_LENGTH))
    checked_at = fields.AwareDateTime(required=True, format="iso")
    # What the browser said offline; only the server's verdict is stored.
    verdict = fields.String(required=True, validate=validate.OneOf([v.value for v in Verdict]))


class QueuedChecksIn(InputSchema):
    checks = fields.List(
        fields.Nested(QueuedCheckIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_CHECKS_PER_REQUEST),
    )


@dataclass(frozen=True)
class QueuedCheck:
    """One queued check, judged again: stored at ``checked_at`` unless it already was."""

    judged: JudgedCode
    offline_verdict: str
    checked_at: datetime
    is_new: bool


def load_queued(body: Any, now: datetime) -> list[dict[str, Any]]:
    """The checks in a request body; ``ValidationError`` naming each problem otherwise."""
    if not isinstance(body, dict):
        raise ValidationError({"_schema": [str(_l('Send a JSON object: {"checks": [...]}.'))]})
    checks: list[dict[str, Any]] = QueuedChecksIn().load(body)["checks"]
    late: dict[str, Any] = {}
    for index, check in enumerate(checks):
        problem = _time_problem(check["checked_at"], now)
        if problem is not None:
            late[str(index)] = {"checked_at": [problem]}
    if late:
        raise ValidationError({"checks": late})
    return checks


def judge_queued(
    session: Session, checks: list[dict[str, Any]], now: datetime
) -> list[QueuedCheck]:
    """Each check judged again, and whether it is new; reads only."""
    judged = judge_codes(session, [check["code"] for check in checks], with_facts=False)
    queued = []
    seen: set[tuple[str, datetime]] = set()
    for one, check in zip(judged, checks, strict=True):
        checked_at = min(check["checked_at"], now)
        key = (one.verification.text, checked_at)
        is_new = key not in seen and not _already_recorded(session, *key)
        seen.add(key)
        queued.append(QueuedCheck(one, check["verdict"], checked_at, is_new))
    return queued


def store_queued(
    session: Session,
    queued: list[QueuedCheck],
    *,
    user: User,
    remote_addr: str | None,
    user_agent: str | None,
) -> list[dict[str, Any]]:
    """Store the new checks as scans at their times; one result per check, in order."""
    for check in queued:
        if check.is_new:
            record_checks(
                session,
                [check.judged],
                user=user,
                remote_addr=remote_addr,
                user_agent=user_agent,
                now=check.checked_at,
            )
    return [_result(check) for check in queued]


def _time_problem(checked_at: datetime, now: datetime) -> str | None:
    if checked_at > now + CLOCK_SKEW:
        return str(_l("A check cannot be in the future."))
    if checked_at < now - OLDEST_CHECK:
        return str(_l("A check older than 30 days is not recorded."))
    return None


def _already_recorded(session: Session, code_text: str, scanned_at: datetime) -> bool:
    query = select(exists().where(Scan.code_text == code_text, Scan.scanned_at == scanned_at))
    return bool(session.scalar(query))


def _result(check: QueuedCheck) -> dict[str, Any]:
    verification = check.judged.verification
    return {
        "code": verification.text,
        "checked_at": rfc3339(check.checked_at),
        "verdict": verification.verdict.value,
        "valid": verification.is_valid,
        "message": str(MESSAGES[verification.verdict]),
        "offline_verdict": check.offline_verdict,
        "recorded": check.is_new,
    }
