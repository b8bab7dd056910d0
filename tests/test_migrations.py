"""The schema is created, checked and removed by Alembic, identically on both databases."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_alembic import tests as alembic_checks
from pytest_alembic.config import Config
from pytest_alembic.runner import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from procurement import SchemaOutOfDate, Tracker
from procurement.resources import resource_path
from procurement.store import migrations
from procurement.store.database import make_engine


@pytest.fixture
def alembic_config() -> Config:
    """pytest-alembic runs the bundled migrations, through our env.py."""
    return Config(config_options={"script_location": str(resource_path("migrations"))})


@pytest.fixture
def alembic_engine(empty_url: str) -> Iterator[Engine]:
    """pytest-alembic runs on a fresh, empty database of each backend."""
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def test_the_history_has_a_single_head(alembic_runner: MigrationContext) -> None:
    """Migrations form one line: no unmerged branches."""
    alembic_checks.test_single_head_revision(alembic_runner)


def test_upgrade_to_head_works_from_an_empty_database(alembic_runner: MigrationContext) -> None:
    """An empty database migrates to the latest revision."""
    alembic_checks.test_upgrade(alembic_runner)


def test_the_models_match_the_migrated_schema(alembic_runner: MigrationContext) -> None:
    """Autogenerate finds nothing to add: tables in code and migrations do not drift."""
    alembic_checks.test_model_definitions_match_ddl(alembic_runner)


def test_every_revision_goes_up_and_down(alembic_runner: MigrationContext) -> None:
    """Each revision upgrades, downgrades and upgrades again."""
    alembic_checks.test_up_down_consistency(alembic_runner)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_downgrade_to_base_leaves_no_tables_and_upgrade_works_again(empty_url: str) -> None:
    """`downgrade base` removes every table, Alembic's own too; the schema can be rebuilt."""
    migrations.upgrade(empty_url)
    assert "status_events" in _tables(empty_url)
    migrations.downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    migrations.upgrade(empty_url)
    assert migrations.current_revision(empty_url) == migrations.head()


def test_a_database_without_the_schema_is_refused_with_the_command_that_fixes_it(
    empty_url: str,
) -> None:
    """Opening an unmigrated database says exactly what to run."""
    with pytest.raises(SchemaOutOfDate, match=r"run: procurement db upgrade --db '.+'"):
        Tracker.open(empty_url)


def test_an_older_revision_is_refused_with_the_exact_upgrade_command(empty_url: str) -> None:
    """A database behind head names its revision, the one needed, and the command."""
    migrations.upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="not know"):
        Tracker.open(empty_url)


def test_open_with_upgrade_migrates_first(empty_url: str) -> None:
    """`Tracker.open(url, upgrade=True)` is the one-call set-up."""
    with Tracker.open(empty_url, upgrade=True) as tracker:
        assert tracker.platforms() == []
    assert migrations.current_revision(empty_url) == migrations.head()


def test_status_events_refuse_updates_at_the_database_level(tracker: Tracker) -> None:
    """History is append-only even for someone writing SQL by hand."""
    from procurement import Programme, Source

    source = Source(id="s", title="t", published="2025", sha256="0" * 64)
    tracker.add_source(source)
    tracker.add_programme(Programme(id="p", title="P", kind="acquisition", buyer="IN"))
    tracker.record_status("p", "planned", "2025", [("s", "a quote")])
    with pytest.raises(DBAPIError, match="append-only"), tracker.engine.begin() as connection:
        connection.execute(text("UPDATE status_events SET note = 'rewritten'"))
    with pytest.raises(DBAPIError, match="append-only"), tracker.engine.begin() as connection:
        connection.execute(text("UPDATE event_citations SET quote = 'rewritten'"))


def test_passwords_never_appear_in_messages(empty_url: str) -> None:
    """A URL with a password is shown with the password masked."""
    from procurement.store.database import redact

    shown = redact("postgresql+psycopg://analyst:s3cret@db.example:5432/tracker")
    assert "s3cret" not in shown
    assert re.search(r"analyst:\*+@db\.example", shown)


def test_upgrading_a_database_that_holds_data_keeps_it(
    alembic_runner: MigrationContext, alembic_engine: Engine
) -> None:
    """Rows written at the first revision survive every later migration."""
    alembic_runner.migrate_up_to("0001")
    with alembic_engine.begin() as connection:
        connection.execute(text("INSERT INTO countries (code, name) VALUES ('IN', 'India')"))
        connection.execute(
            text(
                "INSERT INTO programmes (id, title, kind, buyer, recorded_at) "
                "VALUES ('kept', 'Kept', 'acquisition', 'IN', CURRENT_TIMESTAMP)"
            )
        )
    alembic_runner.migrate_up_to("heads")
    with alembic_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, buyer, buyer_party FROM programmes")).all()
    assert [tuple(r) for r in rows] == [("kept", "IN", None)]


def test_sqlite_needs_no_postgresql_driver(tmp_path: Path) -> None:
    """Without psycopg installed, an SQLite file is created and reopened; only a PostgreSQL
    URL asks for the driver, naming the extra that provides it."""
    probe = f"""
import sys
sys.modules["psycopg"] = None  # as if it were not installed
from procurement import DatabaseUnavailable, Tracker
url = "sqlite:///{tmp_path / "plain.db"}"
with Tracker.open(url, upgrade=True) as tracker:
    tracker.seed()
with Tracker.open(url) as tracker:
    assert tracker.programmes()
try:
    Tracker.open("postgresql://postgres@127.0.0.1/postgres")
except DatabaseUnavailable as error:
    assert "procurement[postgres]" in str(error), error
else:
    raise AssertionError("a PostgreSQL URL opened without psycopg")
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
