"""Status events: a programme reached a status on a date, as cited sources report it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import Field, model_validator

from procurement.domain.base import DomainModel, Slug, Text
from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import (
    INTERRUPTIONS,
    Kind,
    Status,
    allowed_statuses,
    is_backwards,
    rank,
)
from procurement.domain.sources import Citation

__all__ = [
    "EventRef",
    "Outlook",
    "StatusEvent",
    "check_status_allowed",
    "event_order",
    "lifecycle_violations",
]


class Outlook(DomainModel):
    """What a source expects next, e.g. "agreed to sign ... later this year"."""

    status: Status
    by: PartialDate


class EventRef(DomainModel):
    """Names an earlier event of the same programme by its status and effective date."""

    status: Status
    effective: PartialDate


class StatusEvent(DomainModel):
    """One claim that a programme reached `status` at `effective`, with its evidence.

    A correction supersedes an earlier event and must say why; the earlier row stays in
    the store, so what was believed before the correction can still be asked for.
    """

    programme: Slug
    status: Status
    effective: PartialDate
    citations: tuple[Citation, ...] = Field(min_length=1)
    engagement: Slug | None = None
    outlook: Outlook | None = None
    supersedes: EventRef | None = None
    reason: Text | None = None
    note: Text | None = None
    id: int | None = None
    recorded_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _correction_has_reason(self) -> StatusEvent:
        if self.supersedes is not None and self.reason is None:
            raise ValueError("a correction (supersedes) must give a reason")
        if self.supersedes is not None and self.supersedes == self.ref():
            raise ValueError("an event cannot supersede itself")
        return self

    def ref(self) -> EventRef:
        """The reference by which other events name this one."""
        return EventRef(status=self.status, effective=self.effective)

    def order_key(self) -> tuple[dt.date, int, dt.date]:
        """Position in a programme's history: the earliest day the event may have happened,
        then lifecycle rank, then the latest day (see `event_order`)."""
        start, end, _ = self.effective.sort_key()
        return (start, rank(self.status), end)


def check_status_allowed(kind: Kind, status: Status) -> None:
    """Raise ValueError when a programme of `kind` cannot take `status`."""
    allowed = allowed_statuses(kind)
    if status not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise ValueError(
            f"{status.value!r} is not a status of a programme of kind {kind.value!r} "
            f"(allowed: {names})"
        )


def event_order(events: Iterable[StatusEvent]) -> list[StatusEvent]:
    """Events in history order.

    Events are ordered by the earliest day they may have happened (open starts first).
    Events starting on the same day, those with the same effective date included, are
    ordered by lifecycle rank, then by the latest day they may have happened, then by
    insertion. Ranking before the latest day keeps overlapping imprecise claims ("2025"
    planned, "2025-03" contracted) in lifecycle order.
    """
    indexed = list(enumerate(events))
    indexed.sort(key=lambda pair: (*pair[1].order_key(), pair[1].id or 0, pair[0]))
    return [event for _, event in indexed]


def lifecycle_violations(events: Sequence[StatusEvent]) -> list[tuple[StatusEvent, StatusEvent]]:
    """Pairs (earlier, later) where `later` certainly happened after `earlier` yet moves the
    programme back in its lifecycle, without being a correction or giving a reason.

    `events` are the current (not superseded) events of one programme. Events whose dates
    overlap may have happened in either order and never conflict. `stalled` and `cancelled`
    are never backwards, and are not the yardstick for what follows them. A correction or
    a reasoned event resets the yardstick: only what certainly follows it is compared to it.
    """
    ordered = event_order(events)
    violations: list[tuple[StatusEvent, StatusEvent]] = []
    for index, later in enumerate(ordered):
        if later.status in INTERRUPTIONS or _reasoned(later):
            continue
        start = later.effective.sort_key()[0]
        before = [
            e
            for e in ordered[:index]
            if e.effective.sort_key()[1] < start and e.status not in INTERRUPTIONS
        ]
        resets = [i for i, e in enumerate(before) if _reasoned(e)]
        if resets:
            before = before[resets[-1] :]
        higher = [e for e in before if is_backwards(e.status, later.status)]
        if higher:
            violations.append((max(higher, key=lambda e: rank(e.status)), later))
    return violations


def _reasoned(event: StatusEvent) -> bool:
    return event.supersedes is not None or event.reason is not None
