"""Field errors: every problem of an input collected, so one answer can list them all."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from trace.errors import InvalidInput

ValueT = TypeVar("ValueT")


# C0 controls and DEL, but not tab and line breaks, which descriptions may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldErrors:
    """Collects every field's problem so one answer can list them all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str | LazyString) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def check(self, field: str, rule: Callable[..., ValueT], *args: Any) -> ValueT | None:
        """Apply a validation rule; on ``ValueError`` record its message and return None."""
        try:
            return rule(*args)
        except ValueError as error:
            self.add(field, str(error))
            return None

    def text(self, field: str, raw: Any, limit: int) -> str:
        """Trimmed text within ``limit``; control characters (NUL breaks PostgreSQL) refused."""
        text = str(raw or "").strip()
        if CONTROL_CHARACTERS.search(text):
            self.add(field, _l("Remove the characters that are not text."))
        if len(text) > limit:
            self.add(field, _l("Use at most %(count)d characters.", count=limit))
        return text

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(errors=self.errors)


def present(value: ValueT | None) -> ValueT:
    """A value the checks before guarantee (``raise_if_any`` has passed): None is a bug.

    Unlike ``assert``, this still holds when Python runs with ``-O``.
    """
    if value is None:
        raise TypeError("a value the checks guarantee is missing")
    return value
