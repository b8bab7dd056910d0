"""Read whole domain records back from the store."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procurement.domain.engagements import Engagement
from procurement.domain.events import StatusEvent
from procurement.domain.officials import Official
from procurement.domain.platforms import Platform
from procurement.domain.programmes import Programme
from procurement.domain.sources import Source
from procurement.store import convert
from procurement.store.schema import (
    AliasRow,
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
)

__all__ = [
    "read_engagements",
    "read_events",
    "read_officials",
    "read_platforms",
    "read_programmes",
    "read_sources",
]


def _grouped(rows: Any, key: str) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def read_platforms(session: Session, ids: list[str] | None = None) -> list[Platform]:
    """Platforms (all, or those with `ids`) ordered by id, with their aliases."""
    query = select(PlatformRow).order_by(PlatformRow.id)
    if ids is not None:
        query = query.where(PlatformRow.id.in_(ids))
    rows = list(session.scalars(query))
    aliases = _grouped(
        session.scalars(select(AliasRow).where(AliasRow.platform_id.in_([r.id for r in rows]))),
        "platform_id",
    )
    return [convert.platform_from_row(row, aliases[row.id]) for row in rows]


def read_sources(session: Session, ids: list[str] | None = None) -> list[Source]:
    """Sources ordered by id."""
    query = select(SourceRow).order_by(SourceRow.id)
    if ids is not None:
        query = query.where(SourceRow.id.in_(ids))
    return [convert.source_from_row(row) for row in session.scalars(query)]


def read_officials(session: Session, ids: list[str] | None = None) -> list[Official]:
    """Officials ordered by id, with their roles in order."""
    query = select(OfficialRow).order_by(OfficialRow.id)
    if ids is not None:
        query = query.where(OfficialRow.id.in_(ids))
    rows = list(session.scalars(query))
    roles = list(
        session.scalars(select(RoleRow).where(RoleRow.official_id.in_([r.id for r in rows])))
    )
    citations = _grouped(
        session.scalars(
            select(RoleCitationRow).where(RoleCitationRow.role_id.in_([r.id for r in roles]))
        ),
        "role_id",
    )
    by_official = _grouped(roles, "official_id")
    return [convert.official_from_rows(row, by_official[row.id], citations) for row in rows]


def read_engagements(session: Session, ids: list[str] | None = None) -> list[Engagement]:
    """Engagements ordered by date, then id."""
    query = select(EngagementRow).order_by(EngagementRow.date_earliest, EngagementRow.id)
    if ids is not None:
        query = query.where(EngagementRow.id.in_(ids))
    rows = list(session.scalars(query))
    wanted = [r.id for r in rows]
    participants = _grouped(
        session.scalars(
            select(ParticipantRow)
            .where(ParticipantRow.engagement_id.in_(wanted))
            .order_by(ParticipantRow.position)
        ),
        "engagement_id",
    )
    citations = _grouped(
        session.scalars(
            select(EngagementCitationRow).where(EngagementCitationRow.engagement_id.in_(wanted))
        ),
        "engagement_id",
    )
    return [
        convert.engagement_from_row(
            row, [p.official_id for p in participants[row.id]], citations[row.id]
        )
        for row in rows
    ]


def read_programmes(session: Session, ids: list[str] | None = None) -> list[Programme]:
    """Programmes ordered by id."""
    query = select(ProgrammeRow).order_by(ProgrammeRow.id)
    if ids is not None:
        query = query.where(ProgrammeRow.id.in_(ids))
    return [convert.programme_from_row(row) for row in session.scalars(query)]


def read_events(session: Session, programme: str) -> list[StatusEvent]:
    """Every recorded event of a programme, superseded ones included, in insertion order."""
    rows = list(
        session.scalars(
            select(EventRow).where(EventRow.programme_id == programme).order_by(EventRow.id)
        )
    )
    by_id = {r.id: r for r in rows}
    citations = _grouped(
        session.scalars(select(EventCitationRow).where(EventCitationRow.event_id.in_(list(by_id)))),
        "event_id",
    )
    return [
        convert.event_from_row(
            row,
            citations[row.id],
            by_id.get(row.supersedes_id) if row.supersedes_id is not None else None,
        )
        for row in rows
    ]
