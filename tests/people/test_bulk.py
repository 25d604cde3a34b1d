"""Inviting many from a CSV file: all or none, every bad row named, links to download."""

from __future__ import annotations

import codecs
import csv
import io
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, log_in
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.auth.models import Role, User
from trace.errors import InvalidInput
from trace.people import bulk, links

HEADER = "email,họ tên,vai trò,mã số thuế HTX hoặc mã xã\n"


def _csv(tenants, *rows: str, bom: bool = True, delimiter: str = ",") -> bytes:
    text = (HEADER + "".join(f"{row}\n" for row in rows)).format(
        tax_a=tenants.cooperative_a.tax_code, commune=tenants.officer_a.commune_code
    )
    text = text.replace(",", delimiter)
    return (codecs.BOM_UTF8 if bom else b"") + text.encode()


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def test_a_good_file_invites_everyone(session, tenants):
    data = _csv(
        tenants,
        "lan@htx.vn,Nguyễn Thị Lan,cooperative,{tax_a}",
        "minh@ubnd.vn,Trần Văn Minh,Cán bộ xã,{commune}",
        "hoa@qltt.vn,Lê Thị Hoa,inspector,",
    )
    issued = bulk.invite_from_file(session, tenants.operator, data, "people.csv")
    assert [entry.user.email for entry in issued] == ["lan@htx.vn", "minh@ubnd.vn", "hoa@qltt.vn"]
    assert [entry.user.role for entry in issued] == [
        Role.COOPERATIVE,
        Role.COMMUNE_OFFICER,
        Role.INSPECTOR,
    ]
    assert issued[0].user.cooperative_id == tenants.cooperative_a.id
    assert issued[1].user.commune_code == tenants.officer_a.commune_code
    invited_ids = [entry.user.id for entry in issued]
    audited = session.scalars(
        select(AuditRecord.subject_id).where(
            AuditRecord.subject == AuditSubject.USER, AuditRecord.action == AuditAction.INVITED
        )
    ).all()
    assert sorted(set(audited) & set(invited_ids)) == sorted(invited_ids)
    for entry in issued:
        assert links.live_link(session, entry.token).created_by_id == tenants.operator.id


def test_excel_semicolon_csv_without_a_bom_is_read(session, tenants):
    data = _csv(tenants, "lan@htx.vn,Nguyễn Thị Lan,inspector,", bom=False, delimiter=";")
    [entry] = bulk.invite_from_file(session, tenants.operator, data, "people.csv")
    assert entry.user.display_name == "Nguyễn Thị Lan"


def test_every_bad_row_is_named_and_no_one_is_invited(session, tenants):
    before = _count(session)
    data = _csv(
        tenants,
        "good@htx.vn,Good Person,inspector,",
        "not-an-email,Bad Email,inspector,",
        "good@htx.vn,Twice,inspector,",
        f"{tenants.staff_a.email},Exists,inspector,",
        "norole@htx.vn,No Role,king,",
        "nocoop@htx.vn,No Coop,cooperative,0000000000",
        "nocommune@htx.vn,Bad Commune,commune_officer,99999",
        "noname@htx.vn,,inspector,31660",
    )
    with pytest.raises(bulk.BulkRefused) as refused:
        bulk.invite_from_file(session, tenants.operator, data, "people.csv")
    problems = {(problem.row, problem.column) for problem in refused.value.problems}
    assert problems == {
        (3, "email"),
        (4, "email"),
        (5, "email"),
        (6, "vai trò"),
        (7, "mã số thuế HTX hoặc mã xã"),
        (8, "mã số thuế HTX hoặc mã xã"),
        (9, "họ tên"),
        (9, "mã số thuế HTX hoặc mã xã"),
    }
    twice = next(problem for problem in refused.value.problems if problem.row == 4)
    assert "2" in twice.reason  # names the row it repeats
    assert _count(session) == before


def test_a_file_without_the_columns_is_refused(session, tenants):
    with pytest.raises(InvalidInput) as refused:
        bulk.invite_from_file(session, tenants.operator, b"a,b\n1,2\n", "people.csv")
    assert "file" in refused.value.errors


def test_the_template_is_excel_csv_that_reads_back(session, tenants):
    text = bulk.template_csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == list(bulk.TEMPLATE_HEADERS)
    assert bulk._match_columns(rows[0]) == {"email": 0, "name": 1, "role": 2, "binding": 3}


def _upload(client, data: bytes, name: str = "people.csv"):
    token = csrf_token_from(client.get("/users/import").get_data(as_text=True))
    return client.post(
        "/users/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_page_invites_and_offers_the_links_as_csv(client, session, tenants):
    log_in(client, tenants.operator.email)
    response = _upload(
        client, _csv(tenants, "lan@htx.vn,Lan,inspector,", "minh@htx.vn,Minh,operator,")
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    links = set(re.findall(r"http://localhost/account/link/[A-Za-z0-9_-]+", page))
    assert len(links) == 2
    [href] = re.findall(r'href="(data:text/csv;charset=utf-8,[^"]+)"', page)
    rows = list(csv.reader(io.StringIO(unquote(href.split(",", 1)[1]).lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == ["lan@htx.vn", "minh@htx.vn"]
    assert {row[3] for row in rows[1:]} == links


def test_the_page_names_the_bad_row_and_invites_no_one(client, session, tenants):
    log_in(client, tenants.operator.email)
    before = _count(session)
    response = _upload(client, _csv(tenants, "lan@htx.vn,Lan,inspector,", "oops,Bad,inspector,"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "import-problems" in page
    assert re.search(r"<th scope=\"row\">[^<]*3</th>\s*<td[^>]*>email</td>", page)
    assert _count(session) == before
    missing = _upload(client, b"", "people.csv")
    assert missing.status_code == 422


def test_the_template_downloads(client, tenants):
    log_in(client, tenants.operator.email)
    response = client.get("/users/import/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.get_data(as_text=True).startswith("\ufeffemail,")
