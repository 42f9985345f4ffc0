"""imagegen's ComfyUI node pack: imagegen Generate, Edit, Plan and Save (category ``imagegen``).

ComfyUI reads ``NODE_CLASS_MAPPINGS`` and ``NODE_DISPLAY_NAME_MAPPINGS`` from a custom node package; the
loader shim in ``custom_node/`` (symlinked or copied into ``ComfyUI/custom_nodes/``) re-exports these.
Importing the pack is cheap: it needs neither ComfyUI nor torch, and the service, the engines and httpx
are imported only when a node runs. See docs/comfyui.md.
"""

from imagegen.integrations.comfyui.nodes import (
    NODE_CLASS_MAPPINGS,
    NODE_DISPLAY_NAME_MAPPINGS,
    ImagegenEdit,
    ImagegenGenerate,
    ImagegenPlan,
    ImagegenSave,
)

__all__ = [
    "NODE_CLASS_MAPPINGS",
    "NODE_DISPLAY_NAME_MAPPINGS",
    "ImagegenEdit",
    "ImagegenGenerate",
    "ImagegenPlan",
    "ImagegenSave",
]
