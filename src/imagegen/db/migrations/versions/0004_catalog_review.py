"""Catalog: review state per asset (draft / approved / rejected) and its history (SPEC §11).

Revision ID: 0004
Revises: 0003

The current state, who set it, when and with what comment sit on the asset row (``review_state`` defaults to
``draft`` for every existing row), so listings, the approval query (``review=approved&root=...``) and the
export read them without a join; ``(tenant_id, review_state, created_at)`` serves "every approved asset".
Every change is also appended to ``catalog_reviews`` (the history the asset page and the API show).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "catalog_assets",
        sa.Column("review_state", sa.String(length=16), nullable=False, server_default="draft"),
    )
    op.add_column("catalog_assets", sa.Column("review_by", sa.String(length=300), nullable=True))
    op.add_column("catalog_assets", sa.Column("review_at", sa.DateTime(), nullable=True))
    op.add_column("catalog_assets", sa.Column("review_comment", sa.Text(), nullable=True))
    op.create_index(
        "ix_catalog_assets_tenant_review",
        "catalog_assets",
        ["tenant_id", "review_state", "created_at"],
        unique=False,
    )
    op.create_table(
        "catalog_reviews",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("asset_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["catalog_assets.asset_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index(
        "ix_catalog_reviews_tenant_asset", "catalog_reviews", ["tenant_id", "asset_id", "seq"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_catalog_reviews_tenant_asset", table_name="catalog_reviews")
    op.drop_table("catalog_reviews")
    op.drop_index("ix_catalog_assets_tenant_review", table_name="catalog_assets")
    for column in ("review_comment", "review_at", "review_by", "review_state"):
        op.drop_column("catalog_assets", column)
