"""The store and the catalog: the save point (``recorder``), the content-addressed asset store, the
tenant-scoped tables, the repository (the only way in), full text, prompt families, review, search, lineage,
trace, ingest, export, usage, reproduce and thumbnails."""

from imagegen.provenance.catalog.repository import CatalogRepository, referenced_storage_keys

__all__ = ["CatalogRepository", "referenced_storage_keys"]
