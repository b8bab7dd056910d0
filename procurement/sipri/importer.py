"""Import a SIPRI trade-register release as programmes with dated, cited statuses.

Each release is a source of kind dataset, published on its release date, and each status
it implies cites it with the row itself as the quote. Importing a newer release adds only
what differs: a new deal becomes a programme; a status the older release dated otherwise
becomes a correction, known from the newer release; a deal the newer release no longer
lists is reported, never deleted. Queries "as known at" a date between releases therefore
answer as the older release did.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from procurement.domain.dates import PartialDate
from procurement.domain.events import EventRef, StatusEvent
from procurement.domain.lifecycle import Kind, Status
from procurement.domain.platforms import Platform, alias_key
from procurement.domain.programmes import Programme
from procurement.domain.sources import Citation, Source, SourceKind, sha256_hex
from procurement.errors import DatabaseError, InvalidData, Problem, validation_problems
from procurement.loading.batch import Batch, Entry, Origin, SourceDocument
from procurement.sipri import deals
from procurement.sipri.parties import party
from procurement.sipri.register import Register, RegisterRow, read_register
from procurement.store.schema import (
    AliasRow,
    EventRow,
    PlatformRow,
    ProgrammeRow,
    SipriDealRow,
    SourceRow,
    table_of,
)
from procurement.store.sql import chunks
from procurement.tracker import Tracker

__all__ = ["ImportSummary", "import_sipri"]

RELEASE_TITLE = "SIPRI Arms Transfers Database: trade register"
"""The title of every imported release, by which later imports find earlier ones."""


@dataclass
class ImportSummary:
    """What an import read, wrote and left out."""

    source: str
    released: PartialDate
    rows_read: int = 0
    skipped: list[Problem] = field(default_factory=list)
    programmes_created: int = 0
    programmes_updated: int = 0
    programmes_unchanged: int = 0
    platforms_created: int = 0
    events_added: int = 0
    corrections: int = 0
    disappeared: list[str] = field(default_factory=list)
    """Deal keys that earlier releases listed and this one does not (kept, not deleted)."""
    already_imported: bool = False
    """True when this very file was imported before, so nothing was read into the store;
    `source` and `released` are then the stored release's."""
    ignored_release_date: PartialDate | None = None
    """A release date given for a file already imported under another date (not applied)."""

    def lines(self) -> list[str]:
        """The summary as lines for people."""
        if self.already_imported:
            out = [
                f"release: {self.source} (published {self.released})",
                "already imported: nothing to do",
            ]
            if self.ignored_release_date is not None:
                out.append(
                    f"the release date given ({self.ignored_release_date}) was not applied: "
                    "a stored release keeps its date"
                )
            return out
        out = [
            f"release: {self.source} (published {self.released})",
            f"rows read: {self.rows_read}",
            f"programmes: {self.programmes_created} created, {self.programmes_updated} "
            f"updated, {self.programmes_unchanged} unchanged",
            f"platforms created: {self.platforms_created}",
            f"status events added: {self.events_added} (of which {self.corrections} "
            "corrections of an earlier release)",
            f"rows skipped: {len(self.skipped)}",
        ]
        out += [f"  - {problem}" for problem in self.skipped]
        out.append(f"deals no longer listed: {len(self.disappeared)}")
        out += [f"  - {key}" for key in self.disappeared[:50]]
        return out


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:100].strip("-")
    return slug or "platform"


class _Platforms:
    """Finds a designation in the catalogue by any alias, or creates a platform for it."""

    def __init__(self, session: Session, catalogue: list[Platform]) -> None:
        self.by_key: dict[str, str] = dict(
            session.execute(select(AliasRow.key, AliasRow.platform_id)).all()
        )
        self.ids: set[str] = set(session.scalars(select(PlatformRow.id)))
        self.names: set[str] = set(session.scalars(select(PlatformRow.name)))
        self.created: list[Platform] = []
        self.catalogue = [p for p in catalogue if p.id not in self.ids]
        for platform in self.catalogue:
            self._remember(platform)

    def _remember(self, platform: Platform) -> None:
        self.ids.add(platform.id)
        self.names.add(platform.name)
        for name in platform.names():
            self.by_key.setdefault(alias_key(name), platform.id)

    def _new_id(self, name: str) -> str:
        base = _slug(name)
        ident, number = base, 1
        while ident in self.ids:
            number += 1
            ident = f"{base}-{number}"
        return ident

    def find(self, name: str) -> str | None:
        return self.by_key.get(alias_key(name))

    def resolve(self, row: RegisterRow) -> str:
        """The platform of a row: its variant where the comment names one, else its
        designation; either found by alias or created."""
        base = self.find(row.designation)
        if base is None:
            base = self._create(row.designation, row, None)
        variant = deals.variant_of(row)
        if variant is None:
            return base
        found = self.find(variant)
        if found is not None:
            return found
        name = variant if variant not in self.names else f"{variant} ({row.designation})"
        if alias_key(name) in self.by_key:
            return self.by_key[alias_key(name)]
        return self._create(name, row, base)

    def _create(self, name: str, row: RegisterRow, parent: str | None) -> str:
        platform = Platform(
            id=self._new_id(name),
            name=name,
            category=deals.category_of(row.description),
            role=row.description or None,
            variant_of=parent,
            reference=(
                "Created from SIPRI's trade register: name as SIPRI designates it; role is "
                "SIPRI's weapon description; category inferred from that description"
                + ("; a variant named in SIPRI's comment" if parent else "")
            ),
        )
        self.created.append(platform)
        self._remember(platform)
        return platform.id


def _current_events(session: Session, ids: list[str]) -> dict[str, dict[Status, str]]:
    """For each SIPRI programme, the effective date of each current status."""
    found: dict[str, dict[Status, str]] = defaultdict(dict)
    for chunk in chunks(ids):
        rows = session.execute(
            select(EventRow.programme_id, EventRow.status, EventRow.effective)
            .where(EventRow.programme_id.in_(chunk), EventRow.superseded_from.is_(None))
            .order_by(EventRow.id)
        ).all()
        for programme, status, effective in rows:
            found[programme][Status(status)] = effective
    return found


def _deal_row(row: RegisterRow, key: str, source: str) -> dict[str, Any]:
    assert row.order_year is not None
    return {
        "programme_id": deals.programme_id(key),
        "deal_key": key,
        "source_id": source,
        "recipient": row.recipient,
        "supplier": row.supplier,
        "order_year": row.order_year,
        "order_year_uncertain": row.order_year_uncertain,
        "number_ordered": row.number_ordered,
        "number_ordered_uncertain": row.number_ordered_uncertain,
        "designation": row.designation,
        "description": row.description,
        "number_delivered": row.number_delivered,
        "number_delivered_uncertain": row.number_delivered_uncertain,
        "delivery_years": "; ".join(str(y) for y in row.delivery_years),
        "status": row.status,
        "comments": row.comments,
        "tiv_unit": row.tiv_unit,
        "tiv_total": row.tiv_total,
        "tiv_delivered": row.tiv_delivered,
    }


def _upsert_deals(rows: list[dict[str, Any]]) -> Callable[[Session], None]:
    """Keep each deal's fields as the latest release states them."""

    def write(session: Session) -> None:
        dialect = session.get_bind().dialect.name
        table = table_of(SipriDealRow)
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for chunk in chunks(rows, 2000):
            statement = insert(table)
            columns = {
                c.name: statement.excluded[c.name]
                for c in table.columns
                if c.name != "programme_id"
            }
            session.execute(
                statement.on_conflict_do_update(index_elements=["programme_id"], set_=columns),
                chunk,
            )

    return write


def _programme(row: RegisterRow, key: str, platform: str, kind: Kind) -> Programme:
    buyer, supplier = party(row.recipient), party(row.supplier)
    supplier_code: str | None = supplier.code
    if buyer.code is not None and buyer.code == supplier.code:
        supplier_code = None
    supplier_name = None if supplier_code else row.supplier
    title = f"{row.designation} for {row.recipient} from {row.supplier}, ordered {row.order_year}"
    return Programme(
        id=deals.programme_id(key),
        title=title,
        kind=kind,
        platform=platform,
        buyer=buyer.code,
        supplier=supplier_code,
        buyer_party=None if buyer.code else row.recipient,
        supplier_party=supplier_name,
        quantity=row.number_ordered if row.number_ordered and row.number_ordered > 0 else None,
        notes=row.comments or None,
    )


def import_sipri(
    tracker: Tracker,
    path: Path | str,
    *,
    released: str | dt.date | None = None,
    skip_bad_rows: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import a trade-register file; see the module docstring for what a release adds.

    `released` (EDTF) defaults to the file's "Data generated" date. A malformed row stops
    the import with nothing written, unless `skip_bad_rows`, which reports it and goes on.
    """
    report = progress or (lambda _stage: None)
    report(f"reading {path}")
    register = read_register(path)
    when = _release_date(register, released)
    source = Source(
        id=f"sipri-{_slug(when.edtf)}-{sha256_hex(register.data)[:8]}",
        kind=SourceKind.DATASET,
        title=RELEASE_TITLE,
        outlet="Stockholm International Peace Research Institute (SIPRI)",
        published=when,
        published_note=(
            "the release date given on import"
            if released is not None
            else "the file's 'Data generated' line"
        ),
        note=f"{Path(path).name}: {len(register.rows)} deals",
        sha256=sha256_hex(register.data),
    )
    bad_lines = {problem.line for problem in register.bad_rows}
    summary = ImportSummary(
        source=source.id, released=when, rows_read=len(register.rows) + len(bad_lines)
    )
    with Session(tracker.engine) as session:
        releases = _stored_releases(session)
    stored = _check_release_order(source, register, releases)
    if stored is not None:
        summary.source, summary.released = stored
        summary.already_imported = True
        if released is not None and summary.released != when:
            summary.ignored_release_date = when
        return summary
    batch, invalid = _plan(tracker, register, source, summary, report)
    problems = sorted([*register.bad_rows, *invalid], key=lambda p: p.line or 0)
    if problems and not skip_bad_rows:
        raise InvalidData(problems)
    summary.skipped = problems
    batch.also.append(_releases_unchanged({row.id for row in releases}, source.id, register))
    report(f"writing {len(batch.programmes)} programmes and {len(batch.events)} status events")
    loaded = tracker.load(batch, progress=progress)
    summary.programmes_created = loaded["programmes"].added
    summary.programmes_updated = loaded["programmes"].updated
    summary.programmes_unchanged = loaded["programmes"].unchanged
    summary.events_added = loaded["events"].added
    return summary


def _stored_releases(session: Session) -> list[Any]:
    """Every SIPRI release imported so far: id, sha256, published, published_latest."""
    return list(
        session.execute(
            select(
                SourceRow.id, SourceRow.sha256, SourceRow.published, SourceRow.published_latest
            ).where(SourceRow.kind == SourceKind.DATASET.value, SourceRow.title == RELEASE_TITLE)
        ).all()
    )


def _releases_unchanged(
    planned_with: set[str], own: str, register: Register
) -> Callable[[Session], None]:
    """A step of the load's transaction, run under its write lock: the events were planned
    against the releases stored then; if another import has landed since, they may be
    wrong, so the load is refused and rolled back."""

    def check(session: Session) -> None:
        now = {row.id for row in _stored_releases(session)} - {own}
        if now != planned_with:
            raise DatabaseError(
                f"{register.path}: another SIPRI release ({', '.join(sorted(now - planned_with))}) "
                "was imported while this one was being prepared; nothing was written: run the "
                "import again"
            )

    return check


def _check_release_order(
    source: Source, register: Register, releases: list[Any]
) -> tuple[str, PartialDate] | None:
    """The stored id and release date of this very file if it was imported before; an
    error if a newer release was.

    Each release corrects the ones before it, so releases go in oldest first: importing an
    older one after a newer would "correct" the newer figures back to stale ones. Releases
    are ordered by the last day their date allows, the day their knowledge counts from.
    """
    for ident, digest, published, _ in releases:
        if digest == source.sha256:
            return str(ident), PartialDate.parse(published)
    assert source.published.latest is not None
    newer = [
        (latest, ident, published)
        for ident, _, published, latest in releases
        if latest > source.published.latest
    ]
    if newer:
        _, ident, published = max(newer)
        raise InvalidData(
            Problem(
                f"this release ({source.published}) is older than {ident} (published "
                f"{published}), already imported: import releases oldest first",
                file=str(register.path),
                field="released",
            )
        )
    return None


def _release_date(register: Register, released: str | dt.date | None) -> PartialDate:
    if released is not None:
        return PartialDate.parse(released)
    if register.generated is None:
        raise InvalidData(
            Problem(
                "no 'Data generated:' line in the preamble; give the release date (--released)",
                file=str(register.path),
            )
        )
    return PartialDate(register.generated)


def _row_plan(
    row: RegisterRow,
    key: str,
    source: Source,
    platforms: _Platforms,
    stored_kind: str | None,
    before: dict[Status, str],
) -> tuple[Programme, list[StatusEvent], int]:
    """A row's programme, the events that differ from what the store holds (`before`: the
    effective date of each current status), and how many of those are corrections."""
    ident = deals.programme_id(key)
    kind = Kind(stored_kind) if stored_kind is not None else deals.kind_of(row)
    programme = _programme(row, key, platforms.resolve(row), kind)
    citation = (Citation(source=source.id, quote=row.text),)
    claims = deals.implied_claims(row)
    events: list[StatusEvent] = []
    corrections = 0
    for claim in claims:
        if before.get(claim.status) == claim.effective:
            continue
        supersedes = None
        reason = claim.reason
        if claim.status in before:
            supersedes = EventRef(status=claim.status, effective=before[claim.status])
            reason = f"revised in the SIPRI release of {source.published}"
            corrections += 1
        events.append(
            StatusEvent(
                programme=ident,
                status=claim.status,
                effective=claim.effective,
                citations=citation,
                supersedes=supersedes,
                reason=reason,
            )
        )
    wanted = {claim.status for claim in claims}
    for status, effective in before.items():
        if status not in wanted:
            latest = claims[-1]
            corrections += 1
            events.append(
                StatusEvent(
                    programme=ident,
                    status=latest.status,
                    effective=latest.effective,
                    citations=citation,
                    supersedes=EventRef(status=status, effective=effective),
                    reason=f"no longer reported in the SIPRI release of {source.published}",
                )
            )
    return programme, events, corrections


def _plan(
    tracker: Tracker,
    register: Register,
    source: Source,
    summary: ImportSummary,
    report: Callable[[str], None],
) -> tuple[Batch, list[Problem]]:
    from procurement.loading.fixtures import read_fixtures
    from procurement.resources import resource_path

    catalogue = [
        e.value for e in read_fixtures([resource_path("fixtures") / "platforms.yaml"]).platforms
    ]
    keys = deals.deal_keys(register.rows)
    batch = Batch(sources=[Entry(SourceDocument(source))])
    origin_name = str(register.path)
    with Session(tracker.engine) as session:
        report("matching platforms and earlier releases")
        platforms = _Platforms(session, catalogue)
        known_deals = dict(
            session.execute(select(SipriDealRow.programme_id, SipriDealRow.deal_key)).all()
        )
        kinds: dict[str, str] = {}
        for chunk in chunks(list(known_deals)):
            query = select(ProgrammeRow.id, ProgrammeRow.kind).where(ProgrammeRow.id.in_(chunk))
            for ident, kind_value in session.execute(query):
                kinds[ident] = kind_value
        current = _current_events(session, list(known_deals))
    deal_rows = []
    seen: set[str] = set()
    invalid: list[Problem] = []
    for row in register.rows:
        key = keys[row.line]
        ident = deals.programme_id(key)
        try:
            programme, events, corrections = _row_plan(
                row, key, source, platforms, kinds.get(ident), current.get(ident, {})
            )
        except ValidationError as error:
            # A value the model refuses makes a bad row, like a malformed one.
            invalid.extend(
                validation_problems(
                    error, file=origin_name, line=row.line, record=f"row at line {row.line}"
                )
            )
            continue
        origin = Origin(origin_name, row.line)
        batch.programmes.append(Entry(programme, origin))
        batch.events.extend(Entry(event, origin) for event in events)
        deal_rows.append(_deal_row(row, key, source.id))
        summary.corrections += corrections
        seen.add(ident)
    batch.platforms = [Entry(p) for p in platforms.catalogue + platforms.created]
    summary.platforms_created = len(platforms.created)
    summary.disappeared = sorted(key for ident, key in known_deals.items() if ident not in seen)
    batch.also.append(_upsert_deals(deal_rows))
    return batch, invalid
