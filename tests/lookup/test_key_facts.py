"""The key facts at the top of the public page: origin and certificates, before the rest."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import event

from tests.factories import make_certificate, make_farming_area
from tests.registry.test_views_common import text_of
from trace.registry.models import CertificateScheme


def english(client, path):
    return client.get(path, headers={"Accept-Language": "en"})


def key_facts(response) -> str:
    """The text of the key facts card alone."""
    markup = response.get_data(as_text=True)
    start = markup.index('<dl class="card key-facts">')
    card = markup[start : markup.index("</dl>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split())


def add_areas_and_certificates(session, tenants, label, count: int) -> None:
    """``count`` more farming areas on the batch and certificates on its product."""
    cooperative = tenants.cooperative_a
    for number in range(count):
        area = make_farming_area(session, cooperative, name=f"Ruộng thêm {number + 1}")
        label.batch.farming_areas.append(area)
        certificate = make_certificate(
            session, cooperative, scheme=CertificateScheme.ORGANIC, number=f"HC-{number + 1}"
        )
        certificate.products = [tenants.product_a]
    session.commit()


def test_the_key_facts_come_before_the_batchs_codes_and_dates(client, session, tenants, label):
    response = english(client, label.path)
    text = text_of(response)
    area = tenants.farming_area_a
    for fact in ("Genuine label", tenants.product_a.name, tenants.cooperative_a.name):
        assert text.index(fact) < text.index("Where it was grown"), fact
    facts = key_facts(response)
    assert "Phường Sóc Trăng, Thành phố Cần Thơ" in facts
    assert f"{area.name} Planting-area code: {area.code}" in facts
    assert text.index("Where it was grown") < text.index("Traceability code")
    assert text.index("Standards and certificates") < text.index("Harvest date")


def test_each_certificate_says_its_status_today_and_on_the_harvest_day_when_it_differs(
    client, session, tenants, label
):
    # Harvested 18/11/2026 under a certificate that ended on 30/11/2026.
    ended = make_certificate(
        session,
        tenants.cooperative_a,
        scheme=CertificateScheme.ORGANIC,
        number="HC-2025-0412",
        valid_from=date(2025, 12, 1),
        valid_to=date(2026, 11, 30),
    )
    ended.products = [tenants.product_a]
    session.commit()
    facts = key_facts(english(client, label.path))
    assert re.search(
        r"Organic HC-2025-0412 Expired On the harvest day: Expires within 60 days", facts
    )
    # Opened, a line names the issuer and the dates.
    assert "Valid December 1, 2025 to November 30, 2026" in facts


def test_past_two_farming_areas_and_three_certificates_the_others_are_counted(
    client, session, tenants, label
):
    add_areas_and_certificates(session, tenants, label, 3)
    make_certificate(session, tenants.cooperative_a, number="VG-4").products = [tenants.product_a]
    session.commit()
    response = english(client, label.path)
    facts = key_facts(response)
    assert "Ruộng thêm 1" in facts
    assert "Ruộng thêm 2" not in facts
    assert "and 2 more farming areas" in facts
    assert '<a class="key-facts__more" href="#origin-title">' in response.get_data(as_text=True)
    assert "1 more certificate" in facts  # the fourth, behind one more disclosure
    vietnamese = key_facts(client.get(label.path))
    assert "và 2 vùng trồng khác" in vietnamese
    assert "1 chứng nhận khác" in vietnamese
    # Every farming area is still listed below, with its map.
    assert text_of(response).count("See it on a map") == 4


def test_the_producers_address_says_its_commune_once(client, session, tenants, label):
    tenants.cooperative_a.street_address = "Số 12 Lê Lợi, phường Sóc Trăng, TP. Cần Thơ"
    session.commit()
    text = text_of(english(client, label.path))
    assert "Số 12 Lê Lợi, Phường Sóc Trăng, Thành phố Cần Thơ" in text
    assert "phường Sóc Trăng" not in text


def test_more_farming_areas_and_certificates_cost_no_more_queries(
    client, session, tenants, label, app
):
    """The page reads every farming area in one query and every certificate in another."""
    engine = session.get_bind()

    def selects_of_a_visit() -> int:
        statements: list[str] = []

        def remember(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", remember)
        try:
            assert client.get(label.path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        return sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))

    before = selects_of_a_visit()
    add_areas_and_certificates(session, tenants, label, 3)
    assert selects_of_a_visit() == before
