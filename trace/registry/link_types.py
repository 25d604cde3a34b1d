"""The kinds of link a cooperative may keep for a product: terms of GS1's web vocabulary
(https://ref.gs1.org/voc/), named for people, and the marketplaces we recognise by host.

The links the platform makes itself (certificates, recall status, traceability, the verify
service) are not offered here: the resolver adds them to every batch.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# In the order the form offers them; "sold here" first.
LINK_TYPE_NAMES: dict[str, LazyString] = {
    "gs1:hasRetailers": _l("Where to buy: shop or marketplace listing"),
    "gs1:homepage": _l("Website of the producer"),
    "gs1:recipeInfo": _l("Recipes"),
    "gs1:instructions": _l("Instructions for use"),
    "gs1:consumerHandlingStorageInfo": _l("How to store it"),
    "gs1:nutritionalInfo": _l("Nutrition facts"),
    "gs1:ingredientsInfo": _l("Ingredients"),
    "gs1:allergenInfo": _l("Allergens"),
    "gs1:productSustainabilityInfo": _l("Sustainability of the product"),
    "gs1:promotion": _l("Promotions"),
    "gs1:relatedVideo": _l("Videos"),
    "gs1:socialMedia": _l("Social media"),
    "gs1:review": _l("Reviews"),
    "gs1:leaveReview": _l("Leave a review"),
    "gs1:faqs": _l("Questions and answers"),
    "gs1:support": _l("Customer support"),
}

# Marketplaces known by their host (and its subdomains): the name a title defaults to.
MARKETPLACES: dict[str, str] = {
    "postmart.vn": "Postmart",
    "voso.vn": "Voso",
    "shopee.vn": "Shopee",
    "lazada.vn": "Lazada",
    "tiki.vn": "Tiki",
    "sendo.vn": "Sendo",
    "37nghean.com": "37nghean",
}


def link_type_name(link_type: str) -> str:
    """A link type's name in the reader's language; an unknown term shows as stored."""
    name = LINK_TYPE_NAMES.get(link_type)
    return str(name) if name is not None else link_type


def marketplace_name(host: str) -> str | None:
    """The marketplace a host belongs to (www.shopee.vn -> Shopee), if we know it."""
    host = host.lower().rstrip(".")
    for domain, name in MARKETPLACES.items():
        if host == domain or host.endswith(f".{domain}"):
            return name
    return None
