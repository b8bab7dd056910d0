"""Alembic environment: runs on the connection (or engine) the caller hands in through
`config.attributes["connection"]`, so the library, the CLI and the tests share one engine.

Batch mode ("move and copy") is used on SQLite only, whose ALTER TABLE is limited; every
migration runs in its own transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from procurement.store.database import make_engine
from procurement.store.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
        compare_type=True,
        process_revision_directives=config.attributes.get("process_revision_directives"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise SystemExit("procurement migrations run online only: pass a database connection")
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine = (
        given
        if isinstance(given, Engine)
        else make_engine(config.get_main_option("sqlalchemy.url"))
    )
    with engine.begin() as own:
        _run(own)
    if given is None:
        engine.dispose()


_main()
