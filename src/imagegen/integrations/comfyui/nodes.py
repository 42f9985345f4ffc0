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

from imagegen.contract.errors import InvalidValue
from imagegen.integrations.comfyui import inputs
from imagegen.integrations.comfyui.runtime import Operation, ProgressFn, RunResult, run_request

CATEGORY = "imagegen"


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
    output_compression: int | None = None,
    custom_size: str = "",
    custom_model: str = "",
    plan_json: str | None = None,
) -> dict[str, Any]:
    """The OpenAI-shaped request of a node's inputs (``custom_*`` win over the combos when not blank)."""
    body: dict[str, Any] = {
        "prompt": prompt,
        "model": custom_model.strip() or model,
        "size": custom_size.strip() or size,
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


class ImagegenGenerate:
    """imagegen Generate: prompt (and options) -> images + info JSON."""

    CATEGORY: ClassVar[str] = CATEGORY
    RETURN_TYPES: ClassVar[tuple[str, ...]] = ("IMAGE", "STRING")
    RETURN_NAMES: ClassVar[tuple[str, ...]] = ("images", "info")
    FUNCTION: ClassVar[str] = "generate"
    DESCRIPTION: ClassVar[str] = (
        "Generate images with imagegen (GPT Image API). Text in quotes is drawn exactly. Every output is "
        "catalogued with provenance; 'info' lists the asset ids.")

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
        server_url: str = "",
        api_key: str = "",
        custom_size: str = "",
        custom_model: str = "",
        output_compression: int | None = None,
        plan_json: str | None = None,
    ) -> tuple[Any, str]:
        """Run the generation; returns (IMAGE batch ``[n, H, W, 3]``, info JSON)."""
        body = request_body(prompt=prompt, model=model, size=size, quality=quality, n=n,
                            output_format=output_format, background=background, seed=seed,
                            output_compression=output_compression, custom_size=custom_size,
                            custom_model=custom_model, plan_json=plan_json)
        result = run_request("generate", body, server_url=server_url, api_key=api_key,
                             on_progress=_comfy_progress())
        return _outputs("generate", result, server_url)


class ImagegenEdit:
    """imagegen Edit: image (+ optional mask) + instruction -> images + info JSON."""

    CATEGORY: ClassVar[str] = CATEGORY
    RETURN_TYPES: ClassVar[tuple[str, ...]] = ("IMAGE", "STRING")
    RETURN_NAMES: ClassVar[tuple[str, ...]] = ("images", "info")
    FUNCTION: ClassVar[str] = "edit"
    DESCRIPTION: ClassVar[str] = (
        "Edit an image with imagegen. With a mask (1 = editable), every pixel outside it is kept exactly.")

    @classmethod
    def INPUT_TYPES(cls) -> inputs.InputTypes:  # ComfyUI reads this name
        return inputs.edit_inputs()

    def edit(
        self,
        image: Any,
        prompt: str,
        model: str,
        size: str,
        quality: str,
        n: int,
        output_format: str,
        background: str,
        seed: int,
        mask: Any = None,
        server_url: str = "",
        api_key: str = "",
        custom_size: str = "",
        custom_model: str = "",
        output_compression: int | None = None,
    ) -> tuple[Any, str]:
        """Run the edit; returns (IMAGE batch ``[n, H, W, 3]``, info JSON).

        Every image of the ``image`` batch is sent (the first is edited, the others are references);
        the ComfyUI mask becomes an OpenAI mask (1 -> alpha 0) for the first image.
        """
        from imagegen.integrations.comfyui.tensors import batch_to_pngs, mask_to_png

        body = request_body(prompt=prompt, model=model, size=size, quality=quality, n=n,
                            output_format=output_format, background=background, seed=seed,
                            output_compression=output_compression, custom_size=custom_size,
                            custom_model=custom_model)
        files = [(f"image_{i}.png", data) for i, data in enumerate(batch_to_pngs(image))]
        mask_file = ("mask.png", mask_to_png(mask)) if mask is not None else None
        result = run_request("edit", body, files, mask_file, server_url=server_url, api_key=api_key,
                             on_progress=_comfy_progress())
        return _outputs("edit", result, server_url)


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
             custom_size: str = "") -> tuple[str]:
        """Compile the prompt (always in this process: the planner is deterministic and cheap)."""
        from imagegen.contract.parse import parse_generate_request
        from imagegen.engines.planning.planner import compile_prompt

        body = {"prompt": prompt, "model": model, "size": custom_size.strip() or size,
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
}
NODE_DISPLAY_NAME_MAPPINGS: dict[str, str] = {
    "ImagegenGenerate": "imagegen Generate",
    "ImagegenEdit": "imagegen Edit",
    "ImagegenPlan": "imagegen Plan",
}
