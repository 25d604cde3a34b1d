"""What a content check hands back, and how it refuses a file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from flask_babel import LazyString

from trace.errors import InvalidInput

# The form field every upload error is reported on.
FILE_FIELD = "file"


@dataclass(frozen=True)
class CheckedFile:
    """Bytes that passed the checks (re-encoded for images), ready to be stored."""

    data: bytes
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None


def refuse(message: str | LazyString) -> NoReturn:
    """Refuse the upload with ``message`` on the file field."""
    raise InvalidInput(errors={FILE_FIELD: [str(message)]})
