"""`Tracker`: the one object a user opens to read, write, seed and query the store."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn, Self, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from procurement.domain.countries import lookup_country
from procurement.domain.dates import PartialDate
from procurement.domain.engagements import Engagement
from procurement.domain.events import EventRef, Outlook, StatusEvent
from procurement.domain.lifecycle import Kind, Status
from procurement.domain.officials import Official
from procurement.domain.platforms import Platform, alias_key
from procurement.domain.programmes import Programme
from procurement.domain.sources import Citation, Source, sha256_hex
from procurement.errors import DatabaseUnavailable, InvalidArgument, NotFound
from procurement.loading.batch import Batch, Entry, SourceDocument
from procurement.loading.writer import LoadSummary, write_batch
from procurement.queries.results import Conflict, ProgrammeStatus, StatusChange, StatusDiff
from procurement.queries.temporal import (
    Filters,
    TemporalQueries,
    named_filters,
    platform_family,
    programme_ids,
)
from procurement.store import migrations, reads
from procurement.store.database import make_engine, redact

if TYPE_CHECKING:
    from procurement.ingest import Ingested
    from procurement.sipri.importer import ImportSummary

from procurement.store.schema import AliasRow, EventRow, ProgrammeRow, SourceRow

__all__ = ["Tracker"]

T = TypeVar("T")

CitationLike = Citation | tuple[str, str]
DateLike = dt.date | str
E = TypeVar("E", bound=StrEnum)


def _day(value: DateLike | None, name: str) -> dt.date | None:
    """A query date: a `date`, or an ISO string YYYY-MM-DD."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidArgument(
            f"{name}: {value!r} is not a date; use YYYY-MM-DD (e.g. 2025-07-15)"
        ) from None


def _country(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    code = lookup_country(value)
    if code is None:
        raise InvalidArgument(f"{name}: {value!r} is not a country name or ISO code")
    return code


def _enum(enum: type[E], value: E | str | None, name: str) -> E | None:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidArgument(f"{name}: {value!r} is not one of {allowed}") from None


def _citations(citations: Iterable[CitationLike]) -> tuple[Citation, ...]:
    return tuple(
        c if isinstance(c, Citation) else Citation(source=c[0], quote=c[1]) for c in citations
    )


def _one(found: Sequence[T], what: str, name: str, closest: Iterable[str] = ()) -> T:
    if not found:
        _not_found(what, name, closest)
    return found[0]


def _not_found(what: str, name: str, closest: Iterable[str]) -> NoReturn:
    """Raise `NotFound`, suggesting the three closest of `closest`."""
    import difflib

    raise NotFound(what, name, difflib.get_close_matches(name, list(closest), n=3, cutoff=0.5))


def _unknown_name(connection: Connection, name: str) -> NoReturn:
    """Raise `NotFound` for a name that is neither a programme nor any platform's name,
    suggesting the closest of both."""
    candidates = [
        *connection.scalars(select(ProgrammeRow.id)),
        *connection.scalars(select(AliasRow.alias)),
    ]
    _not_found("programme or platform", name, candidates)


def _release(connections: list[Connection], lock: threading.RLock, connection: Connection) -> None:
    """Close a connection for questions whose thread no longer holds it, and forget it.
    Closed before the lock is taken: another thread may hold the lock while it waits for
    a connection from the pool, this one maybe."""
    connection.close()
    with lock:
        if connection in connections:
            connections.remove(connection)


class Tracker:
    """A procurement store: open it with a database URL, then read, write and query.

    >>> with Tracker.open("sqlite:///tracker.db", upgrade=True) as tracker:  # doctest: +SKIP
    ...     tracker.seed()
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Questions are single statements, asked on one connection per thread kept in
        # autocommit: each costs one round trip (no pool checkout, no BEGIN, no ROLLBACK)
        # and sees everything committed, writes through this tracker included.
        self._reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._local = threading.local()
        self._connections: list[Connection] = []  # every live thread's, for `close`
        self._lock = threading.RLock()  # re-entered when a replaced thread's is released

    @classmethod
    def open(cls, url: str | URL | None = None, *, upgrade: bool = False) -> Tracker:
        """Connect to `url` (else $PROCUREMENT_DATABASE_URL, else the embedded SQLite file).

        The schema must be at this version's migration head; `upgrade=True` migrates it
        there first, otherwise `SchemaOutOfDate` names the command that does.
        """
        engine = make_engine(url, create=upgrade)
        try:
            with engine.connect():
                pass
        except OperationalError as error:
            engine.dispose()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise DatabaseUnavailable(f"cannot connect to {redact(engine.url)}: {reason}") from None
        if upgrade:
            migrations.upgrade(engine)
        try:
            migrations.ensure_current(engine)
        except Exception:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL, without its password."""
        return redact(self.engine.url)

    def close(self) -> None:
        """Release the database connections."""
        with self._lock:
            connections = list(self._connections)  # a release may change the list
            self._connections.clear()
        self._local = threading.local()  # every thread's questions go, and are released
        for connection in connections:
            connection.close()
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Tracker({self.url!r})"

    def _session(self) -> Session:
        return Session(self.engine)

    # -- reading records -----------------------------------------------------------------

    def platforms(self) -> list[Platform]:
        """Every platform, ordered by id."""
        with self._session() as session:
            return reads.read_platforms(session)

    def resolve_platform(self, name: str) -> str:
        """The id of the platform that `name` names: its id, name or any alias, in any case,
        with or without hyphens and spaces ("P-8I", "p8i", "Poseidon")."""
        with self._session() as session:
            found = session.scalar(
                select(AliasRow.platform_id).where(AliasRow.key == alias_key(name))
            )
            if found is None:
                found = session.scalar(
                    select(AliasRow.platform_id).where(AliasRow.platform_id == name)
                )
            if found is None:
                names = session.scalars(select(AliasRow.alias)).all()
                _one([], "platform", name, names)
            assert found is not None
            return found

    def platform(self, name: str) -> Platform:
        """The platform with this id, name or alias."""
        ident = self.resolve_platform(name)
        with self._session() as session:
            return reads.read_platforms(session, [ident])[0]

    def programme(self, ident: str) -> Programme:
        """The programme with this id."""
        with self._session() as session:
            found = reads.read_programmes(session, [ident])
            if not found:
                _one(found, "programme", ident, session.scalars(select(ProgrammeRow.id)).all())
            return found[0]

    def sources(self) -> list[Source]:
        """Every source, ordered by id."""
        with self._session() as session:
            return reads.read_sources(session)

    def source(self, ident: str) -> Source:
        """The source with this id."""
        with self._session() as session:
            found = reads.read_sources(session, [ident])
            return _one(found, "source", ident, session.scalars(select(SourceRow.id)).all())

    def source_text(self, ident: str) -> str | None:
        """The full text of a source (None for datasets, which are quoted row by row)."""
        self.source(ident)
        with self._session() as session:
            return session.scalar(select(SourceRow.text).where(SourceRow.id == ident))

    def officials(self) -> list[Official]:
        """Every official with their roles, ordered by id."""
        with self._session() as session:
            return reads.read_officials(session)

    def official(self, ident: str) -> Official:
        """The official with this id."""
        with self._session() as session:
            found = reads.read_officials(session, [ident])
            return _one(found, "official", ident, [o.id for o in reads.read_officials(session)])

    def engagements(self) -> list[Engagement]:
        """Every engagement, in date order."""
        with self._session() as session:
            return reads.read_engagements(session)

    def engagement(self, ident: str) -> Engagement:
        """The engagement with this id."""
        with self._session() as session:
            found = reads.read_engagements(session, [ident])
            return _one(found, "engagement", ident, [e.id for e in reads.read_engagements(session)])

    def events(self, programme: str) -> list[StatusEvent]:
        """Every event recorded for a programme, superseded ones included, in recording order."""
        self.programme(programme)
        with self._session() as session:
            return reads.read_events(session, programme)

    # -- asking questions ----------------------------------------------------------------

    def _filters(
        self,
        connection: Connection,
        *,
        platform: str | None = None,
        buyer: str | None = None,
        supplier: str | None = None,
        kind: Kind | str | None = None,
    ) -> Filters:
        platforms = None
        if platform is not None:
            platforms = platform_family(connection, platform)
            if not platforms:
                self.resolve_platform(platform)  # raises NotFound with the closest names
        return Filters(
            platforms=platforms,
            buyer=_country(buyer, "buyer"),
            supplier=_country(supplier, "supplier"),
            kind=_enum(Kind, kind, "kind"),
        )

    def _questions(self) -> TemporalQueries:
        """This thread's questions, on its connection for them (see `_reader`), kept from
        one question to the next: opened at the first, again after `close`, and once lost.
        `status` makes the same check inline."""
        local = self._local
        queries: TemporalQueries | None = getattr(local, "queries", None)
        # A closed tracker forgets every thread's (see `close`): only a lost one remains.
        if queries is None or queries.connection.invalidated:
            if queries is not None:
                # Released now, though a kept traceback may still hold its questions.
                local.release()
            connection = self._reader.connect()  # may wait for the pool: not under the lock
            with self._lock:
                self._connections.append(connection)
            # Released when its questions go: when the thread ends (its thread-local
            # values go with it), or at the latest when the tracker closes.
            queries = local.queries = TemporalQueries(connection)
            local.release = weakref.finalize(
                queries, _release, self._connections, self._lock, connection
            )
            local.release.atexit = False  # at exit, the process ending closes it
        return queries

    def _read(self) -> Connection:
        """This thread's connection for questions."""
        return self._questions().connection

    def programmes(
        self,
        *,
        platform: str | None = None,
        buyer: str | None = None,
        supplier: str | None = None,
        kind: Kind | str | None = None,
    ) -> list[Programme]:
        """Programmes, ordered by id; `platform` (any alias) includes its variants."""
        connection = self._read()
        filters = self._filters(
            connection, platform=platform, buyer=buyer, supplier=supplier, kind=kind
        )
        ids = programme_ids(connection, filters)
        with self._session() as session:
            found = {p.id: p for p in reads.read_programmes(session, ids)}
        return [found[i] for i in ids]

    def status(
        self,
        programme: str,
        *,
        as_of: DateLike | None = None,
        known_at: DateLike | None = None,
    ) -> ProgrammeStatus:
        """The status of `programme` as of a date (default today), optionally as known at
        a date (default: everything recorded). `status` is None before its first event."""
        # The common case first: a lookup is a few dozen microseconds, and calls count.
        day = as_of if as_of.__class__ is dt.date else _day(as_of, "as_of") or dt.date.today()
        known = (
            known_at
            if known_at is None or known_at.__class__ is dt.date
            else _day(known_at, "known_at")
        )
        queries: TemporalQueries | None = getattr(self._local, "queries", None)
        if queries is None or queries.connection.invalidated:  # `_questions`, written out
            queries = self._questions()
        found = queries.status(programme, day, known)
        if found is None:
            self.programme(programme)  # raises NotFound, naming the closest ids
        assert found is not None
        return found

    def snapshot(
        self,
        *,
        as_of: DateLike | None = None,
        known_at: DateLike | None = None,
        platform: str | None = None,
        buyer: str | None = None,
        supplier: str | None = None,
        kind: Kind | str | None = None,
        status: Status | str | None = None,
    ) -> list[ProgrammeStatus]:
        """The status of every programme that has one as of a date, ordered by id."""
        day, known = _day(as_of, "as_of") or dt.date.today(), _day(known_at, "known_at")
        chosen = _enum(Status, status, "status")
        queries = self._questions()
        filters = self._filters(
            queries.connection, platform=platform, buyer=buyer, supplier=supplier, kind=kind
        )
        return queries.snapshot(day, known, filters, chosen)

    def history(
        self, programme_or_platform: str | None = None, *, known_at: DateLike | None = None
    ) -> list[StatusChange]:
        """Every status change of a programme, or of all programmes of a platform (any
        alias, variants included), or of every programme, in time order."""
        day = _day(known_at, "known_at")
        queries = self._questions()
        connection = queries.connection
        if programme_or_platform is None:
            return queries.history(day, Filters())
        found = queries.history_of(programme_or_platform, day)
        if not found and named_filters(connection, programme_or_platform) is None:
            _unknown_name(connection, programme_or_platform)
        return found

    def iter_history(
        self,
        programme_or_platform: str | None = None,
        *,
        known_at: DateLike | None = None,
        batch: int = 10_000,
    ) -> Iterator[StatusChange]:
        """`history()` one step at a time, holding about `batch` rows in memory rather than
        every step at once: for exporting the history of a million events.

        The name is resolved now (an unknown one raises here); the steps are read, from
        the first one on, in one transaction on a connection of their own, released when
        the iterator is exhausted or closed. Until then that transaction holds a read
        lock: on SQLite a write, from this thread or another process, waits for it.
        """
        day = _day(known_at, "known_at")
        if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
            raise InvalidArgument(f"batch: {batch!r} is not a positive number of rows")
        filters = Filters()
        if programme_or_platform is not None:
            connection = self._read()
            named = named_filters(connection, programme_or_platform)
            if named is None:
                _unknown_name(connection, programme_or_platform)
            filters = named
        return self._stream_history(day, filters, batch)

    def _stream_history(
        self, known_at: dt.date | None, filters: Filters, batch: int
    ) -> Iterator[StatusChange]:
        with self.engine.connect() as connection:
            yield from TemporalQueries(connection).stream_history(known_at, filters, batch)

    def changes(
        self,
        *,
        since: DateLike | None = None,
        until: DateLike | None = None,
        known_at: DateLike | None = None,
        platform: str | None = None,
        buyer: str | None = None,
        supplier: str | None = None,
        kind: Kind | str | None = None,
    ) -> list[StatusChange]:
        """Changes of status whose date may fall between `since` and `until` (inclusive)."""
        days = _day(since, "since"), _day(until, "until"), _day(known_at, "known_at")
        queries = self._questions()
        filters = self._filters(
            queries.connection, platform=platform, buyer=buyer, supplier=supplier, kind=kind
        )
        return queries.changes(*days, filters)

    def diff(
        self,
        a: DateLike,
        b: DateLike,
        *,
        known_at: DateLike | None = None,
        platform: str | None = None,
        buyer: str | None = None,
        supplier: str | None = None,
        kind: Kind | str | None = None,
    ) -> list[StatusDiff]:
        """Programmes whose status as of `a` differs from their status as of `b`."""
        day_a, day_b = _day(a, "a"), _day(b, "b")
        assert day_a is not None and day_b is not None
        queries = self._questions()
        filters = self._filters(
            queries.connection, platform=platform, buyer=buyer, supplier=supplier, kind=kind
        )
        return queries.diff(day_a, day_b, _day(known_at, "known_at"), filters)

    def conflicts(
        self, *, known_at: DateLike | None = None, programme: str | None = None
    ) -> list[Conflict]:
        """Claims from different sources that disagree about the same programme."""
        if programme is not None:
            self.programme(programme)
        filters = Filters(programmes=(programme,) if programme else None)
        return self._questions().conflicts(_day(known_at, "known_at"), filters)

    # -- other tools ---------------------------------------------------------------------

    def import_sipri(
        self,
        path: str | Path,
        *,
        released: str | dt.date | None = None,
        skip_bad_rows: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> ImportSummary:
        """Import a SIPRI trade-register export (see `procurement.sipri.importer`)."""
        from procurement.sipri.importer import import_sipri

        return import_sipri(
            self, path, released=released, skip_bad_rows=skip_bad_rows, progress=progress
        )

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        published: str | dt.date | None = None,
        outlet: str | None = None,
    ) -> list[Ingested]:
        """Register articles as sources and propose their claims as review drafts (see
        `procurement.ingest`)."""
        from procurement.ingest import ingest

        return ingest(self, paths, published=published, outlet=outlet)

    # -- writing records -----------------------------------------------------------------

    def load(self, batch: Batch, *, progress: Callable[[str], None] | None = None) -> LoadSummary:
        """Validate and write a batch in one transaction (see `procurement.loading`)."""
        return write_batch(self.engine, batch, progress=progress)

    def seed(
        self,
        paths: Iterable[str | Path] | None = None,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> LoadSummary:
        """Load fixture files (default: the five seed articles and their curated fixtures).

        Everything is validated first and written in one transaction; loading the same
        files again changes nothing.
        """
        from procurement.loading.fixtures import read_fixtures
        from procurement.resources import resource_path

        chosen = (
            list(paths)
            if paths is not None
            else [
                resource_path("seeds"),
                resource_path("fixtures"),
            ]
        )
        if progress:
            progress("reading fixture files")
        return self.load(read_fixtures(chosen), progress=progress)

    def load_many(
        self, batches: Iterable[Batch], *, progress: Callable[[str], None] | None = None
    ) -> LoadSummary:
        """Validate and write batches one after another in a single transaction, for loads
        too large to hold in memory at once (all or nothing, like `load`)."""
        from procurement.loading.writer import write_batches

        return write_batches(self.engine, batches, progress=progress)

    def add_source(self, source: Source, text: str | None = None) -> Source:
        """Record a source; with `text`, its digest must match and quotes are checked against it."""
        if text is not None and sha256_hex(text.encode("utf-8")) != source.sha256:
            from procurement.errors import IntegrityMismatch, Problem

            raise IntegrityMismatch(
                Problem(
                    "does not match the text given",
                    record=f"source {source.id!r}",
                    field="sha256",
                    category="integrity",
                )
            )
        self.load(Batch(sources=[Entry(SourceDocument(source, text))]))
        return self.source(source.id)

    def add_platform(self, platform: Platform) -> Platform:
        """Record a platform (or update it: platforms are reference data, not history)."""
        self.load(Batch(platforms=[Entry(platform)]))
        return self.platform(platform.id)

    def add_programme(self, programme: Programme) -> Programme:
        """Record a programme (or update its attributes)."""
        self.load(Batch(programmes=[Entry(programme)]))
        return self.programme(programme.id)

    def add_official(self, official: Official) -> Official:
        """Record an official and their roles."""
        self.load(Batch(officials=[Entry(official)]))
        return self.official(official.id)

    def add_engagement(self, engagement: Engagement) -> Engagement:
        """Record an engagement."""
        self.load(Batch(engagements=[Entry(engagement)]))
        return self.engagement(engagement.id)

    def record_status(
        self,
        programme: str,
        status: Status | str,
        effective: PartialDate | dt.date | str,
        citations: Iterable[CitationLike],
        *,
        engagement: str | None = None,
        outlook: Outlook | None = None,
        reason: str | None = None,
        note: str | None = None,
    ) -> StatusEvent:
        """Record that `programme` reached `status` at `effective`, as the citations say.

        Recording the same claim again only adds citations it did not have.
        """
        event = StatusEvent(
            programme=programme,
            status=Status(status),
            effective=PartialDate.parse(effective),
            citations=_citations(citations),
            engagement=engagement,
            outlook=outlook,
            reason=reason,
            note=note,
        )
        return self._record(event)

    def correct_status(
        self,
        programme: str,
        supersedes: EventRef | tuple[Status | str, PartialDate | dt.date | str],
        status: Status | str,
        effective: PartialDate | dt.date | str,
        citations: Iterable[CitationLike],
        *,
        reason: str,
        note: str | None = None,
    ) -> StatusEvent:
        """Supersede the current event `supersedes` (status, effective) with a new claim.

        The superseded event stays on record: queries "as known at" a date before the
        correction's sources still see it.
        """
        if not isinstance(supersedes, EventRef):
            supersedes = EventRef(
                status=Status(supersedes[0]), effective=PartialDate.parse(supersedes[1])
            )
        event = StatusEvent(
            programme=programme,
            status=Status(status),
            effective=PartialDate.parse(effective),
            citations=_citations(citations),
            supersedes=supersedes,
            reason=reason,
            note=note,
        )
        return self._record(event)

    def _record(self, event: StatusEvent) -> StatusEvent:
        from procurement.store.convert import event_key

        self.load(Batch(events=[Entry(event)]))
        with self._session() as session:
            ident = session.scalar(select(EventRow.id).where(EventRow.key == event_key(event)))
            return next(e for e in reads.read_events(session, event.programme) if e.id == ident)
