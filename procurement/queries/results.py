"""What the temporal queries return: plain pydantic models, shared with `--format json`."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import Kind, Status

__all__ = [
    "CitedClaim",
    "Conflict",
    "ConflictKind",
    "ProgrammeStatus",
    "QuotedCitation",
    "StatusChange",
    "StatusDiff",
]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class QuotedCitation(_Result):
    """A source id and the verbatim quote from it."""

    source: str
    quote: str


class ProgrammeStatus(_Result):
    """A programme's status as of a date, with how sure that is and who said so.

    `status` and `since` are None when no known event applies yet. `certain` is False when
    the status rests on an event whose imprecise date may not have been reached.
    """

    programme: str
    title: str
    kind: Kind
    platform: str | None
    buyer: str | None
    supplier: str | None
    quantity: int | None
    status: Status | None
    since: PartialDate | None
    certain: bool
    sources: list[str]


class StatusChange(_Result):
    """One step in a programme's history: from the previous status to this one."""

    programme: str
    title: str
    kind: Kind
    platform: str | None
    from_status: Status | None
    to_status: Status
    effective: PartialDate
    citations: list[QuotedCitation]


class StatusDiff(_Result):
    """A programme whose status differs between two dates."""

    programme: str
    title: str
    kind: Kind
    platform: str | None
    a: dt.date
    b: dt.date
    status_a: Status | None
    status_b: Status | None
    since_a: PartialDate | None
    since_b: PartialDate | None
    certain_a: bool
    certain_b: bool


class ConflictKind(StrEnum):
    """How two claims disagree."""

    STATUS = "status"
    """Different statuses for exactly the same period."""
    DATE = "date"
    """The same status at dates that cannot both be right."""
    ORDER = "order"
    """A later lifecycle stage dated wholly before an earlier one."""


class CitedClaim(_Result):
    """One side of a conflict: a claim and the citations behind it."""

    event: int
    status: Status
    effective: PartialDate
    citations: list[QuotedCitation]


class Conflict(_Result):
    """Two current claims, from different sources, that disagree about one programme."""

    programme: str
    title: str
    kind: ConflictKind
    first: CitedClaim
    second: CitedClaim
    explanation: str
