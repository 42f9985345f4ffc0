"""Catalog: assets, lineage edges, prompt families (+ LSH bands) and the full-text index.

Revision ID: 0002
Revises: 0001

Full text is dialect-specific: an FTS5 external-content table kept in step by triggers on SQLite (so the index
changes in the same transaction as the row), a generated ``tsvector`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Contentless FTS5 table kept in step by triggers (same transaction as the row). Besides prompt and rendered
# text it indexes one token per tenant ('t' + hex of the tenant id): a tenant's text search is then one FTS
# query that walks matching rowids newest-first and stops at the page size, whatever the tenant's size.
_TENANT_TOKEN = "'t' || hex({row}.tenant_id)"
FTS_SQLITE = [
    "CREATE VIRTUAL TABLE catalog_fts USING fts5(tenant, prompt, rendered_text, content='', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER catalog_assets_ai AFTER INSERT ON catalog_assets BEGIN "
    "INSERT INTO catalog_fts(rowid, tenant, prompt, rendered_text) "
    f"VALUES (new.seq, {_TENANT_TOKEN.format(row='new')}, new.prompt, new.rendered_text); END",
    "CREATE TRIGGER catalog_assets_ad AFTER DELETE ON catalog_assets BEGIN "
    "INSERT INTO catalog_fts(catalog_fts, rowid, tenant, prompt, rendered_text) "
    f"VALUES ('delete', old.seq, {_TENANT_TOKEN.format(row='old')}, old.prompt, old.rendered_text); END",
    "CREATE TRIGGER catalog_assets_au AFTER UPDATE OF tenant_id, prompt, rendered_text ON catalog_assets "
    "BEGIN "
    "INSERT INTO catalog_fts(catalog_fts, rowid, tenant, prompt, rendered_text) "
    f"VALUES ('delete', old.seq, {_TENANT_TOKEN.format(row='old')}, old.prompt, old.rendered_text); "
    "INSERT INTO catalog_fts(rowid, tenant, prompt, rendered_text) "
    f"VALUES (new.seq, {_TENANT_TOKEN.format(row='new')}, new.prompt, new.rendered_text); END",
]

FTS_POSTGRES = [
    "ALTER TABLE catalog_assets ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', coalesce(prompt, '') || ' ' || coalesce(rendered_text, ''))) STORED",
    "CREATE INDEX ix_catalog_assets_search_tsv ON catalog_assets USING gin (search_tsv)",
]


def upgrade() -> None:
    op.create_table(
        "catalog_assets",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("asset_id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("requested_model", sa.String(length=200), nullable=False),
        sa.Column("engine", sa.String(length=100), nullable=False),
        sa.Column("engine_version", sa.String(length=50), nullable=False),
        sa.Column("backend", sa.String(length=200), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=True),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("prompt_sha256", sa.String(length=64), nullable=False),
        sa.Column("negative_prompt", sa.Text(), nullable=True),
        sa.Column("revised_prompt", sa.Text(), nullable=False),
        sa.Column("rendered_text", sa.Text(), nullable=False),
        sa.Column("digital_source_type", sa.String(length=120), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("usage", sa.JSON(), nullable=False),
        sa.Column("upstream_cost", sa.JSON(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("render_sha256", sa.String(length=64), nullable=True),
        sa.Column("phash", sa.String(length=16), nullable=True),
        sa.Column("output_format", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("watermark_id", sa.String(length=32), nullable=True),
        sa.Column("c2pa_manifest_label", sa.String(length=200), nullable=True),
        sa.Column("family_id", sa.String(length=32), nullable=True),
        sa.Column("compute_seconds", sa.Float(), nullable=False),
        sa.Column("cost_credits", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_catalog_assets")),
        sa.UniqueConstraint("asset_id", name=op.f("uq_catalog_assets_asset_id")),
        sa.UniqueConstraint("tenant_id", "sha256", name="uq_catalog_assets_tenant_sha256"),
    )
    op.create_index("ix_catalog_assets_sha256", "catalog_assets", ["sha256"], unique=False)
    op.create_index("ix_catalog_assets_storage_key", "catalog_assets", ["storage_key"], unique=False)
    op.create_index(
        "ix_catalog_assets_tenant_created", "catalog_assets", ["tenant_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_catalog_assets_tenant_engine",
        "catalog_assets",
        ["tenant_id", "engine", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_catalog_assets_tenant_family", "catalog_assets", ["tenant_id", "family_id"], unique=False
    )
    # covering index of the auditor's query (tenant + model + dates, grouped by family): no table lookups
    op.create_index(
        "ix_catalog_assets_tenant_model_created",
        "catalog_assets",
        ["tenant_id", "requested_model", "created_at", "family_id", "asset_id", "engine", "user"],
        unique=False,
    )
    op.create_index(
        "ix_catalog_assets_tenant_user", "catalog_assets", ["tenant_id", "user", "created_at"], unique=False
    )
    op.create_index(
        "ix_catalog_assets_tenant_watermark", "catalog_assets", ["tenant_id", "watermark_id"], unique=False
    )
    op.create_table(
        "catalog_families",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "family_id", name=op.f("pk_catalog_families")),
    )
    op.create_table(
        "catalog_family_bands",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("band_hash", sa.BigInteger(), nullable=False),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "band", "band_hash", "family_id", name=op.f("pk_catalog_family_bands")
        ),
    )
    op.create_table(
        "catalog_edges",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["catalog_assets.asset_id"],
            name=op.f("fk_catalog_edges_child_id_catalog_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["catalog_assets.asset_id"],
            name=op.f("fk_catalog_edges_parent_id_catalog_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "child_id", "parent_id", name=op.f("pk_catalog_edges")),
    )
    op.create_index(
        "ix_catalog_edges_tenant_parent", "catalog_edges", ["tenant_id", "parent_id"], unique=False
    )
    dialect = op.get_bind().dialect.name
    for stmt in FTS_SQLITE if dialect == "sqlite" else FTS_POSTGRES if dialect == "postgresql" else []:
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("catalog_assets_ai", "catalog_assets_ad", "catalog_assets_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS catalog_fts")
    op.drop_table("catalog_edges")
    op.drop_table("catalog_family_bands")
    op.drop_table("catalog_families")
    op.drop_table("catalog_assets")
