"""Commands of the `procurement` tool; each mirrors a method of `procurement.Tracker`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

__all__ = ["app", "run"]

app = typer.Typer(
    name="procurement",
    help="Track defence procurement programmes and their status over time, with sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Create, migrate and inspect the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $PROCUREMENT_DATABASE_URL, else an embedded SQLite file).",
        show_default=False,
    ),
]

_state: dict[str, Any] = {"debug": False}

EXIT_USAGE = 1
EXIT_DATA = 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one line on stderr and exit with `code`."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails.")
    ] = False,
) -> None:
    _state["debug"] = debug


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    db: DbOption = None,
) -> None:
    """Migrate the database up to REVISION (default: the latest).

    Example: procurement db upgrade --db postgresql://postgres@localhost/procurement
    """
    from procurement.store import migrations
    from procurement.store.database import make_engine, redact

    engine = make_engine(db)
    migrations.upgrade(engine, revision)
    typer.echo(f"{redact(engine.url)} is at revision {migrations.current_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision; 'base' removes every table.")
    ] = "-1",
    db: DbOption = None,
) -> None:
    """Migrate the database down to REVISION (default: one step).

    Example: procurement db downgrade base --db sqlite:///tracker.db
    """
    from procurement.store import migrations
    from procurement.store.database import make_engine, redact

    engine = make_engine(db)
    migrations.downgrade(engine, revision)
    current = migrations.current_revision(engine) or "base (no schema)"
    typer.echo(f"{redact(engine.url)} is at revision {current}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's revision and the revision this version needs.

    Example: procurement db current
    """
    from procurement.store import migrations
    from procurement.store.database import make_engine, redact

    engine = make_engine(db)
    current = migrations.current_revision(engine) or "none (run: procurement db upgrade)"
    typer.echo(f"database: {redact(engine.url)}")
    typer.echo(f"current:  {current}")
    typer.echo(f"needed:   {migrations.head()}")


@app.command("seed")
def seed(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Fixture files or folders (default: the bundled seed articles and fixtures).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Load fixtures: validate everything, then write it all in one transaction.

    Loading the same files again changes nothing.

    Example: procurement seed --db sqlite:///tracker.db
    """
    from procurement.cli.output import print_summary, stage_progress
    from procurement.tracker import Tracker

    with Tracker.open(db) as tracker, stage_progress() as progress:
        summary = tracker.seed(paths, progress=progress)
    print_summary(summary)


def run() -> None:
    """Run the app, turning procurement's errors into one line on stderr and an exit code."""
    from procurement.errors import InvalidData, ProcurementError

    try:
        app(standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # one clear line unless --debug
        from sqlalchemy.exc import OperationalError

        if _state["debug"] or os.environ.get("PROCUREMENT_DEBUG"):
            raise
        show = getattr(error, "show", None)
        if callable(show) and hasattr(error, "exit_code"):
            # A usage error from the argument parser (click's, or typer's own copy of it).
            show()
            sys.exit(EXIT_USAGE)
        if isinstance(error, InvalidData):
            typer.echo(f"error: {error}", err=True)
            sys.exit(EXIT_DATA)
        if isinstance(error, ProcurementError):
            typer.echo(f"error: {error}", err=True)
            sys.exit(EXIT_USAGE)
        if isinstance(error, OperationalError):
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            typer.echo(f"error: database unavailable: {reason}", err=True)
            sys.exit(EXIT_USAGE)
        typer.echo(
            f"error: {type(error).__name__}: {error} (run with --debug for details)", err=True
        )
        sys.exit(EXIT_DATA)
