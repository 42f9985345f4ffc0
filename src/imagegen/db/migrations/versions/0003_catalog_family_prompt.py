"""Catalog: the family's founding prompt on each asset row, in the auditor's covering index.

Revision ID: 0003
Revises: 0002

``search_grouped`` names every family it returns. Reading that name from ``catalog_families`` costs one
primary-key seek per family (1,623 seeks into 452,157 rows for the benchmark's auditor query: most of the
query's cold time). A family's founding prompt never changes, so it is copied onto its assets
(``family_prompt``, written by ``CatalogRepository.add_asset``) and, on SQLite, added to the covering
(tenant, model, created_at, ...) index: the grouped listing is then one index range scan. Existing rows are
backfilled from ``catalog_families``.

PostgreSQL gets the column but keeps its index: a B-tree entry must stay under ~2.7 kB and a founding prompt
may be up to 2,000 characters (SQLite spills long index entries to overflow pages).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_catalog_assets_tenant_model_created"
OLD_COLUMNS = ["tenant_id", "requested_model", "created_at", "family_id", "asset_id", "engine", "user"]

BACKFILL = (
    "UPDATE catalog_assets SET family_prompt = ("
    "SELECT f.prompt FROM catalog_families f "
    "WHERE f.tenant_id = catalog_assets.tenant_id AND f.family_id = catalog_assets.family_id"
    ") WHERE family_id IS NOT NULL"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # drop the covering index first: the backfill then rewrites rows without maintaining it
        op.drop_index(INDEX, table_name="catalog_assets")
    op.add_column("catalog_assets", sa.Column("family_prompt", sa.Text(), nullable=True))
    op.execute(BACKFILL)
    if sqlite:
        op.create_index(INDEX, "catalog_assets", [*OLD_COLUMNS, "family_prompt"], unique=False)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.drop_index(INDEX, table_name="catalog_assets")
    op.drop_column("catalog_assets", "family_prompt")
    if sqlite:
        op.create_index(INDEX, "catalog_assets", OLD_COLUMNS, unique=False)
