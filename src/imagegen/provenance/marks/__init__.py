"""The marks in the file: invisible watermark, XMP/IPTC packet, PNG text record, the PNG writer, C2PA signing
(last) with its certificates, and ``inspect`` to read them all back.

``marking.mark`` runs the whole order for one output. Nothing here imports the catalog
(``provenance.catalog``); the plain values shared with it are in ``provenance.records``.
"""
