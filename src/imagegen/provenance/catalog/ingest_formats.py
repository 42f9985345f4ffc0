"""Read what other tools wrote into their images: ComfyUI graphs, A1111 parameters, C2PA manifests.

Pure parsing of metadata already loaded from a file; nothing here touches the file system.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

_ID = re.compile(r"img_[0-9a-f]{16}")


@dataclass
class Extracted:
    """What a file says about how it was made (all optional)."""

    kind: str = "unknown"
    prompt: str = ""
    negative_prompt: str | None = None
    models: list[str] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    #: the original record as found (ComfyUI prompt/workflow, A1111 parameters, C2PA summary)
    original: dict[str, Any] = field(default_factory=dict)
    digital_source_type: str = ""
    #: asset ids named by C2PA ingredients
    ingredient_ids: list[str] = field(default_factory=list)
    generator: str = ""


# ---- ComfyUI ----------------------------------------------------------------------------------------------
_SAMPLERS_SEED = ("seed", "noise_seed")
_MODEL_INPUTS = ("ckpt_name", "unet_name", "model_name", "model_path")
_TEXT_INPUTS = ("text", "text_g", "text_l", "string", "value", "prompt")


def _link(value: Any) -> str | None:
    """ComfyUI links are ``[node_id, output_index]``."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str | int):
        return str(value[0])
    return None


def _texts(graph: dict[str, Any], node_id: str | None, seen: set[str]) -> list[str]:
    """Prompt texts feeding a conditioning input: follow encoders, combiners and primitive text nodes."""
    if node_id is None or node_id in seen or node_id not in graph:
        return []
    seen.add(node_id)
    inputs = graph[node_id].get("inputs", {}) or {}
    out: list[str] = []
    for name in _TEXT_INPUTS:
        val = inputs.get(name)
        if isinstance(val, str) and val.strip():
            out.append(val)
        elif _link(val):
            out += _texts(graph, _link(val), seen)
    if not out:
        # conditioning combiners / concat / set-area nodes: follow every linked input
        for val in inputs.values():
            if _link(val):
                out += _texts(graph, _link(val), seen)
    return list(dict.fromkeys(out))


def parse_comfyui(prompt_json: str, workflow_json: str | None) -> Extracted:
    """Models, seeds and prompts from a ComfyUI API graph (``prompt`` chunk); ``workflow`` kept as is."""
    graph = json.loads(prompt_json)
    if not isinstance(graph, dict):
        raise ValueError("ComfyUI prompt chunk is not a node graph")
    ex = Extracted(kind="comfyui")
    ex.original = {"prompt": graph}
    if workflow_json:
        try:
            ex.original["workflow"] = json.loads(workflow_json)
        except ValueError:
            ex.original["workflow_raw"] = workflow_json
    positives: list[str] = []
    negatives: list[str] = []
    for node_id in sorted(graph, key=lambda k: (len(k), k)):
        node = graph[node_id]
        if not isinstance(node, dict):
            continue
        inputs = node.get("inputs", {}) or {}
        ctype = str(node.get("class_type", ""))
        for name in _MODEL_INPUTS:
            if isinstance(inputs.get(name), str):
                ex.models.append(inputs[name])
        if "lora_name" in inputs and isinstance(inputs["lora_name"], str):
            ex.params.setdefault("loras", []).append(inputs["lora_name"])
        if "Sampler" in ctype or "positive" in inputs:
            for name in _SAMPLERS_SEED:
                if isinstance(inputs.get(name), int):
                    ex.seeds.append(inputs[name])
            positives += _texts(graph, _link(inputs.get("positive")), set())
            negatives += _texts(graph, _link(inputs.get("negative")), set())
            for key in ("steps", "cfg", "sampler_name", "scheduler", "denoise"):
                if key in inputs and not _link(inputs[key]):
                    ex.params.setdefault(key, inputs[key])
        if ctype.startswith("EmptyLatentImage") or ctype == "EmptySD3LatentImage":
            w, h = inputs.get("width"), inputs.get("height")
            if isinstance(w, int) and isinstance(h, int):
                ex.params.setdefault("size", f"{w}x{h}")
    ex.models = list(dict.fromkeys(ex.models))
    ex.prompt = "\n".join(dict.fromkeys(positives))
    ex.negative_prompt = "\n".join(dict.fromkeys(negatives)) or None
    return ex


# ---- AUTOMATIC1111 / Forge --------------------------------------------------------------------------------
# the same key: value grammar A1111 itself uses to read its infotext back
_A1111_PARAM = re.compile(r'\s*([\w ]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')


def parse_a1111(text: str) -> Extracted:
    """Prompt, negative prompt and the ``Steps: .., Seed: ..`` line of an A1111 ``parameters`` record."""
    ex = Extracted(kind="a1111", original={"parameters": text})
    lines = text.strip().split("\n")
    params_line = ""
    if lines and len(_A1111_PARAM.findall(lines[-1])) >= 3:
        params_line = lines.pop()
    prompt_lines: list[str] = []
    neg_lines: list[str] = []
    in_neg = False
    for line in lines:
        if line.startswith("Negative prompt:"):
            in_neg = True
            line = line[len("Negative prompt:") :].strip()
        (neg_lines if in_neg else prompt_lines).append(line)
    ex.prompt = "\n".join(prompt_lines).strip()
    ex.negative_prompt = "\n".join(neg_lines).strip() or None
    for key, value in _A1111_PARAM.findall(params_line):
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value[1:-1]
        ex.params[key.strip()] = value
    seed = ex.params.get("Seed")
    if isinstance(seed, str) and seed.strip().lstrip("-").isdigit():
        ex.seeds.append(int(seed))
    if ex.params.get("Model"):
        ex.models.append(str(ex.params["Model"]))
    elif ex.params.get("Model hash"):
        ex.models.append(f"hash:{ex.params['Model hash']}")
    return ex


def exif_user_comment(img: Image.Image) -> str | None:
    """A1111 writes ``parameters`` into EXIF UserComment for JPEG/WebP."""
    try:
        raw = img.getexif().get_ifd(0x8769).get(0x9286)
    except Exception:
        return None
    if isinstance(raw, bytes):
        head, body = raw[:8], raw[8:]
        if head.startswith(b"UNICODE"):
            for enc in ("utf-16-be", "utf-16-le"):
                try:
                    text = body.decode(enc)
                    if text.isprintable() or "\n" in text:
                        return text
                except UnicodeDecodeError:
                    continue
        return (
            body.decode("utf-8", "replace") if head.startswith(b"ASCII") else raw.decode("utf-8", "replace")
        )
    return raw if isinstance(raw, str) else None


# ---- C2PA ------------------------------------------------------------------------------------------------
def parse_c2pa(data: bytes, mime: str) -> Extracted | None:
    """Claim generator, actions (digital source type) and ingredients of the active manifest, if any."""
    try:
        import c2pa

        with c2pa.Reader(mime, io.BytesIO(data)) as reader:
            store = json.loads(reader.json())
    except Exception:
        return None
    label = store.get("active_manifest")
    manifest = (store.get("manifests") or {}).get(label or "", {})
    if not manifest:
        return None
    ex = Extracted(kind="c2pa")
    gen = manifest.get("claim_generator") or ""
    if not gen and manifest.get("claim_generator_info"):
        info = manifest["claim_generator_info"][0]
        gen = f"{info.get('name', '')} {info.get('version', '')}".strip()
    ex.generator = gen
    actions: list[dict[str, Any]] = []
    for assertion in manifest.get("assertions", []):
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            actions += assertion.get("data", {}).get("actions", [])
    for action in actions:
        if action.get("digitalSourceType"):
            ex.digital_source_type = action["digitalSourceType"]
    ingredients = manifest.get("ingredients", [])
    ex.ingredient_ids = list(dict.fromkeys(_ID.findall(json.dumps(ingredients))))
    ex.original = {
        "c2pa": {
            "active_manifest": label,
            "claim_generator": gen,
            "actions": actions,
            "ingredients": [
                {"title": i.get("title"), "relationship": i.get("relationship")} for i in ingredients
            ],
            "validation_state": store.get("validation_state"),
        }
    }
    ex.prompt = ""
    return ex
