"""Results assembled from the rows of a question.

The store guarantees what a row holds, so a result is made without validating it again:
one `tuple.__new__` per result, its enums and dates looked up in tables. A snapshot is
100,000 results, so that is all each one costs. Large answers are fetched and built with
the cyclic garbage collector paused.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import Kind, Status
from procurement.queries.results import ProgrammeStatus, QuotedCitation, StatusChange, StatusDiff
from procurement.store.sql import SEPARATOR

__all__ = ["diffs", "large", "paused", "quoted", "status", "statuses", "steps"]

P = ParamSpec("P")
R = TypeVar("R")

KINDS: dict[str, Kind] = {kind.value: kind for kind in Kind}
STATUSES: dict[str | None, Status | None] = {None: None, **{s.value: s for s in Status}}

_new: Callable[..., Any] = tuple.__new__
_DATES: dict[str, PartialDate] = {}
_DATES_HELD = 65_536


def _date(text: str) -> PartialDate:
    """The `PartialDate` of stored EDTF text, kept for the next row that has it. Builders
    try `_DATES` first: a dict lookup costs a third of a call to a memoised function,
    which a snapshot makes 80,000 times. The table is emptied when it is full."""
    if len(_DATES) >= _DATES_HELD:
        _DATES.clear()
    made = _DATES[text] = PartialDate.cached(text)
    return made


def _sources(ids: str | None) -> tuple[str, ...]:
    """The distinct source ids of a `joined` aggregate, sorted."""
    if not ids:
        return ()
    return tuple(sorted(set(ids.split(SEPARATOR)))) if SEPARATOR in ids else (ids,)


def status(row: Sequence[Any]) -> ProgrammeStatus:
    """A status result from a row of (id, title, kind, platform, buyer, supplier,
    quantity, status, effective, certain, sources joined)."""
    ident, title, kind, platform, buyer, supplier, quantity, state, when, certain, by = row
    return _new(  # type: ignore[no-any-return]
        ProgrammeStatus,
        (
            ident,
            title,
            KINDS[kind],
            platform,
            buyer,
            supplier,
            quantity,
            STATUSES[state],
            None if when is None else _DATES.get(when) or _date(when),
            bool(certain),
            _sources(by),
        ),
    )


def statuses(rows: Iterable[Sequence[Any]]) -> list[ProgrammeStatus]:
    """Status results from rows (see `status`). One call per row, so that a point lookup
    builds its result without a list comprehension's setup (0.5 µs of 0.9); a snapshot's
    building pays 3 % more for the calls."""
    return list(map(status, rows))


def steps(rows: Iterable[Sequence[Any]]) -> list[StatusChange]:
    """Steps from rows of (event, programme, title, kind, platform, status before,
    status, effective, source, quote), one per citation, a step's rows together."""
    new, kinds, states, known, date = _new, KINDS, STATUSES, _DATES.get, _date
    built: list[StatusChange] = []
    citations: list[QuotedCitation] = []
    step: tuple[Any, ...] = ()
    last = None
    for event, programme, title, kind, platform, before, status, when, source, quote in rows:
        if event != last:
            if step:
                built.append(new(StatusChange, (*step, tuple(citations))))
            last = event
            citations = []
            step = (
                programme,
                title,
                kinds[kind],
                platform,
                states[before],
                states[status],
                known(when) or date(when),
            )
        if source is not None:
            citations.append(new(QuotedCitation, (source, quote)))
    if step:
        built.append(new(StatusChange, (*step, tuple(citations))))
    return built


def diffs(rows: Iterable[Sequence[Any]], a: Any, b: Any) -> list[StatusDiff]:
    """Diff results from rows of (id, title, kind, platform, and status, effective and
    certain as of `a`, then as of `b`)."""
    new, kinds, states, known, date = _new, KINDS, STATUSES, _DATES.get, _date
    return [
        new(
            StatusDiff,
            (
                ident,
                title,
                kinds[kind],
                platform,
                a,
                b,
                states[status_a],
                states[status_b],
                None if since_a is None else known(since_a) or date(since_a),
                None if since_b is None else known(since_b) or date(since_b),
                bool(certain_a),
                bool(certain_b),
            ),
        )
        for (
            ident,
            title,
            kind,
            platform,
            status_a,
            since_a,
            certain_a,
            status_b,
            since_b,
            certain_b,
        ) in rows
    ]


def quoted(pairs: Iterable[tuple[str, str]]) -> list[QuotedCitation]:
    """Citations from (source, quote) pairs."""
    return [_new(QuotedCitation, pair) for pair in pairs]


class _Pauses:
    """How many questions, in any thread, have the cyclic garbage collector paused, and
    whether it ran before the first: the collector is process-wide, so the last one to
    finish restores it, whatever order threads finish in."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.resume = False


_PAUSES = _Pauses()


@contextmanager
def paused() -> Iterator[None]:
    """Build many small acyclic objects without the cyclic garbage collector rescanning
    them as the list grows (it would cost as much as building them)."""
    with _PAUSES.lock:
        if _PAUSES.count == 0:
            _PAUSES.resume = gc.isenabled()
            gc.disable()
        _PAUSES.count += 1
    try:
        yield
    finally:
        with _PAUSES.lock:
            _PAUSES.count -= 1
            if _PAUSES.count == 0 and _PAUSES.resume:
                gc.enable()


def large(question: Callable[P, R]) -> Callable[P, R]:
    """A question whose answer may hold many rows: fetched and built with the cyclic
    garbage collector paused (`paused`), since its passes over the young rows and results
    would otherwise cost a third as much again as the query."""

    @functools.wraps(question)
    def asked(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return question(*args, **kwargs)

    return asked
