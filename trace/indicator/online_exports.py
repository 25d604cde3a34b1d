"""Indicator 13.7 evidence as files and data: its own CSV (13.4's keeps its columns, which
other programs read) and plain data for JSON.

The words are in the language in force, so call these inside ``force_locale`` or a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from trace.common.excel_csv import excel_csv
from trace.indicator.online import RULE, OnlineSales, ProductOnline

ONLINE_CSV_HEADER = (
    _l("Cooperative"),
    _l("Product"),
    _l("OCOP stars"),
    _l("Sold online"),
    _l("Marketplaces"),
    _l("Marketplace links"),
)


def sold_online_text(online: OnlineSales) -> str:
    """How many key products are sold online ("2 of 3 ..."), or that the commune has none."""
    if not online.products:
        return str(_l("No key product registered"))
    return str(
        _l(
            "%(sold)d of %(count)d key products sold online",
            sold=online.sold_online_count,
            count=len(online.products),
        )
    )


def listings_in_words(product: ProductOnline) -> list[str]:
    """Each listing as its link, with the batch it is kept for when it is one batch's."""
    return [
        str(_l("%(href)s (batch %(code)s)", href=listing.href, code=listing.batch_code))
        if listing.batch_code
        else listing.href
        for listing in product.listings
    ]


def online_rule_lines(as_of: date) -> list[str]:
    """The rule and the day it was applied on, as every 13.7 document says."""
    return [
        f"{_l('The rule')}: {RULE}",
        str(_l("As of %(day)s", day=format_date(as_of, "dd/MM/yyyy"))),
    ]


def online_csv(online: OnlineSales, as_of: date) -> str:
    """One row per key product and a totals row, UTF-8 with a BOM so Excel reads the accents."""
    rows: list[Sequence[Any]] = [
        [
            product.cooperative_name,
            product.product_name,
            product.ocop_stars or "",
            str(_l("Yes") if product.is_sold_online else _l("No")),
            "; ".join(product.hosts),
            "; ".join(listings_in_words(product)),
        ]
        for product in online.products
    ]
    rows.append([str(_l("Total")), sold_online_text(online), "", "", "", ""])
    rows.append([])
    rows.extend([line] for line in online_rule_lines(as_of))
    return excel_csv(ONLINE_CSV_HEADER, rows)


def online_data(online: OnlineSales) -> dict[str, Any]:
    """Indicator 13.7 as JSON-ready data (a part of ``report --json``)."""
    return {
        "rule": str(RULE),
        "key_products": len(online.products),
        "sold_online": online.sold_online_count,
        "share": online.share,
        "not_sold_online": [product.product_id for product in online.not_sold_online],
        "products": [
            {
                "product_id": product.product_id,
                "product_name": product.product_name,
                "cooperative_name": product.cooperative_name,
                "is_sold_online": product.is_sold_online,
                "marketplaces": list(product.hosts),
                "links": [
                    {
                        "href": listing.href,
                        "host": listing.host,
                        "batch_code": listing.batch_code,
                    }
                    for listing in product.listings
                ],
            }
            for product in online.products
        ],
    }
