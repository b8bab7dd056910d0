"""The temporal questions, answered in SQL on SQLite and PostgreSQL alike.

Definitions (the reference model in the tests implements the same, in plain Python):

- An event is *known at* K when one of its citations comes from a source published on or
  before K (an imprecise publication date counts from its latest day). With no K, every
  recorded event is known.
- An event is *current* at K when it is known at K and no correction of it is known at K.
- A programme's events are ordered by (sort_start, rank, sort_end, id): the earliest day
  the event may have happened, its lifecycle rank, the latest day, insertion order.
- The status as of D is that of the last current event in this order whose earliest day
  is on or before D. It is certain when the event's latest day is on or before D; an open
  start or an imprecise date not yet over makes it uncertain.
- A change is a current event whose status differs from the previous current event's. It
  falls in a window when its date range meets the window; a claim with an open start
  ("by then") falls only in windows with no start.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import INTERRUPTIONS, Kind, Status
from procurement.queries.results import (
    CitedClaim,
    Conflict,
    ConflictKind,
    ProgrammeStatus,
    QuotedCitation,
    StatusChange,
    StatusDiff,
)
from procurement.store.schema import (
    EventCitationRow,
    EventRow,
    PlatformRow,
    ProgrammeRow,
    SourceRow,
)

__all__ = ["Filters", "TemporalQueries", "platform_family", "programme_ids"]

EVENTS = EventRow.__table__
CITATIONS = EventCitationRow.__table__
SOURCES = SourceRow.__table__
PROGRAMMES = ProgrammeRow.__table__
PLATFORMS = PlatformRow.__table__


class binary(FunctionElement[str]):
    """A column compared byte by byte, so that ordering by text is the same everywhere."""

    inherit_cache = True
    name = "binary"


@compiles(binary, "postgresql")
def _binary_postgresql(element: binary, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


@compiles(binary, "sqlite")
def _binary_sqlite(element: binary, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)}) COLLATE BINARY"


@dataclass(frozen=True)
class Filters:
    """Which programmes a query covers; None means any. Platforms are resolved ids."""

    programmes: tuple[str, ...] | None = None
    platforms: tuple[str, ...] | None = None
    buyer: str | None = None
    supplier: str | None = None
    kind: Kind | None = None

    def condition(self, programme_id: ColumnElement[str]) -> ColumnElement[bool]:
        """True for the ids of programmes that pass the filters."""
        if self == Filters():
            return true()
        conditions: list[ColumnElement[bool]] = []
        if self.programmes is not None:
            conditions.append(PROGRAMMES.c.id.in_(self.programmes))
        if self.platforms is not None:
            conditions.append(PROGRAMMES.c.platform_id.in_(self.platforms))
        if self.buyer is not None:
            conditions.append(PROGRAMMES.c.buyer == self.buyer)
        if self.supplier is not None:
            conditions.append(PROGRAMMES.c.supplier == self.supplier)
        if self.kind is not None:
            conditions.append(PROGRAMMES.c.kind == self.kind.value)
        return programme_id.in_(select(PROGRAMMES.c.id).where(*conditions))


def _known(event_id: ColumnElement[int], known_at: dt.date | None) -> ColumnElement[bool]:
    """The event has a citation from a source published on or before `known_at`."""
    if known_at is None:
        return true()
    return exists(
        select(literal(1))
        .select_from(CITATIONS.join(SOURCES, CITATIONS.c.source_id == SOURCES.c.id))
        .where(CITATIONS.c.event_id == event_id, SOURCES.c.published_latest <= known_at)
    )


def current_events(
    known_at: dt.date | None, filters: Filters, up_to: dt.date | None = None
) -> Select[Any]:
    """Events known at `known_at` and not corrected by anything known then; with `up_to`,
    only those that may have happened by that day."""
    event = EVENTS.alias("e")
    correction = EVENTS.alias("correction")
    superseded = exists(
        select(literal(1)).where(
            correction.c.supersedes_id == event.c.id, _known(correction.c.id, known_at)
        )
    )
    query = select(event).where(
        _known(event.c.id, known_at), ~superseded, filters.condition(event.c.programme_id)
    )
    return query if up_to is None else query.where(event.c.sort_start <= up_to)


def _history_order(events: Any) -> list[ColumnElement[Any]]:
    return [events.c.sort_start, events.c.rank, events.c.sort_end, events.c.id]


def status_rows(as_of: dt.date, known_at: dt.date | None, filters: Filters) -> Select[Any]:
    """For each programme with a status at `as_of`, the event that sets it."""
    applicable = current_events(known_at, filters, up_to=as_of).subquery("applicable")
    ranked = select(
        applicable,
        func.row_number()
        .over(
            partition_by=applicable.c.programme_id,
            order_by=[c.desc() for c in _history_order(applicable)],
        )
        .label("position"),
    ).subquery("ranked")
    return select(ranked).where(ranked.c.position == 1)


def platform_family(connection: Connection, platform: str) -> tuple[str, ...]:
    """A platform and all its variants, at any depth (the MQ-9B and its SkyGuardian)."""
    family = select(PLATFORMS.c.id).where(PLATFORMS.c.id == platform).cte("family", recursive=True)
    family = family.union_all(select(PLATFORMS.c.id).where(PLATFORMS.c.variant_of == family.c.id))
    return tuple(sorted(connection.scalars(select(family.c.id))))


def programme_ids(connection: Connection, filters: Filters) -> list[str]:
    """Ids of the programmes that pass `filters`, in byte order."""
    return list(
        connection.scalars(
            select(PROGRAMMES.c.id)
            .where(filters.condition(PROGRAMMES.c.id))
            .order_by(binary(PROGRAMMES.c.id))
        )
    )


class TemporalQueries:
    """Runs the temporal queries on one connection and builds the result models."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- building blocks -------------------------------------------------------------------

    def _programmes(self, ids: Iterable[str]) -> dict[str, Any]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.connection.execute(
            select(PROGRAMMES, PLATFORMS.c.name.label("platform_name"))
            .select_from(
                PROGRAMMES.outerjoin(PLATFORMS, PROGRAMMES.c.platform_id == PLATFORMS.c.id)
            )
            .where(PROGRAMMES.c.id.in_(wanted))
        )
        return {row.id: row for row in rows}

    def _citations(
        self, event_ids: Iterable[int], known_at: dt.date | None
    ) -> dict[int, list[QuotedCitation]]:
        wanted = sorted(set(event_ids))
        found: dict[int, list[QuotedCitation]] = defaultdict(list)
        for start in range(0, len(wanted), 5000):
            query = (
                select(CITATIONS.c.event_id, CITATIONS.c.source_id, CITATIONS.c.quote)
                .select_from(CITATIONS.join(SOURCES, CITATIONS.c.source_id == SOURCES.c.id))
                .where(CITATIONS.c.event_id.in_(wanted[start : start + 5000]))
                .order_by(CITATIONS.c.event_id, CITATIONS.c.id)
            )
            if known_at is not None:
                query = query.where(SOURCES.c.published_latest <= known_at)
            for event_id, source, quote in self.connection.execute(query):
                found[event_id].append(QuotedCitation(source=source, quote=quote))
        return found

    @staticmethod
    def _status(
        programme: Any, event: Any | None, as_of: dt.date, sources: list[QuotedCitation]
    ) -> ProgrammeStatus:
        certain = False
        if event is not None:
            certain = event.effective_latest is not None and event.effective_latest <= as_of
        return ProgrammeStatus(
            programme=programme.id,
            title=programme.title,
            kind=Kind(programme.kind),
            platform=programme.platform_name,
            buyer=programme.buyer,
            supplier=programme.supplier,
            quantity=programme.quantity,
            status=Status(event.status) if event is not None else None,
            since=PartialDate(event.effective) if event is not None else None,
            certain=certain,
            sources=sorted({c.source for c in sources}),
        )

    # -- the questions ---------------------------------------------------------------------

    def status(self, programme: str, as_of: dt.date, known_at: dt.date | None) -> ProgrammeStatus:
        """The status of one programme as of a date."""
        events = current_events(known_at, Filters(), up_to=as_of).subquery("c")
        event = self.connection.execute(
            select(events)
            .where(events.c.programme_id == programme)
            .order_by(*[c.desc() for c in _history_order(events)])
            .limit(1)
        ).first()
        citations = self._citations([event.id], known_at)[event.id] if event is not None else []
        return self._status(self._programmes([programme])[programme], event, as_of, citations)

    def snapshot(
        self,
        as_of: dt.date,
        known_at: dt.date | None,
        filters: Filters,
        status: Status | None = None,
    ) -> list[ProgrammeStatus]:
        """Every programme with a status as of a date, ordered by programme id."""
        rows = status_rows(as_of, known_at, filters).subquery("s")
        query = select(rows).order_by(binary(rows.c.programme_id))
        if status is not None:
            query = query.where(rows.c.status == status.value)
        events = list(self.connection.execute(query))
        programmes = self._programmes(e.programme_id for e in events)
        citations = self._citations((e.id for e in events), known_at)
        return [self._status(programmes[e.programme_id], e, as_of, citations[e.id]) for e in events]

    def _history_rows(self, known_at: dt.date | None, filters: Filters) -> Any:
        current = current_events(known_at, filters).subquery("c")
        return select(
            current,
            func.lag(current.c.status)
            .over(partition_by=current.c.programme_id, order_by=_history_order(current))
            .label("from_status"),
        ).subquery("h")

    def _changes(self, rows: Sequence[Any], known_at: dt.date | None) -> list[StatusChange]:
        programmes = self._programmes(r.programme_id for r in rows)
        citations = self._citations((r.id for r in rows), known_at)
        changes = []
        for row in rows:
            programme = programmes[row.programme_id]
            changes.append(
                StatusChange(
                    programme=row.programme_id,
                    title=programme.title,
                    kind=Kind(programme.kind),
                    platform=programme.platform_name,
                    from_status=Status(row.from_status) if row.from_status else None,
                    to_status=Status(row.status),
                    effective=PartialDate(row.effective),
                    citations=citations[row.id],
                )
            )
        return changes

    def history(self, known_at: dt.date | None, filters: Filters) -> list[StatusChange]:
        """Every current event of the programmes, in time order, with the status before it."""
        history = self._history_rows(known_at, filters)
        rows = list(
            self.connection.execute(
                select(history).order_by(
                    history.c.sort_start,
                    history.c.rank,
                    history.c.sort_end,
                    binary(history.c.programme_id),
                    history.c.id,
                )
            )
        )
        return self._changes(rows, known_at)

    def changes(
        self,
        since: dt.date | None,
        until: dt.date | None,
        known_at: dt.date | None,
        filters: Filters,
    ) -> list[StatusChange]:
        """Changes of status whose date range meets the window [since, until]."""
        history = self._history_rows(known_at, filters)
        query = select(history).where(
            or_(history.c.from_status.is_(None), history.c.from_status != history.c.status)
        )
        if since is not None:
            # A claim dated only "by then" (open start) has no place in a bounded window.
            query = query.where(
                history.c.sort_end >= since, history.c.effective_earliest.is_not(None)
            )
        if until is not None:
            query = query.where(history.c.sort_start <= until)
        rows = list(
            self.connection.execute(
                query.order_by(
                    history.c.sort_start,
                    history.c.rank,
                    history.c.sort_end,
                    binary(history.c.programme_id),
                    history.c.id,
                )
            )
        )
        return self._changes(rows, known_at)

    def diff(
        self, a: dt.date, b: dt.date, known_at: dt.date | None, filters: Filters
    ) -> list[StatusDiff]:
        """Programmes whose status as of `a` differs from their status as of `b`."""
        at_a = status_rows(a, known_at, filters).subquery("at_a")
        at_b = status_rows(b, known_at, filters).subquery("at_b")
        query = (
            select(
                PROGRAMMES.c.id,
                at_a.c.status.label("status_a"),
                at_a.c.effective.label("since_a"),
                at_a.c.effective_latest.label("latest_a"),
                at_b.c.status.label("status_b"),
                at_b.c.effective.label("since_b"),
                at_b.c.effective_latest.label("latest_b"),
            )
            .select_from(
                PROGRAMMES.outerjoin(at_a, at_a.c.programme_id == PROGRAMMES.c.id).outerjoin(
                    at_b, at_b.c.programme_id == PROGRAMMES.c.id
                )
            )
            .where(
                filters.condition(PROGRAMMES.c.id),
                or_(at_a.c.status.is_not(None), at_b.c.status.is_not(None)),
                or_(
                    at_a.c.status.is_(None),
                    at_b.c.status.is_(None),
                    at_a.c.status != at_b.c.status,
                ),
            )
            .order_by(binary(PROGRAMMES.c.id))
        )
        rows = list(self.connection.execute(query))
        programmes = self._programmes(r.id for r in rows)

        def certain(latest: dt.date | None, day: dt.date) -> bool:
            return latest is not None and latest <= day

        return [
            StatusDiff(
                programme=row.id,
                title=programmes[row.id].title,
                kind=Kind(programmes[row.id].kind),
                platform=programmes[row.id].platform_name,
                a=a,
                b=b,
                status_a=Status(row.status_a) if row.status_a else None,
                status_b=Status(row.status_b) if row.status_b else None,
                since_a=PartialDate(row.since_a) if row.since_a else None,
                since_b=PartialDate(row.since_b) if row.since_b else None,
                certain_a=certain(row.latest_a, a),
                certain_b=certain(row.latest_b, b),
            )
            for row in rows
        ]

    def conflicts(self, known_at: dt.date | None, filters: Filters) -> list[Conflict]:
        """Pairs of current claims, from sources with none in common, that disagree."""
        current = current_events(known_at, filters).subquery("c")
        first, second = current.alias("first"), current.alias("second")
        c1, c2 = CITATIONS.alias("c1"), CITATIONS.alias("c2")
        shared_source = exists(
            select(literal(1))
            .select_from(c1.join(c2, c1.c.source_id == c2.c.source_id))
            .where(c1.c.event_id == first.c.id, c2.c.event_id == second.c.id)
        )
        interruptions = [s.value for s in INTERRUPTIONS]
        same_status = first.c.status == second.c.status
        disjoint_dates = or_(
            first.c.sort_end < second.c.sort_start, second.c.sort_end < first.c.sort_start
        )
        same_period = and_(
            first.c.sort_start == second.c.sort_start, first.c.sort_end == second.c.sort_end
        )
        out_of_order = and_(
            first.c.status.not_in(interruptions),
            second.c.status.not_in(interruptions),
            or_(
                and_(first.c.rank < second.c.rank, first.c.sort_start > second.c.sort_end),
                and_(second.c.rank < first.c.rank, second.c.sort_start > first.c.sort_end),
            ),
        )
        rows = list(
            self.connection.execute(
                select(
                    first.c.programme_id,
                    first.c.id.label("first_id"),
                    first.c.status.label("first_status"),
                    first.c.effective.label("first_effective"),
                    second.c.id.label("second_id"),
                    second.c.status.label("second_status"),
                    second.c.effective.label("second_effective"),
                    and_(same_status, disjoint_dates).label("is_date"),
                    and_(~same_status, same_period).label("is_status"),
                    out_of_order.label("is_order"),
                )
                .select_from(
                    first.join(
                        second,
                        and_(
                            first.c.programme_id == second.c.programme_id,
                            first.c.id < second.c.id,
                        ),
                    )
                )
                .where(
                    ~shared_source,
                    or_(
                        and_(same_status, disjoint_dates),
                        and_(~same_status, same_period),
                        out_of_order,
                    ),
                )
                .order_by(binary(first.c.programme_id), first.c.id, second.c.id)
            )
        )
        programmes = self._programmes(r.programme_id for r in rows)
        citations = self._citations(
            [r.first_id for r in rows] + [r.second_id for r in rows], known_at
        )
        conflicts = []
        for row in rows:
            if row.is_date:
                kind_, why = ConflictKind.DATE, "the same status, at dates that do not overlap"
            elif row.is_status:
                kind_, why = ConflictKind.STATUS, "different statuses for the same period"
            else:
                kind_, why = ConflictKind.ORDER, "a later stage dated wholly before an earlier one"
            conflicts.append(
                Conflict(
                    programme=row.programme_id,
                    title=programmes[row.programme_id].title,
                    kind=kind_,
                    first=CitedClaim(
                        event=row.first_id,
                        status=Status(row.first_status),
                        effective=PartialDate(row.first_effective),
                        citations=citations[row.first_id],
                    ),
                    second=CitedClaim(
                        event=row.second_id,
                        status=Status(row.second_status),
                        effective=PartialDate(row.second_effective),
                        citations=citations[row.second_id],
                    ),
                    explanation=why,
                )
            )
        return conflicts
