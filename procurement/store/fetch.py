"""Where questions meet the database driver: a statement's rows, read straight from it.

Questions skip SQLAlchemy's execution layer, which costs a point lookup about a third of
its time (70 of 210 microseconds on PostgreSQL) and builds a row object per row: the
statement is compiled once per shape, and its SQL goes to the driver's own cursor.
Rows come back as the driver's tuples, so statements that come through here select only
values that need no conversion on the way out.

Questions about every programme are *streamed*. A plain fetch waits for PostgreSQL's
last row before the first reaches Python, so building results would come after
the query instead of alongside it; psycopg's chunked streaming (libpq 17 or newer)
hands rows over a chunk at a time while the server produces the rest. Their dates are
written into the SQL, so they are never prepared (a generic plan cannot see a date's
selectivity). Point lookups are left for the driver to prepare once it has seen them a
few times; on a connection in autocommit a `Lookup` sends them with as little Python
as it can. SQLite runs in this process: there is nothing to overlap, and its rows are
fetched in one call either way.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

from sqlalchemy import Connection, Date, Dialect, Select
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["STREAM_CHUNK", "Lookup", "batches", "can_stream", "rows"]

STREAM_CHUNK = 2000
"""Rows per chunk handed over by psycopg: large enough that the per-chunk cost vanishes,
small enough that the first chunk arrives at once."""


_PROBES = (dt.date(1, 1, 1), dt.date(999, 2, 3), dt.date(2025, 12, 31), dt.date(9999, 12, 31))


def _writes_iso(convert: Callable[[Any], Any]) -> bool:
    """Whether `convert`, SQLAlchemy's conversion of a date parameter, writes plain dates
    as `date.isoformat` does (SQLite's default storage format, which SQLAlchemy builds
    field by field: 0.65 microseconds against 0.2), so that they can be written so."""
    try:
        return all(convert(day) == day.isoformat() for day in _PROBES)
    except Exception:  # a conversion that refuses such dates is kept as it is
        return False


@functools.cache
def can_stream(dialect: Dialect) -> bool:
    """Whether this dialect's driver streams rows in chunks (psycopg with libpq >= 17)."""
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return False
    from psycopg import capabilities

    return bool(capabilities.has_stream_chunked())


def _picker(order: Sequence[str]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    """A function taking values by name in the driver's (positional) order, as a tuple:
    an `itemgetter`, one call in C rather than a list built in Python."""
    if len(order) > 1:
        return operator.itemgetter(*order)
    names = tuple(order)
    return lambda values: tuple(values[name] for name in names)


class _Compiled:
    """A statement compiled for one dialect, its values worked out by SQLAlchemy at each
    call. When nothing in it is rendered at execution (no IN lists, no literal dates, no
    values computed per call), its SQL is fixed, and its first call records how to look
    its values up in the driver's order, converting those whose type needs it: what a
    `Lookup` then does, for a third of the cost or less (0.3 microseconds of 3.9 on
    PostgreSQL)."""

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.compiled = compiled
        self.fixed = not (
            compiled.post_compile_params
            or compiled.literal_execute_params
            or compiled.escaped_bind_names
            or any(bind.callable is not None for bind in compiled.binds.values())
        )
        # The conversions SQLAlchemy's own execution applies (a date to text on SQLite).
        self.processors: Mapping[str, Any] = compiled._bind_processors
        # For a fixed statement, once seen, for `Lookup`: per value its name, whether the
        # caller must give it, its value otherwise (a LIMIT, an optional value), its
        # conversion and whether that writes a plain date as ISO text; and the names in
        # the driver's order, where a name may recur.
        self.slots: list[tuple[str, bool, Any, Any, bool]] | None = None
        self.pick: Callable[[Mapping[str, Any]], Sequence[Any]] | None = None

    def sql(self, params: Mapping[str, Any]) -> tuple[str, Any]:
        """The SQL to send and its values as the driver takes them: converted, and in
        order where the driver's placeholders are positional. SQLAlchemy works them out
        and checks that every one is given; a fixed statement's placeholders are
        recorded at its first call."""
        state = self.compiled.construct_expanded_state(params)
        processors = {**self.processors, **state.processors}
        pick = None if state.positiontup is None else _picker(state.positiontup)
        values = dict(state.parameters)
        for key in processors.keys() & values.keys():
            values[key] = processors[key](values[key])
        if self.fixed and self.slots is None:
            binds = self.compiled.binds

            def writes_iso(name: str) -> bool:
                convert = processors.get(name)
                return (
                    convert is not None
                    and isinstance(binds[name].type, Date)
                    and _writes_iso(convert)
                )

            self.pick = pick
            self.slots = [  # last: ready
                (n, binds[n].required, binds[n].value, processors.get(n), writes_iso(n))
                for n in state.parameters
            ]
        return state.statement, values if pick is None else pick(values)


@functools.lru_cache(maxsize=256)
def _compiled(statement: Select[Any], dialect: Dialect) -> _Compiled:
    return _Compiled(statement, dialect)


@overload
def rows(
    connection: Connection,
    statement: Select[Any],
    params: Mapping[str, Any],
    *,
    streamed: Literal[False],
) -> Sequence[Sequence[Any]]: ...


@overload
def rows(
    connection: Connection, statement: Select[Any], params: Mapping[str, Any], *, streamed: bool
) -> Iterable[Sequence[Any]]: ...


def rows(
    connection: Connection,
    statement: Select[Any],
    params: Mapping[str, Any],
    *,
    streamed: bool,
) -> Iterable[Sequence[Any]]:
    """Every row of `statement`, in order, on the connection's transaction (begun as
    `execute` would, if none is). `streamed`: a question about every programme (see the
    module's docstring); otherwise a point lookup."""
    dialect = connection.dialect
    sql, values, driver = _begun(connection, statement, params)
    if streamed and can_stream(dialect):
        return _streamed(connection, driver, sql, values)
    cursor = driver.cursor()
    try:
        if dialect.name == "postgresql":
            cursor.execute(sql, values, prepare=False if streamed else None)
        else:
            cursor.execute(sql, values)
        return cursor.fetchall()  # type: ignore[no-any-return]
    except dialect.loaded_dbapi.Error as failure:
        raise _failed(connection, sql, values, failure, cursor) from failure
    finally:
        cursor.close()


def _begun(
    connection: Connection, statement: Select[Any], params: Mapping[str, Any]
) -> tuple[str, Any, Any]:
    """The SQL and values to send for `statement`, and the DBAPI connection to send them
    on, in the connection's transaction (begun as `execute` would, if none is)."""
    # The SQL SQLAlchemy would send, with late-rendered values (IN lists, literal dates)
    # written in; a statement is built once per shape, and so is its compiled form.
    sql, values = _compiled(statement, connection.dialect).sql(params)
    if not connection.in_transaction():
        connection.begin()
    # The DBAPI connection itself: sqlite3's, or psycopg's (both are what the driver
    # returned on connect, which `driver_connection` finds two properties further on),
    # whose own arguments (psycopg's `prepare`, `stream`) PEP 249's type does not know.
    return sql, values, connection.connection.dbapi_connection


class Lookup:
    """A point lookup of one statement on one connection. On a connection kept in
    autocommit (the Tracker's for questions), where each statement is its own
    transaction, its first call goes through `rows` and each later one sends the
    compiled SQL straight to the DBAPI connection in one frame: layers of calls cost a
    lookup more than their few instructions, since on SQLite the query leaves the
    processor's caches cold for the Python around it (the same steps took 7 µs there
    against 3 µs run again and again). That DBAPI connection is kept until the
    connection is invalidated; its holder must then make a new `Lookup` (the Tracker
    makes new questions), as this one would go on sending to the lost one. On any other
    connection every call goes through `rows`."""

    __slots__ = ("_connection", "_driver", "_error", "_pick", "_slots", "_sql", "_statement")

    def __init__(self, connection: Connection, statement: Select[Any]) -> None:
        self._connection = connection
        self._statement = statement
        self._error: type[Exception] = connection.dialect.loaded_dbapi.Error
        # Set at the first call, from the statement's `_Compiled`, the driver last.
        self._sql = ""
        self._slots: list[tuple[str, bool, Any, Any, bool]] = []
        self._pick: Callable[[Mapping[str, Any]], Sequence[Any]] | None = None
        self._driver: Any = None

    def __call__(self, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """The statement's rows for `params`."""
        driver = self._driver
        if driver is None:
            return self._first(params)
        values: Any = {}
        date, iso = dt.date, dt.date.isoformat
        try:
            for name, required, default, convert, plain in self._slots:
                value = params[name] if required else params.get(name, default)
                if convert is not None:
                    value = iso(value) if plain and value.__class__ is date else convert(value)
                values[name] = value
        except KeyError:
            return self._first(params)  # SQLAlchemy names the missing value
        pick = self._pick
        if pick is not None:
            values = pick(values)
        sql = self._sql
        cursor = driver.cursor()
        try:
            cursor.execute(sql, values)
            return cursor.fetchall()  # type: ignore[no-any-return]
        except self._error as failure:
            raise _failed(self._connection, sql, values, failure, cursor) from failure
        finally:
            cursor.close()

    def _first(self, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Rows through `rows`, which begins the connection's transaction; a fixed
        statement on a connection in autocommit is then sent straight to the driver."""
        connection = self._connection
        found = rows(connection, self._statement, params, streamed=False)
        compiled = _compiled(self._statement, connection.dialect)
        autocommit = connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        if autocommit and compiled.slots is not None and not connection.invalidated:
            self._sql, self._pick = compiled.compiled.string, compiled.pick
            self._slots = compiled.slots
            self._driver = connection.connection.dbapi_connection
        return found


def _streamed(connection: Connection, driver: Any, sql: str, values: Any) -> Iterator[Any]:
    try:
        with driver.cursor() as cursor:
            # Closing early (the caller stopped, or failed) cancels the rest on the server.
            yield from cursor.stream(sql, values, size=STREAM_CHUNK)
    except connection.dialect.loaded_dbapi.Error as failure:
        raise _failed(connection, sql, values, failure, None) from failure


_CURSOR_NAMES = itertools.count()


def batches(
    connection: Connection, statement: Select[Any], params: Mapping[str, Any], size: int
) -> Generator[list[Sequence[Any]], None, None]:
    """The rows of `statement`, `size` at a time, so that only a batch is held: through a
    server-side cursor on PostgreSQL (which needs the connection in a transaction, not in
    autocommit), `fetchmany` on SQLite. Closing the iterator early closes the cursor, on
    the server too."""
    dialect = connection.dialect
    sql, values, driver = _begun(connection, statement, params)
    if dialect.name == "postgresql":
        cursor = driver.cursor(name=f"procurement_batches_{next(_CURSOR_NAMES)}")
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql, values)
        while found := cursor.fetchmany(size):
            yield found
    except dialect.loaded_dbapi.Error as failure:
        raise _failed(connection, sql, values, failure, cursor) from failure
    finally:
        cursor.close()


def _failed(
    connection: Connection, sql: str, values: Any, failure: Any, cursor: Any
) -> StatementError:
    """The driver's error as SQLAlchemy would raise it; a lost connection is invalidated,
    so that the next question opens a new one."""
    dialect = connection.dialect
    lost = bool(dialect.is_disconnect(failure, connection.connection.dbapi_connection, cursor))
    if lost:
        connection.invalidate(failure)
    error: StatementError = DBAPIError.instance(
        sql, values, failure, dialect.loaded_dbapi.Error, connection_invalidated=lost
    )
    return error
