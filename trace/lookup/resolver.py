"""What a label URL resolves to, as a GS1-conformant resolver: the item's links, the one a
request for a link type leads to, and where the rest of the query goes.

The links are plain values (``ResolverLink``) gathered here; the views turn them into a
linkset, a 307 to the chosen link, a 300 when several fit equally, or a 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from trace.lookup.linkset import ResolverLink

# A link written in no one language suits any reader, but less than one in a language the
# reader asked for.
_ANY_LANGUAGE = 0.001
# Without an Accept-Language header the reader gets the platform's own language.
DEFAULT_LANGUAGES = (("vi", 1.0),)
PAGE_TITLES = {"vi": "Thông tin truy xuất nguồn gốc", "en": "Traceability information"}


@dataclass(frozen=True)
class ItemFacts:
    """What the built-in links of an item depend on: where it is and what it holds.

    ``anchor`` is the item's URL without a query; a product (a GTIN alone) has no
    certificates, steps or recall of its own, so ``is_batch`` is false for it. ``kept``
    are the links its cooperative keeps for the product or the batch (shop, marketplaces).
    """

    anchor: str
    verify_url: str
    is_batch: bool
    has_certificates: bool = False
    language: str = DEFAULT_LANGUAGES[0][0]
    kept: tuple[ResolverLink, ...] = ()


def page_href(anchor: str, language: str) -> str:
    """The page of an item in one language: the default link's target. Never the bare
    anchor: a request without a query is redirected to the default link."""
    return f"{anchor}?lang={language}"


def page_language(languages: Sequence[tuple[str, float]]) -> str:
    """The page language that best fits the reader's (``(value, q)`` pairs, as
    Accept-Language gives them); Vietnamese when none fits better."""
    asked = languages or DEFAULT_LANGUAGES
    # max() keeps the first of equals: the platform's own language wins a tie.
    return max(
        PAGE_TITLES,
        key=lambda language: _language_quality((language,), asked),
    )


def builtin_links(item: ItemFacts) -> list[ResolverLink]:
    """The links every item has: its page (the default, in the reader's language, and per
    language), the service that checks a code; for a batch, its certificates, recall status
    and production steps as the page shows them."""
    anchor = item.anchor
    links = [
        ResolverLink(
            "defaultLink", page_href(anchor, item.language), _("Traceability information")
        ),
        *(
            ResolverLink("pip", page_href(anchor, language), title, (language,))
            for language, title in PAGE_TITLES.items()
        ),
        ResolverLink(
            "verificationService",
            item.verify_url,
            'POST {"code": "<the QR text>"}',
            media_type="application/json",
        ),
    ]
    if item.is_batch:
        if item.has_certificates:
            title = _("Standards and certificates")
            links.append(ResolverLink("certificationInfo", f"{anchor}#certificates", title))
        links.append(ResolverLink("recallStatus", f"{anchor}#batch-title", _("Recall status")))
        # The EPCIS export (/api/v1/batches/{id}/epcis) is not linked: it carries the
        # quantities and trading partners the public page keeps private, and asks for a
        # token. The page's production steps are the public part of it.
        links.append(ResolverLink("traceability", f"{anchor}#steps-title", _("Production steps")))
    return links


def item_links(item: ItemFacts) -> list[ResolverLink]:
    """Every link of an item, in the order the linkset lists them."""
    return [*builtin_links(item), *item.kept]


def chosen_links(
    links: Sequence[ResolverLink],
    link_type: str,
    languages: Sequence[tuple[str, float]],
    media_types: Sequence[tuple[str, float]],
) -> list[ResolverLink]:
    """The links of ``link_type`` that best fit the reader's languages, then media types
    (each a list of ``(value, q)`` as the Accept headers give them): none, the one to
    redirect to, or several that fit equally (a 300)."""
    candidates = [link for link in links if link.link_type == link_type]
    if len(candidates) <= 1:
        return candidates
    scores = [
        (
            _language_quality(link.hreflang, languages or DEFAULT_LANGUAGES),
            _type_quality(link, media_types),
        )
        for link in candidates
    ]
    best = max(scores)
    return [link for link, score in zip(candidates, scores, strict=True) if score == best]


def _language_quality(hreflang: tuple[str, ...], languages: Sequence[tuple[str, float]]) -> float:
    """How well a link in ``hreflang`` (none: any language) fits the reader's languages."""
    if not hreflang:
        return _ANY_LANGUAGE
    qualities = [
        quality
        for asked, quality in languages
        for language in hreflang
        if _same_language(asked.lower(), language.lower())
    ]
    return max(qualities, default=0.0)


def _same_language(asked: str, language: str) -> bool:
    """``vi`` fits ``vi-VN`` and the other way round; ``*`` fits any."""
    return (
        asked in ("*", language)
        or asked.startswith(f"{language}-")
        or (language.startswith(f"{asked}-"))
    )


def _type_quality(link: ResolverLink, media_types: Sequence[tuple[str, float]]) -> float:
    if not media_types or not link.media_type:
        return 1.0
    kind = link.media_type.split("/")[0]
    fits = [
        quality for asked, quality in media_types if asked in ("*/*", f"{kind}/*", link.media_type)
    ]
    return max(fits, default=0.0)


def passed_on(href: str, raw_query: str | None) -> str:
    """``href`` with the request's query passed on (all but ``linkType`` and the keys the
    link's own query sets), as sent, before the link's own query: a signature's ``k`` and
    ``s`` then come before a ``lang``, where the page reads them."""
    target, hash_sign, fragment = href.partition("#")
    path, _question_mark, own_query = target.partition("?")
    own_keys = {pair.partition("=")[0] for pair in own_query.split("&")}
    pairs = [
        pair
        for pair in (raw_query or "").split("&")
        if pair and pair.partition("=")[0] not in {"linkType", *own_keys}
    ]
    if not pairs:
        return href
    query = "&".join([*pairs, *([own_query] if own_query else [])])
    return f"{path}?{query}{hash_sign}{fragment}"
