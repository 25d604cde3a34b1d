"""Audit records are append-only: neither the ORM nor plain SQL may change or delete one."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from tests.batches.conftest import batch_values
from trace.audit.models import AuditRecord, AuditRecordIsAppendOnly
from trace.audit.services import batch_history
from trace.batches.services import batches


@pytest.fixture
def record(session, tenants) -> AuditRecord:
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    return batch_history(session, batch.id)[0]


def test_the_orm_refuses_to_change_or_delete_a_record(session, record):
    record.actor = "someone else"
    with pytest.raises(AuditRecordIsAppendOnly):
        session.flush()
    session.rollback()


def test_the_orm_refuses_to_delete_a_record(session, record):
    session.delete(record)
    with pytest.raises(AuditRecordIsAppendOnly):
        session.flush()
    session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditRecord).values(actor="someone else"),
        delete(AuditRecord),
        text("UPDATE audit_records SET changes = '{}'"),
    ],
    ids=["update", "delete", "raw-sql"],
)
def test_the_database_refuses_even_plain_sql(session, record, statement):
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(statement)
    assert session.get(AuditRecord, record.id) is not None
