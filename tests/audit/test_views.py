"""The audit records pages through the test client: filters, problems named, the CSV."""

from __future__ import annotations

import contextvars
import csv
import io

import pytest
from flask.testing import FlaskClient

from tests.conftest import log_in
from trace.audit import browser


def _page(client, query=""):
    response = client.get(f"/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_operators_read_each_record(client, tenants, timeline):
    log_in(client, tenants.operator.email)
    html = _page(client, "?date_to=2026-11-30")
    assert "4 bản ghi" in html
    # Newest first, in Vietnam time, with who and what changed.
    assert html.index("08:00 5 tháng 11, 2026") < html.index("23:30 2 tháng 11, 2026")
    assert html.index("23:30 2 tháng 11, 2026") < html.index("10:00 1 tháng 11, 2026")
    assert tenants.staff_a.email in html
    assert "Dòng lệnh trên máy chủ" in html
    assert "LO-42" in html
    assert "HTX cũ" in html
    assert "=HYPERLINK(&#34;http://evil&#34;)" in html  # escaped, never markup
    assert tenants.cooperative_a.name in html
    assert 'href="/batches/42"' in html


def test_filters_narrow_the_list_and_the_csv_link_keeps_them(client, tenants, timeline):
    log_in(client, tenants.operator.email)
    html = _page(client, "?subject=batch&subject_id=42&action=recalled")
    assert "1 bản ghi" in html
    assert "08:00 5 tháng 11, 2026" in html
    assert "/audit.csv?subject=batch&amp;subject_id=42&amp;action=recalled" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=31/12/2026", "Hãy nhập ngày theo dạng 31/12/2026."),
        ("?date_to=2026-02-30", "Hãy nhập ngày theo dạng 31/12/2026."),
        ("?subject=password", "Hãy chọn loại hồ sơ trong danh sách."),
        ("?action=deleted", "Hãy chọn thao tác trong danh sách."),
        ("?subject_id=-3", "Mã số hồ sơ là một số nguyên, ví dụ 42."),
        ("?date_from=2026-11-05&date_to=2026-11-01", "Ngày kết thúc đang trước ngày bắt đầu."),
    ],
)
def test_unreadable_filters_are_named_and_left_out(client, tenants, timeline, query, message):
    log_in(client, tenants.operator.email)
    html = _page(client, query)
    assert "Một số điều kiện lọc không đọc được" in html
    assert message in html


@pytest.mark.parametrize("query", ["?page=0", "?page=abc", "?page=99999999999", "?person=%00"])
def test_odd_queries_never_fail(client, tenants, timeline, query):
    log_in(client, tenants.operator.email)
    _page(client, query)


def test_the_csv_holds_the_filtered_records_for_excel(client, tenants, timeline):
    log_in(client, tenants.operator.email)
    response = client.get("/audit.csv?date_from=2026-11-02&date_to=2026-11-05")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    header, *rows = _csv_rows(response)
    assert header[:3] == ["Thời gian (giờ Việt Nam)", "Người thực hiện", "Hợp tác xã"]
    assert [row[0] for row in rows] == [
        "05/11/2026 08:00:00",
        "03/11/2026 00:30:00",
        "02/11/2026 23:30:00",
    ]
    recalled, changed, created = rows
    assert recalled[1] == tenants.staff_a.email
    assert recalled[2:7] == [tenants.cooperative_a.name, "Lô hàng", "42", "42", "Đã thu hồi"]
    assert changed[1] == "command line"
    assert changed[7] == 'name: HTX cũ → =HYPERLINK("http://evil")'
    assert created[7].splitlines() == ["code: ∅ → LO-42", "quantity: ∅ → 120"]


def test_a_cell_a_spreadsheet_would_run_is_defused(client, session, tenants, timeline):
    tenants.cooperative_a.name = "=1+1"
    session.flush()
    log_in(client, tenants.operator.email)
    _, *rows = _csv_rows(client.get("/audit.csv?subject=cooperative"))
    assert rows[0][2] == "'=1+1"


def test_the_csv_is_streamed_in_pieces(client, tenants, timeline):
    log_in(client, tenants.operator.email)

    def read_as_a_server_does():
        # Unbuffered, the answer is read in the context that served it (see IsolatedClient).
        response = FlaskClient.open(client, "/audit.csv", buffered=False)
        return response.is_streamed, list(response.response)

    is_streamed, pieces = contextvars.Context().run(read_as_a_server_does)
    assert is_streamed
    # The header alone, then the records (the timeline and the tenants' key) in one piece.
    assert len(pieces) == 2
    assert pieces[1].count(b"\r\n") == 5


@pytest.mark.parametrize("caller", ["staff_a", "inspector", "officer_a"])
def test_only_operators_see_the_records(client, tenants, timeline, caller):
    log_in(client, tenants.user(caller).email)
    assert client.get("/audit").status_code == 403
    assert client.get("/audit.csv").status_code == 403


def test_the_dashboard_links_operators_to_keys_and_audit(app, tenants):
    operator, staff_member = app.test_client(), app.test_client()
    log_in(operator, tenants.operator.email)
    html = operator.get("/dashboard").get_data(as_text=True)
    assert 'href="/audit"' in html
    assert 'href="/keys"' in html
    log_in(staff_member, tenants.staff_a.email)
    staff = staff_member.get("/dashboard").get_data(as_text=True)
    assert 'href="/audit"' not in staff
    assert 'href="/account"' in staff


def test_an_export_too_large_for_one_file_asks_for_shorter_dates(
    client, tenants, timeline, monkeypatch
):
    monkeypatch.setattr(browser, "EXPORT_MAX", 3)
    log_in(client, tenants.operator.email)
    refused = client.get("/audit.csv?date_from=2026-11-01")
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/audit?date_from=2026-11-01"
    refused = client.get("/audit.csv")
    assert refused.headers["Location"] == "/audit"
    html = client.get("/audit").get_data(as_text=True)
    assert "Có 5 bản ghi khớp điều kiện, nhiều hơn mức 3 bản ghi" in html
    exactly_the_most = client.get("/audit.csv?action=created")  # two keys and a batch
    assert exactly_the_most.status_code == 200
    assert len(_csv_rows(exactly_the_most)) == 1 + 3
