"""Conversion between rows and domain models, in one place and in both directions."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from procurement.domain.dates import PartialDate
from procurement.domain.engagements import Engagement, EngagementKind
from procurement.domain.events import EventRef, Outlook, StatusEvent
from procurement.domain.lifecycle import Kind, Status, rank
from procurement.domain.officials import Official, Role
from procurement.domain.platforms import Category, Platform, UNCategory, alias_key
from procurement.domain.programmes import Money, Programme
from procurement.domain.sources import Citation, Source, SourceKind
from procurement.store.schema import (
    AliasRow,
    EngagementRow,
    EventRow,
    OfficialRow,
    PlatformRow,
    ProgrammeRow,
    RoleRow,
    SourceRow,
)

__all__ = [
    "alias_rows",
    "date_columns",
    "engagement_from_row",
    "engagement_row",
    "event_from_row",
    "event_key",
    "event_row",
    "official_from_rows",
    "platform_from_row",
    "platform_row",
    "programme_from_row",
    "programme_row",
    "quote_digest",
    "role_rows",
    "source_from_row",
    "source_row",
]


def date_columns(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    """`prefix`, `prefix_earliest`, `prefix_latest` columns for a PartialDate."""
    if value is None:
        return {prefix: None, f"{prefix}_earliest": None, f"{prefix}_latest": None}
    return {
        prefix: value.edtf,
        f"{prefix}_earliest": value.earliest,
        f"{prefix}_latest": value.latest,
    }


def _date(text: str | None) -> PartialDate | None:
    return None if text is None else PartialDate(text)


def quote_digest(quote: str) -> str:
    """Digest that makes (record, source, quote) unique without indexing long text."""
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


def event_key(event: StatusEvent) -> str:
    """The natural key of an event: what it claims, not which row or source says so.

    Two sources reporting the same status on the same date for the same programme make
    one event with two citations; a correction is keyed by what it corrects.
    """
    parts = [event.programme, event.status.value, event.effective.edtf]
    if event.supersedes is not None:
        parts += ["supersedes", event.supersedes.status.value, event.supersedes.effective.edtf]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# -- platforms ---------------------------------------------------------------------------


def platform_row(platform: Platform) -> dict[str, Any]:
    return {
        "id": platform.id,
        "name": platform.name,
        "category": platform.category.value if platform.category else None,
        "un_category": platform.un_category.value if platform.un_category else None,
        "role": platform.role,
        "manufacturer": platform.manufacturer,
        "origin": platform.origin,
        "variant_of": platform.variant_of,
        "reference": platform.reference,
    }


def alias_rows(platform: Platform) -> list[dict[str, Any]]:
    """One row per name (canonical first), so that lookups need only this table."""
    return [
        {"platform_id": platform.id, "alias": name, "key": alias_key(name), "position": index}
        for index, name in enumerate(platform.names())
    ]


def platform_from_row(row: PlatformRow, aliases: Sequence[AliasRow]) -> Platform:
    names = [a.alias for a in sorted(aliases, key=lambda a: a.position) if a.position > 0]
    return Platform(
        id=row.id,
        name=row.name,
        aliases=tuple(names),
        category=Category(row.category) if row.category else None,
        un_category=UNCategory(row.un_category) if row.un_category else None,
        role=row.role,
        manufacturer=row.manufacturer,
        origin=row.origin,
        variant_of=row.variant_of,
        reference=row.reference,
    )


# -- sources -----------------------------------------------------------------------------


def source_row(source: Source, text: str | None) -> dict[str, Any]:
    return {
        "id": source.id,
        "kind": source.kind.value,
        "title": source.title,
        "outlet": source.outlet,
        "author": source.author,
        "url": source.url,
        **date_columns("published", source.published),
        "published_note": source.published_note,
        "note": source.note,
        "sha256": source.sha256,
        "text": text,
    }


def source_from_row(row: SourceRow) -> Source:
    return Source(
        id=row.id,
        kind=SourceKind(row.kind),
        title=row.title,
        outlet=row.outlet,
        author=row.author,
        url=row.url,
        published=PartialDate(row.published),
        published_note=row.published_note,
        note=row.note,
        sha256=row.sha256,
    )


def _citations(rows: Iterable[Any]) -> tuple[Citation, ...]:
    return tuple(
        Citation(source=c.source_id, quote=c.quote) for c in sorted(rows, key=lambda c: c.id)
    )


def citation_rows(citations: Iterable[Citation], **owner: Any) -> list[dict[str, Any]]:
    return [
        {**owner, "source_id": c.source, "quote": c.quote, "quote_sha256": quote_digest(c.quote)}
        for c in citations
    ]


# -- officials ---------------------------------------------------------------------------


def official_row(official: Official) -> dict[str, Any]:
    return {"id": official.id, "name": official.name, "country": official.country}


def role_rows(official: Official) -> list[tuple[dict[str, Any], tuple[Citation, ...]]]:
    return [
        (
            {
                "official_id": official.id,
                "position": index,
                "title": role.title,
                "organisation": role.organisation,
                "country": role.country,
                **date_columns("start", role.start),
                **date_columns("end", role.end),
                "reference": role.reference,
            },
            role.citations,
        )
        for index, role in enumerate(official.roles)
    ]


def official_from_rows(
    row: OfficialRow, roles: Sequence[RoleRow], citations: dict[int, list[Any]]
) -> Official:
    return Official(
        id=row.id,
        name=row.name,
        country=row.country,
        roles=tuple(
            Role(
                title=r.title,
                organisation=r.organisation,
                country=r.country,
                start=_date(r.start),
                end=_date(r.end),
                citations=_citations(citations.get(r.id, [])),
                reference=r.reference,
            )
            for r in sorted(roles, key=lambda r: r.position)
        ),
    )


# -- engagements -------------------------------------------------------------------------


def engagement_row(engagement: Engagement) -> dict[str, Any]:
    return {
        "id": engagement.id,
        "kind": engagement.kind.value,
        "title": engagement.title,
        **date_columns("date", engagement.date),
        "place": engagement.place,
        "reference": engagement.reference,
        "note": engagement.note,
    }


def engagement_from_row(
    row: EngagementRow, participants: Sequence[str], citations: Iterable[Any]
) -> Engagement:
    return Engagement(
        id=row.id,
        kind=EngagementKind(row.kind),
        title=row.title,
        date=PartialDate(row.date),
        place=row.place,
        participants=tuple(participants),
        citations=_citations(citations),
        reference=row.reference,
        note=row.note,
    )


# -- programmes --------------------------------------------------------------------------


def programme_row(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.id,
        "title": programme.title,
        "kind": programme.kind.value,
        "platform_id": programme.platform,
        "buyer": programme.buyer,
        "supplier": programme.supplier,
        "buyer_party": programme.buyer_party,
        "supplier_party": programme.supplier_party,
        "quantity": programme.quantity,
        "value_amount": programme.value.amount if programme.value else None,
        "value_currency": programme.value.currency if programme.value else None,
        "notes": programme.notes,
    }


def programme_from_row(row: ProgrammeRow) -> Programme:
    value = None
    if row.value_amount is not None and row.value_currency is not None:
        value = Money(amount=row.value_amount, currency=row.value_currency)
    return Programme(
        id=row.id,
        title=row.title,
        kind=Kind(row.kind),
        platform=row.platform_id,
        buyer=row.buyer,
        supplier=row.supplier,
        buyer_party=row.buyer_party,
        supplier_party=row.supplier_party,
        quantity=row.quantity,
        value=value,
        notes=row.notes,
    )


# -- status events -----------------------------------------------------------------------


def event_row(
    event: StatusEvent, supersedes_id: int | None, key: str | None = None
) -> dict[str, Any]:
    start, end, _ = event.effective.sort_key()
    return {
        "key": key or event_key(event),
        "programme_id": event.programme,
        "status": event.status.value,
        "rank": rank(event.status),
        **date_columns("effective", event.effective),
        "sort_start": start,
        "sort_end": end,
        "engagement_id": event.engagement,
        "outlook_status": event.outlook.status.value if event.outlook else None,
        "outlook_by": event.outlook.by.edtf if event.outlook else None,
        "supersedes_id": supersedes_id,
        "reason": event.reason,
        "note": event.note,
    }


def event_from_row(
    row: EventRow, citations: Iterable[Any], superseded: EventRow | None
) -> StatusEvent:
    outlook = None
    if row.outlook_status is not None and row.outlook_by is not None:
        outlook = Outlook(status=Status(row.outlook_status), by=PartialDate(row.outlook_by))
    supersedes = None
    if superseded is not None:
        supersedes = EventRef(
            status=Status(superseded.status), effective=PartialDate(superseded.effective)
        )
    recorded: dt.datetime = row.recorded_at
    return StatusEvent(
        id=row.id,
        programme=row.programme_id,
        status=Status(row.status),
        effective=PartialDate(row.effective),
        citations=_citations(citations),
        engagement=row.engagement_id,
        outlook=outlook,
        supersedes=supersedes,
        reason=row.reason,
        note=row.note,
        recorded_at=recorded,
    )
