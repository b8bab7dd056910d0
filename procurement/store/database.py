"""Where the database is, and how to connect to it safely on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from procurement.errors import DatabaseUnavailable, SchemaOutOfDate

__all__ = [
    "ENV_VAR",
    "WRITE_OPTION",
    "default_url",
    "make_engine",
    "redact",
    "resolve_url",
    "sqlite_path",
]

ENV_VAR = "PROCUREMENT_DATABASE_URL"


def default_url() -> str:
    """The embedded SQLite file in the user's data directory (created on first use)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('procurement')) / 'procurement.db'}"


def resolve_url(url: str | URL | None = None) -> URL:
    """The URL to use: the argument, else $PROCUREMENT_DATABASE_URL, else the default.

    `postgresql://` and `postgres://` URLs are given the psycopg 3 driver.
    """
    text = url if url is not None else os.environ.get(ENV_VAR) or default_url()
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"{text!r} is not a database URL; expected e.g. sqlite:///tracker.db or "
            "postgresql://user@host:5432/dbname"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"unsupported database {parsed.get_backend_name()!r} in {redact(parsed)}: "
            "procurement runs on SQLite and PostgreSQL"
        )
    return parsed


def redact(url: str | URL) -> str:
    """The URL as it may be printed: never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<malformed database URL>"


WRITE_OPTION = "procurement_write"
"""Execution option marking a connection that will write: on SQLite it begins with
BEGIN IMMEDIATE, taking the write lock before it reads what it validates against."""


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Leave transaction control to SQLAlchemy's "begin" event below (the pysqlite recipe),
    # so that DDL is transactional and writers can take the lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # each statement is its own transaction: no lock is held between them
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL (None for memory databases and non-SQLite URLs)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database).expanduser()


def make_engine(url: str | URL | None = None, *, create: bool = True, **kwargs: Any) -> Engine:
    """An engine for `url` (see `resolve_url`), with foreign keys enforced on SQLite.

    An SQLite file that does not exist is refused unless `create`; only the default
    location's folder is created for it, a folder the user named must exist.
    """
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None and not path.exists():
        if not create:
            raise SchemaOutOfDate(
                f"{path} does not exist yet, so it has no procurement schema; run: "
                f"procurement db upgrade --db '{redact(resolved)}'"
            )
        if resolved == make_url(default_url()):
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise DatabaseUnavailable(
                f"cannot create {path}: the folder {path.parent} does not exist"
            )
    if resolved.get_backend_name() == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DatabaseUnavailable(
                "PostgreSQL support needs psycopg 3: pip install 'procurement[postgres]'"
            ) from None
        # PostgreSQL's JIT compiler spends more time compiling these short queries than it
        # saves (half a second on a 100,000-programme snapshot): off for our sessions only.
        options = kwargs.setdefault("connect_args", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    engine = create_engine(resolved, **kwargs)
    if resolved.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine
