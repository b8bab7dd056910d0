"""Result models assembled from the rows of a question.

The store guarantees what a row holds, so a model is made without validating it again:
what `model_construct` does, minus its per-call overhead. A snapshot is 100,000 models,
so each one costs a dict of its fields and four slot writes, and nothing else (the dicts
of a status or a diff share one table of keys). Large answers are fetched and built with the
cyclic garbage collector paused.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel

from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import Kind, Status
from procurement.queries.results import ProgrammeStatus, QuotedCitation, StatusChange, StatusDiff
from procurement.store.sql import SEPARATOR

__all__ = ["diffs", "large", "paused", "quoted", "statuses", "steps"]

M = TypeVar("M", bound=BaseModel)
P = ParamSpec("P")
R = TypeVar("R")

KINDS: dict[str, Kind] = {kind.value: kind for kind in Kind}
STATUSES: dict[str | None, Status | None] = {None: None, **{s.value: s for s in Status}}
_date = PartialDate.cached

# pydantic keeps a model's fields in `__dict__` and its bookkeeping in three slots;
# writing them through their descriptors skips a type lookup per write.
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _blank(model: type[BaseModel]) -> Callable[[], dict[str, Any]]:
    """A function returning a new dict of the model's fields, each None, in their order.

    The dicts it returns share one table of keys, as the attribute dicts of an ordinary
    class's instances do in CPython, and hold only their values: 300 bytes instead of 460
    for eleven fields, quicker to make, for the collector to scan and to free. Filling in
    the fields keeps the sharing; any other Python just copies a dict."""
    holder = type(f"{model.__name__}Fields", (), {})()
    for name in model.model_fields:
        setattr(holder, name, None)
    fields: dict[str, Any] = holder.__dict__
    return fields.copy


def _maker(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """A function making `model` from a dict of every field's value. The models are
    frozen, so they may share one set of field names (pydantic copies it before any
    change)."""
    fields = set(model.model_fields)

    def make(values: dict[str, Any]) -> M:
        made = _new(model)
        _set_dict(made, values)
        _set_fields(made, fields)
        _set_extra(made, None)
        _set_private(made, None)
        return made

    return make


_status = _maker(ProgrammeStatus)
_step = _maker(StatusChange)
_diff = _maker(StatusDiff)
_quoted = _maker(QuotedCitation)
# Models of many fields (a dict of eight or fewer is as small built afresh):
_STATUS_FIELDS = _blank(ProgrammeStatus)
_DIFF_FIELDS = _blank(StatusDiff)


def _sources(ids: str | None) -> list[str]:
    """The distinct source ids of a `joined` aggregate, sorted."""
    if not ids:
        return []
    return sorted(set(ids.split(SEPARATOR))) if SEPARATOR in ids else [ids]


def statuses(rows: Iterable[Sequence[Any]]) -> list[ProgrammeStatus]:
    """Status results from rows of (id, title, kind, platform, buyer, supplier,
    quantity, status, effective, certain, sources joined)."""
    make, blank, states, date = _status, _STATUS_FIELDS, STATUSES, _date
    built: list[ProgrammeStatus] = []
    for ident, title, kind, platform, buyer, supplier, quantity, status, when, certain, by in rows:
        values = blank()
        values["programme"] = ident
        values["title"] = title
        values["kind"] = KINDS[kind]
        values["platform"] = platform
        values["buyer"] = buyer
        values["supplier"] = supplier
        values["quantity"] = quantity
        values["status"] = states[status]
        values["since"] = None if when is None else date(when)
        values["certain"] = bool(certain)
        values["sources"] = _sources(by)
        built.append(make(values))
    return built


def steps(rows: Iterable[Sequence[Any]]) -> list[StatusChange]:
    """Steps from rows of (event, programme, title, kind, platform, status before,
    status, effective, source, quote), one per citation, a step's rows together."""
    make, cite, states, date = _step, _quoted, STATUSES, _date
    built: list[StatusChange] = []
    citations: list[QuotedCitation] = []
    last = None
    for event, programme, title, kind, platform, before, status, when, source, quote in rows:
        if event != last:
            last = event
            citations = []
            built.append(
                make(
                    {
                        "programme": programme,
                        "title": title,
                        "kind": KINDS[kind],
                        "platform": platform,
                        "from_status": states[before],
                        "to_status": states[status],
                        "effective": date(when),
                        "citations": citations,
                    }
                )
            )
        if source is not None:
            citations.append(cite({"source": source, "quote": quote}))
    return built


def diffs(rows: Iterable[Sequence[Any]], a: Any, b: Any) -> list[StatusDiff]:
    """Diff results from rows of (id, title, kind, platform, and status, effective and
    certain as of `a`, then as of `b`)."""
    make, blank, states, date = _diff, _DIFF_FIELDS, STATUSES, _date
    built: list[StatusDiff] = []
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
    ) in rows:
        values = blank()
        values["programme"] = ident
        values["title"] = title
        values["kind"] = KINDS[kind]
        values["platform"] = platform
        values["a"] = a
        values["b"] = b
        values["status_a"] = states[status_a]
        values["status_b"] = states[status_b]
        values["since_a"] = None if since_a is None else date(since_a)
        values["since_b"] = None if since_b is None else date(since_b)
        values["certain_a"] = bool(certain_a)
        values["certain_b"] = bool(certain_b)
        built.append(make(values))
    return built


def quoted(pairs: Iterable[tuple[str, str]]) -> list[QuotedCitation]:
    """Citations from (source, quote) pairs."""
    return [_quoted({"source": source, "quote": quote}) for source, quote in pairs]


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
    garbage collector paused (`paused`), since its passes over the young rows and models
    would otherwise cost a third as much again as the query."""

    @functools.wraps(question)
    def asked(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return question(*args, **kwargs)

    return asked
