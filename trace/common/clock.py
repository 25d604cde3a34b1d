"""The Vietnam clock: times are stored in UTC and judged and shown in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    """Today in Vietnam: the day dates, expiries and certificate statuses are judged on."""
    return datetime.now(LOCAL_TIMEZONE).date()


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as people in Vietnam read it."""
    return moment.astimezone(LOCAL_TIMEZONE)


# A filter's days are kept within these: year 1 or 9999 would overflow once moved to UTC, and
# no record lies beyond them, so the same records are listed.
EARLIEST_FILTER_DAY, LATEST_FILTER_DAY = date(1900, 1, 1), date(9000, 12, 31)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a day in Vietnam starts and ends (the end excluded)."""
    start = datetime.combine(day, time.min, LOCAL_TIMEZONE)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def within_filter_days(day: date) -> date:
    """The day, moved into the filter's range from either side (a ``date_to`` of year 1
    overflows as surely as a ``date_from`` of year 9999)."""
    return min(max(day, EARLIEST_FILTER_DAY), LATEST_FILTER_DAY)
