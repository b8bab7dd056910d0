"""The command line, run as a user runs it: a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from procurement import Platform, Programme, Tracker, jsonable
from procurement.errors import InvalidData, NotFound
from procurement.queries.results import ProgrammeStatus, StatusChange, StatusDiff
from tests.sources import add_datasets

FORMATS = ["table", "json", "csv", "md"]
FRAMEWORK = "us-india-defence-framework-2025"


def run(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """`procurement ARGS` in a fresh process, output not on a terminal."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("PROCUREMENT_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "procurement", *args],
        capture_output=True,
        text=True,
        env=env,
        check=check,
        timeout=120,
    )


def _markdown_rows(text: str) -> list[list[str]]:
    """Parse a GitHub-flavoured table, checking its shape."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) >= 2
    assert set(lines[1].replace("|", "").split()) == {"---"}
    rows = [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in lines]
    assert all(len(row) == len(rows[0]) for row in rows), "ragged table"
    return [rows[0], *rows[2:]]


COMMANDS = {
    "status": (["status", FRAMEWORK, "--as-of", "2025-07-15"], ProgrammeStatus),
    "snapshot": (["snapshot", "--as-of", "2025-12-31", "--kind", "co_production"], ProgrammeStatus),
    "history": (["history", "P-8I"], StatusChange),
    "changes": (["changes", "--since", "2025-06-01", "--until", "2025-11-30"], StatusChange),
    "diff": (["diff", "2025-06-30", "2025-12-31"], StatusDiff),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_question_in_every_format(seeded_url: str, command: str, fmt: str) -> None:
    """JSON follows the API contract; CSV has the same columns; Markdown is a table."""
    args, model = COMMANDS[command]
    done = run(*args, "--db", seeded_url, "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout, "no colour codes off a terminal"
    fields = list(model._fields)
    if fmt == "json":
        items = json.loads(done.stdout)
        assert items and all(list(item) == fields for item in items)
        for item in items:
            assert jsonable(TypeAdapter(model).validate_python(item)) == item
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert rows and list(rows[0]) == fields
    elif fmt == "md":
        table = _markdown_rows(done.stdout)
        assert table[0] == fields and len(table) > 1
    else:
        assert done.stdout.strip()


def test_status_in_json_carries_the_facts_of_the_articles(seeded_url: str) -> None:
    """On 15 July 2025 the framework was agreed, for certain, per articles 000 and 001."""
    done = run("status", FRAMEWORK, "--as-of", "2025-07-15", "--db", seeded_url, "-f", "json")
    [status] = json.loads(done.stdout)
    assert (status["status"], status["since"], status["certain"]) == ("agreed", "2025-07-01", True)
    assert status["sources"] == ["article-000", "article-001"]


def test_known_at_hides_the_signing_from_a_july_reader(seeded_url: str) -> None:
    """What the press said on 15 July about the end of the year."""
    done = run(
        "status",
        FRAMEWORK,
        "--as-of",
        "2025-12-31",
        "--known-at",
        "2025-07-15",
        "--db",
        seeded_url,
        "-f",
        "json",
    )
    assert json.loads(done.stdout)[0]["status"] == "agreed"


def test_history_of_a_platform_in_csv_has_quotes_as_json(seeded_url: str) -> None:
    """Both P-8I programmes, each step with its citations."""
    done = run("history", "Poseidon", "--db", seeded_url, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["programme"] for r in rows} == {"p-8i-in-indian-service", "p-8i-six-more"}
    citations = json.loads(rows[0]["citations"])
    assert citations[0]["source"] == "article-000"


def test_listing_commands_and_conflicts(seeded_url: str) -> None:
    """platforms, programmes and conflicts print in every format."""
    for args, key, expected in [
        (["platforms"], "id", "p-8i"),
        (["programmes", "--platform", "p8i"], "id", "p-8i-six-more"),
        (["conflicts"], "programme", FRAMEWORK),
    ]:
        for fmt in FORMATS:
            done = run(*args, "--db", seeded_url, "--format", fmt)
            assert done.returncode == 0, done.stderr
            if fmt == "json":
                assert expected in {item[key] for item in json.loads(done.stdout)}
            else:
                assert expected in done.stdout


def test_story_tells_each_programme_with_its_quotes(seeded_url: str) -> None:
    """The main job's last step: the narrative."""
    done = run("story", "--as-of", "2025-12-31", "--db", seeded_url)
    assert done.returncode == 0, done.stderr
    assert "Framework for the US-India Major Defence Partnership (2025): signed" in done.stdout
    assert "They agreed to sign the next 10-year US-India Defence Framework" in done.stdout


def test_square_brackets_in_names_are_printed_as_written(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Titles and names are data, not terminal markup: '[/b]' or '[red]' is printed, not
    obeyed, in the story and in every table."""
    from rich.console import Console

    from procurement.cli import output
    from procurement.cli.formats import Format, render

    add_datasets(tracker, {"memo": "2025-01-01"})
    title, platform = "Lot [red]2[/red] of [/b] spares", "Mk [bold]II[/]"
    tracker.add_platform(Platform(id="mk-ii", name=platform))
    tracker.add_programme(
        Programme(id="p", title=title, kind="acquisition", buyer="IN", platform="mk-ii")
    )
    tracker.record_status("p", "planned", "2025-01", [("memo", "q")])
    buffer = io.StringIO()
    monkeypatch.setattr(output, "stdout", Console(file=buffer, width=200, no_color=True))
    output.print_story(tracker, as_of="2025-12-31")
    assert f"{title} [{platform}]: planned since 2025-01" in buffer.getvalue()
    [status] = tracker.snapshot(as_of="2025-12-31")
    table = render([status], Format.TABLE, ProgrammeStatus, title=title)
    assert title in table and platform in table


@pytest.mark.parametrize("suffix", [".md", ".html", ".svg", ".png"])
def test_report_writes_each_kind_of_file(seeded_url: str, tmp_path: Path, suffix: str) -> None:
    """`report --out` picks the format from the suffix."""
    out = tmp_path / f"report{suffix}"
    done = run("report", "--as-of", "2025-12-31", "--db", seeded_url, "--out", str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    expected = {
        ".md": b"# Procurement briefing",
        ".html": b"<!DOCTYPE html>",
        ".svg": b"<?xml",
        ".png": b"\x89PNG",
    }[suffix]
    assert data.startswith(expected)


# -- errors ---------------------------------------------------------------------------------


def _one_line_error(done: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert done.returncode == code, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_programme_exits_1_with_the_closest_ids(seeded_url: str) -> None:
    """Not found is a usage error, with a suggestion."""
    done = run("status", "us-india-framework", "--db", seeded_url)
    _one_line_error(done, 1, "no programme 'us-india-framework'; closest:")


def test_a_bad_date_exits_1(seeded_url: str) -> None:
    """Dates are checked before anything runs."""
    done = run("snapshot", "--as-of", "2025-13-01", "--db", seeded_url)
    assert done.returncode == 1
    assert "is not a date; use YYYY-MM-DD" in done.stderr


def test_a_bad_url_and_an_unreachable_database_exit_1(tmp_path: Path) -> None:
    """The message names the problem and never the password."""
    _one_line_error(run("platforms", "--db", "not a url"), 1, "is not a database URL")
    done = run("platforms", "--db", "postgresql://analyst:s3cret@127.0.0.1:1/none")
    _one_line_error(done, 1, "cannot connect to")
    assert "s3cret" not in done.stderr


def test_a_database_without_schema_exits_1_naming_the_command(tmp_path: Path) -> None:
    """Out-of-date schema: the exact upgrade command."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    _one_line_error(run("platforms", "--db", url), 1, "run: procurement db upgrade --db")


def test_a_data_error_exits_2_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    """A fixture with an unknown programme is a data error; the database stays empty."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source: nowhere\nclaims:\n  - {programme: x, status: planned, effective: 2025, quote: q}\n"
    )
    done = run("seed", str(bad), "--db", db_url)
    assert done.returncode == 2
    assert "unknown programme 'x'" in done.stderr
    listed = run("programmes", "--db", db_url, "--format", "json")
    assert json.loads(listed.stdout) == []


def test_an_unknown_report_suffix_exits_1_and_writes_nothing(
    seeded_url: str, tmp_path: Path
) -> None:
    """Only .md, .html, .svg and .png."""
    out = tmp_path / "report.docx"
    _one_line_error(run("report", "--db", seeded_url, "--out", str(out)), 1, "must end in")
    assert not out.exists()


def test_debug_shows_the_traceback(seeded_url: str) -> None:
    """--debug is for bug reports."""
    done = run("--debug", "status", "nope", "--db", seeded_url)
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_a_missing_input_file_exits_1_naming_it(db_url: str, tmp_path: Path) -> None:
    """A file that is not there is a usage error, checked before the database is touched."""
    missing = tmp_path / "missing.txt"
    for command in (["ingest"], ["import", "sipri"]):
        done = run(*command, str(missing), "--db", db_url)
        _one_line_error(done, 1, f"{missing}' does not exist")


def test_a_bad_publication_or_release_date_exits_1(db_url: str, tmp_path: Path) -> None:
    """--published and --released take EDTF; anything else is refused before reading."""
    article = tmp_path / "news.txt"
    article.write_text("India plans to acquire six more P-8I aircraft.\n")
    done = run("ingest", str(article), "--published", "July 2025", "--db", db_url)
    _one_line_error(done, 1, "'July 2025' is not a supported EDTF date")
    done = run("import", "sipri", str(SAMPLE), "--released", "last year", "--db", db_url)
    _one_line_error(done, 1, "'last year' is not a supported EDTF date")
    done = run("ingest", str(article), "--published", "2025/..", "--db", db_url)
    _one_line_error(done, 1, "'2025/..' has no last day")
    assert not (tmp_path / "news.draft.yaml").exists()


def test_an_output_folder_that_does_not_exist_exits_1(seeded_url: str, tmp_path: Path) -> None:
    """Reports and exports name the missing folder instead of failing half-way."""
    out = tmp_path / "no-such-folder" / "report.md"
    for command in (["report"], ["export", "sipri"]):
        done = run(*command, "--out", str(out), "--db", seeded_url)
        _one_line_error(done, 1, f"the folder {out.parent} does not exist")
    assert not out.parent.exists()


def test_an_unknown_migration_revision_exits_1(db_url: str) -> None:
    """Alembic's own errors are usage errors, without a traceback."""
    _one_line_error(run("db", "downgrade", "zzzz", "--db", db_url), 1, "migration:")


def test_db_current_does_not_create_a_missing_sqlite_file(tmp_path: Path) -> None:
    """Asking about a database must not leave an empty file behind."""
    path = tmp_path / "not-yet.db"
    done = run("db", "current", "--db", f"sqlite:///{path}")
    assert done.returncode == 0, done.stderr
    assert "does not exist yet" in done.stdout
    assert not path.exists()


def test_every_data_problem_is_listed_on_its_own_line(db_url: str, tmp_path: Path) -> None:
    """Exit 2 with one line per problem, so an editor can fix them all in one pass."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source: nowhere\nclaims:\n"
        "  - {programme: x, status: planned, effective: 2025, quote: q}\n"
        "  - {programme: y, status: planned, effective: 2025, quote: q}\n"
    )
    done = run("seed", str(bad), "--db", db_url)
    assert done.returncode == 2, done.stderr
    problems = [line for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert any("unknown programme 'x'" in line for line in problems)
    assert any("unknown programme 'y'" in line for line in problems)
    assert "Traceback" not in done.stderr


def test_a_value_the_model_refuses_exits_2_naming_the_field(db_url: str, tmp_path: Path) -> None:
    """An outlet longer than a name may be is a data error on the field 'outlet'."""
    article = tmp_path / "news.txt"
    article.write_text("India plans to acquire six more P-8I aircraft.\n")
    done = run(
        "ingest", str(article), "--published", "2025-07-02", "--outlet", "x" * 300, "--db", db_url
    )
    assert done.returncode == 2, done.stderr
    assert f"{article}, source 'article-" in done.stderr
    assert "field 'outlet': is 300 characters long" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidData("bad"), 2),
        (NotFound("programme", "x"), 1),
        (FileNotFoundError(2, "No such file or directory", "a.txt"), 1),
        (RuntimeError("a bug"), 3),
    ],
    ids=["data", "not-found", "file", "internal"],
)
def test_exit_codes_follow_the_documented_contract(error: Exception, code: int) -> None:
    """0 success, 1 usage or not found, 2 data, 3 internal (a bug to report)."""
    from procurement.cli.app import _explain

    assert _explain(error)[0] == code


def test_a_model_error_lists_each_field_on_its_own_line() -> None:
    """A ValidationError from any path is a data error, one line per field."""
    from procurement.cli.app import _explain

    with pytest.raises(ValidationError) as caught:
        Programme(id="p", title="P", kind="acquisition", buyer="XX", quantity=0)
    code, text = _explain(caught.value)
    lines = text.splitlines()
    assert code == 2 and lines[0] == "invalid Programme:"
    fields = [line.split(":")[0] for line in lines[1:]]
    assert fields == ["  - field 'buyer'", "  - field 'quantity'"]


# -- help and start-up ---------------------------------------------------------------------

SUBCOMMANDS = [
    ["db", "upgrade"],
    ["db", "downgrade"],
    ["db", "current"],
    ["seed"],
    ["platforms"],
    ["programmes"],
    ["status"],
    ["snapshot"],
    ["history"],
    ["changes"],
    ["diff"],
    ["conflicts"],
    ["report"],
    ["story"],
    ["ingest"],
    ["import", "sipri"],
    ["export", "sipri"],
]


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    """--help works everywhere and shows how to use the command."""
    done = run(*command, "--help")
    assert done.returncode == 0
    assert "Example: procurement " + command[0] in done.stdout


def test_help_does_not_load_the_database_layer() -> None:
    """Fast start: --help imports neither SQLAlchemy nor matplotlib (no timing involved)."""
    probe = (
        "import sys\n"
        "sys.argv = ['procurement', '--help']\n"
        "from procurement.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


SAMPLE = Path(__file__).parent / "data" / "sipri-sample" / "register-2024.csv"


def test_import_sipri_refuses_a_malformed_row_unless_told_to_skip(
    db_url: str, tmp_path: Path
) -> None:
    """Exit 2 naming the line, nothing written; --skip-bad-rows reports it and goes on."""
    done = run("import", "sipri", str(SAMPLE), "--db", db_url)
    _one_line_error(done, 2, "register-2024.csv:23")
    assert json.loads(run("programmes", "--db", db_url, "-f", "json").stdout) == []
    done = run("import", "sipri", str(SAMPLE), "--db", db_url, "--skip-bad-rows")
    assert done.returncode == 0, done.stderr
    assert "rows read: 10" in done.stdout and "rows skipped: 1" in done.stdout
    out = tmp_path / "export.csv"
    done = run("export", "sipri", "--out", str(out), "--db", db_url)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("iso-8859-1"))))
    assert rows[11][0] == "Recipient" and len(rows) == 12 + 9


def test_ingest_writes_a_draft_that_loads_once_reviewed(db_url: str, tmp_path: Path) -> None:
    """ingest -> review -> seed, from the command line."""
    import yaml

    from procurement.resources import resource_path

    run("seed", str(resource_path("fixtures") / "platforms.yaml"), "--db", db_url, check=True)
    article = tmp_path / "news.txt"
    article.write_text(
        "India plans to acquire six more P-8I maritime patrol aircraft, officials said on "
        "Tuesday.\n| Also Read: something else |\n"
    )
    draft = tmp_path / "news.draft.yaml"
    done = run("ingest", str(article), "--published", "2025-07-02", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "registered" in done.stdout and "1 candidate claims" in done.stdout
    assert run("seed", str(draft), "--db", db_url).returncode == 2
    document = yaml.safe_load(draft.read_text())
    [claim] = document["claims"]
    assert (claim["status"], claim["effective"]) == ("planned", "2025-07-01")
    claim["review"] = "accepted"
    draft.write_text(yaml.safe_dump(document))
    assert run("seed", str(draft), "--db", db_url).returncode == 0
    history = json.loads(run("history", "P-8I", "--db", db_url, "-f", "json").stdout)
    assert history[0]["citations"][0]["quote"].startswith("India plans to acquire six more")
