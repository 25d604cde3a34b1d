"""Pages of lists: what a page holds and what a caller may ask of a list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from trace.db import Base

ModelT = TypeVar("ModelT", bound=Base)


MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[ModelT]):
    """One page of a list, with the total so pagers can show how many there are."""

    items: Sequence[ModelT]
    total: int
    page: int
    per_page: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class ListQuery:
    """What a caller may ask of any registry list."""

    search: str = ""
    include_archived: bool = False
    cooperative_id: int | None = None
    page: int = 1
    per_page: int = 20
