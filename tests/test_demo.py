from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from sqlalchemy import MetaData, select

from trace.auth.models import Role, User
from trace.auth.services import authenticate, create_user
from trace.batches.models import Batch, BatchStatus
from trace.batches.services.completeness import Item
from trace.common.communes import find_commune
from trace.demo.data import DEMO_TODAY
from trace.indicator.services import commune_evidence
from trace.registry.models import (
    Certificate,
    Cooperative,
    FarmingArea,
    FarmingAreaKind,
    Product,
)
from trace.signing.codes import encode_value

DEMO_LOGINS = {
    "operator@demo.truyxuat.vn": "operator",
    "htx.st25@demo.truyxuat.vn": "cooperative",
    "htx.tancuong@demo.truyxuat.vn": "cooperative",
    "htx.damdoi@demo.truyxuat.vn": "cooperative",
    "thanhtra@demo.truyxuat.vn": "inspector",
    "canbo.xa@demo.truyxuat.vn": "commune_officer",
}
DEMO_PASSWORD = "truyxuat-demo"
ROLE_IN_VIETNAMESE = {
    "operator": "Quản trị nền tảng",
    "cooperative": "Cán bộ hợp tác xã",
    "inspector": "Cán bộ quản lý thị trường",
    "commune_officer": "Cán bộ xã",
}
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
PLANTING_AREA_CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")

LINKSET_SCHEMA_DIR = Path(__file__).parent / "data" / "gs1-linkset"


def has_valid_tax_check_digit(code: str) -> bool:
    if len(code) != 10 or not code.isdigit():
        return False
    weighted = zip((int(digit) for digit in code[:9]), TAX_CODE_WEIGHTS, strict=True)
    check = 10 - sum(digit * weight for digit, weight in weighted) % 11
    return check != 10 and int(code[9]) == check


def has_valid_gs1_check_digit(gtin: str) -> bool:
    if not gtin.isdigit():
        return False
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def test_check_digit_rules_accept_real_codes_and_refuse_altered_ones():
    assert has_valid_tax_check_digit("0300588569")  # Vinamilk
    assert not has_valid_tax_check_digit("0300588568")
    assert has_valid_gs1_check_digit("4006381333931")
    assert not has_valid_gs1_check_digit("4006381333932")


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result


def dump_every_table(session):
    """Every row of every table in the database, in primary-key order."""
    metadata = MetaData()
    metadata.reflect(bind=session.connection())
    return {
        table.name: session.execute(
            select(table).order_by(*(table.primary_key.columns or table.columns))
        ).all()
        for table in metadata.tables.values()
    }


def test_demo_prints_every_login_with_role_and_password(runner):
    output = run_demo(runner).output
    for email, role in DEMO_LOGINS.items():
        line = next(line for line in output.splitlines() if email in line)
        assert ROLE_IN_VIETNAMESE[role] in line
        assert DEMO_PASSWORD in line


def test_demo_cooperatives_are_in_official_communes_of_several_provinces(runner, session):
    run_demo(runner)
    cooperatives = session.scalars(select(Cooperative)).all()
    assert len(cooperatives) >= 3
    communes = [find_commune(cooperative.commune_code) for cooperative in cooperatives]
    assert None not in communes
    assert len({commune.province_code for commune in communes}) >= 2
    for area in session.scalars(select(FarmingArea)):
        assert find_commune(area.commune_code) is not None, area.code
        assert PLANTING_AREA_CODE.match(area.code), area.code
    kinds = set(session.scalars(select(FarmingArea.kind)))
    assert {FarmingAreaKind.CROP, FarmingAreaKind.AQUACULTURE} <= kinds


def test_demo_tax_codes_and_gtins_have_valid_check_digits(runner, session):
    run_demo(runner)
    for tax_code in session.scalars(select(Cooperative.tax_code)):
        assert has_valid_tax_check_digit(tax_code), tax_code
    gtins = session.scalars(select(Product.gtin).where(Product.gtin.is_not(None))).all()
    assert len(gtins) >= 3
    for gtin in gtins:
        assert len(gtin) == 14, gtin
        assert gtin.startswith("0893"), gtin
        assert has_valid_gs1_check_digit(gtin), gtin


def test_demo_has_a_user_of_each_role_who_can_sign_in(runner, session):
    run_demo(runner)
    users = session.scalars(select(User).where(User.email.in_(DEMO_LOGINS))).all()
    assert {user.email: user.role.value for user in users} == DEMO_LOGINS
    assert {user.role for user in users} == set(Role)
    for email in DEMO_LOGINS:
        assert authenticate(session, email, DEMO_PASSWORD) is not None, email
    officer = next(user for user in users if user.role is Role.COMMUNE_OFFICER)
    rice = session.scalar(select(Cooperative).where(Cooperative.code_prefix == "TRANDE"))
    assert officer.commune_code == rice.commune_code


def test_demo_certificates_cover_every_status_and_have_a_scope(runner, session):
    run_demo(runner)
    certificates = session.scalars(select(Certificate)).all()
    assert any(certificate.valid_to < DEMO_TODAY for certificate in certificates)
    soon = DEMO_TODAY + timedelta(days=30)
    assert any(DEMO_TODAY <= certificate.valid_to <= soon for certificate in certificates)
    assert any(certificate.valid_to > soon for certificate in certificates)
    for certificate in certificates:
        assert certificate.products, certificate.number
        owners = {item.cooperative_id for item in certificate.products + certificate.farming_areas}
        assert owners == {certificate.cooperative_id}, certificate.number


def test_demo_batches_are_traceable_and_one_is_recalled(runner, session):
    run_demo(runner)
    batches = session.scalars(select(Batch)).all()
    assert len({batch.cooperative_id for batch in batches}) >= 3
    for batch in batches:
        assert batch.code == f"{batch.cooperative.code_prefix}-{batch.lot}"
        assert len(batch.code) <= 30
        assert len(batch.lot) <= 20
        assert batch.farming_areas, batch.code
        assert batch.harvested_on <= batch.packed_on < batch.expires_on
    recalled = [batch for batch in batches if batch.status is BatchStatus.RECALLED]
    assert len(recalled) == 1
    assert recalled[0].recall_reason
    assert recalled[0].recalled_at is not None


def test_running_the_demo_again_creates_nothing_and_changes_no_row(runner, session):
    first = json.loads(run_demo(runner, "--json").output)
    assert all(count > 0 for count in first["created"].values())
    before = dump_every_table(session)
    second = json.loads(run_demo(runner, "--json").output)
    assert set(second["created"].values()) == {0}
    assert dump_every_table(session) == before
    assert {login["email"] for login in second["logins"]} == set(DEMO_LOGINS)
    assert "không tạo thêm gì" in run_demo(runner).output


def test_demo_keeps_an_existing_account_and_its_password(runner, session):
    user = create_user(
        session,
        email="thanhtra@demo.truyxuat.vn",
        password="changed by the inspector",
        role=Role.INSPECTOR,
    )
    password_hash = user.password_hash
    created = json.loads(run_demo(runner, "--json").output)["created"]
    assert created["users"] == len(DEMO_LOGINS) - 1
    session.refresh(user)
    assert user.password_hash == password_hash
    assert authenticate(session, user.email, "changed by the inspector") is user


def test_demo_help_explains_the_command(runner):
    result = runner.invoke(args=["demo", "--help"])
    assert result.exit_code == 0
    assert "--json" in result.output


def test_demo_batches_have_timelines_recorded_by_their_own_staff(runner, session):
    from trace.audit.services import batch_history
    from trace.batches.models import EventType
    from trace.batches.services.events import events_of, pre_harvest_warnings

    created = json.loads(run_demo(runner, "--json").output)["created"]
    assert created["events"] >= 20
    rice = session.scalar(select(Batch).where(Batch.code == "TRANDE-ST25-261118-01"))
    timeline = events_of(session, rice)
    assert [e.type for e in timeline][-3:] == [
        EventType.HARVEST,
        EventType.PACKING,
        EventType.SHIPPING,
    ]
    assert {e.recorded_by.cooperative_id for e in timeline} == {rice.cooperative_id}
    assert pre_harvest_warnings(timeline) == []
    # Each step in the history, and the demo roll's codes activated on it (trace/demo/rolls.py).
    assert len(batch_history(session, rice.id)) == len(timeline) + 1
    recalled = session.scalar(select(Batch).where(Batch.status == BatchStatus.RECALLED))
    [recall] = [e for e in events_of(session, recalled) if e.type is EventType.RECALL]
    assert recall.occurred_at == recalled.recalled_at
    assert json.loads(run_demo(runner, "--json").output)["created"]["events"] == 0


def test_demo_creates_a_key_and_every_demo_batch_has_a_code_that_verifies(app, runner, session):
    from tests.code_checks import check_code
    from trace.batches.models import LabelCode
    from trace.signing.codes import Verdict
    from trace.signing.services import key_set

    created = json.loads(run_demo(runner, "--json").output)["created"]
    assert created["keys"] == 1
    batches = session.scalars(select(Batch)).all()
    codes = {code.batch_id: code for code in session.scalars(select(LabelCode))}
    assert set(codes) == {batch.id for batch in batches}
    jwks = key_set(session)
    base = app.config["TRACE_PUBLIC_BASE_URL"]
    for batch in batches:
        text = codes[batch.id].text
        assert text.startswith(f"{base}/01/" if batch.product.gtin else f"{base}/b/{batch.code}")
        assert check_code(text, jwks) is Verdict.VALID


def test_demo_refuses_to_run_in_production_without_force(app, runner, session):
    app.config["TRACE_ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: TRACE_ENV=production")
    assert "--force" in line
    assert session.scalars(select(User).where(User.email.in_(DEMO_LOGINS))).all() == []
    assert session.scalars(select(Cooperative)).all() == []


def test_demo_forced_in_production_gives_each_account_a_random_password_shown_once(
    app, runner, session
):
    app.config["TRACE_ENV"] = "production"
    first = json.loads(run_demo(runner, "--force", "--json").output)
    passwords = {login["email"]: login["password"] for login in first["logins"]}
    assert set(passwords) == set(DEMO_LOGINS)
    assert len(set(passwords.values())) == len(DEMO_LOGINS)
    for email, password in passwords.items():
        assert len(password) >= 16
        assert password != DEMO_PASSWORD
        assert authenticate(session, email, password) is not None, email
        assert authenticate(session, email, DEMO_PASSWORD) is None, email
    second = json.loads(run_demo(runner, "--force", "--json").output)
    assert second["created"]["users"] == 0
    assert {login["password"] for login in second["logins"]} == {None}
    text = run_demo(runner, "--force").output
    assert "(không đổi)" in text
    assert not any(password in text for password in passwords.values())
    for email, password in passwords.items():
        assert authenticate(session, email, password) is not None, email


def test_demo_forced_in_production_says_its_passwords_are_shown_once(app, runner):
    app.config["TRACE_ENV"] = "production"
    output = run_demo(runner, "--force").output
    assert "chỉ hiển thị một lần này" in output
    assert DEMO_PASSWORD not in output


def test_demo_commune_has_one_key_product_traced_and_one_naming_what_it_lacks(runner, session):
    run_demo(runner)
    evidence = commune_evidence(session, "31673")  # Xã Trần Đề, the demo officer's commune
    by_name = {product.product_name: product for product in evidence.products}
    assert by_name["Gạo ST25 lúa - tôm"].is_traced
    st24 = by_name["Gạo ST24 Trần Đề"]
    assert not st24.is_traced
    assert st24.missing == (Item.PRODUCT_IMAGE, Item.PRODUCTION_STEP, Item.STANDARDS)


def test_demo_trande_key_products_were_chosen_by_its_officer(runner, session):
    from trace.audit.models import AuditAction, AuditRecord, AuditSubject
    from trace.batches.models import EventType
    from trace.batches.services.events import events_of
    from trace.demo.data import RICE_BROWN, RICE_ST24, RICE_ST25, TRAN_DE
    from trace.indicator.services import commune_evidence
    from trace.registry.models import KeyProductProposalState
    from trace.registry.services import key_product_proposals, key_products

    created = json.loads(run_demo(runner, "--json").output)["created"]
    assert (created["key_products"], created["key_product_proposals"]) == (6, 1)
    officer = session.scalar(select(User).where(User.email == "canbo.xa@demo.truyxuat.vn"))
    listed = key_products.listed(session, TRAN_DE)
    by_name = {entry.product.name: entry for entry in listed}
    assert set(by_name) == {RICE_ST25, RICE_ST24}
    assert {(e.decision_number, e.decided_on.isoformat()) for e in listed} == {
        ("45/QĐ-UBND", "2026-02-20"),
        ("112/QĐ-UBND", "2026-06-15"),
    }
    assert {entry.added_by_id for entry in listed} == {officer.id}
    audited = session.scalars(
        select(AuditRecord).where(AuditRecord.subject == AuditSubject.KEY_PRODUCT)
    ).all()
    assert {r.subject_id for r in audited if r.user_id == officer.id} == {e.id for e in listed}
    assert {r.action for r in audited} == {AuditAction.CREATED}
    # The indicator counts exactly the commune's list.
    evidence = commune_evidence(session, TRAN_DE, DEMO_TODAY)
    assert {row.product_name for row in evidence.products} == {RICE_ST25, RICE_ST24}

    # Gạo ST25: a batch with its harvest recorded and valid certificates.
    st25 = by_name[RICE_ST25].product
    st25_batches = session.scalars(select(Batch).where(Batch.product_id == st25.id)).all()
    assert any(
        EventType.HARVEST in {e.type for e in events_of(session, batch)} for batch in st25_batches
    )
    assert any(c.valid_from <= DEMO_TODAY <= c.valid_to for c in st25.certificates)
    # Gạo ST24: its batches lack a recorded step and any certificate, even through their areas.
    st24 = by_name[RICE_ST24].product
    st24_batches = session.scalars(select(Batch).where(Batch.product_id == st24.id)).all()
    assert st24_batches
    assert all(events_of(session, batch) == [] for batch in st24_batches)
    assert st24.certificates == []
    assert st24.ocop_certificate_id is None
    areas = {area.id for batch in st24_batches for area in batch.farming_areas}
    covering = session.scalars(select(Certificate)).all()
    assert not any(areas & {area.id for area in c.farming_areas} for c in covering)

    # The cooperative's brown rice waits for the officer's answer.
    [proposal] = key_product_proposals.pending(session, TRAN_DE)
    assert (proposal.product.name, proposal.state) == (RICE_BROWN, KeyProductProposalState.PENDING)
    assert not proposal.product.is_key_product
    again = json.loads(run_demo(runner, "--json").output)["created"]
    assert (again["key_products"], again["key_product_proposals"]) == (0, 0)


def test_demo_key_products_are_sold_online_and_their_pages_say_where(runner, client, session):
    from trace.batches.services.codes import batch_code
    from trace.demo.data import RICE_ST24, RICE_ST25, SHRIMP, TEA_DINH
    from trace.registry.models import KeyProduct, Product
    from trace.registry.product_links import ProductLink
    from trace.registry.services.product_links import MARKETPLACE_LINK_TYPES

    created = json.loads(run_demo(runner, "--json").output)["created"]
    assert created["product_links"] == 5
    sold_online = set(
        session.scalars(
            select(Product.name)
            .join(ProductLink, ProductLink.product_id == Product.id)
            .join(KeyProduct, KeyProduct.product_id == Product.id)
            .where(ProductLink.link_type.in_(MARKETPLACE_LINK_TYPES))
        )
    )
    assert sold_online == {RICE_ST25, TEA_DINH, SHRIMP}
    assert RICE_ST24 not in sold_online
    st25 = session.scalar(select(Batch).where(Batch.code == "TRANDE-ST25-261118-01"))
    operator = session.scalar(select(User).where(User.email == "operator@demo.truyxuat.vn"))
    code = batch_code(session, operator, st25.id).text
    parts = urlsplit(code)
    markup = client.get(f"{parts.path}?{parts.query}").get_data(as_text=True)
    assert "Mua ở đâu" in markup
    assert 'href="https://postmart.vn/gao-st25-lua-tom-tran-de" rel="noopener noreferrer"' in markup
    assert json.loads(run_demo(runner, "--json").output)["created"]["product_links"] == 0


def test_every_demo_batch_answers_a_linkset_valid_against_gs1s_schema(runner, session, client):
    """Issue 22: the linkset of every demo batch meets GS1's schema, the cooperatives' own
    links (marketplaces, recipes) included."""
    run_demo(runner)
    schema = json.loads((LINKSET_SCHEMA_DIR / "gs1-linkset-schema.json").read_text())
    batches = session.scalars(select(Batch)).all()
    kept_link_types = set()
    for batch in batches:
        gtin = batch.product.gtin
        path = f"/01/{gtin}/10/{encode_value(batch.lot)}" if gtin else f"/b/{batch.code}"
        response = client.get(f"{path}?linkType=linkset")
        assert response.status_code == 200, batch.code
        assert response.mimetype == "application/linkset+json"
        document = response.get_json()
        jsonschema.validate(document, schema)
        kept_link_types |= {key for key in document["linkset"][0] if "hasRetailers" in key}
    assert len(batches) >= 10
    assert kept_link_types == {"https://gs1.org/voc/hasRetailers"}


def test_demo_has_a_pre_printed_roll_partly_activated(runner, client, session):
    """Issue 21: a roll of Gạo ST25 codes, its first 20 activated on the November batch; the
    first answers as that batch's item, the 21st says it is not activated yet."""
    from trace.rolls.models import Roll, RollCode

    assert json.loads(run_demo(runner, "--json").output)["created"]["rolls"] == 1
    roll = session.scalar(select(Roll))
    assert (roll.gtin, roll.count) == ("08936052470015", 50)
    codes = session.scalars(
        select(RollCode).where(RollCode.roll_id == roll.id).order_by(RollCode.sequence)
    ).all()
    batch = session.scalar(select(Batch).where(Batch.code == "TRANDE-ST25-261118-01"))
    assert [code.batch_id for code in codes] == [batch.id] * 20 + [None] * 30
    activated = client.post("/api/v1/verify", json={"code": codes[0].text}).get_json()
    assert activated["valid"] is True
    waiting = client.post("/api/v1/verify", json={"code": codes[20].text}).get_json()
    assert (waiting["valid"], waiting["reason"]) == (False, "not activated")
    assert json.loads(run_demo(runner, "--json").output)["created"]["rolls"] == 0
