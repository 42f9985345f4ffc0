"""The ComfyUI nodes: imagegen Generate, imagegen Edit, imagegen Plan.

Generate and Edit return ``("IMAGE", "STRING")``: the images as a ComfyUI batch and a JSON string with the
asset ids (the catalog keeps the stored, marked and signed files), revised prompts and what the engine
chose. With ``server_url`` empty they run the engine inside the ComfyUI process; otherwise they call that
imagegen server. Inputs come from the limits table (``inputs.py``); values are checked by ``contract.parse``
(in-process) or by the server (remote), and a refused value raises the contract's error and message,
which ComfyUI shows on the node.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from imagegen.contract.errors import ImagegenError, InvalidValue
from imagegen.contract.limits import limits_for, listed_models
from imagegen.contract.sizes import parse_size
from imagegen.integrations.comfyui import inputs
from imagegen.integrations.comfyui.runtime import NamedFile, Operation, ProgressFn, RunResult, run_request
from imagegen.integrations.comfyui.save import ImagegenSave
from imagegen.integrations.comfyui.v2 import CUSTOM, V2_CUSTOM_DEFAULT, V2_MAX_IMAGES

CATEGORY = "imagegen"


def resolve_size(size: str, custom_width: int, custom_height: int) -> str:
    """The request's ``size``: the preset, or ``custom_width`` x ``custom_height`` for ``Custom``."""
    return f"{int(custom_width)}x{int(custom_height)}" if size == CUSTOM else size


def request_body(
    *,
    prompt: str,
    model: str,
    size: str,
    quality: str,
    n: int,
    output_format: str,
    background: str,
    seed: int,
    custom_width: int = V2_CUSTOM_DEFAULT,
    custom_height: int = V2_CUSTOM_DEFAULT,
    output_compression: int | None = None,
    custom_model: str = "",
    plan_json: str | None = None,
) -> dict[str, Any]:
    """The OpenAI-shaped request of a node's inputs (``custom_model`` wins over the combo when not blank)."""
    body: dict[str, Any] = {
        "prompt": prompt,
        "model": custom_model.strip() or model,
        "size": resolve_size(size, custom_width, custom_height),
        "quality": quality,
        "n": n,
        "output_format": output_format,
        "background": background,
        "seed": seed,
    }
    if output_compression is not None:
        body["output_compression"] = output_compression
    if plan_json is not None and plan_json.strip():
        try:
            body["plan"] = json.loads(plan_json)
        except ValueError as exc:
            raise InvalidValue("Invalid value for 'plan': not valid JSON.", param="plan") from exc
    return body


def validate_size(model: str, size: str, custom_width: int, custom_height: int,
                  custom_model: str = "") -> bool | str:
    """ComfyUI's ``VALIDATE_INPUTS`` answer for the size widgets: True, or the contract's message.

    Runs when the graph is queued, before any node executes, so a Custom size the model refuses is
    reported on the node at once. A model outside the table (``custom_model``) is left to the engine."""
    model_id = custom_model.strip() or model
    text = resolve_size(size, custom_width, custom_height)
    if model_id not in listed_models():
        return True
    try:
        parsed = parse_size(text)
        if parsed is not None:
            limits_for(model_id).sizes.check(*parsed, text)
    except ImagegenError as exc:
        return exc.message
    return True


def _comfy_progress() -> ProgressFn | None:
    """A progress callback onto ComfyUI's progress bar, when running inside ComfyUI."""
    try:
        from comfy.utils import ProgressBar
    except Exception:
        return None
    try:
        bar = ProgressBar(100)  # made on the executing thread: it binds to this node
    except Exception:
        return None
    broken = False

    def update(fraction: float, _message: str) -> None:
        # called on a worker thread; a progress bar that fails once is left alone (the job goes on)
        nonlocal broken
        if broken:
            return
        try:
            bar.update_absolute(round(max(0.0, min(1.0, fraction)) * 100), 100)
        except Exception:
            broken = True

    return update


def _info(operation: Operation, result: RunResult, server_url: str) -> str:
    info = {
        "operation": operation,
        "mode": "remote" if server_url.strip() else "in-process",
        "server": server_url.strip() or None,
        "asset_ids": [im.asset_id for im in result.images],
        "revised_prompts": [im.revised_prompt for im in result.images],
        **result.meta,
    }
    return json.dumps(info, indent=2, ensure_ascii=False)


def _outputs(operation: Operation, result: RunResult, server_url: str) -> tuple[Any, str]:
    from imagegen.integrations.comfyui.tensors import decode_images

    return decode_images([im.data for im in result.images]), _info(operation, result, server_url)


def _reference_files(images: list[Any]) -> list[NamedFile]:
    """Every image of every connected reference batch, in input order, as PNG files."""
    from imagegen.integrations.comfyui.tensors import batch_to_pngs

    files: list[NamedFile] = []
    for batch in images:
        files.extend((f"image_{len(files) + i}.png", data) for i, data in enumerate(batch_to_pngs(batch)))
    return files


def _mask_file(mask: Any) -> NamedFile | None:
    from imagegen.integrations.comfyui.tensors import mask_to_png

    return ("mask.png", mask_to_png(mask)) if mask is not None else None


class _ImageNode:
    """What the image nodes share: ComfyUI's output declaration and the size check of their inputs."""

    CATEGORY: ClassVar[str] = CATEGORY
    RETURN_TYPES: ClassVar[tuple[str, ...]] = ("IMAGE", "STRING")
    RETURN_NAMES: ClassVar[tuple[str, ...]] = ("images", "info")

    @classmethod
    def VALIDATE_INPUTS(cls, model: str = "", size: str = "", custom_width: int = V2_CUSTOM_DEFAULT,
                        custom_height: int = V2_CUSTOM_DEFAULT, custom_model: str = "") -> bool | str:
        return validate_size(model, size, custom_width, custom_height, custom_model)


class ImagegenGenerate(_ImageNode):
    """imagegen Generate: prompt (and options) -> images + info JSON; with reference images, an edit.

    Its inputs are those of ComfyUI's stock ``OpenAIGPTImageNodeV2`` with the same names and ranges
    (size presets + Custom with custom_width/custom_height, n, seed, image_1..image_16, mask), plus
    imagegen's extras (output_format, server_url, custom_model, output_compression, plan_json)."""

    FUNCTION: ClassVar[str] = "generate"
    DESCRIPTION: ClassVar[str] = (
        "Generate images with imagegen (GPT Image API). Text in quotes is drawn exactly. Connect reference "
        "images (and a mask) to edit. Every output is catalogued with provenance; 'info' lists the asset "
        "ids. Save with 'imagegen Save' to keep the signed file (ComfyUI's SaveImage re-encodes it and "
        "drops the provenance).")

    @classmethod
    def INPUT_TYPES(cls) -> inputs.InputTypes:  # ComfyUI reads this name
        return inputs.generate_inputs()

    def generate(
        self,
        prompt: str,
        model: str,
        size: str,
        quality: str,
        n: int,
        output_format: str,
        background: str,
        seed: int,
        custom_width: int = V2_CUSTOM_DEFAULT,
        custom_height: int = V2_CUSTOM_DEFAULT,
        mask: Any = None,
        server_url: str = "",
        custom_model: str = "",
        output_compression: int | None = None,
        plan_json: str | None = None,
        **references: Any,
    ) -> tuple[Any, str]:
        """Run the generation (or, with reference images, the edit); returns (IMAGE batch, info JSON)."""
        unknown = sorted(k for k in references if k not in _REFERENCE_NAMES)
        if unknown:
            raise InvalidValue(f"Unknown input(s) {', '.join(unknown)}.", param=unknown[0])
        body = request_body(prompt=prompt, model=model, size=size, quality=quality, n=n,
                            output_format=output_format, background=background, seed=seed,
                            custom_width=custom_width, custom_height=custom_height,
                            output_compression=output_compression, custom_model=custom_model,
                            plan_json=plan_json)
        connected = [references[name] for name in _REFERENCE_NAMES if references.get(name) is not None]
        if not connected and mask is None:
            result = run_request("generate", body, server_url=server_url, on_progress=_comfy_progress())
            return _outputs("generate", result, server_url)
        # a mask without an image is the contract's refusal (parse_edit_request says so by name)
        result = run_request("edit", body, _reference_files(connected), _mask_file(mask),
                             server_url=server_url, on_progress=_comfy_progress())
        return _outputs("edit", result, server_url)


#: the reference image inputs, in order (``image_1`` is the one a mask applies to)
_REFERENCE_NAMES = tuple(f"image_{k}" for k in range(1, V2_MAX_IMAGES + 1))


class ImagegenEdit(_ImageNode):
    """imagegen Edit: image (+ optional mask) + instruction -> images + info JSON."""

    FUNCTION: ClassVar[str] = "edit"
    DESCRIPTION: ClassVar[str] = (
        "Edit an image with imagegen. With a mask (1 = editable), every pixel outside it is kept exactly.")

    @classmethod
    def INPUT_TYPES(cls) -> inputs.InputTypes:  # ComfyUI reads this name
        return inputs.edit_inputs()

    def edit(self, image: Any, prompt: str, **options: Any) -> tuple[Any, str]:
        """Run the edit; returns (IMAGE batch ``[n, H, W, 3]``, info JSON). ``options`` are the Generate
        node's (model, size, quality, n, output_format, background, seed, mask, ...).

        Every image of the ``image`` batch is sent (the first is edited, the others are references);
        the ComfyUI mask becomes an OpenAI mask (1 -> alpha 0) for the first image. It is the Generate
        node with ``image`` as its first reference input.
        """
        return ImagegenGenerate().generate(prompt, image_1=image, **options)


class ImagegenPlan:
    """imagegen Plan: prompt -> the planning engine's plan as JSON (nothing is drawn or stored)."""

    CATEGORY: ClassVar[str] = CATEGORY
    RETURN_TYPES: ClassVar[tuple[str, ...]] = ("STRING",)
    RETURN_NAMES: ClassVar[tuple[str, ...]] = ("plan_json",)
    FUNCTION: ClassVar[str] = "plan"
    DESCRIPTION: ClassVar[str] = (
        "Show the plan (canvas, text blocks, codes, layout) the planning engine compiles from a prompt. "
        "Edit it and feed it to imagegen Generate's plan_json to render it as given.")

    @classmethod
    def INPUT_TYPES(cls) -> inputs.InputTypes:  # ComfyUI reads this name
        return inputs.plan_inputs()

    def plan(self, prompt: str, model: str, size: str, background: str, seed: int,
             custom_width: int = V2_CUSTOM_DEFAULT, custom_height: int = V2_CUSTOM_DEFAULT) -> tuple[str]:
        """Compile the prompt (always in this process: the planner is deterministic and cheap)."""
        from imagegen.contract.parse import parse_generate_request
        from imagegen.engines.planning.planner import compile_prompt

        body = {"prompt": prompt, "model": model, "size": resolve_size(size, custom_width, custom_height),
                "background": background, "seed": seed}
        # the table alone decides here: which engine serves the model does not matter for a plan
        spec = parse_generate_request(body, default_model=model, known_model=lambda _model: True).spec
        plan = compile_prompt(spec.prompt, width=spec.width, height=spec.height, seed=spec.seed,
                              background=spec.background)
        return (json.dumps(plan.to_json(), indent=2, ensure_ascii=False),)


NODE_CLASS_MAPPINGS: dict[str, type] = {
    "ImagegenGenerate": ImagegenGenerate,
    "ImagegenEdit": ImagegenEdit,
    "ImagegenPlan": ImagegenPlan,
    "ImagegenSave": ImagegenSave,
}
NODE_DISPLAY_NAME_MAPPINGS: dict[str, str] = {
    "ImagegenGenerate": "imagegen Generate",
    "ImagegenEdit": "imagegen Edit",
    "ImagegenPlan": "imagegen Plan",
    "ImagegenSave": "imagegen Save",
}
