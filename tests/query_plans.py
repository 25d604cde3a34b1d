"""What the database's planner says it will do with one of our statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.sql import Executable


def query_plan(connection: Connection, statement: Executable, params: dict[str, Any]) -> str:
    """The plan's lines as one string; PostgreSQL is told to avoid sequential scans, so the
    plan shows which index it would use even on a table small enough to read whole."""
    compiled = statement.compile(dialect=connection.dialect)
    values = compiled.construct_params(params)
    if connection.dialect.name == "sqlite":
        positional = tuple(values[name] for name in compiled.positiontup or ())
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", positional).all()
        return " ".join(str(row[-1]) for row in plan)
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = connection.exec_driver_sql(f"EXPLAIN {compiled}", values).all()
    return " ".join(str(row[0]) for row in plan)
