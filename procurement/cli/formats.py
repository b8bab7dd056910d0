"""Output formats shared by every listing command: table, json, csv and md.

JSON is an array of objects, field for field: a query result as `procurement.jsonable`
gives it, a catalogue record as pydantic's `model_dump(mode="json")` does. CSV has the
same columns with a header; a list of strings is joined with "; ", a list of objects is
written as JSON. Markdown is a GitHub-flavoured table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from procurement.queries.results import jsonable

__all__ = ["Format", "render"]


class Format(StrEnum):
    """How a command prints its results."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _readable(column: str, value: Any) -> str:
    """A cell for people: quotes shortened, statuses spaced."""
    if column == "citations" and isinstance(value, list):
        return "\n".join(f"{c['source']}: “{_shorten(c['quote'])}”" for c in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict) and "status" in value:
        return _claim(value)
    if column in ("status", "from_status", "to_status", "kind", "status_a", "status_b"):
        return "" if value is None else str(value).replace("_", " ")
    return _flat(value)


def _cell(column: str, value: Any) -> str:
    """A Markdown cell: the same values as CSV; quotes readable, one line."""
    if column == "citations" and isinstance(value, list):
        return "<br>".join(f"{c['source']}: “{' '.join(c['quote'].split())}”" for c in value)
    if isinstance(value, dict) and "status" in value:
        return _claim(value)
    return _flat(value).replace("\n", "<br>")


def _claim(value: dict[str, Any]) -> str:
    """One side of a conflict: status (date), then its sources."""
    sources = ", ".join(sorted({c["source"] for c in value.get("citations", [])}))
    return f"{value['status']} ({value['effective']}) per {sources}"


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fields(model: type[Any]) -> list[str]:
    """The field names of a pydantic model or of a query result (a named tuple)."""
    if issubclass(model, BaseModel):
        return list(model.model_fields)
    return list(model._fields)


def _json(item: Any) -> dict[str, Any]:
    if isinstance(item, BaseModel):
        return item.model_dump(mode="json")
    found: dict[str, Any] = jsonable(item)
    return found


def render(
    items: Sequence[Any],
    fmt: Format,
    model: type[Any],
    *,
    title: str | None = None,
    table_columns: Sequence[str] | None = None,
) -> str:
    """The items (instances of `model`) in the chosen format, ready to print.

    `table_columns` picks the columns a terminal table shows; the other formats carry all.
    """
    rows = [_json(item) for item in items]
    if fmt is Format.JSON:
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    columns = _fields(model)
    if fmt is Format.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_flat(row[c]) for c in columns] for row in rows)
        return buffer.getvalue()
    if fmt is Format.MD:
        from procurement.reports.briefing import markdown_table

        cells = [[_cell(c, row[c]) for c in columns] for row in rows]
        return markdown_table(columns, cells) + "\n"
    return _table(list(table_columns or columns), rows, title)


def _table(columns: list[str], rows: list[dict[str, Any]], title: str | None) -> str:
    from rich.table import Table
    from rich.text import Text

    from procurement.cli.output import stdout

    # Cells and titles are data: Text keeps '[red]' in a title from being read as markup.
    heading = Text(title) if title else None
    table = Table(title=heading, show_lines=any("citations" in r for r in rows))
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*[Text(_readable(c, row[c])) for c in columns])
    with stdout.capture() as captured:
        stdout.print(table)
    return captured.get()
