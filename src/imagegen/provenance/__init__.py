"""Provenance, in two parts and the values they share.

- ``marks``: what goes into the file (watermark, XMP/IPTC, PNG text record, C2PA signed last, inspection).
- ``catalog``: the content-addressed asset store, the save point, the tenant-scoped catalog, search, lineage,
  trace, ingest, export, usage, reproduce and thumbnails.
- ``records``: plain values both use.

``catalog.recorder.Recorder.record`` is the single save point through which every output of every engine
passes. The catalog imports the marks; the marks never import the catalog (an import-linter contract).
"""
