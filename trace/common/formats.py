"""How days, moments and numbers are written for people: one format each, in the language in
force (Vietnamese "5 tháng 12, 2026", "09:04 5 tháng 12, 2026", "10,5"; English
"December 5, 2026", "December 5, 2026, 9:04 AM", "10.5").

Pages, PDFs, mails, alert reasons and the commands' text all use these, so nothing mixes
"1 thg 1, 2026" with "01/01/2026" (spreadsheet cells keep dd/mm/yyyy, which spreadsheets
read as dates). They are Babel's "long" date and "short" time
joined by the locale's date-time pattern; the two languages of the site are written
directly, without Babel's pattern machinery (a label page shows up to a dozen dates), and a
test checks that they write what Babel writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_datetime_format
from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import get_locale

from trace.common.clock import local_time

DAY_PATTERN = "long"
TIME_PATTERN = "short"
# CLDR puts a narrow no-break space before "AM"; PDF fonts and terminals may lack it.
NARROW_SPACE = "\u202f"
UNTRANSLATED_LANGUAGE = "en"

_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _en_time(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


_DAY_WRITERS: dict[str, Callable[[date], str]] = {
    "vi": lambda day: f"{day.day} tháng {day.month}, {day.year}",
    "en": lambda day: f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}",
}
_MOMENT_WRITERS: dict[str, Callable[[datetime], str]] = {
    "vi": lambda moment: f"{moment.hour:02d}:{moment.minute:02d} {_DAY_WRITERS['vi'](moment)}",
    "en": lambda moment: f"{_DAY_WRITERS['en'](moment)}, {_en_time(moment)}",
}


def _language(locale: Locale | str | None) -> str:
    """The language asked for, else the one in force; with no app at all, gettext leaves
    the text in English, and so does this."""
    if locale is None:
        locale = get_locale()
    return str(locale) if locale is not None else UNTRANSLATED_LANGUAGE


def local_day(day: date, locale: Locale | str | None = None) -> str:
    """A day as the language writes it in full; a time is first moved to Vietnam time."""
    if isinstance(day, datetime):
        day = in_vietnam(day)
    language = _language(locale)
    write = _DAY_WRITERS.get(language)
    if write is not None and day.year >= 1000:
        return write(day)
    return babel_format_date(day, DAY_PATTERN, locale=language)


def local_moment(moment: datetime, locale: Locale | str | None = None) -> str:
    """A moment in Vietnam time: the full day and the hour and minute."""
    moment = in_vietnam(moment)
    language = _language(locale)
    write = _MOMENT_WRITERS.get(language)
    if write is not None and moment.year >= 1000:
        return write(moment)
    pattern = str(get_datetime_format("medium", locale=language))
    time = babel_format_time(moment, TIME_PATTERN, locale=language).replace(NARROW_SPACE, " ")
    day = babel_format_date(moment, DAY_PATTERN, locale=language)
    return pattern.replace("{1}", day).replace("{0}", time)


def local_number(value: Any, locale: Locale | str | None = None) -> str:
    """A stored number as the language writes it, every digit kept and none added:
    12.50 -> "12,5" in Vietnamese, "12.5" in English; None -> ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return babel_format_decimal(number, locale=_language(locale), decimal_quantization=False)


def in_vietnam(moment: datetime) -> datetime:
    """As Flask-Babel rebases: a time without a zone is UTC."""
    return local_time(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))
