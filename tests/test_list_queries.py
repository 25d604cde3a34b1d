"""Every list, API and web, sends as many SQL statements for one row as for forty.

A list that loads something per row (a batch's certificates, a product's image) grows with
its page; these tests count the statements a request sends with one row on the page and
again with forty (a web page shows its first twenty), and want the same number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests import factories
from tests.api.registry_helpers import caller
from tests.conftest import log_in
from tests.factories import Tenants
from tests.scan_fixtures import SCANNED_AT, scan_of, statements
from trace.alerts.models import Alert
from trace.alerts.signals import AlertRule
from trace.auth.models import Role
from trace.batches.models import Batch, LabelCode
from trace.batches.services import batches as batch_service
from trace.batches.services import codes
from trace.db import db
from trace.feedback.services import file_report
from trace.inspections.models import Inspection, InspectionOutcome
from trace.uploads.models import UploadPurpose

MANY = 40


@dataclass
class Subject:
    """What the rows of a list hang on: the tenants and a registered batch of cooperative A."""

    tenants: Tenants
    batch: Batch


AddRows = Callable[[Any, Subject, int], None]


@dataclass(frozen=True)
class ListCase:
    """One list: where it is, who reads it, and how to put ``n`` more rows on it."""

    path: str
    reader: str
    add_rows: AddRows
    is_api: bool = True


def add_cooperatives(session: Any, subject: Subject, n: int) -> None:
    for _ in range(n):
        cooperative = factories.make_cooperative(session, commune_code=factories.SOC_TRANG)
        product = factories.make_product(session, cooperative, is_key_product=True)
        factories.make_batch(session, product)
        factories.make_certificate(session, cooperative, products=[product])


def add_products(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for _ in range(n):
        image = factories.make_upload(session, cooperative)
        certificate = factories.make_certificate(session, cooperative)
        factories.make_product(
            session, cooperative, image_upload_id=image.id, certificates=[certificate]
        )


def add_farming_areas(session: Any, subject: Subject, n: int) -> None:
    for _ in range(n):
        area = factories.make_farming_area(session, subject.tenants.cooperative_a)
        factories.make_certificate(session, subject.tenants.cooperative_a, farming_areas=[area])


def add_certificates(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for _ in range(n):
        factories.make_certificate(
            session,
            cooperative,
            products=[factories.make_product(session, cooperative)],
            farming_areas=[factories.make_farming_area(session, cooperative)],
        )


def add_batches(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for _ in range(n):
        product = factories.make_product(session, cooperative)
        batch = factories.make_batch(session, product)
        factories.make_certificate(
            session, cooperative, products=[product], farming_areas=batch.farming_areas
        )


def add_events(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for _ in range(n):
        photo = factories.make_upload(session, cooperative, purpose=UploadPurpose.EVENT_PHOTO)
        factories.make_event(
            session,
            subject.batch,
            recorded_by=factories.make_user(session, Role.COOPERATIVE, cooperative=cooperative),
            photos=[photo],
        )


def add_units(session: Any, subject: Subject, n: int) -> None:
    codes.issue_units(session, subject.tenants.staff_a, subject.batch.id, n)


def add_history(session: Any, subject: Subject, n: int) -> None:
    for number in range(n):
        batch_service.update_batch(
            session, subject.tenants.staff_a, subject.batch.id, {"quantity": 100 + number}
        )


def add_inspections(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for _ in range(n):
        batch = factories.make_batch(session, factories.make_product(session, cooperative))
        [unit] = codes.issue_units(session, subject.tenants.staff_a, batch.id, 1).units
        unit_code = session.scalars(select(LabelCode).where(LabelCode.text == unit.text)).one()
        photo = factories.make_upload(session, cooperative, purpose=UploadPurpose.EVENT_PHOTO)
        session.add(
            Inspection(
                inspector=factories.make_user(session, Role.INSPECTOR),
                batch=batch,
                label_code=unit_code,
                cooperative_id=cooperative.id,
                place="Chợ Sóc Trăng",
                outcome=InspectionOutcome.CONFORMING,
                photos=[photo],
            )
        )
    session.flush()


def add_alerts(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for number in range(n):
        batch = factories.make_batch(session, factories.make_product(session, cooperative))
        code = codes.batch_code(session, None, batch.id)
        scan_id = scan_of(session, code)
        session.add(
            Alert(
                fired_at=SCANNED_AT + timedelta(minutes=number),
                rule=AlertRule.BATCH_OVERSCANNED,
                reason_params={
                    "scanned_at": SCANNED_AT.isoformat(),
                    "count": 2,
                    "units": 1,
                    "counted_from": "quantity",
                    "unit": "hộp",
                },
                scan_id=scan_id,
                label_code_id=code.id,
                code_text=code.text,
                batch_id=batch.id,
                cooperative_id=cooperative.id,
                province_code="92",
            )
        )
    session.flush()


def add_scans(session: Any, subject: Subject, n: int) -> None:
    code = codes.batch_code(session, None, subject.batch.id)
    for number in range(n):
        scan_of(session, code, now=SCANNED_AT + timedelta(minutes=number))


def add_reports(session: Any, subject: Subject, n: int) -> None:
    cooperative = subject.tenants.cooperative_a
    for _ in range(n):
        batch = factories.make_batch(session, factories.make_product(session, cooperative))
        code = codes.batch_code(session, None, batch.id)
        scan_id = scan_of(session, code)
        file_report(session, code_text=code.text, message="Tem mờ", contact="", scan_id=scan_id)


def add_people(session: Any, subject: Subject, n: int) -> None:
    """Staff of a cooperative each and officers of a commune: the list names both."""
    for number in range(n):
        if number % 2:
            factories.make_user(session, Role.COMMUNE_OFFICER, commune_code=factories.SOC_TRANG)
            continue
        cooperative = factories.make_cooperative(session)
        factories.make_user(session, Role.COOPERATIVE, cooperative=cooperative)


LISTS = {
    "api_batches": ListCase("/api/v1/batches?per_page=100", "operator", add_batches),
    "api_cooperatives": ListCase("/api/v1/cooperatives?per_page=100", "operator", add_cooperatives),
    "api_products": ListCase("/api/v1/products?per_page=100", "operator", add_products),
    "api_farming_areas": ListCase(
        "/api/v1/farming-areas?per_page=100", "operator", add_farming_areas
    ),
    "api_certificates": ListCase("/api/v1/certificates?per_page=100", "operator", add_certificates),
    "api_events": ListCase("/api/v1/batches/{batch}/events", "operator", add_events),
    "api_units": ListCase("/api/v1/batches/{batch}/units", "operator", add_units),
    "api_history": ListCase("/api/v1/batches/{batch}/history", "operator", add_history),
    "api_epcis": ListCase("/api/v1/batches/{batch}/epcis", "operator", add_events),
    "api_inspections": ListCase("/api/v1/inspections?per_page=100", "operator", add_inspections),
    "api_alerts": ListCase("/api/v1/alerts?per_page=100", "operator", add_alerts),
    "api_scans": ListCase("/api/v1/scans?code={code}&limit=100", "operator", add_scans),
    "web_batches": ListCase("/batches", "operator", add_batches, is_api=False),
    "web_batch": ListCase("/batches/{batch}", "operator", add_events, is_api=False),
    "web_cooperatives": ListCase("/cooperatives", "operator", add_cooperatives, is_api=False),
    "web_products": ListCase("/products", "operator", add_products, is_api=False),
    "web_farming_areas": ListCase("/farming-areas", "operator", add_farming_areas, is_api=False),
    "web_certificates": ListCase("/certificates", "operator", add_certificates, is_api=False),
    "web_inspections": ListCase("/inspections", "operator", add_inspections, is_api=False),
    "web_inspections_csv": ListCase("/inspections.csv", "operator", add_inspections, is_api=False),
    "web_inspections_report": ListCase(
        "/inspections/report", "operator", add_inspections, is_api=False
    ),
    "web_alerts": ListCase("/alerts", "operator", add_alerts, is_api=False),
    "web_reports": ListCase("/reports", "operator", add_reports, is_api=False),
    "web_dashboard": ListCase("/dashboard", "operator", add_cooperatives, is_api=False),
    "web_commune": ListCase(
        f"/communes/{factories.SOC_TRANG}/13.4", "operator", add_cooperatives, is_api=False
    ),
    "web_commune_csv": ListCase(
        f"/communes/{factories.SOC_TRANG}/13.4.csv", "operator", add_cooperatives, is_api=False
    ),
    "web_province": ListCase("/provinces/92/13.4", "operator", add_cooperatives, is_api=False),
    "web_people": ListCase("/users", "operator", add_people, is_api=False),
}


def statements_of(fetch: Callable[[], Any]) -> tuple[list[str], int]:
    """What ``fetch`` sends once the request before it has done any catching up (clone
    alerts are refreshed from the new scans) and filled what the app caches, and the size
    of the answer (which must grow with its rows, or the test proves nothing)."""
    assert fetch().status_code == 200
    with statements(db.session) as sent:
        response = fetch()
    assert response.status_code == 200
    return sent, len(response.get_data())


@pytest.fixture
def subject(session: Any, tenants: Tenants) -> Subject:
    product = tenants.product_a
    batch = batch_service.create_batch(
        session,
        tenants.staff_a,
        {"product_id": product.id, "farming_area_ids": [tenants.farming_area_a.id]},
    )
    return Subject(tenants=tenants, batch=batch)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_sends_as_many_statements_for_forty_rows_as_for_one(
    name: str, client: Any, session: Any, subject: Subject
) -> None:
    case = LISTS[name]
    user = subject.tenants.user(case.reader)
    code = codes.batch_code(session, None, subject.batch.id)
    path = case.path.format(batch=subject.batch.id, code=quote(code.text, safe=""))
    if case.is_api:
        api = caller(client, session, user)

        def fetch() -> Any:
            return api.client.get(path, headers=api.headers)
    else:
        log_in(client, user.email)

        def fetch() -> Any:
            return client.get(path)

    case.add_rows(session, subject, 1)
    one_row, one_size = statements_of(fetch)
    case.add_rows(session, subject, MANY - 1)
    many_rows, many_size = statements_of(fetch)
    assert many_size > one_size
    assert len(many_rows) == len(one_row), "\n".join(many_rows)
