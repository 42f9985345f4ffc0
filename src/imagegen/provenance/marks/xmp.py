"""The XMP packet of every output: IPTC digital source type + AI fields, Dublin Core / XMP basics, our ids.

Written before signing (the C2PA hard binding covers it). Where it goes (FIELD-NOTES.md): PNG as an
uncompressed iTXt ``XML:com.adobe.xmp`` chunk (Pillow ignores ``xmp=`` for PNG); JPEG and WebP through
Pillow's ``xmp=`` (JPEG's APP1 segment holds at most 65,504 bytes: the prompt is cut to ``MAX_PROMPT_CHARS``).

IPTC Photo Metadata 2025.1 AI properties used: ``Iptc4xmpExt:DigitalSourceType``, ``AISystemUsed``,
``AISystemVersionUsed``, ``AIPromptInformation``, ``AIPromptWriterName`` (only when the user is known).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

from imagegen import __version__
from imagegen.provenance.records import FileProvenance

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "imagegen": "http://ns.imagegen.invalid/xmp/1.0/",
}
#: keeps the JPEG packet well under its 65,504-byte segment even after XML escaping
MAX_PROMPT_CHARS = 8000
MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def build_xmp(prov: FileProvenance, *, output_format: str, record_json: str) -> bytes:
    """The XMP packet (UTF-8) for one output file; ``record_json`` is the text record (see ``textrecord``)."""
    prompt = prov.prompt
    if len(prompt) > MAX_PROMPT_CHARS:
        prompt = prompt[:MAX_PROMPT_CHARS] + " [truncated]"
    system = f"imagegen {prov.engine} engine ({prov.backend}); requested model {prov.requested_model}"
    props: list[tuple[str, str]] = [
        ("dc:format", MIME[output_format]),
        ("dc:identifier", prov.asset_id),
        ("xmp:CreatorTool", f"imagegen {__version__}"),
        ("xmp:CreateDate", prov.created_at),
        ("xmp:MetadataDate", prov.created_at),
        ("xmpMM:DocumentID", f"imagegen:{prov.asset_id}"),
        ("xmpMM:InstanceID", f"imagegen:{prov.asset_id}"),
        ("Iptc4xmpExt:DigitalSourceType", prov.digital_source_type),
        ("Iptc4xmpExt:AISystemUsed", system),
        ("Iptc4xmpExt:AISystemVersionUsed", prov.engine_version),
        ("Iptc4xmpExt:AIPromptInformation", prompt),
        ("imagegen:AssetId", prov.asset_id),
        ("imagegen:Engine", prov.engine),
        ("imagegen:EngineVersion", prov.engine_version),
        ("imagegen:Backend", prov.backend),
        ("imagegen:RequestedModel", prov.requested_model),
        ("imagegen:Operation", prov.operation),
        ("imagegen:Record", record_json),
    ]
    if prov.user:
        props.append(("Iptc4xmpExt:AIPromptWriterName", prov.user))
    namespaces = " ".join(f"xmlns:{p}={quoteattr(u)}" for p, u in NS.items() if p not in ("x", "rdf"))
    body = "\n".join(f"   <{k}>{escape(v)}</{k}>" for k, v in props)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" {namespaces}>\n'
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def parse_xmp(packet: str | bytes | None) -> dict[str, Any]:
    """Simple properties of an XMP packet as ``{"prefix:Name": value}`` for the namespaces in ``NS``.

    Reads both element and attribute forms (other writers, e.g. exiftool, use either); unknown namespaces are
    kept under their full ``{uri}Name`` key. Malformed packets yield ``{}``.
    """
    if not packet:
        return {}
    if isinstance(packet, bytes):
        packet = packet.decode("utf-8", "replace")
    start = packet.find("<x:xmpmeta")
    end = packet.rfind("</x:xmpmeta>")
    if start >= 0 and end > start:
        packet = packet[start : end + len("</x:xmpmeta>")]
    try:
        root = ElementTree.fromstring(packet)
    except Exception:  # defusedxml raises several types for hostile or broken XML
        return {}
    prefixes = {uri: p for p, uri in NS.items()}
    out: dict[str, Any] = {}

    def key(tag: str) -> str:
        if tag.startswith("{"):
            uri, _, name = tag[1:].partition("}")
            return f"{prefixes[uri]}:{name}" if uri in prefixes else tag
        return tag

    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        for attr, value in desc.attrib.items():
            if not attr.startswith(f"{{{NS['rdf']}}}"):
                out[key(attr)] = value
        for child in desc:
            items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
            if items:
                out[key(child.tag)] = items[0] if len(items) == 1 else items
            elif len(child) == 0:
                out[key(child.tag)] = child.text or ""
    return out
