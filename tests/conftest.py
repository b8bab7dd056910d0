"""Fixtures that run every database test on SQLite and on a real PostgreSQL.

PostgreSQL is found at $PROCUREMENT_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432,
trust auth). Where it cannot be reached, its tests skip with the reason, except under
CI=true, where an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from procurement import Tracker
from procurement.store import migrations
from procurement.store.database import make_engine
from procurement.store.schema import metadata

pytest_plugins = ["pytest_alembic.plugin.fixtures"]

ADMIN_URL = os.environ.get(
    "PROCUREMENT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server's maintenance database, to create test databases."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        reason = "psycopg is not installed (pip install 'procurement[postgres]')"
    else:
        engine = create_engine(
            make_url(ADMIN_URL).set(drivername="postgresql+psycopg"),
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 5},
        )
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            reason = f"PostgreSQL is not reachable at {ADMIN_URL}: {str(error).splitlines()[0]}"
            engine.dispose()
        else:
            yield engine
            engine.dispose()
            return
    if _in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(f"{reason}; set PROCUREMENT_TEST_POSTGRES_URL to run the PostgreSQL tests")


class Databases:
    """Makes fresh, empty databases of one backend and removes them afterwards."""

    def __init__(self, backend: str, root: Path, admin: Engine | None) -> None:
        self.backend, self.root, self.admin = backend, root, admin
        self.created: list[str] = []

    def new_url(self) -> str:
        name = f"procurement_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.root / (name + '.db')}"
        assert self.admin is not None
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return str(make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name))

    def drop_all(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture(scope="session")
def databases(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    """A factory of fresh databases on the current backend."""
    admin = request.getfixturevalue("postgres_admin") if backend == "postgresql" else None
    factory = Databases(backend, tmp_path_factory.mktemp(f"db-{backend}"), admin)
    yield factory
    factory.drop_all()


@pytest.fixture
def empty_url(databases: Databases) -> str:
    """The URL of a new database with no schema at all."""
    return databases.new_url()


@pytest.fixture(scope="session")
def _migrated_url(databases: Databases) -> str:
    url = databases.new_url()
    migrations.upgrade(url)
    return url


def clear(engine: Engine) -> None:
    """Remove every row, keeping the schema: the cheap way to a clean database per test."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def db_url(_migrated_url: str, databases: Databases, tmp_path: Path) -> str:
    """The URL of a migrated database with no rows, private to the test."""
    if databases.backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(make_url(_migrated_url).database or "", path)
        return f"sqlite:///{path}"
    engine = make_engine(_migrated_url)
    clear(engine)
    engine.dispose()
    return _migrated_url


@pytest.fixture
def tracker(db_url: str) -> Iterator[Tracker]:
    """A tracker on a migrated, empty database."""
    with Tracker.open(db_url) as opened:
        yield opened


@pytest.fixture(scope="session")
def seeded_url(databases: Databases) -> str:
    """A database migrated and seeded with the bundled articles; tests must not write."""
    url = databases.new_url()
    with Tracker.open(url, upgrade=True) as tracker:
        tracker.seed()
    return url


@pytest.fixture
def seeded(seeded_url: str) -> Iterator[Tracker]:
    """A tracker on the seeded database, for reading only."""
    with Tracker.open(seeded_url) as opened:
        yield opened
