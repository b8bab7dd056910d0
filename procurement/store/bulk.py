"""Bulk inserts: COPY on PostgreSQL, executemany on SQLite.

Many thousand rows sent as one statement per batch still cost PostgreSQL's driver a parse
of every placeholder; COPY streams them instead. Rows keep their order, so ids follow
insertion order as they would row by row. Python-side column defaults (the record-keeping
timestamp) are filled in here, since COPY does not run them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import CallableColumnDefault

__all__ = ["COPY_THRESHOLD", "insert_returning", "insert_rows"]

COPY_THRESHOLD = 500
"""Below this many rows a plain multi-row INSERT is as fast as COPY."""


def _with_defaults(table: Table, rows: Sequence[dict[str, Any]]) -> list[str]:
    """The columns to send (every column the rows name, plus Python-side defaults)."""
    columns = list(rows[0])
    for column in table.columns:
        default = column.default
        if column.name not in columns and isinstance(default, CallableColumnDefault):
            columns.append(column.name)
            value = default.arg(None)  # type: ignore[arg-type]
            for row in rows:
                row.setdefault(column.name, value)
    return columns


def _copy(
    session: Session, target: str, columns: list[str], rows: Sequence[dict[str, Any]]
) -> None:
    raw = session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([row[c] for c in columns])


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql" and len(rows) >= COPY_THRESHOLD:
        rows = [dict(r) for r in rows]
        _copy(session, f'"{table.name}"', _with_defaults(table, rows), rows)
        return
    session.execute(insert(table), list(rows))


def insert_returning(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], key: str, returning: str
) -> list[tuple[Any, Any]]:
    """Insert `rows` and return (key, returning) for each, e.g. (natural key, new id).

    On PostgreSQL large sets go through COPY into a temporary staging table and one
    INSERT ... SELECT ... RETURNING, in the rows' order.
    """
    if not rows:
        return []
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or len(rows) < COPY_THRESHOLD:
        statement = insert(table).returning(table.c[key], table.c[returning])
        return [tuple(r) for r in session.execute(statement, list(rows)).all()]
    rows = [dict(r) for r in rows]
    columns = _with_defaults(table, rows)
    names = ", ".join(f'"{c}"' for c in columns)
    stage = f"procurement_stage_{table.name}"
    connection = session.connection()
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS {stage} AS SELECT {names} FROM "{table.name}" '
        "WITH NO DATA"
    )
    connection.exec_driver_sql(
        f"ALTER TABLE {stage} ADD COLUMN IF NOT EXISTS procurement_order integer"
    )
    connection.exec_driver_sql(f"TRUNCATE {stage}")
    ordered = [{**row, "procurement_order": index} for index, row in enumerate(rows)]
    _copy(session, stage, [*columns, "procurement_order"], ordered)
    result = connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {stage} '
        f'ORDER BY procurement_order RETURNING "{key}", "{returning}"'
    )
    return [tuple(r) for r in result.all()]
