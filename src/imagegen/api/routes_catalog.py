"""Catalog routes (search, lineage, assets, verify, export, usage). Filled by the provenance work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
