"""GS1's EPCIS 2.0 JSON Schema as the export tests check documents against it."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft7Validator, FormatChecker

SCHEMA_DIR = Path(__file__).parent.parent / "data" / "epcis-2.0"
# RFC 3986 absolute URI: a scheme, then no spaces, no characters that must be escaped,
# and every % followed by two hex digits.
ABSOLUTE_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[^\s<>\"{}|\\^`%\x00-\x1f\x7f-\uffff]|%[0-9A-Fa-f]{2})*"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _format_checker() -> FormatChecker:
    """jsonschema checks ``uri`` and ``date-time`` only with optional packages we do not
    install; without them it accepts anything. These two checks stand in for them."""
    checker = FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(ABSOLUTE_URI.fullmatch(value))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(RFC3339.fullmatch(value)) and bool(datetime.fromisoformat(value))

    return checker


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / "EPCIS-JSON-Schema.json").read_text())
    return loaded


@pytest.fixture(scope="module")
def validator(schema) -> Draft7Validator:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=_format_checker())


def assert_valid(validator, schema, document) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    # A second, independent implementation that checks formats natively.
    jsonschema_rs.Draft7Validator(schema, validate_formats=True).validate(document)
