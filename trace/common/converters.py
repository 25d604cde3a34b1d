"""URL converters: ``id`` (``/batches/<id:batch_id>`` matches the ids a row can have)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from trace.common.schemas import MAX_ID


class IdConverter(IntegerConverter):
    """A record id: a non-negative integer no larger than a PostgreSQL ``integer``.

    A larger number in a path is a 404 like any unknown id, instead of a database error.
    """

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, max=MAX_ID)
