"""Property-based run of the whole API against its own OpenAPI document.

Every operation gets generated requests, valid and not, with an operator's token; any
server error, undocumented status or body that breaks the schema fails the suite.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.factories import make_user
from trace.auth.models import Role
from trace.auth.services import issue_api_token


@pytest.fixture
def api_schema(app, tenants):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def operator_token(session):
    return issue_api_token(session, make_user(session, Role.OPERATOR))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, operator_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {operator_token}"})
