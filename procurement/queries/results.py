"""What the temporal queries return: named tuples of plain values.

An answer can hold 100,000 results, so each is a single tuple, built without a second
validation from rows the store guarantees: a pydantic model cost about twice as much to
build and to free. Results are immutable and hashable, read by attribute, and
`pandas.DataFrame(results)` takes a list of them as it is. `jsonable` gives the form
`--format json` prints.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any, NamedTuple

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
    "jsonable",
]


class QuotedCitation(NamedTuple):
    """A source id and the verbatim quote from it."""

    source: str
    quote: str


class ProgrammeStatus(NamedTuple):
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
    sources: tuple[str, ...]


class StatusChange(NamedTuple):
    """One step in a programme's history: from the previous status to this one."""

    programme: str
    title: str
    kind: Kind
    platform: str | None
    from_status: Status | None
    to_status: Status
    effective: PartialDate
    citations: tuple[QuotedCitation, ...]


class StatusDiff(NamedTuple):
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


class CitedClaim(NamedTuple):
    """One side of a conflict: a claim and the citations behind it."""

    event: int
    status: Status
    effective: PartialDate
    citations: tuple[QuotedCitation, ...]


class Conflict(NamedTuple):
    """Two current claims, from different sources, that disagree about one programme."""

    programme: str
    title: str
    kind: ConflictKind
    first: CitedClaim
    second: CitedClaim
    explanation: str


def jsonable(value: Any) -> Any:
    """`value` (a result, a list or tuple of them, or a result's field) in JSON's types,
    as `--format json` prints it: a result becomes an object of its fields, a tuple or
    list a list, an enum its value, a date ISO 8601 text and a partial date its EDTF
    text; anything else is returned as it is."""
    if isinstance(value, tuple):
        fields = getattr(value, "_fields", None)
        if fields is not None:
            return {name: jsonable(item) for name, item in zip(fields, value, strict=True)}
        return [jsonable(item) for item in value]
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, PartialDate):
        return value.edtf
    return value
