"""Terminal output shared by the commands: summaries, progress, colour only on a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from procurement.loading.writer import LoadSummary
from procurement.queries.results import StatusChange
from procurement.tracker import Tracker

_KIND_ORDER = [
    "agreement",
    "initiative",
    "co_production",
    "co_development",
    "licensed_production",
    "acquisition",
    "lease",
]

__all__ = ["print_story", "print_summary", "stage_progress", "stderr", "stdout"]


def _console(stream: object) -> Console:
    """Colour only on a terminal and never with NO_COLOR; off a terminal, tables are laid
    out $COLUMNS wide (default 160) rather than squeezed into 80."""
    no_color = bool(os.environ.get("NO_COLOR"))
    console = Console(file=stream, no_color=no_color, highlight=False, soft_wrap=True)  # type: ignore[arg-type]
    if not console.is_terminal:
        console.width = int(os.environ.get("COLUMNS", "160"))
    return console


stdout = _console(sys.stdout)
stderr = _console(sys.stderr)


@contextmanager
def stage_progress() -> Iterator[Callable[[str], None] | None]:
    """A callback showing the current stage of a long operation, on a terminal only."""
    if not stderr.is_terminal:
        yield None
        return
    with stderr.status("starting") as status:
        yield lambda stage: status.update(stage)


def print_summary(summary: LoadSummary) -> None:
    """What a load added, updated or found already present, as a table."""
    table = Table(title="Loaded" if summary.changed else "Nothing new: everything was present")
    for column in ("records", "added", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "records" else "right")
    for kind, counts in summary.counts.items():
        table.add_row(kind, str(counts.added), str(counts.updated), str(counts.unchanged))
    stdout.print(table)


def print_story(tracker: Tracker, *, as_of: str, known_at: str | None = None) -> None:
    """Every programme with a known status: where it stands, and each step with its quote."""
    snapshot = {s.programme: s for s in tracker.snapshot(as_of=as_of, known_at=known_at)}
    steps: dict[str, list[StatusChange]] = {}
    for change in tracker.history(known_at=known_at):
        steps.setdefault(change.programme, []).append(change)
    knowledge = f", as known on {known_at}" if known_at else ""
    stdout.print(f"[bold]The tracked programmes as of {as_of}{knowledge}[/bold]\n")
    ordered = sorted(snapshot.values(), key=lambda s: (_KIND_ORDER.index(s.kind.value), s.title))
    for current in ordered:
        state = current.status.value.replace("_", " ") if current.status else "no status"
        certainty = "" if current.certain else " [dim](uncertain)[/dim]"
        where = escape(f" [{current.platform}]") if current.platform else ""
        stdout.print(
            f"[bold]{escape(current.title)}[/bold]{where}: [cyan]{state}[/cyan]{certainty} "
            f"since {current.since}",
            markup=True,
        )
        for change in steps.get(current.programme, []):
            before = change.from_status.value.replace("_", " ") if change.from_status else ""
            after = change.to_status.value.replace("_", " ")
            arrow = f"{before} -> {after}" if before else after
            stdout.print(f"  {change.effective}  {arrow}", markup=False)
            for citation in change.citations:
                quote = " ".join(citation.quote.split())
                stdout.print(f"      \u201c{quote}\u201d ({citation.source})", markup=False)
        stdout.print()
