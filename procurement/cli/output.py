"""Terminal output shared by the commands: summaries, progress, colour only on a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

from procurement.loading.writer import LoadSummary

__all__ = ["print_summary", "stage_progress", "stderr", "stdout"]


def _console(stream: object) -> Console:
    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(file=stream, no_color=no_color, highlight=False, soft_wrap=True)  # type: ignore[arg-type]


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
