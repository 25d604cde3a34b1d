"""The GS1 resolver's own answers on a label URL, beside the page: the linkset, a redirect
to the link a ``linkType`` asks for, the list when several fit (300), a 404 when none does.

A request is a resolver request when it names a ``linkType`` or prefers
``application/linkset+json`` to HTML. A request with no query at all (a typed-in or linked
address) is redirected to the default link, the page in the reader's language
(``default_redirect``); any other request, a scan with ``k`` and ``s`` among them, gets the
page itself, with no redirect. Every answer about an item names its linkset in a ``Link``
header (``link_header``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from trace.lookup import linkset
from trace.lookup.linkset import ResolverLink
from trace.lookup.resolver import chosen_links, page_href, page_language, passed_on

ResponseT = TypeVar("ResponseT", bound=BaseResponse)
# How long a client may keep a linkset or a resolver's redirect.
RESOLVER_MAX_AGE = 300
# Every answer's content depends on these request headers.
VARY = "Accept, Accept-Language, Cookie"
LINKSET_TYPES = ("linkset", "all")


@dataclass(frozen=True)
class Item:
    """An identified item as the resolver answers for it: its anchor (URL without query),
    its description, and its links (gathered only when a request needs them)."""

    anchor: str
    description: str
    links: Callable[[], list[ResolverLink]]


def is_resolver_request() -> bool:
    """The request names a link type, or asks for the linkset by its media type."""
    if "linkType" in request.args:
        return True
    accepted = request.accept_mimetypes.best_match(["text/html", linkset.MEDIA_TYPE])
    return accepted == linkset.MEDIA_TYPE


def resolver_answer(item: Item, raw_query: str | None) -> BaseResponse:
    """The linkset, a 307 to the one link that fits, a 300 with the several that fit
    equally, or a 404 when the item has no link of the type asked for."""
    requested = request.args.get("linkType")
    if requested is None or requested in LINKSET_TYPES:
        return _linkset_response(item.anchor, item.description, item.links())
    term = linkset.link_type_term(requested)
    chosen = (
        chosen_links(item.links(), term, reader_languages(), list(request.accept_mimetypes))
        if term is not None
        else []
    )
    if not chosen:
        return json_not_found(_("This item has no link of this type."), item.anchor)
    if len(chosen) > 1:
        return _linkset_response(item.anchor, item.description, chosen, status=300)
    response = redirect(passed_on(chosen[0].href, raw_query), 307)
    return _resolver_headers(response, item.anchor)


def default_redirect(page_anchor: str, anchor: str) -> BaseResponse:
    """A 307 to the page at ``page_anchor`` in the reader's language: for an item's own
    URL, its default link (``page_anchor`` is then ``anchor``, the item the answer is
    about)."""
    response = redirect(page_href(page_anchor, reader_page_language()), 307)
    return _resolver_headers(response, anchor)


def reader_page_language() -> str:
    """The page language the reader asked for or prefers: the default link's language."""
    return page_language(reader_languages())


def reader_languages() -> list[tuple[str, float]]:
    """The reader's languages: the page's ``lang`` when the query chooses one, else the
    Accept-Language header's, with their q-values."""
    chosen = request.args.get("lang")
    if chosen in ("vi", "en"):
        return [(chosen, 1.0)]
    return list(request.accept_languages)


def json_not_found(message: str, anchor: str | None = None) -> Response:
    """A 404 a program reads: the status and why, in the reader's language."""
    body = {"code": 404, "message": message}
    response = Response(json.dumps(body, ensure_ascii=False), 404, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = VARY
    if anchor is not None:
        response.headers["Link"] = linkset.link_header(anchor)
    return response


def json_response(document: dict[str, Any], mimetype: str, max_age: int) -> Response:
    """A public JSON document any origin may read."""
    response = Response(json.dumps(document, ensure_ascii=False), mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _linkset_response(
    anchor: str, description: str, links: list[ResolverLink], status: int = 200
) -> Response:
    document = linkset.linkset(anchor, description, links)
    response = json_response(document, linkset.MEDIA_TYPE, RESOLVER_MAX_AGE)
    response.status_code = status
    return _resolver_headers(response, anchor)


def _resolver_headers(response: ResponseT, anchor: str) -> ResponseT:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={RESOLVER_MAX_AGE}"
    response.headers["Vary"] = VARY
    response.headers["Link"] = linkset.link_header(anchor)
    return response
