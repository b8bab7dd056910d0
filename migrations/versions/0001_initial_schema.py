"""Initial schema: countries, platforms and aliases, sources, officials and roles,
engagements, programmes, and append-only status events with their citations.

Status events and their citations refuse UPDATE at the database level (a trigger on each
dialect): history is corrected by a new row that supersedes the old one, never rewritten.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_APPEND_ONLY = ("status_events", "event_citations")


def _forbid_updates() -> None:
    """Make history append-only: an UPDATE of an event or citation row is refused."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION procurement_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: record a correction instead', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION procurement_append_only()"
            )
    else:
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a correction "
                "instead'); END"
            )


def _allow_updates() -> None:
    dialect = op.get_bind().dialect.name
    for table in _APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_append_only")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION procurement_append_only()")


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_countries")),
    )
    op.create_table(
        "engagements",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=64), nullable=False),
        sa.Column("date_earliest", sa.Date(), nullable=True),
        sa.Column("date_latest", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('call', 'meeting', 'visit', 'summit', 'dialogue', 'joint_statement', 'signing')",
            name=op.f("ck_engagements_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagements")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=64), nullable=False),
        sa.Column("published_earliest", sa.Date(), nullable=True),
        sa.Column("published_latest", sa.Date(), nullable=False),
        sa.Column("published_note", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('article', 'dataset')", name=op.f("ck_sources_kind")),
        sa.CheckConstraint(
            "published_earliest IS NULL OR published_earliest <= published_latest",
            name=op.f("ck_sources_published_bounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("sha256", name=op.f("uq_sources_sha256")),
    )
    op.create_table(
        "engagement_citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.String(length=120), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("quote_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name=op.f("fk_engagement_citations_engagement_id_engagements"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_engagement_citations_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_citations")),
        sa.UniqueConstraint(
            "engagement_id",
            "source_id",
            "quote_sha256",
            name=op.f("uq_engagement_citations_engagement_id_source_id_quote_sha256"),
        ),
    )
    op.create_index("ix_engagement_citations_source_id", "engagement_citations", ["source_id"])

    op.create_table(
        "officials",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["country"], ["countries.code"], name=op.f("fk_officials_country_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officials")),
    )
    op.create_table(
        "platforms",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("un_category", sa.String(length=3), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("manufacturer", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=2), nullable=True),
        sa.Column("variant_of", sa.String(length=120), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "category IN ('aircraft', 'air-defence systems', 'anti-submarine warfare weapons', 'armoured vehicles', 'artillery', 'engines', 'missiles', 'naval weapons', 'satellites', 'sensors', 'ships', 'other')",
            name=op.f("ck_platforms_category"),
        ),
        sa.CheckConstraint(
            "un_category IN ('I', 'II', 'III', 'IV', 'V', 'VI', 'VII')",
            name=op.f("ck_platforms_un_category"),
        ),
        sa.CheckConstraint("variant_of <> id", name=op.f("ck_platforms_not_own_variant")),
        sa.ForeignKeyConstraint(
            ["origin"], ["countries.code"], name=op.f("fk_platforms_origin_countries")
        ),
        sa.ForeignKeyConstraint(
            ["variant_of"], ["platforms.id"], name=op.f("fk_platforms_variant_of_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("name", name=op.f("uq_platforms_name")),
    )
    op.create_table(
        "engagement_participants",
        sa.Column("engagement_id", sa.String(length=120), nullable=False),
        sa.Column("official_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name=op.f("fk_engagement_participants_engagement_id_engagements"),
        ),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["officials.id"],
            name=op.f("fk_engagement_participants_official_id_officials"),
        ),
        sa.PrimaryKeyConstraint(
            "engagement_id", "official_id", name=op.f("pk_engagement_participants")
        ),
    )
    op.create_table(
        "platform_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.String(length=120), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["platforms.id"],
            name=op.f("fk_platform_aliases_platform_id_platforms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_aliases")),
        sa.UniqueConstraint("key", name=op.f("uq_platform_aliases_key")),
    )
    op.create_index("ix_platform_aliases_platform_id", "platform_aliases", ["platform_id"])

    op.create_table(
        "programmes",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("platform_id", sa.String(length=120), nullable=True),
        sa.Column("buyer", sa.String(length=2), nullable=True),
        sa.Column("supplier", sa.String(length=2), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("value_amount", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("value_currency", sa.String(length=3), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('acquisition', 'lease', 'co_production', 'co_development', 'licensed_production', 'agreement', 'initiative')",
            name=op.f("ck_programmes_kind"),
        ),
        sa.CheckConstraint(
            "(value_amount IS NULL) = (value_currency IS NULL)",
            name=op.f("ck_programmes_value_has_currency"),
        ),
        sa.CheckConstraint("buyer <> supplier", name=op.f("ck_programmes_distinct_parties")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_programmes_quantity_positive")),
        sa.CheckConstraint("value_amount > 0", name=op.f("ck_programmes_value_positive")),
        sa.ForeignKeyConstraint(
            ["buyer"], ["countries.code"], name=op.f("fk_programmes_buyer_countries")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_programmes_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["supplier"], ["countries.code"], name=op.f("fk_programmes_supplier_countries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    op.create_index("ix_programmes_platform_id", "programmes", ["platform_id"])

    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("start", sa.String(length=64), nullable=True),
        sa.Column("start_earliest", sa.Date(), nullable=True),
        sa.Column("start_latest", sa.Date(), nullable=True),
        sa.Column("end", sa.String(length=64), nullable=True),
        sa.Column("end_earliest", sa.Date(), nullable=True),
        sa.Column("end_latest", sa.Date(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["country"], ["countries.code"], name=op.f("fk_roles_country_countries")
        ),
        sa.ForeignKeyConstraint(
            ["official_id"], ["officials.id"], name=op.f("fk_roles_official_id_officials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roles")),
        sa.UniqueConstraint("official_id", "position", name=op.f("uq_roles_official_id_position")),
    )
    op.create_table(
        "role_citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("quote_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_role_citations_role_id_roles")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_role_citations_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_citations")),
        sa.UniqueConstraint(
            "role_id",
            "source_id",
            "quote_sha256",
            name=op.f("uq_role_citations_role_id_source_id_quote_sha256"),
        ),
    )
    op.create_index("ix_role_citations_source_id", "role_citations", ["source_id"])

    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("programme_id", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("effective", sa.String(length=64), nullable=False),
        sa.Column("effective_earliest", sa.Date(), nullable=True),
        sa.Column("effective_latest", sa.Date(), nullable=True),
        sa.Column("sort_start", sa.Date(), nullable=False),
        sa.Column("sort_end", sa.Date(), nullable=False),
        sa.Column("engagement_id", sa.String(length=120), nullable=True),
        sa.Column("outlook_status", sa.String(length=20), nullable=True),
        sa.Column("outlook_by", sa.String(length=64), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outlook_status IN ('proposed', 'announced', 'planned', 'requested', 'negotiating', 'approved', 'agreed', 'contracted', 'signed', 'in_production', 'delivering', 'in_service', 'in_force', 'completed', 'retired', 'expired', 'stalled', 'cancelled')",
            name=op.f("ck_status_events_outlook_status"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'announced', 'planned', 'requested', 'negotiating', 'approved', 'agreed', 'contracted', 'signed', 'in_production', 'delivering', 'in_service', 'in_force', 'completed', 'retired', 'expired', 'stalled', 'cancelled')",
            name=op.f("ck_status_events_status"),
        ),
        sa.CheckConstraint("sort_start <= sort_end", name=op.f("ck_status_events_sort_bounds")),
        sa.CheckConstraint(
            "supersedes_id IS NULL OR reason IS NOT NULL",
            name=op.f("ck_status_events_correction_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name=op.f("fk_status_events_engagement_id_engagements"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_status_events_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["status_events.id"],
            name=op.f("fk_status_events_supersedes_id_status_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
        sa.UniqueConstraint("key", name=op.f("uq_status_events_key")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_status_events_supersedes_id")),
    )
    op.create_index(
        "ix_status_events_programme_order",
        "status_events",
        ["programme_id", "sort_start", "rank", "sort_end", "id"],
    )

    op.create_table(
        "event_citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("quote_sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["status_events.id"],
            name=op.f("fk_event_citations_event_id_status_events"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_event_citations_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_citations")),
        sa.UniqueConstraint(
            "event_id",
            "source_id",
            "quote_sha256",
            name=op.f("uq_event_citations_event_id_source_id_quote_sha256"),
        ),
    )
    op.create_index("ix_event_citations_source_id", "event_citations", ["source_id"])
    _forbid_updates()


def downgrade() -> None:
    _allow_updates()
    op.drop_index("ix_event_citations_source_id", table_name="event_citations")

    op.drop_table("event_citations")
    op.drop_index("ix_status_events_programme_order", table_name="status_events")

    op.drop_table("status_events")
    op.drop_index("ix_role_citations_source_id", table_name="role_citations")

    op.drop_table("role_citations")
    op.drop_table("roles")
    op.drop_index("ix_programmes_platform_id", table_name="programmes")

    op.drop_table("programmes")
    op.drop_index("ix_platform_aliases_platform_id", table_name="platform_aliases")

    op.drop_table("platform_aliases")
    op.drop_table("engagement_participants")
    op.drop_table("platforms")
    op.drop_table("officials")
    op.drop_index("ix_engagement_citations_source_id", table_name="engagement_citations")

    op.drop_table("engagement_citations")
    op.drop_table("sources")
    op.drop_table("engagements")
    op.drop_table("countries")
