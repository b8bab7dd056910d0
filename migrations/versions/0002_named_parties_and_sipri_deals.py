"""Named parties and SIPRI deals.

Programmes gain `buyer_party` and `supplier_party`, the names of parties that are not a
country today (historical states, non-state actors, organisations, unknown parties), which
SIPRI's register names. `sipri_deals` keeps each imported trade-register row's own fields,
keyed by a stable deal key, so that a newer release can be matched to what an older one
said and data can be written back in SIPRI's layout.

On SQLite the columns are added with ALTER TABLE (no table rebuild, so existing rows and
their references stay put); the one-buyer/one-supplier checks, which SQLite cannot add to
an existing table, are created on PostgreSQL and enforced by the domain model everywhere.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECKS = {
    "one_buyer": "buyer IS NULL OR buyer_party IS NULL",
    "one_supplier": "supplier IS NULL OR supplier_party IS NULL",
}


def upgrade() -> None:
    op.add_column("programmes", sa.Column("buyer_party", sa.String(length=200), nullable=True))
    op.add_column("programmes", sa.Column("supplier_party", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for name, condition in _CHECKS.items():
            op.create_check_constraint(op.f(f"ck_programmes_{name}"), "programmes", condition)
    op.create_table(
        "sipri_deals",
        sa.Column("programme_id", sa.String(length=120), nullable=False),
        sa.Column("deal_key", sa.String(length=500), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("order_year", sa.Integer(), nullable=False),
        sa.Column("order_year_uncertain", sa.Boolean(), nullable=False),
        sa.Column("number_ordered", sa.Integer(), nullable=True),
        sa.Column("number_ordered_uncertain", sa.Boolean(), nullable=False),
        sa.Column("designation", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("number_delivered", sa.Integer(), nullable=True),
        sa.Column("number_delivered_uncertain", sa.Boolean(), nullable=False),
        sa.Column("delivery_years", sa.String(length=400), nullable=False),
        sa.Column("status", sa.String(length=60), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("tiv_unit", sa.String(length=40), nullable=False),
        sa.Column("tiv_total", sa.String(length=40), nullable=False),
        sa.Column("tiv_delivered", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_sipri_deals_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_sipri_deals_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_sipri_deals")),
        sa.UniqueConstraint("deal_key", name=op.f("uq_sipri_deals_deal_key")),
    )


def downgrade() -> None:
    op.drop_table("sipri_deals")
    if op.get_bind().dialect.name == "postgresql":
        for name in _CHECKS:
            op.drop_constraint(op.f(f"ck_programmes_{name}"), "programmes", type_="check")
    # SQLite 3.35+ drops columns in place; older versions would need a table rebuild.
    op.drop_column("programmes", "supplier_party")
    op.drop_column("programmes", "buyer_party")
