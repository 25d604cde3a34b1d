"""Property-based run of the whole API against its own OpenAPI document.

Every operation gets generated requests, valid and not, with an operator's token; any
server error, undocumented status or body that breaks the schema fails the suite.
"""

from __future__ import annotations

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import POSTGRES_URL
from tests.factories import make_user
from trace.auth.models import Role
from trace.auth.services import issue_api_token

# Valid-looking data may still break a rule no schema can state (a tax code's check digit,
# an official commune, a unique number): the services answer 422 naming the field.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            }
        }
    }
)


def filter_query(context, query):
    """Drop queries with an empty-list parameter: nothing is sent for it, so schemathesis
    would wrongly count the request as carrying an unknown parameter the API accepted."""
    return not any(value == [] for value in (query or {}).values())


@pytest.fixture
def api_schema(app, tenants):
    # Hypothesis sends more checks a minute than the public verify route allows one address;
    # the limit has a test of its own (tests/verification/test_api.py).
    app.config["TRACE_VERIFY_RATE_LIMIT"] = "100000 per minute"
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    loaded.hook(filter_query)
    return loaded


@pytest.fixture
def operator_token(session):
    return issue_api_token(session, make_user(session, Role.OPERATOR))


# Label files are left out: an example may ask for 10,000 serialised labels, seconds of work
# each, and the response is a file, not JSON. tests/printing/test_api.py covers the route.
schema = schemathesis.pytest.from_fixture("api_schema").exclude(
    path_regex=r"/labels$", method="GET"
)


# A few thousand generated requests take a minute or more on each database: one run, on
# PostgreSQL where the suite has it, since it refuses what SQLite lets through (text longer
# than its column, a NUL character), as production's database would.
FUZZED_DATABASE = "postgresql" if POSTGRES_URL else "sqlite"


@pytest.mark.parametrize("database_url", [FUZZED_DATABASE], indirect=True, scope="session")
@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, operator_token):
    # Each request in a fresh context, as a real server serves it: otherwise requests share
    # the test's session, and the first 4xx rolls back the operator's token with it.
    contextvars.Context().run(
        case.call_and_validate, headers={"Authorization": f"Bearer {operator_token}"}
    )
