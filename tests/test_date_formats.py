"""Days, moments and numbers: one format each, the language's, in Vietnam time, written as
Babel writes them."""

from __future__ import annotations

import pathlib
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from babel.dates import format_date, format_time, get_datetime_format
from flask_babel import force_locale

from trace.common.clock import local_time
from trace.common.formats import local_day, local_moment, local_number
from trace.web.i18n import day_format, moment_format

DAYS = [date(2026, 1, 5), date(2024, 2, 29), date(999, 12, 31), date(2026, 11, 24)]
MOMENTS = [
    datetime(2026, 11, 23, 16, 59, tzinfo=UTC),  # 23:59 in Vietnam
    datetime(2026, 11, 23, 17, 0, tzinfo=UTC),  # the next day there
    datetime(2026, 1, 1, 8, 5, 9),  # no zone: UTC, as Flask-Babel reads it
    datetime(2026, 6, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 3, 1, 5, 0, tzinfo=UTC),  # noon in Vietnam
]


def _vietnam(moment: datetime) -> datetime:
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", DAYS)
def test_a_day_is_babels_long_date(language, value):
    assert local_day(value, language) == format_date(value, "long", locale=language)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", MOMENTS)
def test_a_moment_is_babels_long_date_and_short_time_in_vietnam(language, value):
    here = _vietnam(value)
    expected = (
        get_datetime_format("medium", locale=language)
        .replace("{1}", format_date(here, "long", locale=language))
        .replace("{0}", format_time(here, "short", locale=language).replace("\u202f", " "))
    )
    assert local_moment(value, language) == expected
    assert local_day(value, language) == format_date(here, "long", locale=language)


def test_the_formats_people_read():
    moment = datetime(2026, 12, 5, 2, 4, tzinfo=UTC)
    assert local_day(date(2026, 1, 1), "vi") == "1 tháng 1, 2026"
    assert local_day(date(2026, 1, 1), "en") == "January 1, 2026"
    assert local_moment(moment, "vi") == "09:04 5 tháng 12, 2026"
    assert local_moment(moment, "en") == "December 5, 2026, 9:04 AM"


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (Decimal("10.50"), "10,5", "10.5"),
        (Decimal("12345.678900"), "12.345,6789", "12,345.6789"),
        (Decimal("1E+1"), "10", "10"),
        (7, "7", "7"),
        (None, "", ""),
    ],
)
def test_numbers_keep_their_digits_in_the_languages_marks(value, vi, en):
    assert (local_number(value, "vi"), local_number(value, "en")) == (vi, en)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_filters_follow_the_language_in_force(app, language):
    with app.test_request_context("/"), force_locale(language):
        rendered = app.jinja_env.from_string(
            "{{ day | dateformat }}|{{ moment | datetimeformat }}|{{ size | numberformat }}"
        ).render(day=date(2026, 3, 8), moment=MOMENTS[1], size=Decimal("10.5"))
        assert day_format(DAYS[0]) == local_day(DAYS[0], language)
        assert moment_format(MOMENTS[0]) == local_moment(MOMENTS[0], language)

    assert (
        rendered
        == {
            "vi": "8 tháng 3, 2026|00:00 24 tháng 11, 2026|10,5",
            "en": "March 8, 2026|November 24, 2026, 12:00 AM|10.5",
        }[language]
    )


def test_templates_name_no_pattern_of_their_own(app):
    """Every page writes days and moments the one way: no template picks its own pattern."""
    root = pathlib.Path(app.root_path).parent / "templates"
    own_patterns = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(dateformat|datetimeformat|decimalformat)\(|plain_decimal\(", line)
        and "latitude" not in line
    ]
    assert own_patterns == []
