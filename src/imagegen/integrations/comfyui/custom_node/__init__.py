"""ComfyUI loader shim for imagegen's node pack.

Put this folder in ``ComfyUI/custom_nodes/`` (a symlink named e.g. ``imagegen``, or a copy); ComfyUI
imports it and reads the two mappings below. The pack itself lives in ``imagegen.integrations.comfyui``:

- if ``imagegen`` is installed in ComfyUI's Python (``pip install /path/to/imagegen``), that is used;
- otherwise the ``src/`` folder of the checkout this file belongs to is put on ``sys.path`` (through a
  symlink, ``__file__`` resolves into the checkout), or the folder named by ``IMAGEGEN_SRC``.

See docs/comfyui.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _candidate_src() -> list[Path]:
    found = []
    env = os.environ.get("IMAGEGEN_SRC")
    if env:
        found.append(Path(env).expanduser().resolve())
    # <src>/imagegen/integrations/comfyui/custom_node/__init__.py
    here = Path(__file__).resolve()
    if len(here.parents) > 4:
        found.append(here.parents[4])
    return found


try:
    from imagegen.integrations.comfyui import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS
except ImportError:
    for _src in _candidate_src():
        if (_src / "imagegen" / "integrations" / "comfyui" / "nodes.py").is_file():
            sys.path.insert(0, str(_src))
            break
    else:
        raise ImportError(
            "imagegen is not importable from ComfyUI's Python. Install it there "
            "(pip install /path/to/imagegen), symlink this folder instead of copying it, or set "
            "IMAGEGEN_SRC to the checkout's src/ folder. See docs/comfyui.md."
        ) from None
    from imagegen.integrations.comfyui import NODE_CLASS_MAPPINGS, NODE_DISPLAY_NAME_MAPPINGS

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS"]
