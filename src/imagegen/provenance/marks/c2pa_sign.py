"""Sign a C2PA manifest into an encoded file, LAST (any later write invalidates the hard binding).

Manifest (c2pa-python 0.38, claim v2): claim generator ``imagegen/<version>``; a ``c2pa.actions`` assertion
with ``c2pa.created`` + ``digitalSourceType`` for generations, or ``c2pa.opened`` (the first input, a
``parentOf`` ingredient) + ``c2pa.edited`` (+ ``c2pa.placed`` for further inputs, ``componentOf``) for edits;
files another service made that we built on (an upstream's output with its own manifest) are ``componentOf``
ingredients with ``c2pa.placed``, for generations too;
and an ``org.imagegen.asset`` assertion with the asset id, engine, version, backend and requested model.
A copy of a finished file in another format (``transcoded_from``: a download in JPEG or WebP of a stored PNG)
gets ``c2pa.opened`` (the stored file, a ``parentOf`` ingredient whose own manifest travels inside) +
``c2pa.transcoded``: the copy claims only the conversion, the history stays the original's.
No timestamp authority (offline: ``ta_url=None``), no thumbnail (it costs ~0.07 s and bloats every file).
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import c2pa

from imagegen import __version__
from imagegen.provenance.marks.certs import Signer, load_or_create_signer
from imagegen.provenance.records import FileProvenance, Ingredient

__all__ = ["MIME", "Signer", "load_or_create_signer", "manifest_definition", "sign_asset"]

log = logging.getLogger(__name__)

MIME = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp"}
ASSET_ASSERTION = "org.imagegen.asset"


def manifest_definition(
    prov: FileProvenance, *, output_format: str, ingredient_labels: list[str], transcoded: bool = False
) -> dict[str, Any]:
    """The manifest JSON handed to ``c2pa.Builder`` (ingredients are added separately, by label)."""
    agent = {"name": "imagegen", "version": __version__}
    actions: list[dict[str, Any]]
    parents = [label for label in ingredient_labels if label.startswith("parent-")]
    components = [label for label in ingredient_labels if not label.startswith("parent-")]
    if transcoded and parents:
        actions = [
            {"action": "c2pa.opened", "softwareAgent": agent, "parameters": {"ingredientIds": parents[:1]}},
            {
                "action": "c2pa.transcoded",
                "softwareAgent": agent,
                "description": f"re-encoded as {MIME[output_format]} by imagegen",
            },
        ]
    elif prov.operation == "edit" and parents:
        actions = [
            {
                "action": "c2pa.opened",
                "softwareAgent": agent,
                "parameters": {"ingredientIds": parents[:1]},
            },
            {
                "action": "c2pa.edited",
                "softwareAgent": agent,
                "digitalSourceType": prov.digital_source_type,
                "description": "edited with imagegen",
            },
        ]
    else:
        # an edit without readable inputs is still AI output: record it as created, never claim a parent
        actions = [
            {"action": "c2pa.created", "softwareAgent": agent, "digitalSourceType": prov.digital_source_type}
        ]
    if components:
        # further inputs of an edit, and files another service made that we built on (an upstream's output)
        placed = {"ingredientIds": components}
        actions.append({"action": "c2pa.placed", "softwareAgent": agent, "parameters": placed})
    ext = "jpg" if output_format == "jpeg" else output_format
    return {
        "claim_generator_info": [agent],
        "title": f"{prov.asset_id}.{ext}",
        "format": MIME[output_format],
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
            {
                "label": ASSET_ASSERTION,
                "data": {
                    "asset_id": prov.asset_id,
                    "engine": prov.engine,
                    "engine_version": prov.engine_version,
                    "backend": prov.backend,
                    "requested_model": prov.requested_model,
                    "created_at": prov.created_at,
                },
            },
        ],
    }


def _settings(signer: Signer) -> c2pa.Settings:
    return c2pa.Settings.from_dict(
        {
            "builder": {"thumbnail": {"enabled": False}},
            # so the ingredients' own manifests (our earlier outputs) validate as trusted inside the claim
            "trust": {"user_anchors": signer.root_cert_pem},
            "verify": {"remote_manifest_fetch": False},
        }
    )


def sign_asset(
    data: bytes,
    *,
    output_format: str,
    prov: FileProvenance,
    signer: Signer,
    transcoded_from: Ingredient | None = None,
) -> bytes:
    """Return ``data`` (an encoded png/jpeg/webp with its XMP/text already written) with a signed manifest.

    ``transcoded_from``: ``data`` is a re-encoding of that signed file (see the module docstring); its
    manifest is the copy's only ingredient."""
    mime = MIME[output_format]
    if transcoded_from is not None:
        original: dict[str, Any] = {"title": transcoded_from.title, "relationship": "parentOf",
                                    "label": "parent-0"}
        if transcoded_from.asset_id:
            original["instance_id"] = f"imagegen:{transcoded_from.asset_id}"
        try:
            return _sign(data, mime, output_format, prov, signer, [(original, transcoded_from)],
                         transcoded=True)
        except c2pa.C2paError as exc:
            # an original c2pa cannot take (an ingested file's broken manifest) must not lose the copy's own
            log.warning("C2PA: the original of %s is not a usable ingredient (%s); signing without it",
                        prov.asset_id, exc)
            return _sign(data, mime, output_format, prov, signer, [])
    ingredients: list[tuple[dict[str, Any], Ingredient]] = []
    for i, ing in enumerate(prov.ingredients):
        parent = prov.operation == "edit" and i == 0 and ing.relationship != "componentOf"
        if prov.operation == "edit" or ing.relationship == "componentOf":
            label = f"{'parent' if parent else 'component'}-{i}"
            meta: dict[str, Any] = {
                "title": ing.title,
                "relationship": "parentOf" if parent else "componentOf",
                "label": label,
            }
            if ing.asset_id:
                meta["instance_id"] = f"imagegen:{ing.asset_id}"
            ingredients.append((meta, ing))
    usable = [(meta, ing) for meta, ing in ingredients if _readable(ing)]
    try:
        return _sign(data, mime, output_format, prov, signer, usable)
    except c2pa.C2paError as exc:
        if not usable:
            raise
        # an input c2pa cannot parse must not lose the output: sign without ingredients and say so
        log.warning("C2PA: signing with ingredients failed (%s); signing %s without them", exc, prov.asset_id)
        return _sign(data, mime, output_format, prov, signer, [])


def _sign(
    data: bytes,
    mime: str,
    output_format: str,
    prov: FileProvenance,
    signer: Signer,
    ingredients: list[tuple[dict[str, Any], Ingredient]],
    *,
    transcoded: bool = False,
) -> bytes:
    labels = [meta["label"] for meta, _ in ingredients]
    manifest = manifest_definition(prov, output_format=output_format, ingredient_labels=labels,
                                   transcoded=transcoded)
    native = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(signer.alg, signer.cert_chain_pem, signer.private_key_pem, None)
    )
    context = c2pa.Context(settings=_settings(signer))
    with context, native, c2pa.Builder(json.dumps(manifest), context=context) as builder:
        for meta, ing in ingredients:
            builder.add_ingredient(json.dumps(meta), MIME[ing.format], io.BytesIO(ing.data))
        out = io.BytesIO()
        builder.sign(native, mime, io.BytesIO(data), out)
    return out.getvalue()


def _readable(ing: Ingredient) -> bool:
    """Whether c2pa can take this ingredient (a supported format with some bytes)."""
    return bool(ing.data) and ing.format in MIME
