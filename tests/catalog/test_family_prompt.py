"""``family_prompt`` (migration 0003): grouped listings name families from the asset rows.

The grouped output must be exactly what the family-table lookup gave before the column existed, the recorder
must fill the column, and the migration must backfill a catalog that already holds data.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, select, update
from sqlalchemy.orm import Session

from imagegen.db.engine import alembic_config
from imagegen.provenance.catalog.models import Asset, Family
from imagegen.provenance.catalog.search import (
    FAMILY_NAMES,
    SearchQuery,
    grouped_to_json,
    search_grouped,
)

PROMPTS = [
    "A flat design poster for a jazz night at the Blue Room, headline Summer Jazz, date in the footer",
    "A flat design poster for a jazz night at the Blue Room, headline Summer Jazz, date in the footer, neon",
    "Quarterly tax seminar slide: a bar chart of deductions, navy palette, speaker photo on the right",
    "Ramen bar menu board with twelve items and prices, hand lettering, warm colors",
    "Bike repair shop banner, retro style, a wrench and a chain, opening hours at the bottom",
]


def _reference(session: Session, tenant: str, q: SearchQuery) -> dict[str, object]:
    """The grouped answer as the pre-0003 code built it: names from ``catalog_families``."""
    FAMILY_NAMES.clear()
    session.execute(update(Asset).where(Asset.tenant_id == tenant).values(family_prompt=None))
    out = grouped_to_json(search_grouped(session, tenant, q))
    session.rollback()
    return out


def _catalog(record) -> None:
    for i, prompt in enumerate(PROMPTS):
        record("acme", prompt, n=1 + i % 3, model="gpt-image-2" if i % 2 == 0 else "gpt-image-1")
    record("acme", PROMPTS[3], n=2)  # joins an existing family later
    record("other", PROMPTS[0], n=2)  # same prompt, another tenant: its own family


def test_recorder_writes_the_family_prompt(record, recorder):
    _catalog(record)
    with recorder.sessions() as s:
        rows = s.execute(select(Asset.tenant_id, Asset.family_id, Asset.family_prompt)).all()
        fams = {(f.tenant_id, f.family_id): f.prompt for f in s.scalars(select(Family))}
    assert rows and all(fid is not None for _, fid, _ in rows)
    for tenant, fid, fp in rows:
        assert fp == fams[(tenant, fid)]


def test_grouped_output_identical_to_family_lookup(record, recorder):
    _catalog(record)
    queries = [
        SearchQuery(),
        SearchQuery(model="gpt-image-2"),
        SearchQuery(text="poster"),
        SearchQuery(date_from=datetime(2000, 1, 1), date_to=datetime.now() + timedelta(days=1)),
    ]
    with recorder.sessions() as s:
        for tenant in ("acme", "other", "nobody"):
            for q in queries:
                FAMILY_NAMES.clear()
                new = grouped_to_json(search_grouped(s, tenant, q))
                assert new == _reference(s, tenant, q), (tenant, q)
            # truncated: families only counted (past max_assets) are still named
            FAMILY_NAMES.clear()
            new_t = search_grouped(s, tenant, SearchQuery(), max_assets=2)
            FAMILY_NAMES.clear()
            s.execute(update(Asset).values(family_prompt=None))
            old_t = search_grouped(s, tenant, SearchQuery(), max_assets=2)
            s.rollback()
            assert grouped_to_json(new_t) == grouped_to_json(old_t)
        acme = search_grouped(s, "acme", SearchQuery())
        assert all(g.prompt for g in acme.groups)
        assert {g.prompt for g in acme.groups} <= set(PROMPTS)


def test_rows_without_family_prompt_fall_back_to_lookup(record, recorder):
    """A row missing the column (written around the repository) still gets its family's name."""
    _catalog(record)
    with recorder.sessions() as s:
        FAMILY_NAMES.clear()
        want = grouped_to_json(search_grouped(s, "acme", SearchQuery()))
        first = s.scalars(select(Asset.asset_id).where(Asset.tenant_id == "acme").limit(1)).one()
        s.execute(update(Asset).where(Asset.asset_id == first).values(family_prompt=None))
        FAMILY_NAMES.clear()
        assert grouped_to_json(search_grouped(s, "acme", SearchQuery())) == want
        s.rollback()


def _insert_0002_rows(path: Path) -> None:
    """Rows as a 0002 catalog holds them (no family_prompt), written with raw SQL."""
    con = sqlite3.connect(path)
    base = datetime(2026, 4, 22, 9, 0, 0)
    fams = {("t1", "img_fam_a"): PROMPTS[0], ("t1", "img_fam_b"): PROMPTS[2], ("t2", "img_fam_a"): PROMPTS[3]}
    for (tenant, fid), prompt in fams.items():
        con.execute(
            "INSERT INTO catalog_families (tenant_id, family_id, signature, prompt, created_at) "
            "VALUES (?, ?, x'00', ?, ?)",
            (tenant, fid, prompt, base.strftime("%Y-%m-%d %H:%M:%S.%f")),
        )
    layout: list[tuple[str, str | None]] = (
        [("t1", "img_fam_a")] * 3 + [("t1", "img_fam_b")] * 2 + [("t2", "img_fam_a")] + [("t1", None)]
    )
    for i, (tenant, fam) in enumerate(layout):
        sha = f"{i:064x}"
        con.execute(
            "INSERT INTO catalog_assets (asset_id, tenant_id, created_at, source, operation, "
            "requested_model, engine, engine_version, backend, user, prompt, prompt_sha256, "
            "revised_prompt, rendered_text, digital_source_type, params, timings, usage, extra, sha256, "
            "output_format, content_type, width, height, size_bytes, storage_key, family_id, "
            "compute_seconds, cost_credits) VALUES (?, ?, ?, "
            "'generated', 'generate', 'gpt-image-2', 'planning', '0.1.0', 'procedural', 'ann', ?, '', "
            "'', '', '', '{}', '{}', '{}', '{}', ?, 'png', 'image/png', 64, 64, 10, ?, ?, 0.0, 0.0)",
            (
                f"img_{i:016x}",
                tenant,
                (base + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                fams.get((tenant, fam or ""), "x"),
                sha,
                f"k/{sha}.png",
                fam,
            ),
        )
    con.commit()
    con.close()


def test_migration_0003_backfills_an_existing_catalog(tmp_path: Path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0002")
    _insert_0002_rows(path)
    eng = create_engine(url)
    q = SearchQuery(model="gpt-image-2")
    with Session(eng) as s:
        # the 0002 model has no family_prompt: compute the reference through the family table by hand
        ref_names = dict(
            s.execute(select(Family.family_id, Family.prompt).where(Family.tenant_id == "t1")).all()
        )
    eng.dispose()
    command.upgrade(cfg, "head")
    eng = create_engine(url)
    try:
        with Session(eng) as s:
            insp = inspect(s.get_bind())
            assert "family_prompt" in {c["name"] for c in insp.get_columns("catalog_assets")}
            [ix] = [
                i
                for i in insp.get_indexes("catalog_assets")
                if i["name"] == "ix_catalog_assets_tenant_model_created"
            ]
            assert ix["column_names"][-1] == "family_prompt"
            rows = s.execute(select(Asset.tenant_id, Asset.family_id, Asset.family_prompt)).all()
            assert sorted(rows, key=str) == sorted(
                [("t1", "img_fam_a", PROMPTS[0])] * 3
                + [("t1", "img_fam_b", PROMPTS[2])] * 2
                + [("t2", "img_fam_a", PROMPTS[3]), ("t1", None, None)],
                key=str,
            )
            FAMILY_NAMES.clear()
            res = search_grouped(s, "t1", q)
            assert [(g.family_id, g.count, g.prompt) for g in res.groups] == [
                ("img_fam_a", 3, ref_names["img_fam_a"]),
                ("img_fam_b", 2, ref_names["img_fam_b"]),
                (None, 1, ""),
            ]
            assert grouped_to_json(res) == _reference(s, "t1", q)
    finally:
        eng.dispose()
    # and back down
    command.downgrade(cfg, "0002")
    con = sqlite3.connect(path)
    cols = {r[1] for r in con.execute("PRAGMA table_info(catalog_assets)")}
    ix_cols = [r[2] for r in con.execute("PRAGMA index_info(ix_catalog_assets_tenant_model_created)")]
    con.close()
    assert "family_prompt" not in cols
    assert ix_cols[-1] == "user"
