"""Validate a batch against itself and the store, then write it in one transaction.

Every way data comes in (fixture files, the Python write API, imports) ends here, so one
set of rules holds for all of them: references resolve, quotes occur in their sources,
statuses fit the programme's kind and lifecycle. All problems are collected and raised
before the first write; a batch is written entirely or not at all. Writing is an upsert on
natural keys, so loading the same batch twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from procurement.domain.countries import country_name
from procurement.domain.engagements import Engagement
from procurement.domain.events import (
    EventRef,
    StatusEvent,
    check_status_allowed,
    lifecycle_violations,
)
from procurement.domain.lifecycle import Kind
from procurement.domain.officials import Official
from procurement.domain.platforms import Platform, alias_key
from procurement.domain.programmes import Programme
from procurement.domain.sources import Citation, quote_occurs
from procurement.errors import Problem, raise_problems
from procurement.loading.batch import Batch, Entry, SourceDocument
from procurement.store import bulk, convert
from procurement.store.database import WRITE_OPTION
from procurement.store.schema import (
    AliasRow,
    CountryRow,
    EngagementCitationRow,
    EngagementRow,
    EventCitationRow,
    EventRow,
    OfficialRow,
    ParticipantRow,
    PlatformRow,
    ProgrammeRow,
    RoleCitationRow,
    RoleRow,
    SourceRow,
    table_of,
)
from procurement.store.sql import chunks

__all__ = ["Counts", "LoadSummary", "write_batch", "write_batches", "write_session"]

EVENTS = table_of(EventRow)

T = TypeVar("T")

# Any constant will do: it names the lock that serialises writers on PostgreSQL.
_WRITE_LOCK = 0x70726F63  # "proc"


@dataclass
class Counts:
    """What a load did to one kind of record."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadSummary:
    """Counts per kind of record: sources, platforms, ..., events and citations."""

    counts: dict[str, Counts] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> Counts:
        return self.counts.setdefault(kind, Counts())

    def add(self, other: LoadSummary) -> None:
        """Add the counts of another load."""
        for kind, counts in other.counts.items():
            mine = self[kind]
            mine.added += counts.added
            mine.updated += counts.updated
            mine.unchanged += counts.unchanged

    @property
    def changed(self) -> bool:
        """True when the load added or updated anything."""
        return any(c.added or c.updated for c in self.counts.values())

    def __str__(self) -> str:
        parts = []
        for kind, c in self.counts.items():
            parts.append(f"{kind}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged")
        return "; ".join(parts) if parts else "nothing to load"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction that holds the write lock from its first statement."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(_WRITE_LOCK)))
            with Session(bind=connection, autoflush=False) as session:
                yield session
                session.flush()


def write_batch(
    engine: Engine, batch: Batch, *, progress: Callable[[str], None] | None = None
) -> LoadSummary:
    """Validate `batch` and write it in one transaction; raise before writing on any problem.

    `progress`, if given, is told the name of each stage as it starts.
    """
    return write_batches(engine, [batch], progress=progress)


def write_batches(
    engine: Engine,
    batches: Iterable[Batch],
    *,
    progress: Callable[[str], None] | None = None,
) -> LoadSummary:
    """Validate and write batches in turn, all in one transaction: for loads too large to
    hold at once. A later batch may refer to what an earlier one wrote; a problem in any
    batch rolls back every one."""
    report = progress or (lambda _stage: None)
    total = LoadSummary()
    with write_session(engine) as session:
        for number, batch in enumerate(batches, start=1):
            report(f"validating batch {number} ({len(batch)} records)")
            plan = _Validator(session, batch).run()
            total.add(_Writer(session, plan, report).run())
    return total


def _where(entry: Entry[Any], record: str, field_name: str | None = None) -> dict[str, Any]:
    return {
        "file": entry.origin.file,
        "line": entry.origin.line,
        "record": record,
        "field": field_name,
    }


def _closest(name: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(m) for m in matches)}?" if matches else ""


@dataclass
class _Plan:
    """A validated batch, de-duplicated, with what the store already holds."""

    sources: list[SourceDocument]
    platforms: list[Platform]
    officials: list[Official]
    engagements: list[Engagement]
    programmes: list[Programme]
    events: list[StatusEvent]
    keys: list[str]
    """The natural key of each event, in the same order."""
    countries: set[str]
    existing_event_ids: dict[str, int]
    current_targets: dict[tuple[str, EventRef], str]
    also: list[Callable[[Session], None]]
    published: dict[str, dt.date]
    """The latest publication day of every source a citation may name."""


class _Validator:
    """Collects every problem of a batch, against the batch itself and the store."""

    def __init__(self, session: Session, batch: Batch) -> None:
        self.session = session
        self.batch = batch
        self.problems: list[Problem] = []

    def problem(self, message: str, category: str = "invalid", **where: Any) -> None:
        self.problems.append(Problem(message, category=category, **where))

    def run(self) -> _Plan:
        sources = self._unique(self.batch.sources, lambda d: d.source.id, "source")
        platforms = self._unique(self.batch.platforms, lambda p: p.id, "platform")
        officials = self._unique(self.batch.officials, lambda o: o.id, "official")
        engagements = self._unique(self.batch.engagements, lambda e: e.id, "engagement")
        programmes = self._unique(self.batch.programmes, lambda p: p.id, "programme")
        events = self._merge_events(self.batch.events)

        self._check_sources(sources)
        source_texts = self._source_texts(sources)
        self._check_platforms(platforms)
        official_ids = self._ids(OfficialRow.id, [e.value.id for e in officials])
        self._check_officials(officials, source_texts)
        engagement_ids = self._ids(EngagementRow.id, [e.value.id for e in engagements])
        self._check_engagements(engagements, official_ids, source_texts)
        platform_ids = self._ids(PlatformRow.id, [e.value.id for e in platforms])
        self._check_programmes(programmes, platform_ids)
        kinds = self._programme_kinds(programmes)
        keys = [convert.event_key(e.value) for e in events]
        existing, targets = self._check_events(events, keys, kinds, engagement_ids, source_texts)
        raise_problems(self.problems)

        countries: set[str] = set()
        for p in platforms:
            countries.update(c for c in [p.value.origin] if c)
        for o in officials:
            countries.update(c for c in [o.value.country, *(r.country for r in o.value.roles)] if c)
        for g in programmes:
            countries.update(c for c in [g.value.buyer, g.value.supplier] if c)
        return _Plan(
            sources=[e.value for e in sources],
            platforms=_parents_first([e.value for e in platforms]),
            officials=[e.value for e in officials],
            engagements=[e.value for e in engagements],
            programmes=[e.value for e in programmes],
            events=[e.value for e in events],
            keys=keys,
            countries=countries,
            existing_event_ids=existing,
            current_targets=targets,
            also=list(self.batch.also),
            published=self.published,
        )

    # -- helpers -------------------------------------------------------------------------

    def _unique(
        self, entries: list[Entry[T]], key: Callable[[T], str], what: str
    ) -> list[Entry[T]]:
        """Entries by id; the same id twice must mean the same record."""
        seen: dict[str, Entry[T]] = {}
        for entry in entries:
            ident = key(entry.value)
            first = seen.get(ident)
            if first is None:
                seen[ident] = entry
            elif first.value != entry.value:
                where = (
                    f"{first.origin.file}:{first.origin.line}" if first.origin.file else "earlier"
                )
                self.problem(
                    f"{what} {ident!r} is defined twice, differently (first at {where})",
                    **_where(entry, f"{what} {ident!r}"),
                )
        return list(seen.values())

    def _merge_events(self, entries: list[Entry[StatusEvent]]) -> list[Entry[StatusEvent]]:
        """One event per natural key; the citations of repeated claims are pooled."""
        merged: dict[str, Entry[StatusEvent]] = {}
        for entry in entries:
            key = convert.event_key(entry.value)
            first = merged.get(key)
            if first is None:
                merged[key] = entry
                continue
            a, b = first.value, entry.value
            conflicting = [
                name
                for name in ("engagement", "outlook", "reason")
                if getattr(b, name) is not None
                and getattr(a, name) is not None
                and getattr(a, name) != getattr(b, name)
            ]
            if conflicting:
                self.problem(
                    f"the same claim ({a.status.value} at {a.effective}) is made twice with "
                    f"different {', '.join(conflicting)}",
                    **_where(entry, f"event of programme {a.programme!r}"),
                )
            citations = a.citations + tuple(c for c in b.citations if c not in a.citations)
            note = a.note
            if b.note is not None and b.note != a.note:
                note = b.note if a.note is None else f"{a.note}\n{b.note}"
            pooled = a.model_copy(
                update={
                    "citations": citations,
                    "note": note,
                    **{
                        name: getattr(b, name)
                        for name in ("engagement", "outlook", "reason", "note")
                        if getattr(a, name) is None
                    },
                }
            )
            merged[key] = Entry(pooled, first.origin)
        return list(merged.values())

    def _ids(self, column: Any, also: Iterable[str]) -> set[str]:
        return set(self.session.scalars(select(column))) | set(also)

    # -- sources -------------------------------------------------------------------------

    def _check_sources(self, sources: list[Entry[SourceDocument]]) -> None:
        ids = [e.value.source.id for e in sources]
        stored: dict[str, str] = {}
        stored_published: dict[str, str] = {}
        for chunk in chunks(ids):
            for ident, digest, published in self.session.execute(
                select(SourceRow.id, SourceRow.sha256, SourceRow.published).where(
                    SourceRow.id.in_(chunk)
                )
            ).all():
                stored[ident], stored_published[ident] = digest, published
        digests = [e.value.source.sha256 for e in sources]
        by_digest: dict[str, str] = {}
        for chunk in chunks(digests):
            by_digest.update(
                (d, i)
                for i, d in self.session.execute(
                    select(SourceRow.id, SourceRow.sha256).where(SourceRow.sha256.in_(chunk))
                ).all()
            )
        seen_digest: dict[str, str] = {}
        for entry in sources:
            source = entry.value.source
            where = _where(entry, f"source {source.id!r}", "sha256")
            if source.id in stored and stored[source.id] != source.sha256:
                self.problem(
                    f"source {source.id!r} is stored with digest {stored[source.id][:12]}..., "
                    f"not {source.sha256[:12]}...: a source's text never changes; give a new "
                    "text a new id",
                    category="integrity",
                    **where,
                )
            if (
                source.id in stored_published
                and stored_published[source.id] != source.published.edtf
            ):
                self.problem(
                    f"source {source.id!r} is stored as published {stored_published[source.id]}, "
                    f"not {source.published}: what was known when rests on it, so it cannot "
                    "change",
                    category="integrity",
                    **_where(entry, f"source {source.id!r}", "published"),
                )
            other = by_digest.get(source.sha256) or seen_digest.get(source.sha256)
            if other is not None and other != source.id:
                self.problem(
                    f"the same text is already recorded as source {other!r}",
                    category="integrity",
                    **where,
                )
            seen_digest[source.sha256] = source.id

    def _cited(self) -> set[str]:
        """The ids of every source the batch's citations name."""
        cited = {c.source for e in self.batch.events for c in e.value.citations}
        cited |= {c.source for e in self.batch.engagements for c in e.value.citations}
        cited |= {
            c.source for o in self.batch.officials for r in o.value.roles for c in r.citations
        }
        return cited

    def _source_texts(self, sources: list[Entry[SourceDocument]]) -> dict[str, str | None]:
        """The sources the batch cites or holds, with their text where they have one, and
        (in `self.published`) their latest publication day."""
        self.published: dict[str, dt.date] = {}
        texts: dict[str, str | None] = {}
        wanted = sorted(self._cited() - {e.value.source.id for e in sources})
        for chunk in chunks(wanted):
            for ident, text, latest in self.session.execute(
                select(SourceRow.id, SourceRow.text, SourceRow.published_latest).where(
                    SourceRow.id.in_(chunk)
                )
            ).all():
                texts[ident] = text
                if latest is not None:
                    self.published[ident] = latest
        for entry in sources:
            last_day = entry.value.source.published.latest
            assert last_day is not None
            texts[entry.value.source.id] = entry.value.text
            self.published[entry.value.source.id] = last_day
        return texts

    @cached_property
    def _source_ids(self) -> list[str]:
        """Every stored source id, for suggestions when a citation names none of them (read
        once, on the first unknown source)."""
        return list(self.session.scalars(select(SourceRow.id)))

    def _citations(
        self,
        citations: Iterable[Citation],
        texts: dict[str, str | None],
        entry: Entry[Any],
        record: str,
    ) -> None:
        for index, citation in enumerate(citations):
            field_name = f"citations[{index}]"
            if citation.source not in texts:
                known = [*texts, *self._source_ids]
                self.problem(
                    f"unknown source {citation.source!r}{_closest(citation.source, known)}",
                    category="reference",
                    **_where(entry, record, f"{field_name}.source"),
                )
                continue
            text = texts[citation.source]
            if text is not None and not quote_occurs(citation.quote, text):
                self.problem(
                    f"quote not found in source {citation.source!r}: {citation.quote!r}",
                    category="quote",
                    **_where(entry, record, f"{field_name}.quote"),
                )

    # -- platforms -----------------------------------------------------------------------

    def _check_platforms(self, platforms: list[Entry[Platform]]) -> None:
        batch_ids = {e.value.id for e in platforms}
        stored_ids = set(self.session.scalars(select(PlatformRow.id)))
        known = stored_ids | batch_ids
        owners: dict[str, tuple[str, str]] = {
            key: (platform_id, alias)
            for key, platform_id, alias in self.session.execute(
                select(AliasRow.key, AliasRow.platform_id, AliasRow.alias)
            ).all()
            if platform_id not in batch_ids
        }
        stored_parents = dict(
            self.session.execute(select(PlatformRow.id, PlatformRow.variant_of)).all()
        )
        parents = {**stored_parents, **{e.value.id: e.value.variant_of for e in platforms}}
        for entry in platforms:
            platform = entry.value
            record = f"platform {platform.id!r}"
            for name in platform.names():
                key = alias_key(name)
                owner = owners.get(key)
                if owner is not None and owner[0] != platform.id:
                    self.problem(
                        f"name {name!r} is already a name of platform {owner[0]!r} "
                        f"(as {owner[1]!r})",
                        **_where(entry, record, "aliases"),
                    )
                else:
                    owners[key] = (platform.id, name)
            if platform.variant_of is not None:
                if platform.variant_of not in known:
                    self.problem(
                        f"unknown platform {platform.variant_of!r}"
                        f"{_closest(platform.variant_of, known)}",
                        category="reference",
                        **_where(entry, record, "variant_of"),
                    )
                    continue
                seen = {platform.id}
                parent: str | None = platform.variant_of
                while parent is not None:
                    if parent in seen:
                        self.problem(
                            "variant_of forms a cycle", **_where(entry, record, "variant_of")
                        )
                        break
                    seen.add(parent)
                    parent = parents.get(parent)

    # -- officials and engagements -------------------------------------------------------

    def _check_officials(
        self, officials: list[Entry[Official]], texts: dict[str, str | None]
    ) -> None:
        for entry in officials:
            for index, role in enumerate(entry.value.roles):
                self._citations(
                    role.citations, texts, entry, f"official {entry.value.id!r} roles[{index}]"
                )

    def _check_engagements(
        self,
        engagements: list[Entry[Engagement]],
        official_ids: set[str],
        texts: dict[str, str | None],
    ) -> None:
        for entry in engagements:
            record = f"engagement {entry.value.id!r}"
            for person in entry.value.participants:
                if person not in official_ids:
                    self.problem(
                        f"unknown official {person!r}{_closest(person, official_ids)}",
                        category="reference",
                        **_where(entry, record, "participants"),
                    )
            self._citations(entry.value.citations, texts, entry, record)

    # -- programmes and events -----------------------------------------------------------

    def _check_programmes(self, programmes: list[Entry[Programme]], platform_ids: set[str]) -> None:
        aliases = dict(self.session.execute(select(AliasRow.key, AliasRow.platform_id)).all())
        for platform_entry in self.batch.platforms:
            aliases.update(
                (alias_key(n), platform_entry.value.id) for n in platform_entry.value.names()
            )
        for entry in programmes:
            platform = entry.value.platform
            if platform is not None and platform not in platform_ids:
                hint = aliases.get(alias_key(platform))
                suggestion = (
                    f"; did you mean {hint!r}?" if hint else _closest(platform, platform_ids)
                )
                self.problem(
                    f"unknown platform {platform!r}{suggestion}",
                    category="reference",
                    **_where(entry, f"programme {entry.value.id!r}", "platform"),
                )

    def _programme_kinds(self, programmes: list[Entry[Programme]]) -> dict[str, Kind]:
        kinds = {
            ident: Kind(kind)
            for ident, kind in self.session.execute(
                select(ProgrammeRow.id, ProgrammeRow.kind)
            ).all()
        }
        stored = dict(kinds)
        for entry in programmes:
            programme = entry.value
            before = stored.get(programme.id)
            if before is not None and before != programme.kind:
                self.problem(
                    f"programme {programme.id!r} is stored as kind {before.value!r}; its kind "
                    "cannot change once it has events",
                    **_where(entry, f"programme {programme.id!r}", "kind"),
                )
            kinds[programme.id] = programme.kind
        return kinds

    def _stored_events(self, programme_ids: Sequence[str]) -> dict[str, list[StatusEvent]]:
        """Current (not superseded) events of the given programmes, as domain events."""
        rows: list[EventRow] = []
        for chunk in chunks(list(programme_ids)):
            rows += self.session.scalars(select(EventRow).where(EventRow.programme_id.in_(chunk)))
        superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
        by_id = {r.id: r for r in rows}
        citations: dict[int, list[EventCitationRow]] = defaultdict(list)
        for id_chunk in chunks([r.id for r in rows]):
            for c in self.session.scalars(
                select(EventCitationRow).where(EventCitationRow.event_id.in_(id_chunk))
            ):
                citations[c.event_id].append(c)
        events: dict[str, list[StatusEvent]] = defaultdict(list)
        for row in rows:
            if row.id in superseded:
                continue
            target = by_id.get(row.supersedes_id) if row.supersedes_id is not None else None
            events[row.programme_id].append(convert.event_from_row(row, citations[row.id], target))
        return events

    def _check_events(
        self,
        events: list[Entry[StatusEvent]],
        keys: list[str],
        kinds: dict[str, Kind],
        engagement_ids: set[str],
        texts: dict[str, str | None],
    ) -> tuple[dict[str, int], dict[tuple[str, EventRef], str]]:
        existing: dict[str, int] = {}
        for chunk in chunks(keys):
            existing.update(
                self.session.execute(
                    select(EventRow.key, EventRow.id).where(EventRow.key.in_(chunk))
                ).all()
            )
        touched = sorted({e.value.programme for e in events if e.value.programme in kinds})
        stored = self._stored_events(touched)
        targets: dict[tuple[str, EventRef], str] = {}

        for entry in events:
            event = entry.value
            record = (
                f"event {event.status.value} at {event.effective} of programme {event.programme!r}"
            )
            kind = kinds.get(event.programme)
            if kind is None:
                self.problem(
                    f"unknown programme {event.programme!r}{_closest(event.programme, kinds)}",
                    category="reference",
                    **_where(entry, record, "programme"),
                )
                continue
            try:
                check_status_allowed(kind, event.status)
            except ValueError as error:
                self.problem(str(error), **_where(entry, record, "status"))
            if event.outlook is not None:
                try:
                    check_status_allowed(kind, event.outlook.status)
                except ValueError as error:
                    self.problem(str(error), **_where(entry, record, "outlook.status"))
            if event.engagement is not None and event.engagement not in engagement_ids:
                self.problem(
                    f"unknown engagement {event.engagement!r}"
                    f"{_closest(event.engagement, engagement_ids)}",
                    category="reference",
                    **_where(entry, record, "engagement"),
                )
            self._citations(event.citations, texts, entry, record)

        entries_by_programme: dict[str, list[Entry[StatusEvent]]] = defaultdict(list)
        for entry, key in zip(events, keys, strict=True):
            if key not in existing:
                entries_by_programme[entry.value.programme].append(entry)
        for programme, new_entries in entries_by_programme.items():
            new = [e.value for e in new_entries]
            # Corrections in the batch resolve against stored events and the batch's own.
            candidates = list(stored.get(programme, [])) + [e for e in new if e.supersedes is None]
            for entry in new_entries:
                event = entry.value
                if event.supersedes is None:
                    continue
                matches = [c for c in candidates if c.ref() == event.supersedes]
                if len(matches) != 1:
                    listed = ", ".join(f"{c.status.value} at {c.effective}" for c in candidates)
                    problem = "no" if not matches else "more than one"
                    self.problem(
                        f"{problem} current event {event.supersedes.status.value} at "
                        f"{event.supersedes.effective} to correct (current: {listed or 'none'})",
                        category="reference",
                        **_where(entry, f"correction of programme {programme!r}", "supersedes"),
                    )
                    continue
                targets[(programme, event.supersedes)] = convert.event_key(matches[0])
                candidates.remove(matches[0])
                candidates.append(event)
            fresh = {id(e) for e in new}
            for earlier, later in lifecycle_violations(candidates):
                if id(earlier) in fresh or id(later) in fresh:
                    entry = next(e for e in new_entries if e.value in (later, earlier))
                    self.problem(
                        f"programme {programme!r} would move back from {earlier.status.value!r} "
                        f"({earlier.effective}) to {later.status.value!r} ({later.effective}); "
                        "record it as a correction or give a reason",
                        category="transition",
                        **_where(entry, f"programme {programme!r}", "status"),
                    )
        return existing, targets


def _parents_first(platforms: list[Platform]) -> list[Platform]:
    ordered: list[Platform] = []
    placed: set[str] = set()
    pending = {p.id: p for p in platforms}

    def place(platform: Platform) -> None:
        if platform.id in placed:
            return
        placed.add(platform.id)
        if platform.variant_of in pending:
            place(pending[platform.variant_of])
        ordered.append(platform)

    for platform in platforms:
        place(platform)
    return ordered


class _Writer:
    """Upserts a validated plan; counts what changed."""

    def __init__(self, session: Session, plan: _Plan, report: Callable[[str], None]) -> None:
        self.session = session
        self.plan = plan
        self.report = report
        self.summary = LoadSummary()

    def run(self) -> LoadSummary:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("countries", self._countries),
            ("sources", self._sources),
            ("platforms", self._platforms),
            ("officials", self._officials),
            ("engagements", self._engagements),
            ("programmes", self._programmes),
            ("status events", self._events),
        ]
        steps += [("related records", partial(step, self.session)) for step in self.plan.also]
        for name, step in steps:
            self.report(f"writing {name}")
            step()
        self.session.flush()
        return self.summary

    def _upsert(
        self,
        kind: str,
        model: Any,
        rows: list[dict[str, Any]],
    ) -> list[str]:
        """Insert new rows, update changed ones; return the ids that were added or changed."""
        counts = self.summary[kind]
        ids = [r["id"] for r in rows]
        stored: dict[str, dict[str, Any]] = {}
        for chunk in chunks(ids):
            for row in self.session.execute(
                select(model.__table__).where(model.id.in_(chunk))
            ).mappings():
                stored[row["id"]] = dict(row)
        new = [r for r in rows if r["id"] not in stored]
        changed = [
            r
            for r in rows
            if r["id"] in stored and any(stored[r["id"]].get(k) != v for k, v in r.items())
        ]
        counts.added += len(new)
        counts.updated += len(changed)
        counts.unchanged += len(rows) - len(new) - len(changed)
        if new:
            bulk.insert_rows(self.session, table_of(model), new)
        for values in changed:
            self.session.execute(update(model).where(model.id == values["id"]).values(**values))
        return [r["id"] for r in new + changed]

    def _countries(self) -> None:
        stored = set(self.session.scalars(select(CountryRow.code)))
        missing = sorted(self.plan.countries - stored)
        if missing:
            bulk.insert_rows(
                self.session,
                table_of(CountryRow),
                [{"code": c, "name": country_name(c)} for c in missing],
            )

    def _sources(self) -> None:
        rows = [convert.source_row(d.source, d.text) for d in self.plan.sources]
        counts = self.summary["sources"]
        stored: set[str] = set()
        ids = [r["id"] for r in rows]
        for chunk in chunks(ids):
            stored.update(self.session.scalars(select(SourceRow.id).where(SourceRow.id.in_(chunk))))
        new = [r for r in rows if r["id"] not in stored]
        counts.added += len(new)
        counts.unchanged += len(rows) - len(new)
        if new:
            bulk.insert_rows(self.session, table_of(SourceRow), new)

    def _platforms(self) -> None:
        rows = [convert.platform_row(p) for p in self.plan.platforms]
        by_id = {p.id: p for p in self.plan.platforms}
        alias_changes: list[str] = []
        touched = self._upsert("platforms", PlatformRow, rows)
        stored_aliases: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for platform_id, alias, key, position in self.session.execute(
            select(AliasRow.platform_id, AliasRow.alias, AliasRow.key, AliasRow.position)
        ).all():
            stored_aliases[platform_id].append((alias, key, position))
        for platform in self.plan.platforms:
            wanted = [(r["alias"], r["key"], r["position"]) for r in convert.alias_rows(platform)]
            if sorted(stored_aliases.get(platform.id, [])) != sorted(wanted):
                alias_changes.append(platform.id)
        if alias_changes:
            self.session.execute(delete(AliasRow).where(AliasRow.platform_id.in_(alias_changes)))
            self.session.flush()
            bulk.insert_rows(
                self.session,
                table_of(AliasRow),
                [row for ident in alias_changes for row in convert.alias_rows(by_id[ident])],
            )
        extra = [i for i in alias_changes if i not in touched]
        self.summary["platforms"].updated += len(extra)
        self.summary["platforms"].unchanged -= len(extra)

    def _officials(self) -> None:
        by_id = {o.id: o for o in self.plan.officials}
        stored = {o.id: self._stored_official(o.id) for o in self.plan.officials}
        rows = [convert.official_row(o) for o in self.plan.officials]
        touched = set(self._upsert("officials", OfficialRow, rows))
        changed = [
            ident
            for ident, official in by_id.items()
            if stored[ident] is None or stored[ident].roles != official.roles  # type: ignore[union-attr]
        ]
        if not changed:
            return
        role_ids = list(
            self.session.scalars(select(RoleRow.id).where(RoleRow.official_id.in_(changed)))
        )
        if role_ids:
            self.session.execute(
                delete(RoleCitationRow).where(RoleCitationRow.role_id.in_(role_ids))
            )
            self.session.execute(delete(RoleRow).where(RoleRow.id.in_(role_ids)))
        for ident in changed:
            for row, citations in convert.role_rows(by_id[ident]):
                role_id = self.session.execute(
                    insert(RoleRow).values(**row).returning(RoleRow.id)
                ).scalar_one()
                if citations:
                    self.session.execute(
                        insert(RoleCitationRow), convert.citation_rows(citations, role_id=role_id)
                    )
        roles_only = [i for i in changed if i not in touched]
        self.summary["officials"].updated += len(roles_only)
        self.summary["officials"].unchanged -= len(roles_only)

    def _stored_official(self, ident: str) -> Official | None:
        row = self.session.get(OfficialRow, ident)
        if row is None:
            return None
        roles = list(self.session.scalars(select(RoleRow).where(RoleRow.official_id == ident)))
        citations: dict[int, list[Any]] = defaultdict(list)
        if roles:
            for c in self.session.scalars(
                select(RoleCitationRow).where(RoleCitationRow.role_id.in_([r.id for r in roles]))
            ):
                citations[c.role_id].append(c)
        return convert.official_from_rows(row, roles, citations)

    def _engagements(self) -> None:
        rows = [convert.engagement_row(e) for e in self.plan.engagements]
        touched = set(self._upsert("engagements", EngagementRow, rows))
        for engagement in self.plan.engagements:
            participants = list(
                self.session.scalars(
                    select(ParticipantRow.official_id)
                    .where(ParticipantRow.engagement_id == engagement.id)
                    .order_by(ParticipantRow.position)
                )
            )
            citations = [
                Citation(source=s, quote=q)
                for s, q in self.session.execute(
                    select(EngagementCitationRow.source_id, EngagementCitationRow.quote)
                    .where(EngagementCitationRow.engagement_id == engagement.id)
                    .order_by(EngagementCitationRow.id)
                ).all()
            ]
            if participants == list(engagement.participants) and citations == list(
                engagement.citations
            ):
                continue
            self.session.execute(
                delete(ParticipantRow).where(ParticipantRow.engagement_id == engagement.id)
            )
            self.session.execute(
                delete(EngagementCitationRow).where(
                    EngagementCitationRow.engagement_id == engagement.id
                )
            )
            if engagement.participants:
                self.session.execute(
                    insert(ParticipantRow),
                    [
                        {"engagement_id": engagement.id, "official_id": o, "position": i}
                        for i, o in enumerate(engagement.participants)
                    ],
                )
            if engagement.citations:
                self.session.execute(
                    insert(EngagementCitationRow),
                    convert.citation_rows(engagement.citations, engagement_id=engagement.id),
                )
            if engagement.id not in touched:
                self.summary["engagements"].updated += 1
                self.summary["engagements"].unchanged -= 1

    def _programmes(self) -> None:
        self._upsert(
            "programmes", ProgrammeRow, [convert.programme_row(p) for p in self.plan.programmes]
        )

    def _target(self, event: StatusEvent) -> str:
        assert event.supersedes is not None
        return self.plan.current_targets[(event.programme, event.supersedes)]

    def _insert_events(
        self,
        events: list[tuple[str, StatusEvent]],
        targets: list[int | None],
        ids: dict[str, int],
    ) -> None:
        """Multi-row INSERT ... RETURNING (key, id): the natural key pairs each new id with
        its event, so the batches need not come back in order."""
        rows = [
            {
                **convert.event_row(e, t, key),
                "known_from": min(self.plan.published[c.source] for c in e.citations),
            }
            for (key, e), t in zip(events, targets, strict=True)
        ]
        for chunk in chunks(rows, 50_000):
            ids.update(bulk.insert_returning(self.session, EVENTS, chunk, "key", "id"))

    def _events(self) -> None:
        counts = self.summary["events"]
        cited = self.summary["citations"]
        ids = dict(self.plan.existing_event_ids)
        keyed = list(zip(self.plan.keys, self.plan.events, strict=True))
        pending = [(k, e) for k, e in keyed if k not in ids]
        counts.unchanged += len(keyed) - len(pending)
        # Plain events first, in batch order; then each correction once its target exists.
        remaining = [(k, e) for k, e in pending if e.supersedes is not None]
        stored_targets = [self._target(e) for _, e in remaining if self._target(e) not in ids]
        for chunk in chunks(stored_targets):
            ids.update(
                self.session.execute(
                    select(EventRow.key, EventRow.id).where(EventRow.key.in_(chunk))
                ).all()
            )
        plain = [(k, e) for k, e in pending if e.supersedes is None]
        self._insert_events(plain, [None] * len(plain), ids)
        while remaining:
            ready = [(k, e) for k, e in remaining if self._target(e) in ids]
            if not ready:
                raise AssertionError("correction targets could not be ordered")
            self._insert_events(ready, [ids[self._target(e)] for _, e in ready], ids)
            done = {k for k, _ in ready}
            remaining = [(k, e) for k, e in remaining if k not in done]
        counts.added += len(pending)
        wanted: list[dict[str, Any]] = []
        for key, event in keyed:
            wanted += convert.citation_rows(event.citations, event_id=ids[key])
        stored: set[tuple[int, str, str]] = set()
        event_ids = sorted({r["event_id"] for r in wanted})
        for chunk in chunks(event_ids):
            stored.update(
                self.session.execute(
                    select(
                        EventCitationRow.event_id,
                        EventCitationRow.source_id,
                        EventCitationRow.quote_sha256,
                    ).where(EventCitationRow.event_id.in_(chunk))
                ).all()
            )
        missing = [
            r for r in wanted if (r["event_id"], r["source_id"], r["quote_sha256"]) not in stored
        ]
        cited.added += len(missing)
        cited.unchanged += len(wanted) - len(missing)
        for rows in chunks(missing):
            bulk.insert_rows(self.session, table_of(EventCitationRow), rows)
        known_before = set(self.plan.existing_event_ids.values())
        recited = sorted({r["event_id"] for r in missing} & known_before)
        corrected = sorted({ids[self._target(e)] for _, e in pending if e.supersedes is not None})
        self._refresh_knowledge(recited, corrected)

    def _refresh_knowledge(self, recited: list[int], corrected: list[int]) -> None:
        """Recompute the derived columns where new citations or corrections moved them:
        when an event became known, and when a correction of it did."""
        events = EVENTS
        correction = EVENTS.alias("correction")
        earliest_source = (
            select(func.min(SourceRow.published_latest))
            .select_from(
                table_of(EventCitationRow).join(
                    table_of(SourceRow), EventCitationRow.source_id == SourceRow.id
                )
            )
            .where(EventCitationRow.event_id == events.c.id)
            .scalar_subquery()
        )
        earliest_correction = (
            select(func.min(correction.c.known_from))
            .where(correction.c.supersedes_id == events.c.id)
            .scalar_subquery()
        )
        for chunk in chunks(recited):
            self.session.execute(
                update(events).where(events.c.id.in_(chunk)).values(known_from=earliest_source)
            )
        # A correction that gained an earlier source moves its target's date too.
        for chunk in chunks(recited):
            corrected += self.session.scalars(
                select(events.c.supersedes_id).where(
                    events.c.id.in_(chunk), events.c.supersedes_id.is_not(None)
                )
            ).all()
        for chunk in chunks(sorted(set(corrected))):
            self.session.execute(
                update(events)
                .where(events.c.id.in_(chunk))
                .values(superseded_from=earliest_correction)
            )
