"""The errors procurement raises, each carrying a message a user can act on.

    ProcurementError
     ├── InvalidData (ValueError)           input broke a rule; names file, record and field
     │    ├── UnknownReference              an id or alias that does not exist; suggests the closest
     │    ├── QuoteNotFound                 a citation's quote is not in its source's text
     │    ├── InvalidTransition             a status would move a programme back in its lifecycle
     │    └── IntegrityMismatch             stored text or bytes no longer match their digest
     ├── InvalidArgument (ValueError)       a query argument is malformed, e.g. a date
     ├── NotFound (LookupError)             a query named a programme or platform not in the store
     └── DatabaseError
          ├── DatabaseUnavailable           the URL is malformed or the server cannot be reached
          └── SchemaOutOfDate               the database is not at this version's migration head

Data errors are raised before anything is written: loads are all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "DatabaseError",
    "DatabaseUnavailable",
    "IntegrityMismatch",
    "InvalidArgument",
    "InvalidData",
    "InvalidTransition",
    "NotFound",
    "Problem",
    "ProcurementError",
    "QuoteNotFound",
    "SchemaOutOfDate",
    "UnknownReference",
    "raise_problems",
    "validation_problems",
]


class ProcurementError(Exception):
    """Base of every error this library raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    line: int | None = None
    record: str | None = None
    field: str | None = None
    category: str = "invalid"
    """One of: invalid, reference, quote, transition, integrity."""

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.record:
            where.append(self.record)
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InvalidData(ProcurementError, ValueError):
    """Input that breaks a rule of the model; nothing was written."""

    def __init__(self, problems: Problem | str | Sequence[Problem]) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {problem}" for problem in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        return "\n".join(lines)


class _Validation(Protocol):
    def errors(self) -> Sequence[Any]: ...


def validation_problems(
    error: _Validation,
    *,
    file: str | None = None,
    line: int | None = None,
    record: str | None = None,
) -> list[Problem]:
    """A pydantic `ValidationError` as problems, one per field, located as given."""
    return [
        Problem(
            str(detail["msg"]).removeprefix("Value error, "),
            file=file,
            line=line,
            record=record,
            field=".".join(str(part) for part in detail["loc"]) or "(record)",
        )
        for detail in error.errors()
    ]


def raise_problems(problems: Sequence[Problem]) -> None:
    """Raise the most specific `InvalidData` subclass that covers every problem, if any."""
    if not problems:
        return
    classes = {
        "reference": UnknownReference,
        "quote": QuoteNotFound,
        "transition": InvalidTransition,
        "integrity": IntegrityMismatch,
    }
    categories = {p.category for p in problems}
    error = classes.get(categories.pop(), InvalidData) if len(categories) == 1 else InvalidData
    raise error(problems)


class UnknownReference(InvalidData):
    """A record names a platform, programme, source or official that does not exist."""


class QuoteNotFound(InvalidData):
    """A quote does not occur in the text of the source it cites."""


class InvalidTransition(InvalidData):
    """A status would move a programme backwards without a correction or a reason."""


class IntegrityMismatch(InvalidData):
    """A text or file no longer matches the digest recorded for it."""


class InvalidArgument(ProcurementError, ValueError):
    """An argument of a query or command is malformed (a date, a country, a kind)."""


class NotFound(ProcurementError, LookupError):
    """A query named something that is not in the store."""

    def __init__(self, what: str, name: str, closest: Iterable[str] = ()) -> None:
        self.what, self.name, self.closest = what, name, tuple(closest)
        hint = f"; closest: {', '.join(self.closest)}" if self.closest else ""
        super().__init__(f"no {what} {name!r}{hint}")


class DatabaseError(ProcurementError):
    """The database cannot serve this request."""


class DatabaseUnavailable(DatabaseError):
    """The database URL is malformed or its server cannot be reached."""


class SchemaOutOfDate(DatabaseError):
    """The database schema is not at the revision this version of procurement needs."""
