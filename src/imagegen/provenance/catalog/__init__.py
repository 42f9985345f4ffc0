"""The tenant-scoped catalog: tables, the repository (the only way in), full text, prompt families, search."""

from imagegen.provenance.catalog.repository import CatalogRepository, referenced_storage_keys

__all__ = ["CatalogRepository", "referenced_storage_keys"]
