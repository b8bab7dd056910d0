"""Alembic, driven from code: no alembic.ini, the caller's connection, the bundled scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from procurement.errors import SchemaOutOfDate
from procurement.resources import resource_path
from procurement.store.database import make_engine, redact

__all__ = ["alembic_config", "current_revision", "downgrade", "ensure_current", "head", "upgrade"]


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the bundled migrations, bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(resource_path("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


Target = Engine | URL | str | None
"""An engine, or a database URL (None: $PROCUREMENT_DATABASE_URL, else the default file)."""


@contextmanager
def _engine(target: Target) -> Iterator[Engine]:
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(target)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _bound(target: Target) -> Iterator[Config]:
    with _engine(target) as engine, engine.begin() as connection:
        yield alembic_config(connection)


def upgrade(target: Target = None, revision: str = "head") -> None:
    """Migrate the database up to `revision` (default: the latest)."""
    with _bound(target) as config:
        command.upgrade(config, revision)


def downgrade(target: Target = None, revision: str = "-1") -> None:
    """Migrate the database down to `revision`; `base` removes every table, Alembic's too."""
    with _engine(target) as engine:
        with _bound(engine) as config:
            command.downgrade(config, revision)
        if revision == "base":
            with engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def head() -> str:
    """The revision this version of procurement needs."""
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1, f"migration history has {len(heads)} heads"
    return heads[0]


def current_revision(target: Target = None) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with _engine(target) as engine, engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_current(engine: Engine) -> None:
    """Raise `SchemaOutOfDate`, with the command that fixes it, unless the schema is at head."""
    current, needed = current_revision(engine), head()
    if current == needed:
        return
    fix = f"procurement db upgrade --db '{redact(engine.url)}'"
    if current is None:
        raise SchemaOutOfDate(f"the database has no procurement schema yet; run: {fix}")
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaOutOfDate(
            f"the database is at revision {current}, which this version of procurement does "
            f"not know (it needs {needed}); upgrade procurement itself"
        )
    raise SchemaOutOfDate(
        f"the database is at revision {current} but this version of procurement needs "
        f"{needed}; run: {fix}"
    )
