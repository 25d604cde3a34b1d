"""The links a label URL resolves to, and their RFC 9264 linkset as a GS1 resolver serves it.

Link relation types are GS1 Web Vocabulary terms. A request may name one as a CURIE
(``gs1:pip``) or as a URI in any of the vocabulary's spellings (``https://gs1.org/voc/pip``,
``https://ref.gs1.org/voc/pip``, ``http://www.gs1.org/voc/pip``); the linkset writes the
URI ``https://gs1.org/voc/{term}``, the only form GS1's linkset schema accepts as a key
beside registered short names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

GS1 = "https://gs1.org/voc/"
MEDIA_TYPE = "application/linkset+json"
# The GS1-Conformant Resolver standard's JSON-LD context for a linkset (unchanged since 1.0).
CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
JSON_LD_CONTEXT = "http://www.w3.org/ns/json-ld#context"

_GS1_SPELLINGS = re.compile(r"^(?:gs1:|https?://(?:www\.|ref\.)?gs1\.org/voc/)([A-Za-z]+)$")


@dataclass(frozen=True)
class ResolverLink:
    """One link of a label URL: its GS1 link type (a term such as ``pip``), target and
    attributes. ``hreflang`` is empty for a link in no one language."""

    link_type: str
    href: str
    title: str
    hreflang: tuple[str, ...] = ()
    media_type: str | None = "text/html"

    @property
    def relation(self) -> str:
        """The link type as the linkset writes it: the vocabulary URI."""
        return f"{GS1}{self.link_type}"

    def as_target(self) -> dict[str, Any]:
        """The RFC 9264 target object: href, title, then the attributes the link has."""
        target: dict[str, Any] = {"href": self.href, "title": self.title}
        if self.media_type:
            target["type"] = self.media_type
        if self.hreflang:
            target["hreflang"] = list(self.hreflang)
        return target


def link_type_term(requested: str) -> str | None:
    """The GS1 term a ``linkType`` value names, or None for a value outside the vocabulary."""
    match = _GS1_SPELLINGS.match(requested.strip())
    return match.group(1) if match else None


def linkset(anchor: str, item_description: str, links: list[ResolverLink]) -> dict[str, Any]:
    """The linkset of one identified item: its anchor, description and links by type.

    ``gs1:defaultLink`` carries a title and nothing else, as the standard requires.
    """
    context: dict[str, Any] = {"anchor": anchor, "itemDescription": item_description}
    for link in links:
        target = link.as_target()
        if link.link_type == "defaultLink":
            target = {"href": link.href, "title": link.title}
        context.setdefault(link.relation, []).append(target)
    return {"linkset": [context]}


def link_header(anchor: str) -> str:
    """The ``Link`` header every answer about an item carries: where its linkset is, and
    the JSON-LD context that turns the linkset into linked data."""
    return (
        f'<{anchor}?linkType=linkset>; rel="linkset"; type="{MEDIA_TYPE}", '
        f'<{CONTEXT}>; rel="{JSON_LD_CONTEXT}"; type="application/ld+json"'
    )
