"""marshmallow's and webargs' own messages, in the caller's language.

They write in English ("Must be greater than or equal to 1."), inside answers whose message
is in the request's language. Each message they wrote is matched against their templates
and replaced by our catalogue's translation, with the values it named kept; the shape of
the errors (field names, lists, nesting) stays as it was, and our own messages, already
translated, match no template and pass through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _


def N_(msgid: str) -> str:  # noqa: N802 - Babel's marker for text translated later
    """Marks a message for the catalogue without translating it here."""
    return msgid


# The messages of marshmallow 4 (fields, validators, schemas) and webargs 8, as they read
# once marshmallow has put in the words it chooses itself ({min_op}, {obj_type}).
TEMPLATES: tuple[str, ...] = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Invalid input type."),
    N_("Invalid input."),
    N_("Unknown field."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid UUID."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid integer."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid naive datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive time."),
    N_("Not a valid aware time."),
    N_("Not a valid period of time."),
    N_("Not a valid mapping type."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("String does not match expected pattern."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("One or more of the choices you made was in: {values}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Invalid JSON body."),
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each template as a pattern matching what marshmallow writes, with its msgid; the
    longest first, so "greater than {min} and less than {max}" is not read as a "{min}"."""
    compiled = []
    for msgid in sorted(TEMPLATES, key=len, reverse=True):
        parts = _PLACEHOLDER.split(msgid)
        # split alternates text and placeholder names: text, name, text, name, text...
        pattern = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        compiled.append((re.compile(f"^{pattern}$", re.DOTALL), msgid))
    return tuple(compiled)


def translated_message(message: str) -> str:
    """One message in the language in force, or the message itself when it is not theirs."""
    for pattern, msgid in _patterns():
        matched = pattern.match(message)
        if matched is not None:
            return _(msgid).format_map(matched.groupdict())
    return message


def translated_errors(errors: Any) -> Any:
    """Field errors as marshmallow nests them (mappings, lists, strings), each string
    translated; keys are never changed: they name fields and list positions."""
    if isinstance(errors, str):
        return translated_message(errors)
    if isinstance(errors, Mapping):
        return {key: translated_errors(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [translated_errors(value) for value in errors]
    return errors
