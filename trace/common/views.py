"""What every page shares: the caller, list queries and pages, saving a form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from flask import request, url_for
from flask_login import current_user

from trace.common.forms import RegistryForm, without_control_characters
from trace.common.pagination import ListQuery
from trace.common.schemas import MAX_ID
from trace.errors import InvalidInput

if TYPE_CHECKING:
    from trace.auth.models import User

RecordT = TypeVar("RecordT")

MAX_PAGE = 100000


def caller() -> User:
    user: User = current_user._get_current_object()
    return user


def list_query() -> ListQuery:
    """Search, archived toggle, page and cooperative from the query string, all forgiving."""
    page_text = request.args.get("page", "")
    cooperative_text = request.args.get("cooperative", "")
    return ListQuery(
        search=without_control_characters(request.args.get("q", "")[:100]),
        include_archived=request.args.get("archived") == "1",
        cooperative_id=_bounded_int(cooperative_text, MAX_ID),
        page=_bounded_int(page_text, MAX_PAGE) or 1,
    )


def _bounded_int(text: str, maximum: int) -> int | None:
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def page_url(page: int) -> str:
    """This list's address with the same search, on another page."""
    args: dict[str, Any] = dict(request.args.items())
    args["page"] = page
    return url_for(str(request.endpoint), **args)


def submit(form: RegistryForm, save: Callable[[Mapping[str, Any]], RecordT]) -> RecordT | None:
    """Save a submitted form; on any problem return None with every message at its field.

    The service is called even when the form found a problem of its own, so the person
    sees every field to fix at once (one message a field, the service's first). The 422
    answer then rolls back whatever the service flushed.
    """
    form.validate()
    problems = form.problems()
    record: RecordT | None
    try:
        record = save(form.values())
    except InvalidInput as error:
        form.attach_errors(error.errors)
        record = None
    form.attach_errors(problems, only_new=True)
    return None if form.errors else record


def form_status(form: RegistryForm) -> int:
    """422 when a submitted form is sent back to be corrected."""
    return 422 if form.is_submitted() and form.errors else 200
