"""Commands of the `procurement` tool; each mirrors a method of `procurement.Tracker`.

Exit codes: 0 success; 1 a usage error, something not found (a programme, a file), or a
database that cannot be used as asked; 2 a data error (input that breaks the model's rules,
every problem on its own line); 3 an internal error, a bug to report. Errors go to stderr
without a traceback; `--debug` shows it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from procurement.cli.formats import Format
    from procurement.tracker import Tracker

__all__ = ["app", "run"]

EXIT_USAGE = 1
EXIT_DATA = 2
EXIT_INTERNAL = 3

app = typer.Typer(
    name="procurement",
    help="Track defence procurement programmes and their status over time, with sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Create, migrate and inspect the database schema.", no_args_is_help=True)
import_app = typer.Typer(help="Import data from other tools.", no_args_is_help=True)
export_app = typer.Typer(help="Export data for other tools.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

_state: dict[str, Any] = {"debug": False}


def _date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None
    return value


def _edtf(value: str | None) -> str | None:
    if value is None:
        return None
    from procurement.domain.dates import PartialDate

    try:
        parsed = PartialDate.parse(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if parsed.latest is None:
        raise typer.BadParameter(f"{value!r} has no last day; give a date that ends")
    return value


def _output(value: Path | None) -> Path | None:
    if value is not None and not value.parent.is_dir():
        raise typer.BadParameter(f"cannot write {value}: the folder {value.parent} does not exist")
    return value


InputFiles = Annotated[
    list[Path],
    typer.Argument(
        help="Article text files.", exists=True, dir_okay=False, readable=True, show_default=False
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $PROCUREMENT_DATABASE_URL, else an embedded SQLite file).",
        show_default=False,
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Status on this date, YYYY-MM-DD (default: today).",
        callback=_date,
        show_default=False,
    ),
]
KnownAt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="Answer from sources published by this date only.",
        callback=_date,
        show_default=False,
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        "--since", help="Start of the window, YYYY-MM-DD.", callback=_date, show_default=False
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until", help="End of the window, YYYY-MM-DD.", callback=_date, show_default=False
    ),
]
PlatformOpt = Annotated[
    str | None,
    typer.Option(
        "--platform",
        help="Any name or alias of a platform (variants included).",
        show_default=False,
    ),
]
BuyerOpt = Annotated[
    str | None, typer.Option("--buyer", help="Buyer country, name or ISO code.", show_default=False)
]
SupplierOpt = Annotated[
    str | None,
    typer.Option("--supplier", help="Supplier country, name or ISO code.", show_default=False),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="acquisition, lease, co_production, co_development, "
        "licensed_production, agreement or initiative.",
        show_default=False,
    ),
]
StatusOpt = Annotated[
    str | None,
    typer.Option("--status", help="Only programmes with this status.", show_default=False),
]
FormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help="table, json, csv or md.", case_sensitive=False),
]


def _format(value: str) -> Format:
    from procurement.cli.formats import Format

    try:
        return Format(value.lower())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a format; use table, json, csv or md", param_hint="--format"
        ) from None


def _open(db: str | None) -> Tracker:
    from procurement.tracker import Tracker

    return Tracker.open(db)


def _print(
    items: list[Any],
    fmt: str,
    model: type[Any],
    *,
    title: str | None = None,
    columns: list[str] | None = None,
) -> None:
    from procurement.cli.formats import render

    text = render(items, _format(fmt), model, title=title, table_columns=columns)
    sys.stdout.write(text)


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails.")
    ] = False,
) -> None:
    _state["debug"] = debug


# -- the schema ----------------------------------------------------------------------------


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

    engine = make_engine(db, create=False)
    migrations.downgrade(engine, revision)
    current = migrations.current_revision(engine) or "base (no schema)"
    typer.echo(f"{redact(engine.url)} is at revision {current}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's revision and the revision this version needs.

    Example: procurement db current
    """
    from procurement.store import migrations
    from procurement.store.database import make_engine, redact, resolve_url, sqlite_path

    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        current = "none: the file does not exist yet (run: procurement db upgrade)"
    else:
        engine = make_engine(url)
        current = migrations.current_revision(engine) or "none (run: procurement db upgrade)"
    typer.echo(f"database: {redact(url)}")
    typer.echo(f"current:  {current}")
    typer.echo(f"needed:   {migrations.head()}")


# -- loading ------------------------------------------------------------------------------


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

    with _open(db) as tracker, stage_progress() as progress:
        summary = tracker.seed(paths, progress=progress)
    print_summary(summary)


@import_app.command("sipri")
def import_sipri(
    path: Annotated[
        Path,
        typer.Argument(
            help="A SIPRI trade-register CSV export.", exists=True, dir_okay=False, readable=True
        ),
    ],
    db: DbOption = None,
    released: Annotated[
        str | None,
        typer.Option(
            "--released",
            help="Release date, EDTF (default: the file's 'Data generated' line).",
            callback=_edtf,
            show_default=False,
        ),
    ] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Report malformed rows and go on.")
    ] = False,
) -> None:
    """Import a SIPRI trade register release; a newer release adds only what changed.

    Example: procurement import sipri trade-register.csv --db sqlite:///tracker.db
    """
    from procurement.cli.output import stage_progress

    with _open(db) as tracker, stage_progress() as progress:
        summary = tracker.import_sipri(
            path, released=released, skip_bad_rows=skip_bad_rows, progress=progress
        )
    for line in summary.lines():
        typer.echo(line)


@app.command("ingest")
def ingest(
    paths: InputFiles,
    db: DbOption = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            help="Publication date, EDTF (default: today).",
            callback=_edtf,
            show_default=False,
        ),
    ] = None,
    outlet: Annotated[
        str | None,
        typer.Option("--outlet", help="The outlet that published them.", show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the draft (default: beside each article, as NAME.draft.yaml).",
            callback=_output,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Register articles as sources, flag rewrites of stored ones, and write their
    candidate claims as a draft to review and then load with `procurement seed`.

    Example: procurement ingest article.txt --published 2025-07-02 --out draft.yaml
    """
    with _open(db) as tracker:
        results = tracker.ingest(paths, published=published, outlet=outlet)
    for result in results:
        target = (
            out
            if out is not None and len(results) == 1
            else result.path.with_name(f"{result.path.stem}.draft.yaml")
        )
        target.write_text(result.draft, encoding="utf-8")
        state = "already stored" if result.stored_already else "registered"
        typer.echo(f"{result.path}: source {result.source} ({state})")
        if result.closest is not None:
            flag = "near-duplicate of" if result.near_duplicate else "closest stored source:"
            typer.echo(f"  {flag} {result.closest[0]} (resemblance {result.closest[1]:.2f})")
        typer.echo(f"  {len(result.candidates)} candidate claims -> {target}")
        if result.unknown_platforms:
            typer.echo(
                f"  designations not in the catalogue: {', '.join(result.unknown_platforms)}"
            )
        for note in result.notes:
            typer.echo(f"  note: {note}")


@export_app.command("sipri")
def export_sipri(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The CSV file to write.", callback=_output)
    ],
    db: DbOption = None,
) -> None:
    """Write every programme in SIPRI's 16-column trade-register layout.

    Example: procurement export sipri --out programmes.csv
    """
    from procurement.sipri.export import export_sipri as write

    with _open(db) as tracker:
        typer.echo(f"wrote {write(tracker, out)}")


# -- records ------------------------------------------------------------------------------


@app.command("platforms")
def platforms(db: DbOption = None, fmt: FormatOpt = "table") -> None:
    """List the platform catalogue with every alias.

    Example: procurement platforms --format csv > platforms.csv
    """
    from procurement.domain.platforms import Platform

    with _open(db) as tracker:
        _print(
            tracker.platforms(),
            fmt,
            Platform,
            title="Platforms",
            columns=["id", "name", "aliases", "category", "role", "origin", "variant_of"],
        )


@app.command("programmes")
def programmes(
    db: DbOption = None,
    platform: PlatformOpt = None,
    buyer: BuyerOpt = None,
    supplier: SupplierOpt = None,
    kind: KindOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """List programmes, agreements and initiatives.

    Example: procurement programmes --platform Poseidon --format json
    """
    from procurement.domain.programmes import Programme

    with _open(db) as tracker:
        found = tracker.programmes(platform=platform, buyer=buyer, supplier=supplier, kind=kind)
        _print(
            found,
            fmt,
            Programme,
            title="Programmes",
            columns=["id", "title", "kind", "platform", "buyer", "supplier", "quantity"],
        )


# -- questions ----------------------------------------------------------------------------

_STATUS_COLUMNS = ["programme", "kind", "platform", "status", "since", "certain", "sources"]
_CHANGE_COLUMNS = ["effective", "programme", "from_status", "to_status", "citations"]


@app.command("status")
def status(
    programme: Annotated[str, typer.Argument(help="Programme id.")],
    db: DbOption = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    fmt: FormatOpt = "table",
) -> None:
    """The status of one programme on a date, how certain it is, and its sources.

    Example: procurement status us-india-defence-framework-2025 --as-of 2025-07-15
    """
    from procurement.queries.results import ProgrammeStatus

    with _open(db) as tracker:
        found = tracker.status(programme, as_of=as_of, known_at=known_at)
        _print([found], fmt, ProgrammeStatus, title=found.title, columns=_STATUS_COLUMNS)


@app.command("snapshot")
def snapshot(
    db: DbOption = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    platform: PlatformOpt = None,
    buyer: BuyerOpt = None,
    supplier: SupplierOpt = None,
    kind: KindOpt = None,
    status: StatusOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """The status of every programme on a date.

    Example: procurement snapshot --as-of 2025-12-31 --kind co_production --format md
    """
    from procurement.queries.results import ProgrammeStatus

    with _open(db) as tracker:
        found = tracker.snapshot(
            as_of=as_of,
            known_at=known_at,
            platform=platform,
            buyer=buyer,
            supplier=supplier,
            kind=kind,
            status=status,
        )
        title = f"Status as of {as_of or dt.date.today().isoformat()}"
        _print(found, fmt, ProgrammeStatus, title=title, columns=_STATUS_COLUMNS)


@app.command("history")
def history(
    programme_or_platform: Annotated[
        str, typer.Argument(help="A programme id, or any name of a platform.")
    ],
    db: DbOption = None,
    known_at: KnownAt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Every step of a programme, or of all programmes of a platform, with the quotes.

    Example: procurement history P-8I
    """
    from procurement.queries.results import StatusChange

    with _open(db) as tracker:
        found = tracker.history(programme_or_platform, known_at=known_at)
        _print(
            found,
            fmt,
            StatusChange,
            title=f"History of {programme_or_platform}",
            columns=_CHANGE_COLUMNS,
        )


@app.command("changes")
def changes(
    db: DbOption = None,
    since: Since = None,
    until: Until = None,
    known_at: KnownAt = None,
    platform: PlatformOpt = None,
    buyer: BuyerOpt = None,
    supplier: SupplierOpt = None,
    kind: KindOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Changes of status that may fall between --since and --until.

    Example: procurement changes --since 2025-06-01 --until 2025-11-30
    """
    from procurement.queries.results import StatusChange

    with _open(db) as tracker:
        found = tracker.changes(
            since=since,
            until=until,
            known_at=known_at,
            platform=platform,
            buyer=buyer,
            supplier=supplier,
            kind=kind,
        )
        window = f"{since or '…'} to {until or '…'}"
        _print(found, fmt, StatusChange, title=f"Changes, {window}", columns=_CHANGE_COLUMNS)


@app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="First date, YYYY-MM-DD.", callback=_date)],
    b: Annotated[str, typer.Argument(help="Second date, YYYY-MM-DD.", callback=_date)],
    db: DbOption = None,
    known_at: KnownAt = None,
    platform: PlatformOpt = None,
    buyer: BuyerOpt = None,
    supplier: SupplierOpt = None,
    kind: KindOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Programmes whose status on date A differs from their status on date B.

    Example: procurement diff 2025-06-30 2025-12-31
    """
    from procurement.queries.results import StatusDiff

    with _open(db) as tracker:
        found = tracker.diff(
            a, b, known_at=known_at, platform=platform, buyer=buyer, supplier=supplier, kind=kind
        )
        _print(
            found,
            fmt,
            StatusDiff,
            title=f"Differences between {a} and {b}",
            columns=["programme", "status_a", "certain_a", "status_b", "certain_b", "since_b"],
        )


@app.command("conflicts")
def conflicts(db: DbOption = None, known_at: KnownAt = None, fmt: FormatOpt = "table") -> None:
    """Claims from different sources that disagree about the same programme.

    Example: procurement conflicts --format json
    """
    from procurement.queries.results import Conflict

    with _open(db) as tracker:
        found = tracker.conflicts(known_at=known_at)
        _print(
            found,
            fmt,
            Conflict,
            title="Conflicting claims",
            columns=["programme", "kind", "first", "second", "explanation"],
        )


# -- reports ------------------------------------------------------------------------------


@app.command("report")
def report(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The file to write: .md, .html, .svg or .png.", callback=_output
        ),
    ],
    db: DbOption = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    since: Since = None,
) -> None:
    """Write a briefing (.md), a self-contained page with a timeline chart (.html), or the
    chart alone (.svg, .png).

    Example: procurement report --as-of 2025-12-31 --out report.html
    """
    from procurement import reports
    from procurement.cli.output import stage_progress

    with _open(db) as tracker, stage_progress() as progress:
        if progress:
            progress(f"writing {out}")
        day = as_of or dt.date.today().isoformat()
        written = reports.write(tracker, out, as_of=day, known_at=known_at, since=since)
    typer.echo(f"wrote {written}")


@app.command("story")
def story(db: DbOption = None, as_of: AsOf = None, known_at: KnownAt = None) -> None:
    """Tell the story of every tracked programme: each step, its date and its quote.

    Example: procurement story --known-at 2025-07-15
    """
    from procurement.cli.output import print_story

    with _open(db) as tracker:
        day = as_of or dt.date.today().isoformat()
        print_story(tracker, as_of=day, known_at=known_at)


def run() -> None:
    """Run the app, turning procurement's errors into one line on stderr and an exit code."""
    try:
        app(standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # one clear line unless --debug
        if _state["debug"] or os.environ.get("PROCUREMENT_DEBUG"):
            raise
        message = getattr(error, "format_message", None)
        if callable(message) and hasattr(error, "exit_code"):
            # A usage error from the argument parser (click's, or typer's own copy of it).
            if type(error).__name__ == "NoArgsIsHelpError":
                getattr(error, "show")()  # noqa: B009 (the help text is what was asked for)
                sys.exit(EXIT_USAGE)
            command = getattr(getattr(error, "ctx", None), "command_path", "procurement")
            typer.echo(f"error: {message()} (see: {command} --help)", err=True)
            sys.exit(EXIT_USAGE)
        code, text = _explain(error)
        typer.echo(f"error: {text}", err=True)
        sys.exit(code)


def _explain(error: Exception) -> tuple[int, str]:
    """The exit code and message for an error that reached the top of a command."""
    from alembic.util import CommandError
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    from procurement.errors import InvalidData, ProcurementError, validation_problems

    if isinstance(error, InvalidData):
        return EXIT_DATA, str(error)
    if isinstance(error, ValidationError):
        problems = [f"  - {problem}" for problem in validation_problems(error)]
        return EXIT_DATA, "\n".join([f"invalid {error.title}:", *problems])
    if isinstance(error, ProcurementError):
        return EXIT_USAGE, str(error)
    if isinstance(error, OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return EXIT_USAGE, f"database unavailable: {reason}"
    if isinstance(error, CommandError):
        return EXIT_USAGE, f"migration: {error}"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return EXIT_USAGE, f"{where}{error.strerror or error}"
    return (
        EXIT_INTERNAL,
        f"internal error, please report it: {type(error).__name__}: {error} "
        "(run with --debug for the traceback)",
    )
