"""Read whole domain records back from the store, in the same order on every database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session

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
from procurement.store.sql import chunks

__all__ = [
    "read_engagements",
    "read_events",
    "read_officials",
    "read_platforms",
    "read_programmes",
    "read_sources",
]


def _rows(
    session: Session, query: Select[Any], column: QueryableAttribute[Any], ids: list[Any] | None
) -> Iterator[Any]:
    """The rows of `query`, all or those whose `column` is in `ids` (a chunk at a time)."""
    if ids is None:
        yield from session.scalars(query)
        return
    for chunk in chunks(ids):
        yield from session.scalars(query.where(column.in_(chunk)))


def _id(row: Any) -> str:
    """Sort key: ids in code-point order, which is byte order on both databases."""
    return str(row.id)


def _grouped(rows: Any, key: str) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def read_platforms(session: Session, ids: list[str] | None = None) -> list[Platform]:
    """Platforms (all, or those with `ids`) ordered by id, with their aliases."""
    rows = sorted(_rows(session, select(PlatformRow), PlatformRow.id, ids), key=_id)
    aliases = _grouped(
        _rows(session, select(AliasRow), AliasRow.platform_id, [r.id for r in rows]),
        "platform_id",
    )
    return [convert.platform_from_row(row, aliases[row.id]) for row in rows]


def read_sources(session: Session, ids: list[str] | None = None) -> list[Source]:
    """Sources ordered by id."""
    rows = sorted(_rows(session, select(SourceRow), SourceRow.id, ids), key=_id)
    return [convert.source_from_row(row) for row in rows]


def read_officials(session: Session, ids: list[str] | None = None) -> list[Official]:
    """Officials ordered by id, with their roles in order."""
    rows = sorted(_rows(session, select(OfficialRow), OfficialRow.id, ids), key=_id)
    roles = list(_rows(session, select(RoleRow), RoleRow.official_id, [r.id for r in rows]))
    citations = _grouped(
        _rows(session, select(RoleCitationRow), RoleCitationRow.role_id, [r.id for r in roles]),
        "role_id",
    )
    by_official = _grouped(roles, "official_id")
    return [convert.official_from_rows(row, by_official[row.id], citations) for row in rows]


def read_engagements(session: Session, ids: list[str] | None = None) -> list[Engagement]:
    """Engagements ordered by date (undated ones first), then id."""
    rows = sorted(
        _rows(session, select(EngagementRow), EngagementRow.id, ids),
        key=lambda r: (r.date_earliest is not None, r.date_earliest or dt.date.min, r.id),
    )
    wanted = [r.id for r in rows]
    participants = _grouped(
        _rows(
            session,
            select(ParticipantRow).order_by(ParticipantRow.position),
            ParticipantRow.engagement_id,
            wanted,
        ),
        "engagement_id",
    )
    citations = _grouped(
        _rows(session, select(EngagementCitationRow), EngagementCitationRow.engagement_id, wanted),
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
    rows = sorted(_rows(session, select(ProgrammeRow), ProgrammeRow.id, ids), key=_id)
    return [convert.programme_from_row(row) for row in rows]


def read_events(session: Session, programme: str) -> list[StatusEvent]:
    """Every recorded event of a programme, superseded ones included, in insertion order."""
    rows = list(
        session.scalars(
            select(EventRow).where(EventRow.programme_id == programme).order_by(EventRow.id)
        )
    )
    by_id = {r.id: r for r in rows}
    citations = _grouped(
        _rows(
            session,
            select(EventCitationRow).order_by(EventCitationRow.id),
            EventCitationRow.event_id,
            list(by_id),
        ),
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
