"""Tests share one app per database, yet none sees what an earlier test did to it.

The tests here run in pairs, in file order: the first changes something, the second checks
that it came back (on each database, as the app fixture is built per database).
"""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import log_in
from tests.factories import make_cooperative
from trace.registry.models import Cooperative

CHANGED_LIMIT = "1 per day"


def test_a_test_changes_the_configuration_and_adds_rows(app, session):
    app.config["TRACE_LOGIN_RATE_LIMIT"] = CHANGED_LIMIT
    app.config["TRACE_ISOLATION_PROBE"] = True
    make_cooperative(session, name="HTX Còn sót lại")
    session.commit()


def test_the_next_test_has_the_configuration_back_and_no_rows(app, session):
    assert app.config["TRACE_LOGIN_RATE_LIMIT"] != CHANGED_LIMIT
    assert "TRACE_ISOLATION_PROBE" not in app.config
    name = select(func.count()).where(Cooperative.name == "HTX Còn sót lại")
    assert session.scalar(name) == 0


def test_a_test_uses_up_the_sign_in_limit(client):
    statuses = [log_in(client, "who@example.vn", "wrong password").status_code for _ in range(11)]
    assert statuses[-1] == 429


def test_the_next_test_may_sign_in_again(client):
    assert log_in(client, "who@example.vn", "wrong password").status_code != 429
