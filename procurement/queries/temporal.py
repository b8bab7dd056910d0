"""The temporal questions, answered in SQL on SQLite and PostgreSQL alike.

Definitions (the reference model in the tests implements the same, in plain Python):

- An event is *known at* K when one of its citations comes from a source published on or
  before K (an imprecise publication date counts from its latest day). With no K, every
  recorded event is known. The store keeps the earliest such day on each event
  (`known_from`) and the day a correction of it became known (`superseded_from`).
- An event is *current* at K when it is known at K and no correction of it is known at K.
- A programme's events are ordered by (sort_start, rank, sort_end, id): the earliest day
  the event may have happened, its lifecycle rank, the latest day, insertion order.
- The status as of D is that of the last current event in this order whose earliest day
  is on or before D. It is certain when the event's latest day is on or before D; an open
  start or an imprecise date not yet over makes it uncertain.
- A change is a current event whose status differs from the previous current event's. It
  falls in a window when its date range meets the window; a claim with an open start
  ("by then") falls only in windows with no start.

Statements are built once per shape (which arguments and filters are given, which
database) with bound parameters, so a repeated question costs one execution. For a whole
snapshot PostgreSQL reads the newest event per programme with DISTINCT ON over the
covering index; SQLite probes the same index once per programme.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse

from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import INTERRUPTIONS, Kind, Status
from procurement.domain.platforms import alias_key
from procurement.queries import assemble
from procurement.queries.results import (
    CitedClaim,
    Conflict,
    ConflictKind,
    ProgrammeStatus,
    QuotedCitation,
    StatusChange,
    StatusDiff,
)
from procurement.store import fetch
from procurement.store.schema import (
    AliasRow,
    EventCitationRow,
    EventRow,
    PlatformRow,
    ProgrammeRow,
    SourceRow,
    table_of,
)
from procurement.store.sql import binary, chunks, joined

__all__ = ["Filters", "TemporalQueries", "named_filters", "platform_family", "programme_ids"]

ALIASES = table_of(AliasRow)
EVENTS = table_of(EventRow)
CITATIONS = table_of(EventCitationRow)
SOURCES = table_of(SourceRow)
PROGRAMMES = table_of(ProgrammeRow)
PLATFORMS = table_of(PlatformRow)

AS_OF = bindparam("as_of", type_=Date)
KNOWN_AT = bindparam("known_at", type_=Date)
DAY_A = bindparam("day_a", type_=Date)
DAY_B = bindparam("day_b", type_=Date)
SINCE = bindparam("since", type_=Date)
UNTIL = bindparam("until", type_=Date)
STATUS = bindparam("status", type_=String)
NAME = bindparam("name", type_=String)
KEY = bindparam("key", type_=String)

NAMED_PROGRAMME = (
    PROGRAMMES.c.id,
    PROGRAMMES.c.title,
    PROGRAMMES.c.kind,
    PLATFORMS.c.name.label("platform_name"),
)
"""What every answer says of a programme: id, title, kind and its platform's name (from
`_with_platform`)."""


def _with_platform(joined: Any) -> Any:
    """`joined`, which includes programmes, with each programme's platform if it has one."""
    return joined.outerjoin(PLATFORMS, PROGRAMMES.c.platform_id == PLATFORMS.c.id)


def _inline(statement: Select[Any]) -> Select[Any]:
    """The statement with its single-valued parameters written into the SQL at each
    execution. For questions about every programme: PostgreSQL, once it has run a
    prepared statement five times, may switch to a generic plan that cannot see how
    selective a date is (a snapshot took twice as long). Point lookups keep their
    parameters, since planning would cost them more than it saves."""

    def literal(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and not element.expanding:
            if element.unique:  # a constant of the statement's own: keep its value
                return bindparam(None, element.value, element.type, literal_execute=True)
            return bindparam(element.key, type_=element.type, literal_execute=True)
        return None

    return replacement_traverse(statement, {}, literal)  # type: ignore[return-value]


@dataclass(frozen=True)
class Filters:
    """Which programmes a query covers; None means any.

    `platforms` are platform ids (a platform and its variants: see `platform_family`).
    """

    programmes: tuple[str, ...] | None = None
    platforms: tuple[str, ...] | None = None
    buyer: str | None = None
    supplier: str | None = None
    kind: Kind | None = None

    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: statements are built once per shape."""
        return (
            self.programmes is not None,
            self.platforms is not None,
            self.buyer is not None,
            self.supplier is not None,
            self.kind is not None,
        )

    def params(self) -> dict[str, Any]:
        """The values of the filters that are set, for the bound parameters."""
        values: dict[str, Any] = {
            "f_programmes": list(self.programmes or ()),
            "f_platforms": list(self.platforms or ()),
            "f_buyer": self.buyer,
            "f_supplier": self.supplier,
            "f_kind": self.kind.value if self.kind else None,
        }
        return {k: v for (k, v), on in zip(values.items(), self.shape(), strict=True) if on}


def _family(ident: Any, key: Any) -> Any:
    """(id, name) of the platform with this alias key (else this id), and of all its
    variants at any depth; the same precedence as `Tracker.resolve_platform`."""
    named = select(ALIASES.c.platform_id).where(ALIASES.c.key == key).scalar_subquery()
    family = (
        select(PLATFORMS.c.id, PLATFORMS.c.name)
        .where(PLATFORMS.c.id == func.coalesce(named, ident))
        .cte("family", recursive=True)
    )
    return family.union_all(
        select(PLATFORMS.c.id, PLATFORMS.c.name).where(PLATFORMS.c.variant_of == family.c.id)
    )


def _covered() -> Any:
    """The programmes :name covers, with their title, kind and platform name: the
    programme with that id, else those of the platform family it names (`_family`)."""
    family = _family(NAME, KEY)
    other = PROGRAMMES.alias("named")
    by_id = (
        select(*NAMED_PROGRAMME)
        .select_from(_with_platform(PROGRAMMES))
        .where(PROGRAMMES.c.id == NAME)
    )
    by_platform = (
        select(PROGRAMMES.c.id, PROGRAMMES.c.title, PROGRAMMES.c.kind, family.c.name)
        .select_from(PROGRAMMES.join(family, PROGRAMMES.c.platform_id == family.c.id))
        .where(
            # Redundant with the join, but SQLite then probes the platform index instead
            # of scanning every programme.
            PROGRAMMES.c.platform_id.in_(select(family.c.id)),
            ~exists().where(other.c.id == NAME),
        )
    )
    return union_all(by_id, by_platform).cte("covered")


def _condition(shape: tuple[bool, ...], programme_id: ColumnElement[str]) -> ColumnElement[bool]:
    """True for the ids of programmes that pass filters of this shape."""
    if not any(shape):
        return true()
    by_programme, by_platform, by_buyer, by_supplier, by_kind = shape
    if shape == (True, False, False, False, False):
        return programme_id.in_(bindparam("f_programmes", expanding=True))
    conditions: list[ColumnElement[bool]] = []
    if by_programme:
        conditions.append(PROGRAMMES.c.id.in_(bindparam("f_programmes", expanding=True)))
    if by_platform:
        conditions.append(PROGRAMMES.c.platform_id.in_(bindparam("f_platforms", expanding=True)))
    if by_buyer:
        conditions.append(PROGRAMMES.c.buyer == bindparam("f_buyer"))
    if by_supplier:
        conditions.append(PROGRAMMES.c.supplier == bindparam("f_supplier"))
    if by_kind:
        conditions.append(PROGRAMMES.c.kind == bindparam("f_kind"))
    return programme_id.in_(select(PROGRAMMES.c.id).where(*conditions))


def current(event: Any, known: bool) -> ColumnElement[bool]:
    """The event is known at :known_at and no correction of it is known then (with no
    knowledge date: it is not superseded at all)."""
    if not known:
        return event.c.superseded_from.is_(None)  # type: ignore[no-any-return]
    return and_(
        event.c.known_from <= KNOWN_AT,
        or_(event.c.superseded_from.is_(None), event.c.superseded_from > KNOWN_AT),
    )


def _history_order(events: Any) -> list[ColumnElement[Any]]:
    return [events.c.sort_start, events.c.rank, events.c.sort_end, events.c.id]


_ONE, _ZERO = literal_column("1", Integer), literal_column("0", Integer)
"""LIMIT 1 OFFSET 0 written into the SQL, not bound: fewer values to send with each point
lookup, and a generic plan that knows the limit. The OFFSET is written because SQLite's
compiler would otherwise bind one of 0 after every LIMIT."""


def _latest_event(programme_id: ColumnElement[str], day: Any, known: bool) -> ColumnElement[int]:
    """The id of the event that sets a programme's status as of `day`: the last current
    event in history order that may have happened by then (one index probe)."""
    event = EVENTS.alias("latest")
    return (
        select(event.c.id)
        .where(event.c.programme_id == programme_id, event.c.sort_start <= day)
        .where(current(event, known))
        .order_by(*[c.desc() for c in _history_order(event)])
        .limit(_ONE)
        .offset(_ZERO)
        .scalar_subquery()
    )


_CHOSEN = ("status", "effective", "effective_latest")
"""What a status answer reads of the chosen event (PostgreSQL's index includes them)."""


def _latest_per_programme(day: Any, known: bool, shape: tuple[bool, ...], name: str) -> Any:
    """PostgreSQL: the newest current event of every programme, by DISTINCT ON over the
    covering index (one ordered index-only scan, which reads the table only for pages
    not yet vacuumed)."""
    event = EVENTS.alias("e")
    return (
        select(event.c.id, event.c.programme_id, *[event.c[column] for column in _CHOSEN])
        .where(event.c.sort_start <= day, current(event, known))
        .where(_condition(shape, event.c.programme_id))
        .ext(distinct_on(event.c.programme_id))
        .order_by(event.c.programme_id.desc(), *[c.desc() for c in _history_order(event)])
        .subquery(name)
    )


def _chosen(dialect: str, day: Any, known: bool, shape: tuple[bool, ...], name: str) -> Any:
    """For each programme with a status as of `day`: its id (programme_id) and the event
    that sets it (id, status, effective, effective_latest)."""
    if dialect == "postgresql":
        return _latest_per_programme(day, known, shape, name)
    chosen = (
        select(
            PROGRAMMES.c.id.label("programme_id"),
            _latest_event(PROGRAMMES.c.id, day, known).label("event_id"),
        )
        .where(_condition(shape, PROGRAMMES.c.id))
        .subquery(f"{name}_id")
    )
    return (
        select(EVENTS.c.id, chosen.c.programme_id, *[EVENTS.c[column] for column in _CHOSEN])
        .select_from(chosen.join(EVENTS, EVENTS.c.id == chosen.c.event_id))
        .subquery(name)
    )


def _sources(event_id: ColumnElement[int], known: bool) -> ColumnElement[str]:
    """The ids of an event's sources known at :known_at, joined by `SEPARATOR`."""
    query = select(joined(CITATIONS.c.source_id)).where(CITATIONS.c.event_id == event_id)
    if known:
        query = query.select_from(
            CITATIONS.join(SOURCES, CITATIONS.c.source_id == SOURCES.c.id)
        ).where(SOURCES.c.published_latest <= KNOWN_AT)
    return query.scalar_subquery()


def _certain(event: Any, day: Any) -> ColumnElement[bool]:
    """The event's latest possible day has passed by `day` (NULL when it has none)."""
    return (event.c.effective_latest <= day).label("certain")  # type: ignore[no-any-return]


def _status_columns(event: Any, known: bool) -> list[Any]:
    return [
        *NAMED_PROGRAMME,
        PROGRAMMES.c.buyer,
        PROGRAMMES.c.supplier,
        PROGRAMMES.c.quantity,
        event.c.status,
        event.c.effective,
        _certain(event, AS_OF),
        _sources(event.c.id, known).label("sources"),
    ]


@functools.lru_cache(maxsize=256)
def _status_statement(known: bool) -> Select[Any]:
    """One programme (:programme) with its status as of :as_of, even if it has none."""
    event = EVENTS.alias("chosen_event")
    chosen = _latest_event(PROGRAMMES.c.id, AS_OF, known)
    return (
        select(*_status_columns(event, known))
        .select_from(_with_platform(PROGRAMMES).outerjoin(event, event.c.id == chosen))
        .where(PROGRAMMES.c.id == bindparam("programme"))
    )


@functools.lru_cache(maxsize=256)
def _snapshot_statement(
    dialect: str, known: bool, shape: tuple[bool, ...], by_status: bool
) -> Select[Any]:
    """Every programme that has a status as of :as_of, in byte order of id."""
    chosen = _chosen(dialect, AS_OF, known, shape, "chosen")
    query = (
        select(*_status_columns(chosen, known))
        .select_from(
            _with_platform(chosen.join(PROGRAMMES, PROGRAMMES.c.id == chosen.c.programme_id))
        )
        .order_by(binary(PROGRAMMES.c.id))
    )
    return _inline(query.where(chosen.c.status == STATUS) if by_status else query)


@functools.lru_cache(maxsize=256)
def _diff_statement(dialect: str, known: bool, shape: tuple[bool, ...]) -> Select[Any]:
    """Programmes whose status as of :day_a differs from that as of :day_b."""
    if dialect == "postgresql":
        at_a = _chosen(dialect, DAY_A, known, shape, "at_a")
        at_b = _chosen(dialect, DAY_B, known, shape, "at_b")
        ident: ColumnElement[str] = func.coalesce(at_a.c.programme_id, at_b.c.programme_id)
        pairs: Any = at_a.outerjoin(at_b, at_a.c.programme_id == at_b.c.programme_id, full=True)
    else:
        at_a, at_b = EVENTS.alias("at_a"), EVENTS.alias("at_b")
        events = (
            select(
                PROGRAMMES.c.id,
                _latest_event(PROGRAMMES.c.id, DAY_A, known).label("event_a"),
                _latest_event(PROGRAMMES.c.id, DAY_B, known).label("event_b"),
            )
            .where(_condition(shape, PROGRAMMES.c.id))
            .subquery("pairs")
        )
        ident = events.c.id
        pairs = events.outerjoin(at_a, at_a.c.id == events.c.event_a).outerjoin(
            at_b, at_b.c.id == events.c.event_b
        )
    statement = (
        select(
            *NAMED_PROGRAMME,
            at_a.c.status.label("status_a"),
            at_a.c.effective.label("since_a"),
            _certain(at_a, DAY_A).label("certain_a"),
            at_b.c.status.label("status_b"),
            at_b.c.effective.label("since_b"),
            _certain(at_b, DAY_B).label("certain_b"),
        )
        .select_from(_with_platform(pairs.join(PROGRAMMES, PROGRAMMES.c.id == ident)))
        .where(
            or_(at_a.c.status.is_not(None), at_b.c.status.is_not(None)),
            or_(at_a.c.status.is_(None), at_b.c.status.is_(None), at_a.c.status != at_b.c.status),
        )
        .order_by(binary(PROGRAMMES.c.id))
    )
    return _inline(statement)


def _with_citations(
    steps: Any, known: bool, covered: Any = None, per_step: bool = False
) -> Select[Any]:
    """Each step with its programme's title, kind and platform (from `covered` when
    given, else the tables) and, one row each, its citations known at :known_at, in
    history order. `per_step`: look each step's citations up in the index (PostgreSQL,
    for a few steps; it would otherwise hash all citations, not knowing how few)."""
    cited: Any = CITATIONS
    on: ColumnElement[bool] = CITATIONS.c.event_id == steps.c.id
    if known:
        # A probe per citation: as a join, SQLite would first join every citation to
        # its source.
        on = and_(
            on,
            exists().where(
                SOURCES.c.id == CITATIONS.c.source_id, SOURCES.c.published_latest <= KNOWN_AT
            ),
        )
    if per_step:
        # OFFSET 0 keeps PostgreSQL from flattening the lateral subquery into a join.
        cited = (
            select(CITATIONS.c.id, CITATIONS.c.source_id, CITATIONS.c.quote)
            .where(on)
            .offset(literal_column("0"))
            .lateral("cited")
        )
        on = true()
    if covered is None:
        programmes = _with_platform(steps.join(PROGRAMMES, PROGRAMMES.c.id == steps.c.programme_id))
        about = list(NAMED_PROGRAMME[1:])
    else:
        programmes = steps.join(covered, covered.c.id == steps.c.programme_id)
        about = [covered.c.title, covered.c.kind, covered.c.platform_name]
    return (
        select(
            steps.c.id,
            steps.c.programme_id,
            *about,
            steps.c.from_status,
            steps.c.status,
            steps.c.effective,
            cited.c.source_id,
            cited.c.quote,
        )
        .select_from(programmes.outerjoin(cited, on))
        .order_by(
            steps.c.sort_start,
            steps.c.rank,
            steps.c.sort_end,
            binary(steps.c.programme_id),
            steps.c.id,
            cited.c.id,
        )
    )


def _current_steps(known: bool, which: Callable[[ColumnElement[str]], ColumnElement[bool]]) -> Any:
    """Every current event of the programmes whose id passes `which`, with the status
    before it."""
    event = EVENTS.alias("e")
    return (
        select(
            # Only the columns the answer needs: the window's rows are materialised.
            event.c.id,
            event.c.programme_id,
            event.c.status,
            event.c.effective,
            *_history_order(event)[:3],
            func.lag(event.c.status)
            .over(partition_by=event.c.programme_id, order_by=_history_order(event))
            .label("from_status"),
        )
        .where(current(event, known), which(event.c.programme_id))
        .subquery("steps")
    )


@functools.lru_cache(maxsize=256)
def _history_statement(known: bool, shape: tuple[bool, ...]) -> Select[Any]:
    """Every current event of the filtered programmes, with the status before it."""
    steps = _current_steps(known, functools.partial(_condition, shape))
    return _inline(_with_citations(steps, known))


@functools.lru_cache(maxsize=256)
def _named_history_statement(dialect: str, known: bool) -> Select[Any]:
    """`_history_statement` for the programmes :name covers (`_covered`), in one
    statement: no round trip to find them first."""
    covered = _covered()
    steps = _current_steps(known, lambda programme: programme.in_(select(covered.c.id)))
    return _with_citations(steps, known, covered, per_step=dialect == "postgresql")


@functools.lru_cache(maxsize=256)
def _changes_statement(
    known: bool, shape: tuple[bool, ...], bounded_start: bool, bounded_end: bool
) -> Select[Any]:
    """Events in the window [:since, :until] whose status differs from the one before.

    Only the events in the window are read, each with the status of the event before it
    (one index probe per event) rather than the whole history of every programme.
    """
    event, before = EVENTS.alias("e"), EVENTS.alias("before")
    previous = (
        select(before.c.status)
        .where(
            before.c.programme_id == event.c.programme_id,
            current(before, known),
            tuple_(*_history_order(before)) < tuple_(*_history_order(event)),
        )
        .order_by(*[c.desc() for c in _history_order(before)])
        .limit(_ONE)
        .offset(_ZERO)
        .scalar_subquery()
    )
    window = select(event, previous.label("from_status")).where(
        current(event, known), _condition(shape, event.c.programme_id)
    )
    if bounded_end:
        window = window.where(event.c.sort_start <= UNTIL)
    if bounded_start:
        # A claim dated only "by then" (open start) has no place in a bounded window.
        window = window.where(event.c.sort_end >= SINCE, event.c.effective_earliest.is_not(None))
    rows = window.subquery("w")
    steps = (
        select(rows)
        .where(or_(rows.c.from_status.is_(None), rows.c.from_status != rows.c.status))
        .subquery("steps")
    )
    return _inline(_with_citations(steps, known))


def platform_family(connection: Connection, name: str) -> tuple[str, ...]:
    """The ids of the platform whose id or any of whose names is `name`, and of all its
    variants at any depth (the MQ-9B and its Sky Guardian); empty when there is none."""
    family = _family(bindparam("id"), bindparam("key"))
    found = connection.scalars(select(family.c.id), {"id": name, "key": alias_key(name)})
    return tuple(sorted(found))


@functools.lru_cache(maxsize=1)
def _named_statement() -> Any:
    """The programme with id :id, and the platform family that :id names (`_family`)."""
    family = _family(bindparam("id"), bindparam("key"))
    return union_all(
        select(literal("programme").label("what"), PROGRAMMES.c.id).where(
            PROGRAMMES.c.id == bindparam("id")
        ),
        select(literal("platform").label("what"), family.c.id),
    )


def named_filters(connection: Connection, name: str) -> Filters | None:
    """The programmes a name covers, in one round trip: the programme with that id, else
    the family of the platform it names; None when it names neither."""
    rows = connection.execute(_named_statement(), {"id": name, "key": alias_key(name)}).all()
    if any(what == "programme" for what, _ in rows):
        return Filters(programmes=(name,))
    family = tuple(sorted(ident for _, ident in rows))
    return Filters(platforms=family) if family else None


def programme_ids(connection: Connection, filters: Filters) -> list[str]:
    """Ids of the programmes that pass `filters`, in byte order."""
    query = (
        select(PROGRAMMES.c.id)
        .where(_condition(filters.shape(), PROGRAMMES.c.id))
        .order_by(binary(PROGRAMMES.c.id))
    )
    return list(connection.scalars(query, filters.params()))


class TemporalQueries:
    """Runs the temporal queries on one connection and builds the results."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self._lookups: dict[Select[Any], fetch.Lookup] = {}

    def _lookup(self, statement: Select[Any]) -> fetch.Lookup:
        """The point lookup of `statement` on this connection, made at its first use."""
        made = self._lookups[statement] = fetch.Lookup(self.connection, statement)
        return made

    # -- building blocks -------------------------------------------------------------------

    def _programmes(self, ids: Iterable[str]) -> dict[str, Any]:
        wanted = sorted(set(ids))
        found: dict[str, Any] = {}
        for chunk in chunks(wanted):
            rows = self.connection.execute(
                select(*NAMED_PROGRAMME)
                .select_from(_with_platform(PROGRAMMES))
                .where(PROGRAMMES.c.id.in_(chunk))
            )
            found.update((row.id, row) for row in rows)
        return found

    def _citations(
        self, event_ids: Iterable[int], known_at: dt.date | None
    ) -> dict[int, list[QuotedCitation]]:
        wanted = sorted(set(event_ids))
        found: dict[int, list[QuotedCitation]] = defaultdict(list)
        for chunk in chunks(wanted):
            query = (
                select(CITATIONS.c.event_id, CITATIONS.c.source_id, CITATIONS.c.quote)
                .select_from(CITATIONS.join(SOURCES, CITATIONS.c.source_id == SOURCES.c.id))
                .where(CITATIONS.c.event_id.in_(chunk))
                .order_by(CITATIONS.c.event_id, CITATIONS.c.id)
            )
            if known_at is not None:
                query = query.where(SOURCES.c.published_latest <= known_at)
            rows = self.connection.execute(query).all()
            quoted = assemble.quoted((source, quote) for _, source, quote in rows)
            for (event_id, _, _), citation in zip(rows, quoted, strict=True):
                found[event_id].append(citation)
        return found

    # -- the questions ---------------------------------------------------------------------

    def status(
        self, programme: str, as_of: dt.date, known_at: dt.date | None
    ) -> ProgrammeStatus | None:
        """The status of one programme as of a date (None: no such programme)."""
        statement = _status_statement(known_at is not None)
        lookup = self._lookups.get(statement) or self._lookup(statement)
        found = lookup({"programme": programme, "as_of": as_of, "known_at": known_at})
        return assemble.status(found[0]) if found else None

    @assemble.large
    def snapshot(
        self,
        as_of: dt.date,
        known_at: dt.date | None,
        filters: Filters,
        status: Status | None = None,
    ) -> list[ProgrammeStatus]:
        """Every programme with a status as of a date, ordered by programme id."""
        statement = _snapshot_statement(
            self.dialect, known_at is not None, filters.shape(), status is not None
        )
        params = {"as_of": as_of, "known_at": known_at, **filters.params()}
        if status is not None:
            params["status"] = status.value
        return assemble.statuses(fetch.rows(self.connection, statement, params, streamed=True))

    @assemble.large
    def history(self, known_at: dt.date | None, filters: Filters) -> list[StatusChange]:
        """Every current event of the programmes, in time order, with the status before it."""
        statement = _history_statement(known_at is not None, filters.shape())
        params = {"known_at": known_at, **filters.params()}
        return assemble.steps(fetch.rows(self.connection, statement, params, streamed=True))

    def stream_history(
        self, known_at: dt.date | None, filters: Filters, batch: int
    ) -> Iterator[StatusChange]:
        """`history`, fetched and built `batch` rows at a time (the connection must be in
        a transaction: PostgreSQL reads through a server-side cursor)."""
        statement = _history_statement(known_at is not None, filters.shape())
        params = {"known_at": known_at, **filters.params()}
        pending: list[Any] = []
        # Closed even when the caller stops early: PostgreSQL's cursor lives on the server.
        with closing(fetch.batches(self.connection, statement, params, batch)) as parts:
            while True:
                # Each batch is fetched and built with the collector paused (its passes
                # added a quarter to the time); the caller's work between batches is not.
                with assemble.paused():
                    part = next(parts, None)
                    if part is None:
                        break
                    rows = pending + part
                    # The last step's citations may continue in the next batch: hold it.
                    cut = len(rows)
                    while cut and rows[cut - 1][0] == rows[-1][0]:
                        cut -= 1
                    pending = rows[cut:]
                    built = assemble.steps(rows[:cut])
                yield from built
        yield from assemble.steps(pending)

    @assemble.large
    def history_of(self, name: str, known_at: dt.date | None) -> list[StatusChange]:
        """`history` of the programmes a name covers (`_covered`); empty both when they
        have no events and when the name covers nothing (see `named_filters`)."""
        statement = _named_history_statement(self.dialect, known_at is not None)
        params = {"name": name, "key": alias_key(name), "known_at": known_at}
        # A point lookup: its prepared plan saves more than streaming would.
        lookup = self._lookups.get(statement) or self._lookup(statement)
        return assemble.steps(lookup(params))

    @assemble.large
    def changes(
        self,
        since: dt.date | None,
        until: dt.date | None,
        known_at: dt.date | None,
        filters: Filters,
    ) -> list[StatusChange]:
        """Changes of status whose date range meets the window [since, until]."""
        statement = _changes_statement(
            known_at is not None, filters.shape(), since is not None, until is not None
        )
        params = {"since": since, "until": until, "known_at": known_at, **filters.params()}
        return assemble.steps(fetch.rows(self.connection, statement, params, streamed=True))

    @assemble.large
    def diff(
        self, a: dt.date, b: dt.date, known_at: dt.date | None, filters: Filters
    ) -> list[StatusDiff]:
        """Programmes whose status as of `a` differs from their status as of `b`."""
        statement = _diff_statement(self.dialect, known_at is not None, filters.shape())
        params = {"day_a": a, "day_b": b, "known_at": known_at, **filters.params()}
        return assemble.diffs(fetch.rows(self.connection, statement, params, streamed=True), a, b)

    def conflicts(self, known_at: dt.date | None, filters: Filters) -> list[Conflict]:
        """Pairs of current claims, from sources with none in common, that disagree."""
        known = known_at is not None
        first, second = EVENTS.alias("first"), EVENTS.alias("second")
        c1, c2 = CITATIONS.alias("c1"), CITATIONS.alias("c2")
        shared = c1.join(c2, c1.c.source_id == c2.c.source_id)
        if known:
            # Only sources known then count: a later source citing both claims is not news yet.
            shared = shared.join(
                SOURCES,
                and_(SOURCES.c.id == c1.c.source_id, SOURCES.c.published_latest <= KNOWN_AT),
            )
        shared_source = exists(
            select(literal(1))
            .select_from(shared)
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
        query = (
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
            )
            .select_from(
                first.join(
                    second,
                    and_(first.c.programme_id == second.c.programme_id, first.c.id < second.c.id),
                )
            )
            .where(
                current(first, known),
                current(second, known),
                _condition(filters.shape(), first.c.programme_id),
                ~shared_source,
                or_(
                    and_(same_status, disjoint_dates),
                    and_(~same_status, same_period),
                    out_of_order,
                ),
            )
            .order_by(binary(first.c.programme_id), first.c.id, second.c.id)
        )
        rows = list(self.connection.execute(query, {"known_at": known_at, **filters.params()}))
        programmes = self._programmes(r.programme_id for r in rows)
        citations = self._citations(
            [r.first_id for r in rows] + [r.second_id for r in rows], known_at
        )
        conflicts = []
        for row in rows:
            if row.is_date:
                kind, why = ConflictKind.DATE, "the same status, at dates that do not overlap"
            elif row.is_status:
                kind, why = ConflictKind.STATUS, "different statuses for the same period"
            else:
                kind, why = ConflictKind.ORDER, "a later stage dated wholly before an earlier one"
            conflicts.append(
                Conflict(
                    programme=row.programme_id,
                    title=programmes[row.programme_id].title,
                    kind=kind,
                    first=CitedClaim(
                        event=row.first_id,
                        status=Status(row.first_status),
                        effective=PartialDate(row.first_effective),
                        citations=tuple(citations[row.first_id]),
                    ),
                    second=CitedClaim(
                        event=row.second_id,
                        status=Status(row.second_status),
                        effective=PartialDate(row.second_effective),
                        citations=tuple(citations[row.second_id]),
                    ),
                    explanation=why,
                )
            )
        return conflicts
