"""The relational schema: the only place SQLAlchemy tables are declared.

Dates from the domain are stored three ways: the EDTF text (what the source supports) and
its inclusive bounds as DATE columns (what queries compare). Status events are
append-only: a correction is a new row pointing at the one it supersedes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from procurement.domain.base import NAME_LENGTH
from procurement.domain.engagements import EngagementKind
from procurement.domain.lifecycle import Kind, Status
from procurement.domain.platforms import Category, UNCategory
from procurement.domain.sources import SourceKind

__all__ = [
    "AliasRow",
    "Base",
    "CountryRow",
    "EngagementCitationRow",
    "EngagementRow",
    "EventCitationRow",
    "EventRow",
    "OfficialRow",
    "ParticipantRow",
    "PlatformRow",
    "ProgrammeRow",
    "RoleCitationRow",
    "RoleRow",
    "SipriDealRow",
    "SourceRow",
    "UTCDateTime",
    "metadata",
    "table_of",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(120)
EDTF = String(64)
NAME = String(NAME_LENGTH)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """The record-keeping clock."""
    return dt.datetime.now(dt.UTC)


def _one_of(column: str, values: Any) -> str:
    listed = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({listed})"


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


metadata = Base.metadata


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as one (for bulk statements)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class CountryRow(Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(NAME)


class PlatformRow(Base):
    __tablename__ = "platforms"
    __table_args__ = (
        CheckConstraint(_one_of("category", Category), name="category"),
        CheckConstraint(_one_of("un_category", UNCategory), name="un_category"),
        CheckConstraint("variant_of <> id", name="not_own_variant"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    category: Mapped[str | None] = mapped_column(String(40))
    un_category: Mapped[str | None] = mapped_column(String(3))
    role: Mapped[str | None] = mapped_column(NAME)
    manufacturer: Mapped[str | None] = mapped_column(NAME)
    origin: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    variant_of: Mapped[str | None] = mapped_column(ForeignKey("platforms.id"), index=True)
    reference: Mapped[str | None] = mapped_column(Text)


class AliasRow(Base):
    """Every name of a platform (its canonical name included), keyed for matching."""

    __tablename__ = "platform_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[str] = mapped_column(ForeignKey("platforms.id"), index=True)
    alias: Mapped[str] = mapped_column(NAME)
    key: Mapped[str] = mapped_column(NAME, unique=True)
    position: Mapped[int] = mapped_column(SmallInteger)


class SourceRow(Base):
    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(_one_of("kind", SourceKind), name="kind"),
        CheckConstraint(
            "published_earliest IS NULL OR published_earliest <= published_latest",
            name="published_bounds",
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(NAME)
    author: Mapped[str | None] = mapped_column(NAME)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str] = mapped_column(EDTF)
    published_earliest: Mapped[dt.date | None] = mapped_column(Date)
    published_latest: Mapped[dt.date] = mapped_column(Date)
    published_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfficialRow(Base):
    __tablename__ = "officials"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))


class RoleRow(Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("official_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("officials.id"))
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(NAME)
    organisation: Mapped[str | None] = mapped_column(NAME)
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    start: Mapped[str | None] = mapped_column(EDTF)
    start_earliest: Mapped[dt.date | None] = mapped_column(Date)
    start_latest: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[str | None] = mapped_column(EDTF)
    end_earliest: Mapped[dt.date | None] = mapped_column(Date)
    end_latest: Mapped[dt.date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(Text)


class RoleCitationRow(Base):
    __tablename__ = "role_citations"
    __table_args__ = (UniqueConstraint("role_id", "source_id", "quote_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    quote_sha256: Mapped[str] = mapped_column(String(64))


class EngagementRow(Base):
    __tablename__ = "engagements"
    __table_args__ = (CheckConstraint(_one_of("kind", EngagementKind), name="kind"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str] = mapped_column(EDTF)
    date_earliest: Mapped[dt.date | None] = mapped_column(Date)
    date_latest: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(NAME)
    reference: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class ParticipantRow(Base):
    __tablename__ = "engagement_participants"

    engagement_id: Mapped[str] = mapped_column(ForeignKey("engagements.id"), primary_key=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("officials.id"), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger)


class EngagementCitationRow(Base):
    __tablename__ = "engagement_citations"
    __table_args__ = (UniqueConstraint("engagement_id", "source_id", "quote_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engagement_id: Mapped[str] = mapped_column(ForeignKey("engagements.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    quote_sha256: Mapped[str] = mapped_column(String(64))


class ProgrammeRow(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint(_one_of("kind", Kind), name="kind"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("value_amount > 0", name="value_positive"),
        CheckConstraint(
            "(value_amount IS NULL) = (value_currency IS NULL)", name="value_has_currency"
        ),
        CheckConstraint("buyer <> supplier", name="distinct_parties"),
        CheckConstraint("buyer IS NULL OR buyer_party IS NULL", name="one_buyer"),
        CheckConstraint("supplier IS NULL OR supplier_party IS NULL", name="one_supplier"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    platform_id: Mapped[str | None] = mapped_column(ForeignKey("platforms.id"), index=True)
    buyer: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    supplier: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    buyer_party: Mapped[str | None] = mapped_column(NAME)
    supplier_party: Mapped[str | None] = mapped_column(NAME)
    quantity: Mapped[int | None] = mapped_column(Integer)
    value_amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    value_currency: Mapped[str | None] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventRow(Base):
    """A status event. `sort_start`/`sort_end` are the bounds with open sides filled in,
    so that "latest event up to D" is one ordered index scan on both databases.
    `known_from` (when its earliest source was published) and `superseded_from` (when a
    correction of it became known) are derived from citations and corrections."""

    __tablename__ = "status_events"
    __table_args__ = (
        CheckConstraint(_one_of("status", Status), name="status"),
        CheckConstraint(_one_of("outlook_status", Status), name="outlook_status"),
        CheckConstraint("sort_start <= sort_end", name="sort_bounds"),
        CheckConstraint(
            "supersedes_id IS NULL OR reason IS NOT NULL", name="correction_has_reason"
        ),
        Index("ix_status_events_sort_start", "sort_start", "sort_end"),
        Index(
            "ix_status_events_programme_order",
            "programme_id",
            "sort_start",
            "rank",
            "sort_end",
            "id",
            # PostgreSQL answers "newest event per programme" from the index alone.
            postgresql_include=[
                "status",
                "effective",
                "effective_latest",
                "known_from",
                "superseded_from",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"))
    status: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(SmallInteger)
    effective: Mapped[str] = mapped_column(EDTF)
    effective_earliest: Mapped[dt.date | None] = mapped_column(Date)
    effective_latest: Mapped[dt.date | None] = mapped_column(Date)
    sort_start: Mapped[dt.date] = mapped_column(Date)
    sort_end: Mapped[dt.date] = mapped_column(Date)
    engagement_id: Mapped[str | None] = mapped_column(ForeignKey("engagements.id"))
    outlook_status: Mapped[str | None] = mapped_column(String(20))
    outlook_by: Mapped[str | None] = mapped_column(EDTF)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("status_events.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Derived, kept up to date by the loader: the only columns that may be updated.
    known_from: Mapped[dt.date | None] = mapped_column(Date)
    superseded_from: Mapped[dt.date | None] = mapped_column(Date)


class EventCitationRow(Base):
    __tablename__ = "event_citations"
    __table_args__ = (UniqueConstraint("event_id", "source_id", "quote_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("status_events.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    quote_sha256: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SipriDealRow(Base):
    """A SIPRI trade-register deal behind a programme: the row's own fields as the latest
    release imported states them, so the deal can be matched across releases and written
    back in SIPRI's layout."""

    __tablename__ = "sipri_deals"

    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), primary_key=True)
    deal_key: Mapped[str] = mapped_column(String(500), unique=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    order_year: Mapped[int] = mapped_column(Integer)
    order_year_uncertain: Mapped[bool] = mapped_column(Boolean)
    number_ordered: Mapped[int | None] = mapped_column(Integer)
    number_ordered_uncertain: Mapped[bool] = mapped_column(Boolean)
    designation: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(200))
    number_delivered: Mapped[int | None] = mapped_column(Integer)
    number_delivered_uncertain: Mapped[bool] = mapped_column(Boolean)
    delivery_years: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(60))
    comments: Mapped[str] = mapped_column(Text)
    tiv_unit: Mapped[str] = mapped_column(String(40))
    tiv_total: Mapped[str] = mapped_column(String(40))
    tiv_delivered: Mapped[str] = mapped_column(String(40))
