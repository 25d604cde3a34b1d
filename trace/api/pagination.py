"""List arguments shared by the registry lists, turned into what the services take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trace.common.pagination import ListQuery


def list_query(args: Mapping[str, Any]) -> ListQuery:
    """The services' query from parsed ``ListArgs`` (``q`` is the search text)."""
    return ListQuery(
        search=args.get("q", ""),
        include_archived=args.get("include_archived", False),
        cooperative_id=args.get("cooperative_id"),
        page=args.get("page", 1),
        per_page=args.get("per_page", 20),
    )
