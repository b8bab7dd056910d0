"""The questions the tracker answers, computed in SQL: status as of a date, history,
changes, diffs, conflicts, each optionally as known at a date."""

from procurement.queries.results import (
    CitedClaim,
    Conflict,
    ConflictKind,
    ProgrammeStatus,
    QuotedCitation,
    StatusChange,
    StatusDiff,
    jsonable,
)

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
