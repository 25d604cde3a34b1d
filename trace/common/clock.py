"""The Vietnam clock: times are stored in UTC and judged and shown in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    """Today in Vietnam: the day dates, expiries and certificate statuses are judged on."""
    return datetime.now(LOCAL_TIMEZONE).date()


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as people in Vietnam read it."""
    return moment.astimezone(LOCAL_TIMEZONE)
