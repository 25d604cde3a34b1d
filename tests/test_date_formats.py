"""The date filters write what Flask-Babel's would, in Vietnam time, faster."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale, format_date, format_datetime

from trace.web.i18n import day_format, moment_format

DAYS = [date(2026, 1, 5), date(2024, 2, 29), date(999, 12, 31), date(2026, 11, 24)]
MOMENTS = [
    datetime(2026, 11, 23, 16, 59, tzinfo=UTC),  # 23:59 in Vietnam
    datetime(2026, 11, 23, 17, 0, tzinfo=UTC),  # the next day there
    datetime(2026, 1, 1, 8, 5, 9),  # no zone: UTC, as Flask-Babel reads it
    datetime(2026, 6, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", DAYS + MOMENTS)
@pytest.mark.parametrize("pattern", ["dd/MM/yyyy", "d MMMM yyyy", None])
def test_dateformat_writes_what_flask_babel_writes(app, language, value, pattern):
    with app.test_request_context("/"), force_locale(language):
        assert day_format(value, pattern) == format_date(value, pattern)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", MOMENTS)
@pytest.mark.parametrize("pattern", ["dd/MM/yyyy HH:mm", "HH:mm dd/MM", None])
def test_datetimeformat_writes_what_flask_babel_writes(app, language, value, pattern):
    with app.test_request_context("/"), force_locale(language):
        assert moment_format(value, pattern) == format_datetime(value, pattern)


def test_templates_use_them(app):
    with app.test_request_context("/"):
        rendered = app.jinja_env.from_string(
            '{{ day | dateformat("dd/MM/yyyy") }} {{ moment | datetimeformat("dd/MM/yyyy HH:mm") }}'
        ).render(day=date(2026, 3, 8), moment=MOMENTS[1])

    assert rendered == "08/03/2026 24/11/2026 00:00"
