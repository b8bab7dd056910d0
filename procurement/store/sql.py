"""SQL helpers every part of the store uses: text in byte order, values joined into one
string, and long id lists in chunks (PostgreSQL and SQLite cap the bound parameters of
one statement)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

__all__ = ["CHUNK", "SEPARATOR", "binary", "chunks", "joined"]

T = TypeVar("T")

CHUNK = 5000 if sqlite3.sqlite_version_info >= (3, 32) else 900
"""Values per IN list: well under the bound parameters a statement may carry (PostgreSQL
65,535; SQLite 32,766, or 999 before version 3.32, which some Linux distributions ship)."""


def chunks(values: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size` (default `CHUNK`), for one statement each."""
    size = size or CHUNK
    for start in range(0, len(values), size):
        yield values[start : start + size]


class binary(FunctionElement[str]):
    """A column compared byte by byte, so that ordering by text is the same everywhere."""

    inherit_cache = True
    name = "binary"


@compiles(binary, "postgresql")
def _binary_postgresql(element: binary, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


@compiles(binary, "sqlite")
def _binary_sqlite(element: binary, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)}) COLLATE BINARY"


SEPARATOR = "|"
"""What `joined` puts between values (ids never contain it)."""


class joined(FunctionElement[str]):
    """The values of a column in a group joined by `SEPARATOR`. Unlike
    `func.aggregate_strings`, the separator is part of the statement's text rather than a
    parameter rendered into it at each execution (a fixed cost of every point lookup)."""

    inherit_cache = True
    name = "joined"


@compiles(joined, "postgresql")
def _joined_postgresql(element: joined, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, '{SEPARATOR}')"


@compiles(joined, "sqlite")
def _joined_sqlite(element: joined, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, '{SEPARATOR}')"
