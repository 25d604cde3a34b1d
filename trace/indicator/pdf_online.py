"""Indicator 13.7's part of the commune's PDF: after 13.4's totals and before the signature
block, the count of key products sold online, the rule, and each product's marketplaces.

Drawn on 13.4's ``ReportDocument``; words in the language in force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from labels.fonts import Weight
from trace.indicator.online import ProductOnline
from trace.indicator.online_exports import listings_in_words, online_rule_lines, sold_online_text
from trace.indicator.services import CommuneEvidence

if TYPE_CHECKING:
    from trace.indicator.pdf import ReportDocument

TITLE = _l("Indicator 13.7: key products sold online")


def online_part(document: ReportDocument, evidence: CommuneEvidence) -> None:
    """The 13.7 heading, count and rule kept together, then a block per key product."""
    online = evidence.online
    document.ensure_room(60)
    document.space(6)
    document.paragraph(str(TITLE), Weight.BOLD, 13)
    share = f" ({online.share * 100:.0f}%)" if online.share is not None else ""
    document.paragraph(sold_online_text(online) + share, Weight.BOLD, 11)
    for line in online_rule_lines(evidence.as_of):
        document.paragraph(line, Weight.REGULAR, 9)
    document.space(3)
    document.rule_line()
    for product in online.products:
        lines = _product_lines(product)
        document.ensure_room(document.height_of(lines, document.text_width_mm) + 4)
        for text, weight, size in lines:
            document.paragraph(text, weight, size)
        document.rule_line()


def _product_lines(product: ProductOnline) -> list[tuple[str, Weight, float]]:
    if product.is_sold_online:
        verdict = f"{_l('Sold online')}: {', '.join(product.hosts)}"
    else:
        verdict = str(_l("No marketplace link yet"))
    lines = [
        (product.product_name, Weight.BOLD, 10.5),
        (product.cooperative_name, Weight.REGULAR, 9),
        (verdict, Weight.BOLD, 9),
    ]
    lines.extend((words, Weight.REGULAR, 7.5) for words in listings_in_words(product))
    return lines
