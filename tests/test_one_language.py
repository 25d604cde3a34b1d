"""One language per output: every page of the demo, its documents and the commands' answers
read in Vietnamese hold no English sentence, and in English no Vietnamese word.

The pages are found as a person finds them: signed in as each demo account (and signed
out), following every link from the dashboard, the public label pages and the verify page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Enum, String, Text, select
from vietnam_provinces import Province, Ward

import trace.models  # noqa: F401 - every table, so the texts of each are known
from tests.conftest import log_in
from tests.language_check import (
    data_words,
    english_runs,
    vietnamese_words,
    visible_text,
    wrong_language,
)
from trace.auth.models import User
from trace.batches.models import Batch
from trace.batches.services import codes
from trace.batches.services.importing import template as import_template
from trace.batches.services.recall import recall_batch
from trace.db import Base
from trace.people import bulk
from trace.registry.models import Cooperative

DEMO_PASSWORD = "truyxuat-demo"
DEMO_ACCOUNTS = (
    None,
    "operator@demo.truyxuat.vn",
    "htx.st25@demo.truyxuat.vn",
    "thanhtra@demo.truyxuat.vn",
    "canbo.xa@demo.truyxuat.vn",
)
START_PATHS = ("/", "/dashboard", "/verify")
SKIPPED_PREFIXES = ("/static/", "/lang/", "/logout", "/api/", "/.well-known/", "/metrics")
# The import files' column headers are a file format (the importers read them, and their
# English names too): Vietnamese in both languages, like codes.
FILE_FORMAT_NAMES = (*import_template.HEADERS, *bulk.TEMPLATE_HEADERS, *bulk.LINKS_HEADERS)
# Forms sent empty, to read their messages: adding and changing records, checking a code.
EMPTY_FORM_PATHS = re.compile(r"/(new|edit|invite|password|verify)$")
READ_STATUSES = (200, 400, 404, 409, 422)
SAME_KIND_LIMIT = 2  # pages of one route and query shape: the template is what is checked
PAGE_LIMIT = 400


def test_the_detector_finds_the_mixed_texts_of_the_issue():
    data = data_words(["Xã Kế Sách", "Gạo ST25", "Hợp tác xã Nông nghiệp Lúa thơm Trần Đề"])
    for mixed in (
        "Một số trường thông tin cần được sửa lại. (batch: no batch has the code or lot NOPE)",
        "Trường này: Must be greater than or equal to 1.",
        "Xã Kế Sách: The commune meets indicator 13.4.",
    ):
        assert english_runs(mixed, data), mixed
    for vietnamese in (
        "In tem cho lô ST25-261118-01 tại Xã Kế Sách",
        "Tiêu chuẩn VietGAP, GlobalGAP, OCOP và mã QR theo GS1",
        "Liên hệ htx@demo.truyxuat.vn hoặc https://example.vn/the/code/is/here",
    ):
        assert english_runs(vietnamese, data) == [], vietnamese
    assert vietnamese_words("Recalled at 09:30 6 tháng 10, 2026", data) == ["tháng"]
    assert vietnamese_words("Gạo ST25 from Xã Kế Sách, sold in English", data) == []


@pytest.fixture
def demo(runner, session) -> tuple[frozenset[str], str]:
    """The demo loaded: the words of its data (and of every place name), and what the
    command said."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    texts: list[str] = [province.name for province in Province.iter_all()]
    texts += [ward.name for ward in Ward.iter_all()]
    for table in Base.metadata.tables.values():
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, (String, Text)) and not isinstance(column.type, Enum)
        ]
        if columns:
            texts += [str(v) for row in session.execute(select(*columns)) for v in row if v]
    return data_words([*texts, *FILE_FORMAT_NAMES]), result.output


def _label_codes(session: Any) -> list[str]:
    """A label code of each demo batch, the last one's batch recalled."""
    operator = session.scalars(select(User).where(User.email == DEMO_ACCOUNTS[1])).one()
    batches = session.scalars(select(Batch).order_by(Batch.id)).all()
    labels = [codes.batch_code(session, operator, batch.id).text for batch in batches]
    if batches[-1].recalled_at is None:
        recall_batch(session, operator, batches[-1].id, "Nhiễm mặn")
    session.flush()
    return labels


def _kind(url: str) -> str:
    """The route and query shape of a URL: ids and codes become placeholders."""
    parts = urlsplit(url)
    keys = sorted(re.findall(r"([^&=?]+)=", parts.query))
    path = re.sub(r"/[^/]*\d[^/]*", "/N", parts.path)
    return f"{path}?{'&'.join(keys)}"


def _links(markup: str) -> Iterator[str]:
    for href in re.findall(r'href="([^"#]+)', markup):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith(SKIPPED_PREFIXES):
            yield href


def _pdf_text(content: bytes, tmp_path: Any) -> str:
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _read(response: Any, tmp_path: Any) -> str | None:
    """What a person reads in a response: a page's text, a PDF's, a CSV's header line."""
    kind = response.mimetype
    if kind == "text/html":
        return visible_text(response.get_data(as_text=True))
    if kind == "application/pdf":
        return _pdf_text(response.get_data(), tmp_path)
    if kind == "text/csv":
        return response.get_data(as_text=True).lstrip("\ufeff").split("\n", 1)[0]
    return None


def _walk(client: Any, starts: list[str], language: str, data: frozenset[str], tmp_path: Any):
    """Every page reachable from the starts; each one's wrong-language text, by URL."""
    seen_kinds: dict[str, int] = {}
    queue, visited, found = deque(starts), set(), {}
    while queue and len(visited) < PAGE_LIMIT:
        url = queue.popleft()
        kind = _kind(url)
        if url in visited or (url not in starts and seen_kinds.get(kind, 0) >= SAME_KIND_LIMIT):
            continue
        visited.add(url)
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        for response in _answers_at(client, url):
            text = _read(response, tmp_path) if response.status_code in READ_STATUSES else None
            wrong = wrong_language(text, language, data) if text else []
            if wrong:
                found[f"{response.request.method} {url}"] = sorted(set(wrong))
            if response.mimetype == "text/html" and response.request.method == "GET":
                queue.extend(_links(response.get_data(as_text=True)))
    return visited, found


def _answers_at(client: Any, url: str) -> Iterator[Any]:
    """The page, and for a form that adds or changes a record, its answer to an empty form:
    every field's message. Other forms (archive, recall, sign out) are left alone."""
    page = client.get(url)
    yield page
    path = urlsplit(url).path
    markup = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
    if EMPTY_FORM_PATHS.search(path) and 'method="post"' in markup:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', markup)
        yield client.post(url, data={"csrf_token": token.group(1) if token else ""})


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_of_the_demo_is_in_one_language(app, session, demo, language, tmp_path):
    data, _output = demo
    labels = _label_codes(session)
    label_paths = [urlsplit(label).path + "?" + urlsplit(label).query for label in labels]
    total, wrong = 0, {}
    for email in DEMO_ACCOUNTS:
        client = app.test_client()
        client.set_cookie("lang", language)
        if email is not None:
            log_in(client, email, DEMO_PASSWORD)
        visited, found = _walk(client, [*START_PATHS, *label_paths], language, data, tmp_path)
        total += len(visited)
        wrong.update({f"{email or 'visitor'} {url}": texts for url, texts in found.items()})
    assert total > 100
    assert wrong == {}, "\n".join(f"{where}: {texts}" for where, texts in wrong.items())


# Click's own framing (its "Error:" and "Usage:" lines, "Invalid value for '--x':") is the
# library's and stays in English; what follows it is ours.
CLICK_FRAMING = re.compile(
    r"^(Usage: .*|Try '.*' for help\.)$|^Error: (Invalid value for '?[^':]*'?: )?", re.MULTILINE
)


def _answers(
    runner: Any, tmp_path: Any, labels: list[str], tax_code: str, demo_output: str
) -> dict[str, str]:
    """What each command says to a person, in Vietnamese (the commands' default)."""
    bad_rows = tmp_path / "lo-hang.csv"
    bad_rows.write_text(
        "Mã sản phẩm,Mã vùng trồng,Số lô,Ngày thu hoạch,Ngày đóng gói,Hạn sử dụng,"
        "Số lượng,Đơn vị\r\nNOPE,VN-0,,32/13/2026,,,-1,kg\r\n",
        encoding="utf-8",
    )
    keys_file = tmp_path / "jwks.json"
    keys_file.write_text("{}")
    commands = {
        "demo": None,
        "verify valid": ["verify", labels[0]],
        "verify tampered": ["verify", labels[0].replace("/10/ST25-", "/10/ST24-")],
        "verify recalled": ["verify", labels[-1]],
        "verify malformed": ["verify", "hello"],
        "verify bad key set": ["verify", labels[0], "--keys", str(keys_file)],
        "verify no image": ["verify", str(tmp_path / "missing.png")],
        "import bad rows": ["import", str(bad_rows), "--cooperative", tax_code],
        "import no cooperative": ["import", str(bad_rows), "--cooperative", "0000000000"],
        "keys list": ["keys", "list"],
        "keys create again": ["keys", "create"],
        "keys revoke unknown": ["keys", "revoke", "NOPE", "--reason", "mất máy"],
        "labels unknown batch": ["labels", "NOPE", "--out", str(tmp_path / "x.pdf")],
        "labels": [
            "labels",
            urlsplit(labels[0]).path.split("/")[-1],
            "--out",
            str(tmp_path / "l.pdf"),
        ],
        "report": [
            "report",
            "13.4",
            "--commune",
            "31673",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "r.csv"),
        ],
        "report 13.7": [
            "report",
            "13.7",
            "--commune",
            "31673",
            "--out",
            str(tmp_path / "r.csv"),
        ],
        "report bad commune": [
            "report",
            "13.4",
            "--commune",
            "x",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "r.csv"),
        ],
        "users create bad": [
            "users",
            "create",
            "not-an-email",
            "--role",
            "inspector",
            "--password",
            "x",
        ],
        "users token": ["users", "token", "thanhtra@demo.truyxuat.vn", "--name", "kiểm tra"],
        "users revoke bad token": ["users", "revoke-token", "nope"],
        "users disable": ["users", "disable", "thanhtra@demo.truyxuat.vn"],
        "users enable": ["users", "enable", "thanhtra@demo.truyxuat.vn"],
        "users disable unknown": ["users", "disable", "ai@demo.truyxuat.vn"],
        "jobs purge": ["jobs", "purge"],
        "alerts refresh": ["alerts", "refresh"],
    }
    answers = {"demo": demo_output}
    for name, args in commands.items():
        if args is not None:
            result = runner.invoke(args=args)
            answers[name] = result.output
    answers["labels PDF"] = _pdf_text((tmp_path / "l.pdf").read_bytes(), tmp_path)
    return answers


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_commands_answer_in_vietnamese(runner, session, demo, tmp_path):
    data, demo_output = demo
    labels = _label_codes(session)
    tax_code = session.scalars(select(Cooperative.tax_code).order_by(Cooperative.id)).first()
    answers = _answers(runner, tmp_path, labels, tax_code, demo_output)
    assert "đang dùng" in answers["keys list"]  # the commands did answer
    wrong = {
        name: english_runs(CLICK_FRAMING.sub("", text), data) for name, text in answers.items()
    }
    wrong = {name: runs for name, runs in wrong.items() if runs}
    assert wrong == {}, "\n".join(f"{name}: {runs}" for name, runs in wrong.items())
