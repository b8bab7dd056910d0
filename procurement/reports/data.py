"""What a report shows, gathered once through the public query API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from procurement.domain.sources import Source
from procurement.queries.results import Conflict, ProgrammeStatus, StatusChange
from procurement.tracker import Tracker

__all__ = ["ReportData", "gather"]


@dataclass(frozen=True)
class ReportData:
    """The snapshot, the changes in the window, the conflicts, every programme's history
    and the sources behind them, as of one date and as known at another."""

    as_of: dt.date
    known_at: dt.date | None
    since: dt.date | None
    snapshot: list[ProgrammeStatus]
    changes: list[StatusChange]
    conflicts: list[Conflict]
    history: list[StatusChange]
    sources: list[Source]

    @property
    def ordered_snapshot(self) -> list[ProgrammeStatus]:
        """The snapshot for reading: agreements and initiatives first, then by title."""
        first = ("agreement", "initiative")
        return sorted(
            self.snapshot, key=lambda s: (s.kind.value not in first, s.kind.value, s.title)
        )

    @property
    def cited_sources(self) -> list[Source]:
        """The sources that back something shown, in id order."""
        cited = {c.source for change in self.history for c in change.citations}
        return [s for s in self.sources if s.id in cited]


def gather(
    tracker: Tracker,
    *,
    as_of: dt.date | str,
    known_at: dt.date | str | None = None,
    since: dt.date | str | None = None,
) -> ReportData:
    """Ask the tracker everything a report needs."""
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    known = dt.date.fromisoformat(known_at) if isinstance(known_at, str) else known_at
    start = dt.date.fromisoformat(since) if isinstance(since, str) else since
    history = [
        change
        for change in tracker.history(known_at=known)
        if change.effective.earliest is None or change.effective.earliest <= day
    ]
    return ReportData(
        as_of=day,
        known_at=known,
        since=start,
        snapshot=tracker.snapshot(as_of=day, known_at=known),
        changes=tracker.changes(since=start, until=day, known_at=known),
        conflicts=tracker.conflicts(known_at=known),
        history=history,
        sources=tracker.sources(),
    )
