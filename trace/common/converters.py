"""URL converters: ``id`` (``/batches/<id:batch_id>`` matches the ids a row can have) and
``compressed`` (a compressed GS1 Digital Link URI's one base64url segment)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import BaseConverter, IntegerConverter, Map

from trace.common.schemas import MAX_ID


class IdConverter(IntegerConverter):
    """A record id: a non-negative integer no larger than a PostgreSQL ``integer``.

    A larger number in a path is a 404 like any unknown id, instead of a database error.
    """

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, max=MAX_ID)


class CompressedConverter(BaseConverter):
    """A path segment of 8 or more base64url characters, as a compressed GS1 Digital Link
    URI has at the root (``/CxBAe2Jvog...``); any other segment matches no route here."""

    regex = "[A-Za-z0-9_-]{8,}"
