"""Provenance: marks in the file (XMP/IPTC, PNG text, watermark, C2PA signed last), the content-addressed
asset store, the tenant-scoped catalog, search, lineage, ingest, verify and export.

``recorder.Recorder.record`` is the single save point through which every output of every engine passes.
"""
