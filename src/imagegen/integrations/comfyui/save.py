"""imagegen Save: write the signed file itself and record ComfyUI's graph in the catalog.

ComfyUI's stock SaveImage re-encodes the pixels and writes only its own ``prompt``/``workflow`` text chunks:
the watermark survives, but the XMP, the text record and the C2PA manifest are gone. This node writes the
file the catalog holds instead:

- an image that is exactly an imagegen asset named in ``info`` (the output of imagegen Generate/Edit) is
  written as that asset's stored file, byte for byte (already marked and signed), and the graph is added to
  the asset's record;
- any other image (changed by other nodes, or made by ComfyUI's own models) is captured: marked, signed
  (``c2pa.edited`` with the named assets as ingredients, else ``c2pa.created``) and catalogued with
  lineage to those assets.

ComfyUI's graph (its API ``prompt`` and UI ``workflow``) goes into the catalog, never into the file, and
only after every value that looks like a credential has been redacted.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from imagegen.integrations.comfyui import inputs

#: input names whose values are credentials wherever they appear in a graph
_SECRET_NAME = re.compile(r"(api[_-]?key|token|secret|password|passwd|authorization|credential)", re.I)
#: imagegen's own key format (``imagegen.tenants``: ``ig_<16 hex>_<secret>``), caught even under an
#: innocent input name (a key pasted into a text box); matched loosely so a truncated key is caught too
_IMAGEGEN_KEY = re.compile(r"\big_[0-9a-f]{16}_[A-Za-z0-9_-]+")
REDACTED = "[redacted]"


def secret_values(value: Any) -> set[str]:
    """Every string held under a credential-like name anywhere in ``value`` (the API-format prompt names
    its inputs; the UI workflow keeps the same values in unnamed ``widgets_values`` lists)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str) and _SECRET_NAME.search(k) and isinstance(v, str) and len(v) >= 4:
                found.add(v)
            else:
                found |= secret_values(v)
    elif isinstance(value, list):
        for v in value:
            found |= secret_values(v)
    return found


def redact(value: Any, *, secrets: tuple[str, ...] = ()) -> Any:
    """A copy of a ComfyUI graph (any JSON value) with credential values replaced by ``[redacted]``:
    values of inputs named like credentials, imagegen keys anywhere, and the literal ``secrets`` given
    (the key this process uses; values found under credential names elsewhere in the graph)."""
    if isinstance(value, Mapping):
        return {k: (REDACTED if isinstance(k, str) and _SECRET_NAME.search(k)
                    and isinstance(v, str | int | float) and v != "" else redact(v, secrets=secrets))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secrets=secrets) for v in value]
    if isinstance(value, str):
        text = _IMAGEGEN_KEY.sub(REDACTED, value)
        for secret in secrets:
            if secret:
                text = text.replace(secret, REDACTED)
        return text
    return value


def _process_secrets() -> tuple[str, ...]:
    return tuple(v for k, v in os.environ.items()
                 if v and len(v) >= 8 and _SECRET_NAME.search(k) and k.startswith(("IMAGEGEN_", "OPENAI_")))


def output_directory() -> Path:
    """ComfyUI's output folder inside ComfyUI; ``IMAGEGEN_COMFYUI_OUTPUT`` or ``./output`` elsewhere."""
    try:
        import folder_paths

        return Path(folder_paths.get_output_directory())
    except Exception:
        return Path(os.environ.get("IMAGEGEN_COMFYUI_OUTPUT") or "output").resolve()


def _next_path(folder: Path, prefix: str, ext: str) -> tuple[Path, str]:
    """``<prefix>_<counter>.<ext>`` with the next free counter; the prefix may name a subfolder."""
    prefix = prefix.strip() or "imagegen"
    if Path(prefix).is_absolute() or ".." in Path(prefix).parts:
        raise ValueError(f"filename_prefix {prefix!r} must stay inside the output folder.")
    target = (folder / prefix).parent
    stem = Path(prefix).name
    target.mkdir(parents=True, exist_ok=True)
    taken = [int(m.group(1)) for p in target.glob(f"{glob_escape(stem)}_*.*")
             if (m := re.fullmatch(re.escape(stem) + r"_(\d{5})\.\w+", p.name))]
    counter = max(taken, default=0) + 1
    path = target / f"{stem}_{counter:05d}.{ext}"
    return path, str(target.relative_to(folder)) if target != folder else ""


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _parents(info: str | None) -> tuple[str, ...]:
    if not info or not info.strip():
        return ()
    try:
        data = json.loads(info)
    except ValueError as exc:
        raise ValueError("info must be the JSON that imagegen Generate/Edit returns.") from exc
    if data.get("mode") == "remote":
        return ()  # those assets live in the server's catalog, not this process's
    return tuple(str(a) for a in data.get("asset_ids") or [])


def _comfy_version() -> str:
    try:
        import comfyui_version

        return str(comfyui_version.__version__)
    except Exception:
        return ""


class ImagegenSave:
    """imagegen Save: IMAGE -> signed files in ComfyUI's output folder + catalog records of the graph."""

    CATEGORY: ClassVar[str] = "imagegen"
    RETURN_TYPES: ClassVar[tuple[str, ...]] = ("STRING",)
    RETURN_NAMES: ClassVar[tuple[str, ...]] = ("info",)
    FUNCTION: ClassVar[str] = "save"
    OUTPUT_NODE: ClassVar[bool] = True
    DESCRIPTION: ClassVar[str] = (
        "Save images as signed files with their provenance (XMP, C2PA Content Credentials, invisible "
        "watermark) and record this ComfyUI graph in imagegen's catalog. Use it instead of ComfyUI's "
        "SaveImage for imagegen outputs: SaveImage re-encodes the pixels and drops the XMP and the C2PA "
        "manifest. Credentials in the graph are redacted before it is recorded; nothing is written into "
        "the file but imagegen's own provenance.")

    @classmethod
    def INPUT_TYPES(cls) -> inputs.InputTypes:  # ComfyUI reads this name
        return inputs.save_inputs()

    def save(
        self,
        images: Any,
        filename_prefix: str,
        output_format: str,
        info: str | None = None,
        prompt: Any = None,
        extra_pnginfo: Any = None,
        unique_id: Any = None,
    ) -> dict[str, Any]:
        """Write and record every image of the batch; returns ComfyUI's ``ui`` (the saved files, shown by
        the node) and ``result`` (the info JSON: asset ids, paths, reused or captured)."""
        from PIL import Image

        from imagegen.integrations.comfyui.runtime import local_service
        from imagegen.integrations.comfyui.tensors import batch_to_pngs
        from imagegen.service.capture import CaptureSource, capture
        from imagegen.tenants import LOCAL_TENANT

        secrets = tuple(sorted({*_process_secrets(), *secret_values(prompt), *secret_values(extra_pnginfo)},
                               key=len, reverse=True))
        graph: dict[str, Any] = {}
        if prompt is not None:
            graph["prompt"] = redact(prompt, secrets=secrets)
        workflow = (extra_pnginfo or {}).get("workflow") if isinstance(extra_pnginfo, Mapping) else None
        if workflow is not None:
            graph["workflow"] = redact(workflow, secrets=secrets)
        if unique_id is not None:
            graph["node"] = str(unique_id)
        pixels = []
        for png in batch_to_pngs(images):
            with Image.open(io.BytesIO(png)) as im:
                im.load()
                pixels.append(im.copy())
        catalog = local_service().catalog(LOCAL_TENANT)
        results = capture(catalog.save_point, LOCAL_TENANT, pixels,
                          source=CaptureSource("comfyui", _comfy_version(), "comfyui:graph"),
                          parents=_parents(info), output_format=output_format,  # type: ignore[arg-type]
                          extra={"comfyui": graph} if graph else None)
        folder = output_directory()
        saved, shown = [], []
        for item in results:
            path, subfolder = _next_path(folder, filename_prefix, item.asset.output_format)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(item.asset.data)
            os.replace(tmp, path)
            saved.append({"path": str(path), "asset_id": item.asset.asset_id, "reused": item.reused})
            shown.append({"filename": path.name, "subfolder": subfolder, "type": "output"})
        result = json.dumps({"saved": saved}, indent=2)
        return {"ui": {"images": shown}, "result": (result,)}
