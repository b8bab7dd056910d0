"""Knowledge columns on status events, for queries that stay fast at scale.

Platforms are indexed by the platform they are a variant of, for a platform's family.
On PostgreSQL the index on (programme, history order) now covers the columns an as-of
query reads. `known_from` is the earliest latest-publication-day among an event's sources: the event
is known at K when known_from <= K. `superseded_from` is the known_from of the correction
that supersedes it, if any. Both are derived from citations and corrections, kept up to
date by the loader, and backfilled here. They are the only columns of status_events that
may change: the append-only trigger is recreated to guard the columns that carry history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY = (
    "id, key, programme_id, status, rank, effective, effective_earliest, effective_latest, "
    "sort_start, sort_end, engagement_id, outlook_status, outlook_by, supersedes_id, "
    "reason, note, recorded_at"
)
_COVERED = ["status", "effective", "effective_latest", "known_from", "superseded_from"]
MESSAGE = "status_events is append-only: record a correction instead"


def _drop_trigger(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("DROP TRIGGER status_events_append_only ON status_events")
    else:
        op.execute("DROP TRIGGER status_events_append_only")


def _create_trigger(dialect: str, columns: str | None) -> None:
    of = f"OF {columns} " if columns else ""
    if dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER status_events_append_only BEFORE UPDATE {of}ON status_events "
            "FOR EACH ROW EXECUTE FUNCTION procurement_append_only()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER status_events_append_only BEFORE UPDATE {of}ON status_events "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("status_events", sa.Column("known_from", sa.Date(), nullable=True))
    op.add_column("status_events", sa.Column("superseded_from", sa.Date(), nullable=True))
    _drop_trigger(dialect)
    op.execute(
        "UPDATE status_events SET known_from = (SELECT MIN(s.published_latest) "
        "FROM event_citations c JOIN sources s ON s.id = c.source_id "
        "WHERE c.event_id = status_events.id)"
    )
    op.execute(
        "UPDATE status_events SET superseded_from = (SELECT MIN(c.known_from) "
        "FROM status_events c WHERE c.supersedes_id = status_events.id)"
    )
    _create_trigger(dialect, HISTORY)
    op.create_index("ix_status_events_sort_start", "status_events", ["sort_start", "sort_end"])
    op.create_index("ix_platforms_variant_of", "platforms", ["variant_of"])
    if dialect == "postgresql":
        # Cover the columns an as-of query reads, so it needs no table access.
        op.drop_index("ix_status_events_programme_order", table_name="status_events")
        op.create_index(
            "ix_status_events_programme_order",
            "status_events",
            ["programme_id", "sort_start", "rank", "sort_end", "id"],
            postgresql_include=_COVERED,
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_status_events_sort_start", table_name="status_events")
    op.drop_index("ix_platforms_variant_of", table_name="platforms")
    if dialect == "postgresql":
        op.drop_index("ix_status_events_programme_order", table_name="status_events")
        op.create_index(
            "ix_status_events_programme_order",
            "status_events",
            ["programme_id", "sort_start", "rank", "sort_end", "id"],
        )
    _drop_trigger(dialect)
    op.drop_column("status_events", "superseded_from")
    op.drop_column("status_events", "known_from")
    _create_trigger(dialect, None)
