"""Indicator 13.4 evidence as files and data: CSV for Excel, plain data for JSON.

The words (traced or not, what is missing, a certificate's status) are in the language in
force, so call these inside ``force_locale`` or a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from trace.batches.services.completeness import missing_in_words as item_words
from trace.common.excel_csv import excel_csv
from trace.indicator.online_exports import online_data
from trace.indicator.services import (
    NO_RECENT_BATCH,
    RULE,
    CommuneEvidence,
    ProductEvidence,
    ProvinceOverview,
    first_day_of_period,
)
from trace.registry.validation import CertificateStatus

# A cell a spreadsheet would read as a formula is written as text (OWASP, CSV injection).
CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.VALID: _l("Valid"),
    CertificateStatus.EXPIRING: _l("Expires within 60 days"),
    CertificateStatus.EXPIRED: _l("Expired"),
    CertificateStatus.REVOKED: _l("Revoked"),
    CertificateStatus.NOT_YET_VALID: _l("Not yet valid"),
}
COMMUNE_CSV_HEADER = (
    _l("Cooperative"),
    _l("Product"),
    _l("OCOP stars"),
    _l("Traced"),
    _l("What is missing"),
    _l("Batches"),
    _l("Complete batches"),
    _l("Labels issued"),
    _l("Consumer scans"),
    _l("Inspections"),
    _l("Certificates"),
    _l("Latest public page"),
)
PROVINCE_CSV_HEADER = (
    _l("Commune code"),
    _l("Commune"),
    _l("Key products"),
    _l("Traced"),
    _l("Share traced (%)"),
    _l("Meets indicator 13.4"),
)


def yes_no(value: bool) -> str:
    return str(_l("Yes") if value else _l("No"))


def missing_in_words(product: ProductEvidence) -> list[str]:
    """What keeps the product from being traced: no batch in the period, or the items its
    most complete batch of the period lacks."""
    if product.is_traced:
        return []
    if product.best_batch_code is None:
        return [str(NO_RECENT_BATCH)]
    return [
        str(
            _l(
                "Batch %(code)s lacks: %(items)s",
                code=product.best_batch_code,
                items="; ".join(item_words(product.missing)),
            )
        )
    ]


def rule_lines(as_of: date) -> list[str]:
    """The rule and the period it was applied to, as every document of the report says."""
    return [
        f"{_l('The rule')}: {RULE}",
        str(
            _l(
                "Period: %(start)s to %(end)s",
                start=format_date(first_day_of_period(as_of), "dd/MM/yyyy"),
                end=format_date(as_of, "dd/MM/yyyy"),
            )
        ),
    ]


def certificates_in_words(product: ProductEvidence) -> list[str]:
    """Each certificate as "number (status today)"."""
    return [
        f"{state.number} ({CERTIFICATE_STATUS_LABELS[state.status_today]})"
        for state in product.certificates
    ]


def share_percent(share: float | None) -> str:
    """A share as a whole percentage ("67"), empty when there is nothing to share."""
    return "" if share is None else f"{share * 100:.0f}"


def commune_csv(evidence: CommuneEvidence) -> str:
    """One row per key product and a totals row, UTF-8 with a BOM so Excel reads the accents."""
    rows: list[Sequence[Any]] = [
        [
            product.cooperative_name,
            product.product_name,
            product.ocop_stars or "",
            yes_no(product.is_traced),
            "; ".join(missing_in_words(product)),
            product.batch_count,
            product.complete_batches,
            product.labels_issued,
            product.consumer_scans,
            product.inspections,
            "; ".join(certificates_in_words(product)),
            product.latest_code_url or "",
        ]
        for product in evidence.products
    ]
    rows.append(
        [
            str(_l("Total")),
            str(
                _l(
                    "%(traced)d of %(count)d key products traced",
                    traced=evidence.traced_count,
                    count=len(evidence.products),
                )
            ),
            "",
            yes_no(evidence.meets_indicator),
            "",
            evidence.batch_count,
            evidence.complete_batches,
            evidence.labels_issued,
            evidence.consumer_scans,
            evidence.inspections,
            "",
            "",
        ]
    )
    rows.append([])
    rows.extend([line] for line in rule_lines(evidence.as_of))
    return excel_csv(COMMUNE_CSV_HEADER, rows)


def province_csv(overview: ProvinceOverview) -> str:
    """One row per commune, in the overview's order, and a totals row."""
    rows: list[Sequence[Any]] = [
        [
            row.commune_code,
            row.commune_name,
            row.key_products,
            row.traced,
            share_percent(row.share),
            yes_no(row.meets_indicator),
        ]
        for row in overview.rows
    ]
    total_share = overview.traced / overview.key_products if overview.key_products else None
    rows.append(
        [
            "",
            str(
                _l(
                    "Total: %(count)d communes meet indicator 13.4",
                    count=overview.communes_meeting_indicator,
                )
            ),
            overview.key_products,
            overview.traced,
            share_percent(total_share),
            "",
        ]
    )
    rows.append([])
    rows.extend([line] for line in rule_lines(overview.as_of))
    return excel_csv(PROVINCE_CSV_HEADER, rows)


def commune_evidence_data(evidence: CommuneEvidence) -> dict[str, Any]:
    """The evidence as JSON-ready data (for ``report --json`` and any API), indicator 13.7
    under its own key."""
    commune = evidence.commune
    return {
        "commune": {
            "code": commune.code,
            "name": commune.name,
            "province_code": commune.province_code,
            "province_name": commune.province_name,
        },
        "as_of": evidence.as_of.isoformat(),
        "rule": str(RULE),
        "period": {
            "from": first_day_of_period(evidence.as_of).isoformat(),
            "to": evidence.as_of.isoformat(),
        },
        "key_products": len(evidence.products),
        "traced": evidence.traced_count,
        "share": evidence.share,
        "meets_indicator": evidence.meets_indicator,
        "batches": evidence.batch_count,
        "complete_batches": evidence.complete_batches,
        "labels_issued": evidence.labels_issued,
        "consumer_scans": evidence.consumer_scans,
        "inspections": evidence.inspections,
        "products": [_product_data(product) for product in evidence.products],
        "indicator_13_7": online_data(evidence.online),
    }


def _product_data(product: ProductEvidence) -> dict[str, Any]:
    return {
        "product_id": product.product_id,
        "product_name": product.product_name,
        "ocop_stars": product.ocop_stars,
        "cooperative_id": product.cooperative_id,
        "cooperative_name": product.cooperative_name,
        "is_traced": product.is_traced,
        "best_batch_code": product.best_batch_code,
        "missing": [item.value for item in product.missing],
        "missing_in_words": missing_in_words(product),
        "batches": product.batch_count,
        "complete_batches": product.complete_batches,
        "labels_issued": product.labels_issued,
        "consumer_scans": product.consumer_scans,
        "inspections": product.inspections,
        "certificates": [
            {
                "number": state.number,
                "scheme": state.scheme.value,
                "status_today": state.status_today.value,
                "valid_to": state.valid_to.isoformat(),
            }
            for state in product.certificates
        ],
        "latest_code_url": product.latest_code_url,
    }
