"""The catalog tests, run again on PostgreSQL (tsvector + GIN full text, same repository and queries).

The test functions are the SQLite suite's own (imported, so they cannot drift); the fixtures they use
(``settings``, ``recorder``, ``record``) come from this folder's conftest and point at PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from test_ingest import COMFY_GRAPH, folder, test_ingest_folder, test_parsers  # noqa: F401
from test_lineage_export_usage import (
    test_export_csv_and_json,
    test_lineage_tree_both_directions,
    test_usage_sums,
)
from test_recorder import (
    test_edit_records_parents_and_composite_dst,
    test_load_input_returns_plan_and_match_input,
    test_parents_of_other_tenants_are_not_linked,
    test_record_file_is_idempotent_and_untouched,
    test_record_stores_file_and_row,
    test_tenant_isolation_on_reads,
)
from test_review import (
    check_migration_0004,
    head_revision,
    test_review_states_history_and_approval_query,
    test_thumbnails_are_made_once,
)
from test_search import (
    test_auditor_query_is_one_cli_command,
    test_families_group_near_duplicates_only,
    test_filters_and_dates,
    test_full_text_over_prompt_and_rendered_text,
    test_keyset_pagination_is_complete_and_stable,
)
from test_trace import test_exact_bytes_and_phash

__all__ = [
    "test_auditor_query_is_one_cli_command",
    "test_edit_records_parents_and_composite_dst",
    "test_exact_bytes_and_phash",
    "test_export_csv_and_json",
    "test_families_group_near_duplicates_only",
    "test_filters_and_dates",
    "test_full_text_over_prompt_and_rendered_text",
    "test_ingest_folder",
    "test_keyset_pagination_is_complete_and_stable",
    "test_lineage_tree_both_directions",
    "test_load_input_returns_plan_and_match_input",
    "test_parents_of_other_tenants_are_not_linked",
    "test_record_file_is_idempotent_and_untouched",
    "test_record_stores_file_and_row",
    "test_review_states_history_and_approval_query",
    "test_tenant_isolation_on_reads",
    "test_thumbnails_are_made_once",
    "test_usage_sums",
]


def test_schema_on_postgres(recorder):
    """Every migration ran (to the head); full text is a generated tsvector with a GIN index."""
    with recorder.sessions() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        insp = inspect(s.get_bind())
        cols = {c["name"] for c in insp.get_columns("catalog_assets")}
        assert "search_tsv" in cols
        idx = {i["name"] for i in insp.get_indexes("catalog_assets")}
        assert {"ix_catalog_assets_search_tsv", "ix_catalog_assets_tenant_model_created"} <= idx
        assert s.get_bind().dialect.name == "postgresql"


def test_migration_0004_postgres(settings, record):
    """The review migration down to 0003 and back up on PostgreSQL."""
    check_migration_0004(settings.database_url, record)
